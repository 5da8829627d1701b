"""Fixtures of the translation desk tests.

No Argos language package ships in any registry reachable here, so a tiny random-weight package is
built offline (tests/translation/tiny_argos.py), cached between runs, and installed with Argos'
own `install_from_path` into an isolated package directory: the Argos/XDG variables point into the
test session's temporary directory, so the real home is never touched. Its output is gibberish;
it exercises the whole pipeline (formats, memory, glossary, checks, jobs, API) with a real engine.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAIRS = (("fr", "en"), ("en", "fr"), ("en", "de"))


def _cache_dir() -> Path:
    digest = hashlib.sha256((HERE / "tiny_argos.py").read_bytes()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"liaison-tiny-argos-{digest}"


def _build_packages() -> dict[tuple[str, str], Path]:
    """Build (once per machine and builder version) the .argosmodel files; safe if two sessions race."""
    from tests.translation.tiny_argos import build_argos_package

    cache = _cache_dir()
    wanted = {pair: cache / f"translate-{pair[0]}_{pair[1]}-tiny.argosmodel" for pair in PAIRS}
    if all(p.is_file() for p in wanted.values()):
        return wanted
    cache.mkdir(parents=True, exist_ok=True)
    for index, (pair, final) in enumerate(wanted.items()):
        if final.is_file():
            continue
        work = Path(tempfile.mkdtemp(prefix="build-", dir=cache))
        try:
            built = build_argos_package(work, pair[0], pair[1], seed=index)
            os.replace(built, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return wanted


@pytest.fixture(scope="session")
def argos_packages() -> dict[tuple[str, str], Path]:
    return _build_packages()


@pytest.fixture(scope="session")
def argos_dir(argos_packages, tmp_path_factory) -> Path:
    """An Argos package directory holding fr->en, en->fr, en->de (installed by Argos itself)."""
    root = tmp_path_factory.mktemp("argos-home")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARGOS_PACKAGES_DIR",
                                            "ARGOS_CHUNK_TYPE")}
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    os.environ["ARGOS_PACKAGES_DIR"] = str(root / "packages")
    # install_from_path imports argostranslate.translate, whose sentence-splitter module tries to
    # download a spaCy model at import when ARGOS_CHUNK_TYPE=SPACY: choose a mode with no import-time
    # download (Liaison itself never imports that module: it splits sentences itself).
    os.environ["ARGOS_CHUNK_TYPE"] = "NONE"
    import importlib

    import argostranslate.settings

    importlib.reload(argostranslate.settings)  # read the isolated locations, even if imported before
    import argostranslate.package

    importlib.reload(argostranslate.package)
    assert Path(argostranslate.settings.package_data_dir) == root / "packages"
    for archive in argos_packages.values():
        argostranslate.package.install_from_path(archive)
    yield root / "packages"
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def tsettings(tmp_path, argos_dir):
    """Settings on a fresh data dir, using the isolated Argos packages."""
    from liaison.settings import Settings

    # No llm fallback: the local GGUF may be installed here, and these tests are about mechanics.
    return Settings(data_dir=tmp_path / "data", translation_argos_dir=argos_dir, translation_batch_size=8,
                    translation_beam_size=1, translation_llm_fallback=False).ensure_dirs()


@pytest.fixture
def translator(tsettings):
    from translation.pipeline import Translator

    return Translator(tsettings)


# -- documents ---------------------------------------------------------------------------------------

def make_docx(path: Path, *, paragraphs: int = 1) -> Path:
    """A letter with a header, a footer holding a PAGE field, a heading, bold/italic runs, a table,
    a tab and a hyperlink."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "CLEISS - Centre des liaisons européennes et internationales"
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    run = footer.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    document.add_heading("Maintien d'affiliation", 1)
    for i in range(paragraphs):
        p = document.add_paragraph("Le ")
        p.add_run("travailleur détaché").bold = True
        p.add_run(f" reste affilié au régime français pendant {24 + i} mois. Le formulaire ")
        p.add_run("A1").italic = True
        p.add_run(" est délivré par la CPAM.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Nom"
    table.cell(0, 1).text = "Date de début du détachement"
    table.cell(1, 0).text = "Dupont"
    table.cell(1, 1).text = "12/03/2024"
    document.add_paragraph("Adresse :\tParis")
    p = document.add_paragraph("Voir le site ")
    r_id = p.part.relate_to("https://www.cleiss.fr", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                            is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link_run = OxmlElement("w:r")
    link_text = OxmlElement("w:t")
    link_text.text = "du CLEISS"
    link_run.append(link_text)
    link.append(link_run)
    p._p.append(link)
    p.add_run(" pour les formulaires.")
    document.save(str(path))
    return path


def make_pdf(path: Path, pages: int = 2) -> Path:
    from weasyprint import HTML

    body = "".join(
        f"<h1>Attestation {i + 1}</h1><p>Le <b>travailleur détaché</b> reste affilié au régime français pendant "
        f"24 mois. Le formulaire A1 est délivré par la CPAM le 12 mars 2024.</p>"
        f"<p style='page-break-after:always'>Veuillez agréer nos salutations distinguées.</p>" for i in range(pages))
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(str(path))
    return path


# -- a real HTTP server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_app(tsettings):
    """A uvicorn server on a free localhost port serving create_app(settings)."""
    from api.app import create_app

    app = create_app(tsettings)
    with LiveServer(app) as server:
        server.app = app
        yield server
    runner = getattr(app.state, "translation_runner", None)
    if runner is not None:
        runner.shutdown()
