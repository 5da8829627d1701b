"""The whole pipeline with a real (tiny, random-weight) Argos package: formats, detection, memory,
glossary, checks, pivoting, cancel and time limits, XLIFF round trip."""
import json
import time

import docx
import pytest

from tests.translation.conftest import make_docx, make_pdf
from translation.errors import Cancelled, GlossaryError, NoEngine
from translation.pipeline import Control
from translation.xliff import import_xliff, overrides_from, parse_xliff

pytestmark = pytest.mark.integration


def test_docx_end_to_end_then_served_from_memory(translator, tmp_path):
    source = make_docx(tmp_path / "lettre.docx", paragraphs=3)
    first = translator.translate_document(source, "en")
    assert first.output == tmp_path / "lettre.en.docx" and first.status == "done"
    assert first.source_lang == "fr" and first.detected.language == "fr" and first.engine == "argos"
    origins = first.stats["origins"]
    assert origins["engine"] >= 8 and origins.get("copy", 0) >= 1  # "12/03/2024" needs no engine
    out = docx.Document(str(first.output))
    assert len(out.tables) == 1 and len(out.tables[0].rows) == 2
    assert out.sections[0].footer.paragraphs[0]._p.xml.count("<w:fldChar ") == 3
    assert out.tables[0].cell(1, 1).text == "12/03/2024"
    assert any(r.bold for r in out.paragraphs[1].runs) and any(r.italic for r in out.paragraphs[1].runs)
    report = json.loads(first.report.read_text("utf-8"))
    assert report["stats"]["segments"] == len(first.segments)
    assert any(f["code"] == "glossary_not_applied" for s in report["segments"] for f in s["flags"])
    assert "| segment | flag |" in first.report.with_suffix("").with_suffix(".report.md").read_text("utf-8")
    started = time.monotonic()
    second = translator.translate_document(source, "en", out=tmp_path / "again.docx")
    assert second.stats["origins"].get("engine", 0) == 0
    assert second.stats["origins"]["memory-mt"] == origins["engine"]  # raw MT is never a TM match
    assert [s.target for s in second.segments] == [s.target for s in first.segments]
    assert [p.text for p in docx.Document(str(second.output)).paragraphs] == [p.text for p in out.paragraphs]
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("name, content, output", [
    ("note.txt", "Le travailleur détaché reste affilié.\n\nLe formulaire A1 est délivré par la CPAM.\n", "note.en.txt"),
    ("fiche.md", "# Détachement\n\nLe **travailleur détaché** reste affilié au régime français.\n", "fiche.en.md"),
    ("page.html", "<html lang='fr'><body><p>Le <b>travailleur</b> reste affilié au régime français.</p></body></html>",
     "page.en.html"),
])
def test_text_formats_through_the_engine(translator, tmp_path, name, content, output):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    result = translator.translate_document(path, "en", source="fr")
    assert result.output.name == output and result.output.read_text("utf-8").strip()
    assert all(s.target is not None for s in result.segments)
    if name.endswith(".html"):
        html = result.output.read_text("utf-8")
        assert html.startswith("<html lang='en-GB'><body><p>") and "<b>" in html and html.endswith("</p></body></html>")


def test_pdf_to_docx_and_xliff_both_versions(translator, tmp_path):
    pdf = make_pdf(tmp_path / "attestation.pdf", pages=2)
    result = translator.translate_document(pdf, "en", xliff="both")
    assert result.output.name == "attestation.en.docx" and result.pages == 2 and "approximate" in result.note
    assert "layout is approximate" in docx.Document(str(result.output)).paragraphs[0].text
    v20 = parse_xliff(result.output.with_suffix(".xlf").read_bytes())
    v12 = parse_xliff(result.output.with_suffix(".xliff").read_bytes())
    assert v20.version == "2.0" and v12.version == "1.2"
    assert [u.id for u in v20.units] == [u.id for u in v12.units] == [s.id for s in result.segments]
    assert v20.source_lang == "fr" and v20.target_lang == "en"


def test_xliff_post_edit_feeds_memory_and_rebuilds_document(translator, tmp_path):
    source = make_docx(tmp_path / "lettre.docx")
    first = translator.translate_document(source, "en", xliff="2.0")
    xliff = first.xliff.read_text("utf-8")
    segment = next(s for s in first.segments if s.source.startswith("Le travailleur détaché"))
    edited_target = ('The <pc id="1" type="fmt" subType="xlf:b">posted worker</pc> remains insured under the French '
                     'scheme for 24 months.')
    start = xliff.index(f'<segment id="{segment.id}"')
    target_start = xliff.index("<target", start)
    target_end = xliff.index("</target>", target_start) + len("</target>")
    xliff = (xliff[:start] + xliff[start:target_start].replace('state="initial"', 'state="final"')
             + f'<target xml:space="preserve">{edited_target}</target>' + xliff[target_end:])
    parsed = import_xliff(translator.memory, xliff.encode("utf-8"), by="marie")
    assert parsed.confirmed == 1 and parsed.not_reviewed == len(first.segments) - 1
    match = next(iter(translator.memory.lookup_exact("fr", "en", [segment.source]).values()))
    assert match.origin == "confirmed" and match.confirmed_by == "marie"
    assert match.target == "The posted worker remains insured under the French scheme for 24 months."
    rebuilt = translator.translate_document(source, "en", out=tmp_path / "final.docx", overrides=overrides_from(parsed))
    paragraph = docx.Document(str(rebuilt.output)).paragraphs[1]
    assert paragraph.text.startswith("The posted worker remains insured under the French scheme for 24 months.")
    assert [r.text for r in paragraph.runs if r.bold] == ["posted worker"]
    # The next translation of the same sentence comes from the confirmed memory entry, without flags.
    again = translator.translate_texts([segment.source], "en", source="fr")[0]
    assert again.text == match.target and again.segments[0].origin == "memory-exact" and not again.flags


