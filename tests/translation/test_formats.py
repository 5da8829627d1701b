"""Format readers/writers: layout and markup kept, only text replaced; bad files get clear errors."""
import io
import re
import zipfile

import pytest

from tests.translation.conftest import make_docx, make_pdf
from translation.errors import DocumentError, LimitExceeded, UnsupportedFormat
from translation.formats import open_document
from translation.segments import Run

pytestmark = pytest.mark.unit


def upper(document):
    """A stand-in translation: upper-case every non-protected run, keeping its style."""
    return {b.id: [Run(r.text if r.protected else r.text.upper(), r.style, r.protected) for r in b.runs]
            for b in document.blocks}


def test_text_keeps_lines_markers_and_wrapping(tmp_path):
    source = ("Objet : maintien d'affiliation\r\n\r\n"
              "Madame, nous avons bien reçu votre demande de maintien d'affiliation au régime\r\n"
              "français de sécurité sociale pendant votre détachement en Allemagne.\r\n\r\n"
              "  - premier point\r\n  - second point\r\n")
    path = tmp_path / "lettre.txt"
    path.write_bytes(source.encode("cp1252"))
    document = open_document(path)
    assert [b.text for b in document.blocks] == [
        "Objet : maintien d'affiliation",
        "Madame, nous avons bien reçu votre demande de maintien d'affiliation au régime français de sécurité "
        "sociale pendant votre détachement en Allemagne.", "premier point", "second point"]
    document.write({}, tmp_path / "same.txt", "en")
    assert (tmp_path / "same.txt").read_bytes().decode("utf-8") == source  # cp1252 in, UTF-8 out, same text
    document.write(upper(document), tmp_path / "out.txt", "en")
    out = (tmp_path / "out.txt").read_bytes().decode("utf-8").split("\r\n")
    assert out[0] == "OBJET : MAINTIEN D'AFFILIATION" and out[1] == ""
    assert out[-3:] == ["  - PREMIER POINT", "  - SECOND POINT", ""]
    assert max(len(line) for line in out[2:4]) <= 82


def test_markdown_keeps_structure_code_and_links(tmp_path):
    source = """---
title: Fiche
---
# Le détachement

Le **travailleur détaché** garde *sa* couverture (voir [la fiche](https://www.cleiss.fr/a.html)).
Suite du paragraphe avec `liaison ingest`.

- Formulaire A1
- Formulaire S1

| Pays | Durée |
|------|-------|
| Allemagne | 24 mois |

```python
print("ne pas traduire")
```
"""
    path = tmp_path / "fiche.md"
    path.write_text(source, "utf-8")
    document = open_document(path)
    texts = [b.text for b in document.blocks]
    assert "print" not in " ".join(texts) and "title" not in " ".join(texts)
    assert texts[0] == "Fiche"  # the front-matter title is text a reader sees
    assert texts[2] == ("Le travailleur détaché garde sa couverture (voir la fiche). Suite du paragraphe avec "
                        "liaison ingest.")
    document.write({}, tmp_path / "same.md", "en")
    assert (tmp_path / "same.md").read_text("utf-8") == source
    document.write(upper(document), tmp_path / "out.md", "en")
    out = (tmp_path / "out.md").read_text("utf-8")
    assert out.startswith('---\ntitle: "FICHE"\n---\n# LE DÉTACHEMENT\n')
    assert "LE **TRAVAILLEUR DÉTACHÉ** GARDE *SA* COUVERTURE (VOIR [LA FICHE](https://www.cleiss.fr/a.html))." in out
    assert "`liaison ingest`" in out and 'print("ne pas traduire")' in out
    assert "- FORMULAIRE A1" in out and "|------|-------|" in out and "| ALLEMAGNE | 24 MOIS |" in out


def test_html_markup_is_untouched(tmp_path):
    source = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Lettre &amp; avis</title>
<style>p { color: red }</style><script>var s = "<p>Bonjour</p>";</script></head>
<body class="letter">
<!-- modèle 2024 -->
<h1 id="t">Maintien d'affiliation</h1>
<p>Le <b>travailleur détaché</b> reste affilié.<br>Voir <a href="https://x.fr/?a=1&amp;b=2" title="lien">le
   formulaire A1</a> et <code>E106</code>.</p>
