"""Render the report model to HTML (self-contained: charts embedded) and to PDF with WeasyPrint.

Builds are cached by the data fingerprint, the edition and its links: the same data gives the same bytes,
so a file built earlier from identical data is served as is.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from reports.i18n import DEFAULT_LANG, check_lang
from reports.report import RENDERER_VERSION, ReportModel, api_links, load_inputs, model_from

REPORT_FORMATS = ("html", "pdf")


def render_html(model: ReportModel) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("annual_report.html.j2").render(m=model, w=model.words, renderer_version=RENDERER_VERSION)


def render_pdf(model: ReportModel, html: str | None = None) -> bytes:
    """Tagged PDF (text alternatives and structure travel with it); the file identifier is derived from the
    data fingerprint and the dates from the data, so the bytes depend on the data only."""
    from weasyprint import HTML

    html = html if html is not None else render_html(model)
    return HTML(string=html, base_url=None).write_pdf(
        pdf_identifier=model.fingerprint[:32].encode("ascii"), pdf_tags=True, uncompressed_pdf=False)


def report_filename(year: int, fmt: str, lang: str = DEFAULT_LANG) -> str:
    """annual-report-2025.pdf for the French (default) edition, annual-report-2025-en.pdf for the English one."""
    suffix = "" if lang == DEFAULT_LANG else f"-{lang}"
    return f"annual-report-{year}{suffix}.{fmt}"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_report(settings, db_url: str, year: int, fmt: str = "html", out: Path | None = None,
                 lang: str = DEFAULT_LANG, links: dict[str, str] | None = None) -> Path:
    """Build the report for `year` in `fmt` and `lang` and return its path (default: <data_dir>/reports/)."""
    data, _ = report_bytes(settings, db_url, year, fmt, lang, links)
    target = Path(out) if out else settings.data_dir / "reports" / report_filename(year, fmt, lang)
    _write_atomic(target, data)
    return target


def report_bytes(settings, db_url: str, year: int, fmt: str, lang: str = DEFAULT_LANG,
                 links: dict[str, str] | None = None) -> tuple[bytes, str]:
    """(bytes, fingerprint); built once per distinct data and edition (charts and PDF only on a cache miss)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; allowed: {', '.join(REPORT_FORMATS)}")
    lang = check_lang(lang)
    links = api_links(year, lang) if links is None else links
    inputs = load_inputs(db_url, year, top_countries=settings.reports_top_countries)
    # The edition's links and the page template are part of the output (a layout change is a new file).
    template = (Path(__file__).parent / "annual_report.html.j2").read_bytes()
    variant = hashlib.sha256(json.dumps(links, sort_keys=True).encode() + template).hexdigest()[:12]
    cache = settings.data_dir / "reports" / "cache" / f"{inputs.fingerprint}.{lang}.{variant}.{fmt}"
    if cache.exists():
        return cache.read_bytes(), inputs.fingerprint
    model = model_from(inputs, lang=lang, links=links)
    html = render_html(model)
    data = html.encode("utf-8") if fmt == "html" else render_pdf(model, html)
    _write_atomic(cache, data)
    return data, inputs.fingerprint
