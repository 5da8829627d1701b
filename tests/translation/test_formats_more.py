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
