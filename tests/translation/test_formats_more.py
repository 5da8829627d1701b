"""HTML alt/title attributes and Markdown front-matter titles are translated; the rest stays as written."""
import pytest

from translation.formats import open_document
from translation.segments import Run

pytestmark = pytest.mark.unit


def _translate_all(document, prefix="EN:"):
    return {b.id: [Run(prefix + b.runs[0].text, b.runs[0].style, b.runs[0].protected)] + b.runs[1:]
            for b in document.blocks}


def test_html_alt_and_title_are_translated(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html lang="fr"><body><p title="Aide au détachement">Le <a href="/a1" title="Formulaire A1">'
                    'formulaire</a> est prêt.</p><img src="x.png" alt="Logo du CLEISS"><img src="y.png" alt="">'
                    '<p class="notranslate"><img src="z.png" alt="Ne pas traduire"></p></body></html>', "utf-8")
    document = open_document(page)
    texts = {b.text for b in document.blocks}
    assert {"Aide au détachement", "Formulaire A1", "Logo du CLEISS"} <= texts and "Ne pas traduire" not in texts
    out = tmp_path / "page.en.html"
    document.write(_translate_all(document), out, "en")
    html = out.read_text("utf-8")
    assert 'title="EN:Aide au détachement"' in html and 'alt="EN:Logo du CLEISS"' in html
    assert 'title="EN:Formulaire A1"' in html and 'alt=""' in html and 'alt="Ne pas traduire"' in html
    assert html.startswith('<html lang="en-GB"><body>')


def test_markdown_front_matter_title_and_description_are_translated(tmp_path):
    page = tmp_path / "fiche.md"
    page.write_text('---\ntitle: "Le détachement"\ndescription: Maintien au régime français\nlayout: fiche\n'
                    'date: 2024-03-12\n---\n\n# Détachement\n\nTexte.\n', "utf-8")
    document = open_document(page)
    assert [b.text for b in document.blocks][:2] == ["Le détachement", "Maintien au régime français"]
    out = tmp_path / "fiche.en.md"
    document.write(_translate_all(document), out, "en")
    text = out.read_text("utf-8")
    assert text.startswith('---\ntitle: "EN:Le détachement"\ndescription: "EN:Maintien au régime français"\n'
                           'layout: fiche\ndate: 2024-03-12\n---\n')


def _roundtrip(path, tmp_path):
    document = open_document(path)
    out = tmp_path / f"out{path.suffix}"
    document.write(_translate_all(document), out, "en")
    return document, out


