"""The German letter's round trip, as a translator runs it: a health insurer's letter (header, footer
with a PAGE field, a footnote, a DATE field and tracked changes inside sentences, a content control,
bold words, a table of amounts) pre-translated de->fr, exported as XLIFF 2.0, edited with
translate-toolkit's XLIFF 2.0 store as a CAT tool would, re-imported, rebuilt as DOCX: footnote,
fields, tracked changes and formatting stay on the right words."""
import os
import re
import shutil
import tempfile
from pathlib import Path

import docx
import pytest

from tests.translation.conftest import _cache_dir
from translation.xliff import parse_xliff

pytestmark = pytest.mark.integration
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(scope="module")
def de_fr_package():
    """A tiny random-weight de->fr Argos package (built once per machine, like the session ones)."""
    from tests.translation.tiny_argos import build_argos_package

    final = _cache_dir() / "translate-de_fr-tiny.argosmodel"
    if not final.is_file():
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="build-", dir=final.parent))
        try:
            os.replace(build_argos_package(work, "de", "fr", seed=7), final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return final


@pytest.fixture
def de_translator(tmp_path, de_fr_package):
    from liaison.settings import Settings
    from translation.engines.argos import install_package_file
    from translation.pipeline import Translator

    packages = tmp_path / "argos"
    install_package_file(de_fr_package, packages)
    settings = Settings(data_dir=tmp_path / "data", translation_argos_dir=packages, translation_batch_size=8,
                        translation_beam_size=1, translation_llm_fallback=False).ensure_dirs()
    return Translator(settings)


def _add_footnotes_part(document, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def make_german_letter(path: Path) -> Path:
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "AOK Bayern – Die Gesundheitskasse"
    footer = section.footer.paragraphs[0]
    footer.add_run("Seite ")
    footer._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    document.add_paragraph("Sehr geehrte Frau Müller,")
    p = document.add_paragraph("Ihr Antrag vom 28. Februar 2024 wurde von der ")
    p.add_run("Krankenkasse").bold = True
    p.add_run(" geprüft.")
    p._p.append(parse_xml(f'<w:r {W}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                          '<w:footnoteReference w:id="1"/></w:r>'))
    p.add_run(" Die Leistung wird gem. Art. 16 gewährt.")
    p = document.add_paragraph("Stand der Daten: ")
    for xml in ('<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r {W}><w:instrText xml:space="preserve"> DATE \\@ "dd.MM.yyyy" </w:instrText></w:r>',
                '<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r {W}><w:t>01.04.2024</w:t></w:r>',
                '<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'):
        p._p.append(parse_xml(xml.format(W=W)))
    p.add_run(" laut Bescheid.")
    p = document.add_paragraph("Der Betrag beträgt ")
    p._p.append(parse_xml(f'<w:del {W} w:id="11" w:author="Sachbearbeiter" w:date="2024-03-01T09:00:00Z">'
                          '<w:r><w:delText>EUR 1.000,00</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {W} w:id="12" w:author="Sachbearbeiter" w:date="2024-03-01T09:00:00Z">'
                          '<w:r><w:t>EUR 1.234,56</w:t></w:r></w:ins>'))
    p.add_run(" monatlich.")
    p = document.add_paragraph("Versichertennummer: ")
    p._p.append(parse_xml(f'<w:sdt {W}><w:sdtPr><w:alias w:val="Nummer"/></w:sdtPr><w:sdtContent>'
                          '<w:r><w:t>Bitte Nummer eintragen</w:t></w:r></w:sdtContent></w:sdt>'))
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Zeitraum", "Betrag"
    table.cell(1, 0).text, table.cell(1, 1).text = "März 2024", "EUR 1.234,56"
    _add_footnotes_part(document, "Gemäß der Verordnung (EG) Nr. 883/2004.")
    document.save(str(path))
    return path


def test_german_letter_round_trip_through_a_cat_tool(de_translator, tmp_path):
    from translate.storage.xliff2 import Xliff2File

    letter = make_german_letter(tmp_path / "brief.docx")
    first = de_translator.translate_document(letter, "fr", source="de", xliff="2.0")
    by_source = {s.source: s for s in first.segments}
    # The segmentation keeps dates and references; the footnote and the field are inline codes.
    claim = next(s for s in first.segments if s.source.startswith("Ihr Antrag vom 28. Februar 2024"))
    assert claim.source == "Ihr Antrag vom 28. Februar 2024 wurde von der Krankenkasse geprüft.\ue000"
    assert "Die Leistung wird gem. Art. 16 gewährt." in by_source
    assert "Stand der Daten: \ue000 laut Bescheid." in by_source
    assert "Der Betrag beträgt \ue000EUR 1.234,56 monatlich." in by_source
    assert "Bitte Nummer eintragen" in by_source
    # The translator works in the CAT tool (translate-toolkit's XLIFF 2.0 store), keeping the tags.
    store = Xliff2File.parsestring(first.xliff.read_bytes())
    edits = {
        claim.id: ('Votre demande du 28 février 2024 a été examinée par la <pc id="{0}-1" type="fmt" '
                   'subType="xlf:b">caisse d\'assurance maladie</pc>.<ph id="{0}-2" canDelete="no"/>'),
    }
    text = first.xliff.read_text("utf-8")
    targets = {
        "Stand der Daten: \ue000 laut Bescheid.": "Données au <ph id=\"{0}-1\" canDelete=\"no\"/> selon la décision.",
        "Der Betrag beträgt \ue000EUR 1.234,56 monatlich.":
            "Le montant s'élève à <ph id=\"{0}-1\" canDelete=\"no\"/>1 234,56 EUR par mois.",
    }
    for source, target in targets.items():
        edits[by_source[source].id] = target
    units = {u.getid().split("::")[-1]: u for u in store.units}
    assert claim.id in units
    for seg_id, target in edits.items():
        start = text.index(f'<segment id="{seg_id}"')
        target_start = text.index("<target", start)
        target_end = text.index("</target>", target_start) + len("</target>")
        text = (text[:start] + text[start:target_start].replace('state="initial"', 'state="final"')
                + f'<target xml:space="preserve">{target.format(seg_id)}</target>' + text[target_end:])
    store = Xliff2File.parsestring(text.encode("utf-8"))  # still a valid XLIFF 2.0 file for the toolkit
    assert len(store.units) == len(first.segments)
    edited = parse_xliff(bytes(store))
    final = de_translator.translate_document(letter, "fr", source="de", out=tmp_path / "brief.final.docx",
                                             xliff_import=edited)
    out = docx.Document(str(final.output))
    paragraphs = {p.text: p for p in out.paragraphs}
    claim_p = next(p for p in out.paragraphs if p.text.startswith("Votre demande"))
    assert [r.text for r in claim_p.runs if r.bold] == ["caisse d'assurance maladie"]
    xml = claim_p._p.xml
    assert claim_p.text.startswith("Votre demande du 28 février 2024 a été examinée par la caisse d'assurance "
                                   "maladie.")
    # The footnote reference sits right after the sentence it belongs to: only the final stop between.
    between = xml[xml.index("caisse d'assurance maladie"):xml.index('w:footnoteReference w:id="1"')]
    assert re.findall(r"<w:t[^>]*>([^<]*)</w:t>", between) == ["."]
    date_p = next(p for p in out.paragraphs if p.text.startswith("Données au"))
    date_xml = date_p._p.xml
    assert date_xml.index("Données au") < date_xml.index('w:fldCharType="begin"') < date_xml.index("selon la décision")
    assert date_xml.count("<w:fldChar ") == 3 and "DATE" in date_xml
    amount_p = next(p for p in out.paragraphs if "par mois" in p._p.xml)
    amount_xml = amount_p._p.xml
    assert "<w:del " in amount_xml and "EUR 1.000,00" in amount_xml  # the tracked deletion is kept
    assert amount_xml.index("s'élève à") < amount_xml.index("<w:del ") < amount_xml.index("par mois")
    assert out.sections[0].footer.paragraphs[0]._p.xml.count("w:fldSimple") >= 1
    assert any(s.source == "Gemäß der Verordnung (EG) Nr. 883/2004." for s in first.segments)  # the footnote text
    assert len(paragraphs) == len(docx.Document(str(letter)).paragraphs)  # every paragraph is still there
