"""`liaison translate ...` run as a real process, offline (inside a network-less namespace when the
machine allows it: proof that nothing phones home)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests.translation.conftest import make_docx

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
LIAISON = [sys.executable, "-m", "liaison.cli"]


def _can_unshare() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-n", "true"], capture_output=True).returncode == 0


OFFLINE = ["unshare", "-n"] if _can_unshare() else []


@pytest.fixture
def run(tsettings, argos_dir, tmp_path):
    env = {**os.environ, "LIAISON_TRANSLATION_ARGOS_DIR": str(argos_dir), "LIAISON_TRANSLATION_LLM_FALLBACK": "false",
           "LIAISON_TRANSLATION_BEAM_SIZE": "1", "HOME": str(tmp_path / "home")}

    def _run(*args, offline=True, check=True):
        command = (OFFLINE if offline else []) + LIAISON + ["translate", *map(str, args),
                                                            "--data-dir", str(tsettings.data_dir)]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result
    return _run


def test_translate_docx_offline_with_glossary_xliff_and_memory(run, tmp_path):
    letter = make_docx(tmp_path / "letter.docx")
    glossary = tmp_path / "mine.tsv"
    glossary.write_text("Dupont\t=\nadresse\taddress\n", "utf-8")
    first = run("letter.docx", "--to", "en", "--glossary", glossary, "--xliff")
    assert "letter.docx -> letter.en.docx (fr->en, argos)" in first.stdout
    assert "report: letter.en.report.md; XLIFF: letter.en.xlf" in first.stdout
    assert "seg" in first.stderr  # the progress bar
    out = docx.Document(str(tmp_path / "letter.en.docx"))
    assert out.tables[0].cell(1, 0).text == "Dupont"  # do-not-translate from the job's glossary
    assert (tmp_path / "letter.en.xlf").read_text("utf-8").count("<unit ") > 5
    second = run("letter.docx", "--to", "en", "-o", "out/", "--json", "-q", "--glossary", glossary)
    (summary,) = json.loads(second.stdout)
    assert summary["output"] == "out/letter.en.docx" and summary["stats"]["origins"].get("engine", 0) == 0
    assert summary["stats"]["origins"]["memory-mt"] >= 8
    assert letter.exists()
    # The reverse direction, as a translator at the centre runs it: an English letter to French.
    english = docx.Document()
    english.add_paragraph("Dear Sir, the posted worker remains insured in France for 24 months.")
    english.add_paragraph("Please send form A1 to the CPAM.")
    english.save(str(tmp_path / "reply.docx"))
    reverse = run("reply.docx", "--to", "fr", "-q")
    assert "reply.docx -> reply.fr.docx (en->fr, argos)" in reverse.stdout and (tmp_path / "reply.fr.docx").exists()


def test_text_models_and_memory_commands(run, tmp_path, argos_packages):
    text = run("text", "Le formulaire A1 est délivré par la CPAM le 12 mars 2024.", "--to", "en", "--json")
    body = json.loads(text.stdout)
    assert body["detectedLanguage"]["language"] == "fr" and body["translatedText"]
    listing = run("models", "list")
    assert "fr->en" in listing.stdout and "fr->de (via en)" in listing.stdout
    installed = run("models", "install", argos_packages[("fr", "en")], offline=False)
    assert "installed fr->en (0.0.1-test)" in installed.stdout
    fetch = run("models", "fetch", "fr", "it", check=False)
    assert fetch.returncode == 2 and "cannot reach the Argos package index" in fetch.stderr
    assert "liaison translate models install FILE.argosmodel" in fetch.stderr
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_bytes(b"not a zip")
    failed = run("models", "install", bogus, check=False)
    assert failed.returncode == 2 and "bogus.argosmodel: not an Argos package" in failed.stderr
    tmx = tmp_path / "memory.tmx"
    tmx.write_text("""<tmx version="1.4"><header srclang="fr" creationtool="x" segtype="sentence" o-tmf="x"
      adminlang="en" datatype="plaintext"/><body><tu changeid="paul" changedate="20250101T000000Z">
      <tuv xml:lang="fr"><seg>Le formulaire A1 est délivré par la CPAM le 12 mars 2024.</seg></tuv>
      <tuv xml:lang="en"><seg>Form A1 is issued by the CPAM on 12 March 2024.</seg></tuv></tu></body></tmx>""", "utf-8")
    imported = json.loads(run("memory", "import", tmx).stdout)
    assert imported["updated"] == 1  # replaces the machine output stored by the first `text` run
    again = json.loads(run("text", "Le formulaire A1 est délivré par la CPAM le 12 mars 2024.", "--to", "en",
                           "--json").stdout)
    assert again["translatedText"] == "Form A1 is issued by the CPAM on 12 March 2024." and again["flags"] == []
    exported = run("memory", "export", "-o", "back.tmx", "--from", "fr", "--to", "en")
    assert "(1 units)" in exported.stdout and 'changeid="paul"' in (tmp_path / "back.tmx").read_text("utf-8")


def test_errors_are_one_clear_line(run, tmp_path):
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    result = run("sheet.xlsx", "--to", "en", "-q", check=False)
    assert result.returncode == 1 and "sheet.xlsx: not a valid .xlsx file" in result.stderr  # damaged workbook
    assert "Traceback" not in result.stderr
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    old = run("old.xls", "--to", "en", "-q", check=False)
    assert old.returncode == 1 and "old.xls: unsupported format .xls" in old.stderr
    missing = run("nothing.docx", "--to", "en", check=False)
    assert missing.returncode == 2 and "file not found: nothing.docx" in missing.stderr
    no_target = run("sheet.xlsx", check=False)
    assert no_target.returncode == 2 and "--to LANG is required" in no_target.stderr
    bad = tmp_path / "bad.tsv"
    bad.write_text("A1\t=\nCPAM\n\tvide\n", "utf-8")
    check = run("glossary", "check", bad, "--from", "fr", "--to", "en", check=False)
    assert check.returncode == 2
    assert "bad.tsv, line 2:" in check.stderr and "bad.tsv, line 3: the source term is empty" in check.stderr
    note = tmp_path / "note.txt"
    note.write_text("Le travailleur détaché reste affilié au régime français.", "utf-8")
    pair = run("note.txt", "--to", "it", "-q", check=False)
    assert pair.returncode == 1 and "no engine can translate fr->it" in pair.stderr
    good = run("glossary", "check", Path(__file__).parents[2] / "translation/glossaries/fr-en.tsv", "--from", "fr",
               "--to", "en")
    assert "do-not-translate" in good.stdout and ": ok" in good.stdout


def test_no_model_download_path_is_ever_imported(tsettings, argos_dir, tmp_path):
    """Argos' own translate/sentence-splitter modules (which download MiniSBD/Stanza/spaCy models)
    and its package index are never touched by a translation, even offline."""
    code = f"""