def test_mixed_language_document_is_handled_per_segment(translator, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text(
        "Le travailleur détaché reste affilié au régime français pendant toute la durée du détachement.\n\n"
        "The employer must send the form to the competent institution before the posting starts.\n\n"
        "Der Arbeitgeber muss das Formular vor Beginn der Entsendung an den zuständigen Träger senden.\n\n"
        "La caisse primaire d'assurance maladie vous répondra dans un délai de deux mois.\n", "utf-8")
    result = translator.translate_document(path, "en")
    by_start = {s.source[:3]: s for s in result.segments}
    assert result.source_lang == "fr"
    assert by_start["Le "].origin.startswith("engine") and by_start["La "].origin.startswith("engine")
    english = by_start["The"]
    assert english.origin == "copy" and english.target == english.source and english.source_lang == "en"
    german = by_start["Der"]
    assert german.source_lang == "de" and german.origin == "not-translated"
    assert any(f.code == "untranslated" and "no engine can translate de->en" in f.message for f in german.flags)
    assert german.source in result.output.read_text("utf-8")  # kept, not lost


def test_pivot_through_english_and_missing_pairs(translator):
    result = translator.translate_texts(["Le travailleur détaché reste affilié au régime français."], "de",
                                        source="fr")[0]
    assert result.segments[0].origin == "engine:argos(pivot:en)" and result.text
    with pytest.raises(NoEngine, match=r"no engine can translate fr->it: argos: no Argos package for fr->it .*install"):
        translator.translate_texts(["Le travailleur détaché reste affilié."], "it", source="fr")


class StopAfter(Control):
    """Lets `batches` engine batches run, then reports a cancel or an elapsed deadline."""

    def __init__(self, batches, *, cancel):
        super().__init__()
        self.left, self.cancel = batches, cancel

    def check(self):
        if self.left <= 0:
            if self.cancel:
                raise Cancelled("cancelled on request")
            self.deadline = 0.0
            super().check()
        self.left -= 1


def test_time_limit_keeps_partial_output_and_memory(translator, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(f"Le travailleur numéro {i} reste affilié au régime de la caisse {i}." for i in range(30)),
                    "utf-8")
    result = translator.translate_document(path, "en", source="fr", control=StopAfter(1, cancel=False))
    assert result.status == "partial" and "time limit" in result.error
    done = [s for s in result.segments if s.origin.startswith("engine")]
    stopped = [s for s in result.segments if s.origin == "not-translated"]
    assert len(done) == translator.settings.translation_batch_size and len(stopped) == 30 - len(done)
    assert all(any(f.code == "job_stopped" for f in s.flags) for s in stopped)
    assert stopped[0].source in result.output.read_text("utf-8")
    # What was translated is in the memory: the re-run only sends the rest to the engine.
    rerun = translator.translate_document(path, "en", source="fr")
    assert rerun.status == "done" and rerun.stats["origins"]["memory-mt"] == len(done)


def test_cancel_stops_between_batches(translator, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("\n".join(f"Phrase numéro {i} du courrier de la caisse." for i in range(20)), "utf-8")
    with pytest.raises(Cancelled):
        translator.translate_document(path, "en", source="fr", control=StopAfter(1, cancel=True))
    assert not (tmp_path / "long.en.txt").exists()
    assert translator.memory.stats()["pairs"]["fr-en"]["machine"] == translator.settings.translation_batch_size


def test_bad_glossary_stops_before_translating_and_memory_is_intact(translator, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Pendant le détachement, le régime reste le même.", "utf-8")
    glossary = tmp_path / "bad.tsv"
    glossary.write_text("détachement\tposting\nmaintien d'affiliation continued affiliation\n", "utf-8")
    with pytest.raises(GlossaryError, match=r"bad.tsv, line 2: expected `source<TAB>target`"):
        translator.translate_document(path, "en", source="fr", glossary_files=(glossary,))
    assert translator.memory.stats()["total"] == 0
    glossary.write_text("détachement\tposting\nrégime\tscheme\n", "utf-8")
    result = translator.translate_document(path, "en", source="fr", glossary_files=(glossary,))
    terms = {m.text: m.term.origin for s in result.segments for m in s.glossary_terms}
    assert terms == {"détachement": "bad.tsv:1", "régime": "bad.tsv:2"}


def test_personal_identifiers_never_enter_the_memory(translator):
    translator.translate_texts(["Votre numéro de sécurité sociale 1 85 05 78 006 084 36 est enregistré.",
                                "Votre demande est enregistrée."], "en", source="fr")
    stored = [e.source_text for e in translator.memory.entries("fr", "en", origins=("machine",))]
    assert stored == ["Votre demande est enregistrée."]


def test_html_text_and_detection(translator):
    result = translator.translate_texts(["<p>Le <b>travailleur détaché</b> reste affilié au régime français.</p>"],
                                        "en", fmt="html")[0]
    assert result.detected.language == "fr" and result.detected.confidence > 0.5
    assert result.text.startswith("<p>") and result.text.endswith("</p>") and "<b>" in result.text