<ul><li>Un&nbsp;point</li><li translate="no">Ne pas traduire</li></ul>
<img src="logo.png" alt="Logo du CLEISS">
</body></html>"""
    path = tmp_path / "page.html"
    path.write_text(source, "utf-8")
    document = open_document(path)
    assert [b.text for b in document.blocks] == [
        "Lettre & avis", "Maintien d'affiliation", "Le travailleur détaché reste affilié.",
        "Voir le formulaire A1 et E106.", "Un\xa0point", "lien", "Logo du CLEISS"]  # + title/alt attributes
    document.write({}, tmp_path / "same.html", "fr")
    assert (tmp_path / "same.html").read_text("utf-8") == source
    document.write(upper(document), tmp_path / "out.html", "en")
    out = (tmp_path / "out.html").read_text("utf-8")
    tags = lambda html: re.findall(r"<[^>]+>", html)  # noqa: E731
    assert tags(out) == [t.replace('lang="fr"', 'lang="en-GB"').replace('title="lien"', 'title="LIEN"')
                         .replace('alt="Logo du CLEISS"', 'alt="LOGO DU CLEISS"') for t in tags(source)]
    assert "<b>TRAVAILLEUR DÉTACHÉ</b>" in out and "<code>E106</code>" in out and "UN&nbsp;POINT" in out
    assert 'var s = "<p>Bonjour</p>";' in out and "Ne pas traduire" in out and 'alt="LOGO DU CLEISS"' in out


def test_docx_keeps_layout_headers_footers_tables_and_formatting(tmp_path):
    import docx

    path = make_docx(tmp_path / "lettre.docx")
    document = open_document(path)
    texts = [b.text for b in document.blocks]
    assert "Le travailleur détaché reste affilié au régime français pendant 24 mois. Le formulaire A1 est délivré par la CPAM." in texts
    assert "Date de début du détachement" in texts and "Page " in texts
    assert "Adresse :" in texts and "Paris" in texts  # the tab is kept between two blocks
    assert "CLEISS - Centre des liaisons européennes et internationales" in texts
    document.write(upper(document), tmp_path / "out.docx", "en")
    out = docx.Document(str(tmp_path / "out.docx"))
    body = out.paragraphs[1]
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in body.runs if r.text.strip()] == [
        ("LE ", False, False), ("TRAVAILLEUR DÉTACHÉ", True, False),
        (" RESTE AFFILIÉ AU RÉGIME FRANÇAIS PENDANT 24 MOIS. LE FORMULAIRE ", False, False), ("A1", False, True),
        (" EST DÉLIVRÉ PAR LA CPAM.", False, False)]
    assert out.paragraphs[0].style.name == "Heading 1"
    assert [[c.text for c in row.cells] for row in out.tables[0].rows] == [
        ["NOM", "DATE DE DÉBUT DU DÉTACHEMENT"], ["DUPONT", "12/03/2024"]]
    assert out.paragraphs[2].text == "ADRESSE :\tPARIS"
    assert out.sections[0].header.paragraphs[0].text.startswith("CLEISS - CENTRE")
    footer_xml = out.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml  # the page-number field survives
    link = out.paragraphs[3]._p.xml
    assert "w:hyperlink" in link and "DU CLEISS" in link
    assert out.paragraphs[3].text == "VOIR LE SITE DU CLEISS POUR LES FORMULAIRES."


def test_pdf_becomes_docx_with_layout_note(tmp_path):
    import docx

    path = make_pdf(tmp_path / "attestation.pdf", pages=2)
    document = open_document(path)
    assert document.pages == 2 and document.output_name("en") == "attestation.en.docx"
    assert any("travailleur détaché" in b.text for b in document.blocks)
    document.write(upper(document), tmp_path / "out.docx", "en")
    out = docx.Document(str(tmp_path / "out.docx"))
    assert "layout is approximate" in out.paragraphs[0].text
    assert any(p.style.name == "Heading 2" and p.text == "ATTESTATION 1" for p in out.paragraphs)
    assert any(r.bold and r.text == "TRAVAILLEUR DÉTACHÉ" for p in out.paragraphs for r in p.runs)


def test_bad_documents_get_clear_errors(tmp_path):
    import msoffcrypto.format.ooxml
    from pypdf import PdfWriter

    plain = make_docx(tmp_path / "plain.docx")
    encrypted = tmp_path / "protected.docx"
    with plain.open("rb") as fh, encrypted.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("secret", out)
    with pytest.raises(DocumentError, match="protected.docx: password-protected .*remove the password"):
        open_document(encrypted)
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(plain.read_bytes()[:3000])
    with pytest.raises(DocumentError, match="truncated.docx: corrupt DOCX"):
        open_document(truncated)
    legacy = tmp_path / "old.docx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    with pytest.raises(DocumentError, match="old Word 97-2003"):
        open_document(legacy)
    no_main = tmp_path / "nomain.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    no_main.write_bytes(buffer.getvalue())
    with pytest.raises(DocumentError, match="nomain.docx: corrupt or unsupported DOCX"):
        open_document(no_main)

    writer = PdfWriter()
    for _ in range(500):
        writer.add_blank_page(595, 842)
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LimitExceeded, match="big.pdf: 500 pages, above the limit of 300 .*split it"):
        open_document(big, max_pages=300)
    with pytest.raises(DocumentError, match="no text layer .*OCR"):
        open_document(big, max_pages=1000)
    locked = PdfWriter(clone_from=str(make_pdf(tmp_path / "src.pdf", pages=1)))
    locked.encrypt(user_password="secret", owner_password="owner")
    locked_path = tmp_path / "locked.pdf"
    with locked_path.open("wb") as fh:
        locked.write(fh)
    with pytest.raises(DocumentError, match="locked.pdf: password-protected PDF"):
        open_document(locked_path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"garbage" * 100)
    with pytest.raises(DocumentError, match="broken.pdf: damaged PDF|broken.pdf: the PDF cannot be read"):
        open_document(broken)

    with pytest.raises(UnsupportedFormat, match=r"table.xls: unsupported format .xls .*supported: .docx"):
        open_document(tmp_path / "table.xls")  # the old binary format (.xlsx is supported)
    with pytest.raises(UnsupportedFormat, match="save it as .docx"):
        open_document(tmp_path / "letter.doc")
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(DocumentError, match="empty.txt: the file is empty"):
        open_document(tmp_path / "empty.txt")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(DocumentError, match="binary data"):
        open_document(tmp_path / "binary.txt")
    many = tmp_path / "many.txt"
    many.write_text("Une phrase.\n" * 1000)
    with pytest.raises(LimitExceeded, match="above the limit of 100 "):
        open_document(many, max_chars=100)
