"""Fact sheets, generic Markdown/HTML/text documents and the metadata override hook (tmp files)."""
import pytest

from ingest.parsers import SUPPORTED_SUFFIXES, parse_file
from ingest.types import ParseError

from .conftest import write

pytestmark = pytest.mark.unit

SHEET = """---
id: posting-test
title: "Détachement : fiche de test"
language: fr
instrument_type: fact_sheet
countries: [FR, NC]
audience: public
checked: 2026-11-26
references:
  - "Code de la sécurité sociale, articles L761-2 et R761-1"
  - "Règlement (CE) n° 883/2004, article 12"
sources:
  - {path: "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json", ref: "L761-2"}
---
# Détachement : fiche de test

## En bref

Un salarié détaché reste affilié au régime français
pendant la durée du détachement (article L761-2).

## Durée

- 24 mois dans l'Union européenne ;
- 3 ans renouvelable pour la Nouvelle-Calédonie.

### Prolongation

La prolongation exceptionnelle relève de l'article 16 du règlement 883/2004.
"""


def test_fact_sheet_front_matter_and_sections(tmp_path, parser_settings):
    chunks = parse_file(write(tmp_path / "facts" / "fr" / "posting-test.md", SHEET), tmp_path, source="corpus",
                        settings=parser_settings)
    assert {c.metadata["ref"] for c in chunks} == {"posting-test"}
    meta = chunks[0].metadata
    assert meta["path"] == "facts/fr/posting-test.md" and meta["source"] == "corpus"
    assert (meta["title"], meta["language"], meta["instrument_type"]) == ("Détachement : fiche de test", "fr", "fact_sheet")
    assert (meta["countries"], meta["country_FR"], meta["country_NC"]) == ("|FR|NC|", True, True)
    assert (meta["audience"], meta["version_date"]) == ("public", 20261126)
    assert {"L761-2", "R761-1", "883/2004"} <= set(meta["cites"].strip("|").split("|"))
    assert meta["sources"] == "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json#L761-2"
    assert [c.text.split("\n")[1] for c in chunks] == ["En bref", "Durée"]
    assert chunks[0].text.startswith("Détachement : fiche de test\nEn bref\n")
    # soft-wrapped lines are re-joined, list items keep their lines, sub-headings stay in their section
    assert "régime français pendant la durée" in chunks[0].text
    assert "- 24 mois dans l'Union européenne ;\n- 3 ans" in chunks[1].text
    assert "Prolongation" in chunks[1].text


def test_fact_sheet_without_id_is_refused(tmp_path, parser_settings):
    with pytest.raises(ParseError, match="no 'id'"):
        parse_file(write(tmp_path / "x.md", SHEET.replace("id: posting-test\n", "")), tmp_path, source="c",
                   settings=parser_settings)


def test_repository_fact_sheets_parse(parser_settings):
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "corpus"
    sheets = [p for p in root.rglob("*.md") if p.read_text(encoding="utf-8").startswith("---")]
    if not sheets:
        pytest.skip("no fact sheet in corpus/ yet")
    for sheet in sheets:
        chunks = parse_file(sheet, root, source="corpus", settings=parser_settings)
        meta = chunks[0].metadata
        assert meta["instrument_type"] == "fact_sheet" and meta["ref"] and meta["version_date"] > 20200101, sheet


def test_defaults_override_inferred_values_but_not_identity(tmp_path, parser_settings):
    path = write(tmp_path / "note.md", "# Note\n\nTexte sur le détachement des salariés en France et à l'étranger.")
    plain = parse_file(path, tmp_path, source="s", settings=parser_settings)[0].metadata
    assert plain["instrument_type"] == "document" and plain["countries"] == ""
    chunk = parse_file(path, tmp_path, source="s", settings=parser_settings,
                       defaults={"instrument_type": "faq", "countries": ["FR", "BE"], "licence": "CC-BY-4.0",
                                 "ref": "hijack", "path": "elsewhere", "audience": "agent"})[0]
    meta = chunk.metadata
    assert (meta["instrument_type"], meta["countries"], meta["licence"], meta["audience"]) == \
        ("faq", "|FR|BE|", "CC-BY-4.0", "agent")
    assert meta["country_BE"] is True and meta["ref"] == "note.md" and meta["path"] == "note.md"
    with pytest.raises(ParseError, match="instrument_type default 'nope' is not one of"):
        parse_file(path, tmp_path, source="s", settings=parser_settings, defaults={"instrument_type": "nope"})


