"""Render the report model to HTML (self-contained: charts embedded) and to PDF with WeasyPrint.

Builds are cached by the data fingerprint: the same data gives the same bytes, so a file built earlier
from identical data is served as is.
"""
from __future__ import annotations

import os
from pathlib import Path

from reports.report import RENDERER_VERSION, ReportModel, load_inputs, model_from

REPORT_FORMATS = ("html", "pdf")


def render_html(model: ReportModel) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("annual_report.html.j2").render(m=model, renderer_version=RENDERER_VERSION)


def render_pdf(model: ReportModel, html: str | None = None) -> bytes:
    """Tagged PDF (text alternatives and structure travel with it); the file identifier is derived from the
    data fingerprint and the dates from the data, so the bytes depend on the data only."""
    from weasyprint import HTML

    html = html if html is not None else render_html(model)
    return HTML(string=html, base_url=None).write_pdf(
        pdf_identifier=model.fingerprint[:32].encode("ascii"), pdf_tags=True, uncompressed_pdf=False)


def report_filename(year: int, fmt: str) -> str:
    return f"annual-report-{year}.{fmt}"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_report(settings, db_url: str, year: int, fmt: str = "html", out: Path | None = None) -> Path:
    """Build the report for `year` in `fmt` and return its path (default: <data_dir>/reports/)."""
    data, _ = report_bytes(settings, db_url, year, fmt)
    target = Path(out) if out else settings.data_dir / "reports" / report_filename(year, fmt)
    _write_atomic(target, data)
    return target


def report_bytes(settings, db_url: str, year: int, fmt: str) -> tuple[bytes, str]:
    """(bytes, fingerprint); built once per distinct data (charts and PDF are only made on a cache miss)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; allowed: {', '.join(REPORT_FORMATS)}")
    inputs = load_inputs(db_url, year, top_countries=settings.reports_top_countries)
    cache = settings.data_dir / "reports" / "cache" / f"{inputs.fingerprint}.{fmt}"
    if cache.exists():
        return cache.read_bytes(), inputs.fingerprint
    model = model_from(inputs)
    html = render_html(model)
    data = html.encode("utf-8") if fmt == "html" else render_pdf(model, html)
    _write_atomic(cache, data)
    return data, inputs.fingerprint