def test_pptx_shapes_tables_notes_and_formatting(tmp_path):
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Le détachement"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1)).text_frame
    paragraph = box.paragraphs[0]
    paragraph.add_run().text = "Le "
    bold = paragraph.add_run()
    bold.text = "travailleur détaché"
    bold.font.bold = True
    paragraph.add_run().text = " reste affilié."
    table = slide.shapes.add_table(1, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text = "Durée"
    table.cell(0, 1).text = "24 mois"
    slide.notes_slide.notes_text_frame.text = "Note pour l'orateur."
    source = tmp_path / "deck.pptx"
    deck.save(str(source))
    document, out = _roundtrip(source, tmp_path)
    texts = [b.text for b in document.blocks]
    assert {"Le détachement", "Le travailleur détaché reste affilié.", "Durée", "24 mois", "Note pour l'orateur."} \
        <= set(texts)
    result = Presentation(str(out))
    shapes = result.slides[0].shapes
    assert shapes.title.text == "EN:Le détachement"
    runs = [(r.text, r.font.bold) for s in shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs]
    assert ("travailleur détaché", True) in runs and ("EN:Le ", None) in runs
    assert result.slides[0].notes_slide.notes_text_frame.text == "EN:Note pour l'orateur."


def test_xlsx_shared_strings_translated_and_the_rest_kept(tmp_path):
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Montant versé"
    sheet["B1"] = 1234.5
    sheet["A2"] = "=B1*2"
    sheet["A3"] = CellRichText(["Le ", TextBlock(InlineFont(b=True), "formulaire A1"), " est délivré."])
    book.create_sheet("Annexe")["C5"] = "Pièce jointe"
    source = tmp_path / "tableau.xlsx"
    book.save(str(source))
    document, out = _roundtrip(source, tmp_path)
    assert {b.text for b in document.blocks} == {"Montant versé", "Le formulaire A1 est délivré.", "Pièce jointe"}
    result = openpyxl.load_workbook(str(out), rich_text=True)
    assert result.active["A1"].value == "EN:Montant versé" and result.active["B1"].value == 1234.5
    assert result.active["A2"].value == "=B1*2" and result["Annexe"]["C5"].value == "EN:Pièce jointe"
    rich = result.active["A3"].value
    assert str(rich) == "EN:Le formulaire A1 est délivré."
    assert any(getattr(part, "font", None) is not None and part.font.b and part.text == "formulaire A1" for part in rich)


def test_odt_paragraphs_headings_spans_and_notes(tmp_path):
    from odf import text as odftext
    from odf.opendocument import OpenDocumentText, load
    from odf.style import Style, TextProperties

    document = OpenDocumentText()
    bold = Style(name="Gras", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    document.text.addElement(odftext.H(outlinelevel=1, text="Maintien d'affiliation"))
    paragraph = odftext.P(text="Le ")
    span = odftext.Span(stylename=bold, text="travailleur détaché")
    paragraph.addElement(span)
    paragraph.addText(" reste affilié.")
    note = odftext.Note(id="n1", noteclass="footnote")
    note.addElement(odftext.NoteCitation(text="1"))
    body = odftext.NoteBody()
    body.addElement(odftext.P(text="Article 12 du règlement."))
    note.addElement(body)
    paragraph.addElement(note)
    paragraph.addText(" Fin.")
    document.text.addElement(paragraph)
    source = tmp_path / "lettre.odt"
    document.save(str(source))
    read, out = _roundtrip(source, tmp_path)
    texts = [b.text for b in read.blocks]
    assert "Maintien d'affiliation" in texts and "Le travailleur détaché reste affilié." in texts
    assert "Article 12 du règlement." in texts and " Fin." in texts or "Fin." in [t.strip() for t in texts]
    result = load(str(out))
    paragraphs = [p for p in result.getElementsByType(odftext.P)]
    main = next(p for p in paragraphs if "travailleur" in str(p))
    spans = [s for s in main.childNodes if getattr(s, "qname", None) == (odftext.TEXTNS, "span")]
    assert spans and str(spans[0]) == "travailleur détaché"
    assert str(main).startswith("EN:Le travailleur détaché reste affilié.")
    assert result.getElementsByType(odftext.Note) and "EN:Article 12 du règlement." in \
        [str(p) for p in paragraphs]


def test_epub_chapters(tmp_path):
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("liaison-test")
    book.set_title("Guide")
    book.set_language("fr")
    chapter = epub.EpubHtml(title="Chapitre 1", file_name="c1.xhtml", lang="fr")
    chapter.content = "<html><body><h1>Le détachement</h1><p>Le <b>travailleur</b> reste affilié.</p></body></html>"
    book.add_item(chapter)
    book.toc = (chapter,)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", chapter]
    source = tmp_path / "guide.epub"
    epub.write_epub(str(source), book)
    document, out = _roundtrip(source, tmp_path)
    assert {"Le détachement", "Le travailleur reste affilié."} <= {b.text for b in document.blocks}
    result = epub.read_epub(str(out))
    content = next(i for i in result.get_items() if i.get_name() == "c1.xhtml").get_content().decode()
    assert "EN:Le détachement" in content and "<b>travailleur</b>" in content


def test_xlsx_from_excel_style_shared_strings(tmp_path):
    import openpyxl
    import xlsxwriter

    source = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Montants")
    bold = book.add_format({"bold": True})
    sheet.write("A1", "Date de début")
    sheet.write_rich_string("A2", "Le ", bold, "travailleur détaché", " reste affilié.")
    sheet.write_number("B1", 42)
    book.close()
    document, out = _roundtrip(source, tmp_path)
    assert [b.id[0] for b in document.blocks] == ["s", "s"]  # the shared-strings table
    result = openpyxl.load_workbook(str(out), rich_text=True)["Montants"]
    assert result["A1"].value == "EN:Date de début" and result["B1"].value == 42
    assert any(getattr(p, "font", None) is not None and p.font.b and p.text == "travailleur détaché"
               for p in result["A2"].value)


def _docx_with_insertion_and_content_control(path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Le travailleur ")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.append(parse_xml(f'<w:ins {w} w:id="7" w:author="Marie" w:date="2024-03-01T10:00:00Z">'
                                  '<w:r><w:t xml:space="preserve">détaché </w:t></w:r></w:ins>'))
    paragraph.add_run("reste affilié.")
    control = document.add_paragraph("Nom : ")
    control._p.append(parse_xml(f'<w:sdt {w}><w:sdtPr><w:alias w:val="Nom"/></w:sdtPr><w:sdtContent>'
                                '<w:r><w:t>Cliquez ici pour saisir le nom</w:t></w:r></w:sdtContent></w:sdt>'))
    document.save(str(path))
    return path


def test_docx_tracked_insertion_keeps_its_tracking_and_content_control_text_is_translated(tmp_path):
    import docx

    source = _docx_with_insertion_and_content_control(tmp_path / "suivi.docx")
    document = open_document(source)
    texts = [b.text for b in document.blocks]
    assert "Le travailleur détaché reste affilié." in texts
    assert "Cliquez ici pour saisir le nom" in texts  # content-control text is extracted
    out = tmp_path / "suivi.en.docx"
    document.write({b.id: [Run(r.text.upper(), r.style, r.protected) for r in b.runs] for b in document.blocks},
                   out, "en")
    xml = docx.Document(str(out)).paragraphs[0]._p.xml
    assert 'w:author="Marie"' in xml and "DÉTACHÉ" in xml.split("w:ins", 2)[1]  # still a tracked insertion
    control = docx.Document(str(out)).paragraphs[1]._p.xml
    assert "<w:sdtContent>" in control and "CLIQUEZ ICI POUR SAISIR LE NOM" in control.split("<w:sdtContent>")[1]


def test_pdf_tables_come_out_row_by_row_and_sentences_do_not_break_at_line_boxes(tmp_path):
    import docx
    from weasyprint import HTML

    html = ("<html><body style='font-size:11pt'><p style='margin:0'>Le travailleur détaché reste affilié</p>"
            "<p style='margin-top:1.6em'>au régime français pendant toute la durée du détachement.</p>"
            "<table style='margin-top:3em;border-spacing:40pt 6pt'>"
            "<tr><td>Période</td><td>Montant</td><td>Caisse</td></tr>"
            "<tr><td>Janvier 2024</td><td>1 234,50 €</td><td>CPAM</td></tr>"
            "<tr><td>Février 2024</td><td>987,00 €</td><td>CPAM</td></tr></table>"
            "<p style='margin-top:3em'>Veuillez agréer nos salutations distinguées.</p></body></html>")
    source = tmp_path / "releve.pdf"
    HTML(string=html).write_pdf(str(source))
    document = open_document(source)
    texts = [b.text for b in document.blocks]
    assert ("Le travailleur détaché reste affilié au régime français pendant toute la durée du détachement."
            in texts), texts
    out = tmp_path / "releve.docx"
    document.write({}, out, "fr")
    result = docx.Document(str(out))
    assert len(result.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in result.tables[0].rows]
    assert rows == [["Période", "Montant", "Caisse"], ["Janvier 2024", "1 234,50 €", "CPAM"],
                    ["Février 2024", "987,00 €", "CPAM"]]
    body = [p.text for p in result.paragraphs]
    assert body.index("Veuillez agréer nos salutations distinguées.") > 0