def test_generic_html_page_sections_and_chrome(tmp_path, parser_settings):
    page = """<!doctype html><html lang="fr"><head><title>Vivre à l'étranger</title>
    <link rel="canonical" href="https://example.gouv.fr/vivre"></head><body>
    <header><nav><a href="/">Accueil</a><ul><li>Menu 1</li></ul></nav></header>
    <div class="cookie-banner"><h2>Cookies</h2><button>Accepter</button></div>
    <main><nav class="breadcrumb"><a href="/">Accueil</a> &gt; <a href="/etranger">Étranger</a></nav>
    <h1>Vivre à l'étranger</h1><ul class="toc"><li><a href="#a">Santé</a></li><li><a href="#b">Retraite</a></li></ul>
    <h2 id="a">Santé</h2><p>Vous pouvez adhérer à la <strong>Caisse des Français de l'étranger</strong>.</p>
    <h3>Cotisations</h3><p>Les cotisations dépendent de vos revenus.</p>
    <h2 id="b">Retraite</h2><p>L'article 12 de la convention s'applique.</p>
    <table><tr><th>Pays</th><th>Durée</th></tr><tr><td>Canada</td><td>3 ans</td></tr></table>
    </main><footer>Mentions légales</footer><script>track()</script></body></html>"""
    chunks = parse_file(write(tmp_path / "vivre.html", page), tmp_path, source="web", settings=parser_settings)
    text = "\n".join(c.text for c in chunks)
    for chrome in ("Menu 1", "Cookies", "Accepter", "Mentions légales", "track()"):
        assert chrome not in text
    assert [c.text.split("\n")[2] for c in chunks] == ["Santé", "Retraite"]
    assert chunks[0].metadata["hierarchy"] == "Étranger" and chunks[0].metadata["title"] == "Vivre à l'étranger"
    assert "Caisse des Français de l'étranger" in chunks[0].text and "Cotisations" in chunks[0].text
    assert "Pays | Durée\n" in chunks[1].text or "Pays | Durée" in chunks[1].text
    assert chunks[0].metadata["url"] == "https://example.gouv.fr/vivre" and chunks[0].metadata["language"] == "fr"


def test_markdown_convention_articles_and_text_file_single_unit(tmp_path, parser_settings):
    convention = ("# Convention entre la France et l'Exemple\n\n## TITRE I\n\n### Dispositions générales\n\n"
                  "## Article 1\n\nLa présente convention s'applique, sous réserve de l'article 2.\n\n"
                  "## Article 2\n\nArticle 12 du règlement : voir l'article 1.\n")
    chunks = parse_file(write(tmp_path / "conv.md", convention), tmp_path, source="s", settings=parser_settings)
    assert [c.metadata["ref"] for c in chunks] == ["Article 1", "Article 2"]
    assert chunks[0].metadata["hierarchy"] == "Convention entre la France et l'Exemple > TITRE I – Dispositions générales"
    plain = ("DECRET DE TEST\n\nTITRE II\n\nARTICLE 5\nLe salarié est détaché.\n\nConformément à l'article 5, "
             "la caisse\nvérifie la situation.\n\nArticle 6 - Durée\n\nSix mois.")
    chunks = parse_file(write(tmp_path / "decret.txt", plain), tmp_path, source="s", settings=parser_settings)
    assert {c.metadata["ref"] for c in chunks} == {"decret.txt"}
    assert [c.metadata["locator"] for c in chunks] == ["Article 5", "Article 6"]  # ARTICLE 5 normalised
    assert "Conformément à l'article 5, la caisse vérifie la situation." in chunks[0].text  # re-joined lines
    assert chunks[1].text.split("\n")[2] == "Article 6 – Durée"


def test_supported_suffixes():
    assert {".json", ".jsonl", ".xml", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".pdf",
            ".docx"} <= SUPPORTED_SUFFIXES


def test_legi_tree_with_two_versions_of_an_article(tmp_path, parser_settings):
    import json

    def article(num, article_id, start, end, etat, html):
        return {"type": "article", "data": {"num": num, "id": article_id, "cid": "LEGIARTI000000000001",
                                            "etat": etat, "dateDebut": start, "dateFin": end,
                                            "texteHtml": html, "nota": ""}, "children": []}

    tree = {"type": "code", "data": {"title": "Code de test", "id": "LEGITEXT000000000001"}, "children": [
        {"type": "section", "data": {"title": "Titre VI : Assurés résidant à l'étranger"}, "children": [
            article("L761-2", "LEGIARTI000000000001", "1985-12-21", "2019-01-01", "MODIFIE",
                    "<p>Ancienne rédaction, voir l'article L. 761-1.</p>"),
            article("L761-2", "LEGIARTI000000000002", 1546300800000, 32472144000000, "VIGUEUR",
                    "<p>Nouvelle rédaction.</p><p>Second alinéa.</p>"),
        ]},
    ]}
    chunks = parse_file(write(tmp_path / "code.json", json.dumps(tree)), tmp_path, source="legi",
                        settings=parser_settings)
    assert [c.metadata["ref"] for c in chunks] == ["L761-2", "L761-2"]
    old, new = (c.metadata for c in chunks)
    assert (old["valid_from"], old["valid_to"], old["status"]) == (19851221, 20190101, "MODIFIE")
    assert (new["valid_from"], new["valid_to"], new["status"]) == (20190101, 99991231, "VIGUEUR")
    assert old["unit_hash"] != new["unit_hash"] and old["cites"] == "|L761-1|"
    assert chunks[1].text == "Code de test > Titre VI : Assurés résidant à l'étranger\nArticle L761-2\nNouvelle rédaction.\n\nSecond alinéa."
    assert new["url"] == "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000000000002"
