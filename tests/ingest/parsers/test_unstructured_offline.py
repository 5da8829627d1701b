"""PDF and DOCX through unstructured with no network: run in a subprocess inside `unshare -n` (a
network namespace without any interface), with an audit hook recording every socket or subprocess
attempt. unstructured 0.27 would download a spaCy model on first use and ping its telemetry; the
parsers must need neither."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(r'''
    import json, sys
    events = []
    WATCH = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "urllib.Request",
             "http.client.connect", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn")
    # matplotlib (imported by unstructured's PDF path) lists local fonts with `fc-list` the first time
    # it builds its font cache: a local, read-only process, not a network attempt; anything else counts.
    LOCAL_ONLY = ("fc-list",)
    def hook(event, args):
        if event in WATCH and not (event == "subprocess.Popen" and args and str(args[0]) in LOCAL_ONLY):
            events.append([event, repr(args)[:300]])
    sys.addaudithook(hook)
    from pathlib import Path
    from liaison.settings import Settings
    from ingest.parsers import parse_file
    from ingest.types import ParseError
    folder = Path(sys.argv[1])
    settings = Settings(data_dir=folder / "data")
    out = {"files": {}, "errors": {}}
    for name in ("accord.pdf", "convention.docx", "notes.txt", "broken.pdf", "broken.docx"):
        try:
            chunks = parse_file(folder / name, folder, source="offline", settings=settings)
            out["files"][name] = [[c.metadata["ref"], c.metadata["title"], c.text] for c in chunks]
        except ParseError as exc:
            out["errors"][name] = str(exc)
    import importlib.util
    out["spacy_model_installed"] = importlib.util.find_spec("en_core_web_sm") is not None
    out["events"] = events
    print("RESULT " + json.dumps(out, ensure_ascii=False))
''')


def _network_namespace_available() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def test_pdf_docx_txt_parse_offline_without_any_network_attempt(tmp_path):
    from .samples import make_docx, make_pdf

    (tmp_path / "accord.pdf").write_bytes(make_pdf([
        "Accord de coordination",
        "",
        "Article 1",
        "Le present accord s'applique aux travailleurs detaches, conformement a l'article 12.",
        "Article 2",
        "La duree du detachement est de 24 mois.",
    ]))
    make_docx(tmp_path / "convention.docx", "Convention de test", [
        ("Article 1", "Le présent accord s'applique aux travailleurs détachés (règlement 883/2004)."),
        ("Article 2", "La durée du détachement est de vingt-quatre mois."),
    ])
    (tmp_path / "notes.txt").write_text("Note interne\n\nArticle 3\n\nLe formulaire A1 est délivré par la caisse.",
                                        encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    broken = tmp_path / "broken.docx"
    import zipfile

    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><not closed")
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DO_NOT_TRACK", "SCARF_NO_ANALYTICS", "UNSTRUCTURED_DISABLE_NOTICE", "HF_HUB_OFFLINE")}
    env["PYTHONPATH"] = str(REPO)
    command = [sys.executable, str(script), str(tmp_path)]
    isolated = _network_namespace_available()
    if isolated:
        command = ["unshare", "-n", *command]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(REPO), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(l for l in proc.stdout.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])

    assert result["events"] == [], f"network or subprocess attempts: {result['events']}"
    pdf = result["files"]["accord.pdf"]
    assert [ref for ref, _, _ in pdf if ref.startswith("Article")] == ["Article 1", "Article 2"]
    article2 = next(text for ref, _, text in pdf if ref == "Article 2")
    assert "24 mois" in article2 and "Article 1" not in article2
    article1 = next(text for ref, _, text in pdf if ref == "Article 1")
    assert "conformement a l'article 12" in article1  # a cross-reference stays text
    docx_units = result["files"]["convention.docx"]
    assert [(ref, title) for ref, title, _ in docx_units] == [("Article 1", "Article 1"), ("Article 2", "Article 2")]
    assert docx_units[0][2].startswith("Convention de test\nArticle 1\n") and "883/2004" in docx_units[0][2]
    notes = result["files"]["notes.txt"]
    assert notes[0][0] == "notes.txt" and "formulaire A1" in notes[-1][2]
    assert "PDF" in result["errors"]["broken.pdf"] or "pdf" in result["errors"]["broken.pdf"].lower()
    assert "DOCX" in result["errors"]["broken.docx"]
    if not isolated:
        pytest.skip("unshare -n is not permitted here: the audit hook alone showed no network attempt")