import sys
import liaison
from liaison.settings import Settings
from translation.pipeline import Translator
settings = Settings(data_dir={str(tmp_path / 'data')!r}, translation_argos_dir={str(argos_dir)!r},
                    translation_llm_fallback=False)
result = Translator(settings).translate_texts(["Le travailleur détaché reste affilié."], "de", source="fr")[0]
assert result.text
print(sorted(m for m in sys.modules if m.startswith(("argostranslate", "stanza", "minisbd", "spacy"))))
"""
    result = subprocess.run(OFFLINE + [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_apply_edited_xliff_keeps_bold_and_italic_on_the_right_words(run, tmp_path):
    make_docx(tmp_path / "letter.docx")
    run("letter.docx", "--to", "en", "--xliff", "-q")
    xliff = (tmp_path / "letter.en.xlf").read_text("utf-8")
    start = xliff.rindex("<segment ", 0, xliff.index("Le <pc"))
    target_start = xliff.index("<target", start)
    target_end = xliff.index("</target>", target_start) + len("</target>")
    edited = ('<target xml:space="preserve">The <pc id="1" type="fmt" subType="xlf:b">posted worker</pc> remains '
              'insured under the French scheme for 24 months.</target>')
    xliff = xliff[:start] + xliff[start:target_start].replace('state="initial"', 'state="final"') + edited \
        + xliff[target_end:]
    start = xliff.rindex("<segment ", 0, xliff.index("Le formulaire <pc"))
    target_start = xliff.index("<target", start)
    target_end = xliff.index("</target>", target_start) + len("</target>")
    xliff = xliff[:target_start] + ('<target xml:space="preserve">The <pc id="1" type="fmt" subType="xlf:i">A1</pc> '
                                    'form is issued by the CPAM.</target>') + xliff[target_end:]
    (tmp_path / "edited.xlf").write_text(xliff, "utf-8")
    applied = run("letter.docx", "--to", "en", "--apply-xliff", "edited.xlf", "-o", "final.docx", "-q", "--by", "marie")
    assert "segments confirmed in the memory" in applied.stderr
    paragraph = next(p for p in docx.Document(str(tmp_path / "final.docx")).paragraphs if "posted worker" in p.text)
    assert paragraph.text == ("The posted worker remains insured under the French scheme for 24 months. "
                              "The A1 form is issued by the CPAM.")
    assert [r.text for r in paragraph.runs if r.bold] == ["posted worker"]
    assert [r.text for r in paragraph.runs if r.italic] == ["A1"]
    # The same file on another document is refused, and nothing is written.
    other = docx.Document()
    other.add_paragraph("Un autre courrier.")
    other.save(str(tmp_path / "autre.docx"))
    refused = run("autre.docx", "--to", "en", "--apply-xliff", "edited.xlf", "-o", "autre.en.docx", check=False)
    assert refused.returncode != 0 and "does not match the document" in refused.stderr
    assert not (tmp_path / "autre.en.docx").exists()
