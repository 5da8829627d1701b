"""What the base does not hold, said plainly: instruments, articles and fiches named in a query."""
from __future__ import annotations

import pytest

from ingest.gaps import act_numbers, find_gaps, holdings
from ingest.index.catalog import Catalog, file_key
from ingest.parsers import parse_file
from ingest.sources import load_registry

pytestmark = pytest.mark.unit

CSS = "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json"
DIR_96_71 = ("eu/lex-corpus-eu-eurlex/works/31996l0071/versions/"
             "1996-12-16--13cd4b3a179bd0c756ec857a111d324515dd62445700714e6ca8c1530346ea69/fr.xml")


@pytest.fixture(scope="module")
def catalog(shared_corpus, tmp_path_factory):
    from liaison.settings import Settings

    folder = tmp_path_factory.mktemp("gaps")
    settings = Settings(data_dir=folder)
    catalog = Catalog(folder / "catalog.sqlite")
    for rel in (CSS, DIR_96_71):
        chunks = parse_file(shared_corpus / rel, shared_corpus, source="corpus", settings=settings)
        catalog.replace_file(key=file_key("corpus", rel), source="corpus", root="r", path=rel, file_hash="h",
                             size=1, chunks=chunks)
    yield catalog
    catalog.close()


def test_celex_numbers_are_cited_as_acts_are():
    assert act_numbers("32004R0883") >= {"883/2004"}
    assert act_numbers("31996L0071") >= {"96/71"} and act_numbers("32018L0957") >= {"2018/957"}


def test_an_instrument_not_held_is_named_with_its_link_and_fetch_source(catalog):
    registry = load_registry()
    [gap] = find_gaps(catalog, "article 12 règlement 883/2004", registry)
    assert (gap.kind, gap.cite, gap.article, gap.fetch_source) == ("instrument", "883/2004", "12", "eu-reg-883-2004")
    assert gap.url == "https://eur-lex.europa.eu/eli/reg/2004/883/oj"
    assert gap.message.startswith("Article 12 of Regulation (EC) No 883/2004 is not in the knowledge base.")
    assert find_gaps(catalog, "règlement 883/2004", registry, "fr")[0].title == "Règlement (CE) n° 883/2004"


def test_held_texts_give_no_gap_and_missing_articles_do(catalog):
    registry = load_registry()
    assert find_gaps(catalog, "L761-2 et R767-2", registry) == []
    assert find_gaps(catalog, "directive 96/71 article 3", registry) == []
    [missing] = find_gaps(catalog, "directive 96/71 article 33", registry)
    assert missing.kind == "article" and missing.article == "33" and missing.fetch_source == ""
    [code] = find_gaps(catalog, "article R160-2", registry)
    assert code.cite == "R160-2" and code.fetch_source == "css-international"
    [fiche] = find_gaps(catalog, "fiche F3155", registry)
    assert fiche.fetch_source == "service-public-fiches" and fiche.url.endswith("/F3155")
    assert find_gaps(catalog, "quelle est la durée du détachement ?", registry) == []


def test_holdings_say_which_registry_sources_are_held(catalog):
    held = {h["name"]: h["held"] for h in holdings(catalog, load_registry())}
    assert held["css-livre7-titre6"] and held["eu-dir-96-71"]
    assert not held["eu-reg-883-2004"] and not held["eu-dir-2011-24"] and not held["service-public-fiches"]
