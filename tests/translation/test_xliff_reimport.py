"""XLIFF re-import safety: a file only lands on the document it was exported for; untouched machine
output is never confirmed; a translator's explicit confirmation is kept; formatting stays on its words."""
import docx
import pytest

from tests.translation.conftest import make_docx
from translation.xliff import XliffMismatch, check_units, import_xliff, parse_xliff

pytestmark = pytest.mark.integration


def _edit_target(xliff: str, segment_id: str, target: str, state: str | None = None) -> str:
    start = xliff.index(f'<segment id="{segment_id}"')
    target_start = xliff.index("<target", start)
    target_end = xliff.index("</target>", target_start) + len("</target>")
    head = xliff[start:target_start]
    if state:
        head = head.replace('state="initial"', f'state="{state}"')
    return xliff[:start] + head + f'<target xml:space="preserve">{target}</target>' + xliff[target_end:]


def test_reimport_refuses_a_file_exported_for_another_version_with_a_report_per_unit(translator, tmp_path):
    v1 = make_docx(tmp_path / "lettre.docx")
    first = translator.translate_document(v1, "en", xliff="2.0")
    xliff = first.xliff.read_bytes()
    # Version 2 of the letter: same name, one sentence changed.
    v2_dir = tmp_path / "v2"
    v2_dir.mkdir()
    v2 = make_docx(v2_dir / "lettre.docx", paragraphs=1)
    document = docx.Document(str(v2))
    document.paragraphs[1].runs[2].text = " reste affilié au régime belge pendant 12 mois. Le formulaire "
    document.save(str(v2))
    parsed = parse_xliff(xliff)
    with pytest.raises(XliffMismatch) as caught:
        translator.translate_document(v2, "en", out=tmp_path / "v2.en.docx", xliff_import=parsed)
    report = caught.value.units
    changed = next(s for s in first.segments if "régime français" in s.source)
    assert any(u["id"] == changed.id and u["problem"] == "source_differs" for u in report)
    assert "régime belge" in next(u["document"] for u in report if u["id"] == changed.id)
    assert not (tmp_path / "v2.en.docx").exists()  # nothing written
    # A unit id that does not exist, and a file exported for another document.
    expected = [(s.id, s.source) for s in first.segments]
    first_id = first.segments[0].id.encode()
    wrong = parse_xliff(xliff.replace(b'<segment id="' + first_id + b'"', b'<segment id="zz99.0"').replace(
        b'original="lettre.docx"', b'original="autre.docx"'))
    problems = check_units(wrong, expected, original="lettre.docx")
    assert problems[0] == {"id": None, "problem": "original_differs", "xliff": "autre.docx", "document": "lettre.docx"}
    assert any(p["id"] == "zz99.0" and p["problem"] == "unknown_unit" for p in problems)
    assert check_units(parse_xliff(xliff), expected, original="lettre.docx") == []


def test_untouched_xliff_confirms_nothing_and_explicit_confirmation_is_kept(translator, tmp_path):
    source = make_docx(tmp_path / "lettre.docx")
    result = translator.translate_document(source, "en", xliff="both")
    machine = [s for s in result.segments if s.origin.startswith("engine")]
    assert machine
    v12 = import_xliff(translator.memory, result.output.with_suffix(".xliff").read_bytes(), by="marie")
    v20 = import_xliff(translator.memory, result.xliff.read_bytes(), by="marie")
    assert v12.confirmed == 0 and v20.confirmed == 0
    stored = translator.memory.lookup_exact("fr", "en", [s.source for s in machine])
    assert all(m.origin == "machine" for m in stored.values())
    # XLIFF 2.0: the translator accepts the machine proposal unchanged by setting state="translated".
    text = result.xliff.read_text("utf-8")
    start = text.index(f'<segment id="{machine[0].id}"')
    text = text[:start] + text[start:].replace('state="initial"', 'state="translated"', 1)
    accepted = import_xliff(translator.memory, text.encode(), by="marie")
    assert accepted.confirmed == 1
    entry = next(iter(translator.memory.lookup_exact("fr", "en", [machine[0].source]).values()))
    assert entry.origin == "confirmed" and entry.confirmed_by == "marie"
    # XLIFF 1.2: the same acceptance is state="translated" on the target.
    text12 = result.output.with_suffix(".xliff").read_text("utf-8")
    start = text12.index(f'<trans-unit id="{machine[1].id}"')
    text12 = text12[:start] + text12[start:].replace('state="needs-review-translation"', 'state="translated"', 1)
    assert import_xliff(translator.memory, text12.encode(), by="marie").confirmed == 1


def test_xliff20_units_are_paragraphs_and_merged_sentences_are_applied(translator, tmp_path):
    from lxml import etree

    from translation.xliff import NS20

    source = make_docx(tmp_path / "lettre.docx")
    result = translator.translate_document(source, "en", source="fr", xliff="2.0")
    root = etree.fromstring(result.xliff.read_bytes())
    units = list(root.iter(f"{{{NS20}}}unit"))
    paragraph = next(u for u in units if "travailleur" in "".join(u.itertext()))
    segments = paragraph.findall(f"{{{NS20}}}segment")
    assert len(segments) == 2 and len(units) < len(result.segments)
    first, second = (s.get("id") for s in segments)
    # The translator merges the paragraph's two sentences into one segment and translates it.
    text = result.xliff.read_text("utf-8")
    start = text.index(f'<segment id="{first}"')
    end = text.index("</segment>", text.index(f'<segment id="{second}"')) + len("</segment>")
    merged = (f'<segment id="{first}" state="final"><source>Le travailleur détaché reste affilié au régime français '
              'pendant 24 mois. Le formulaire A1 est délivré par la CPAM.</source><target>The posted worker stays '
              'insured in France for 24 months; the CPAM issues the A1 form.</target></segment>')
    edited = parse_xliff((text[:start] + merged + text[end:]).encode())
    rebuilt = translator.translate_document(source, "en", source="fr", out=tmp_path / "final.docx",
                                            xliff_import=edited)
    paragraph_text = next(p.text for p in docx.Document(str(rebuilt.output)).paragraphs if "posted worker" in p.text)
    assert paragraph_text == "The posted worker stays insured in France for 24 months; the CPAM issues the A1 form."
    assert {s.origin for s in rebuilt.segments if s.id in (first, second)} == {"override", "merged"}
    stored = import_xliff(translator.memory, None, by="marie", parsed=edited)
    assert stored.confirmed == 1
