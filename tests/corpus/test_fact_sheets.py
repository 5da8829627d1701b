"""The project's fact sheets (corpus/facts/{fr,en}/*.md): format the parser relies on, French/English
pairs, and every reference checked against the shared corpus (../shared/corpus)."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
FACTS = REPO / "corpus" / "facts"
LANGS = ("fr", "en")
REQUIRED = ("id", "title", "language", "instrument_type", "countries", "audience", "checked", "references", "sources")
SECTIONS = {"fr": ("## Base légale", "## Pour aller plus loin"), "en": ("## Legal basis", "## Where to get help")}
# Only official domains the sheets may send people to (no invented addresses).
ALLOWED_DOMAINS = ("www.cleiss.fr", "www.ameli.fr", "www.urssaf.fr", "europa.eu", "eur-lex.europa.eu",
                   "www.legifrance.gouv.fr", "www.service-public.fr", "www.cfe.fr", "www.caf.fr",
                   "www.francetravail.fr", "www.lassuranceretraite.fr", "www.msa.fr", "www.citizensinformation.ie",
                   "www.gov.ie", "www.hse.ie", "www.gov.uk", "travail-emploi.gouv.fr", "sipsi.travail.gouv.fr")
CSS_FILES = ("fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json",
             "fr/code-securite-sociale/CSS_autres-articles-internationaux.json")
CT_FILES = ("fr/code-du-travail/CT_partie1_livre-II_titre-VI_salaries-detaches.json",)
ARTICLE_RE = re.compile(r"\b([LRD])\.?\s?(\d{3,4}(?:-\d+)*)\b")
SHINGLE = 12  # a run of this many words shared with a cited source counts as copied text


def sheet_paths() -> list[Path]:
    return sorted(p for lang in LANGS for p in (FACTS / lang).glob("*.md"))


def parse(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: must start with YAML front matter (---)"
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path}: front matter is not closed by a --- line"
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return meta, body


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@lru_cache(maxsize=None)
def legi_articles(shared: Path, rel: str) -> dict[str, str]:
    data = json.loads((shared / rel).read_text(encoding="utf-8"))
    out: dict[str, str] = {}

    def walk(node):
        if node.get("type") == "article":
            out[node["data"]["num"]] = out.get(node["data"]["num"], "") + " " + (node["data"].get("texte") or "")
        for child in node.get("children") or []:
            walk(child)

    walk(data)
    return out


def all_nums(shared: Path, files: tuple[str, ...]) -> set[str]:
    return {n for rel in files for n in legi_articles(shared, rel)}


def fiche_text(node) -> str:
    if isinstance(node, dict):
        own = node.get("text", "") if node.get("type") == "text" else ""
        return own + " " + " ".join(fiche_text(c) for c in node.get("children", []) or [])
    return ""


def source_text(shared: Path, entry: dict) -> str:
    """Text of the cited unit (for the ref check and the no-copy check)."""
    path = shared / entry["path"]
    ref = str(entry["ref"])
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("type") == "code":
            return legi_articles(shared, entry["path"]).get(ref, "")
        if isinstance(data, dict) and "id" in data:
            return fiche_text(data) if data["id"] == ref else ""
        if isinstance(data, list):
            return " ".join(json.dumps(r, ensure_ascii=False) for r in data if r.get("pubId") == ref)
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".html", ".xml"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)))
    return text


def norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


SHEETS = sheet_paths()


def test_there_are_at_least_22_topics_in_both_languages():
    ids = {lang: {p.stem for p in (FACTS / lang).glob("*.md")} for lang in LANGS}
    assert len(ids["fr"]) >= 22
    assert ids["fr"] == ids["en"], f"unpaired sheets: {sorted(ids['fr'] ^ ids['en'])}"
    assert (FACTS / "README.md").is_file()


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_front_matter_and_layout(path):
    meta, body = parse(path)
    assert set(REQUIRED) <= set(meta), f"missing keys: {set(REQUIRED) - set(meta)}"
    assert set(meta) <= set(REQUIRED), f"unknown keys: {set(meta) - set(REQUIRED)}"
    lang = path.parent.name
    assert meta["id"] == path.stem and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta["id"])
    assert meta["language"] == lang
    assert meta["instrument_type"] == "fact_sheet"
    assert meta["audience"] in ("public", "agent")
    assert isinstance(meta["checked"], dt.date), "checked must be a YAML date (YYYY-MM-DD)"
    assert dt.date(2026, 1, 1) <= meta["checked"] <= dt.date.today()
    assert isinstance(meta["countries"], list) and meta["countries"]
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in meta["countries"]), meta["countries"]
    assert isinstance(meta["references"], list) and meta["references"]
    assert all(isinstance(r, str) and r.strip() for r in meta["references"])
    assert isinstance(meta["sources"], list)
    for entry in meta["sources"]:
        assert isinstance(entry, dict) and set(entry) == {"path", "ref"}, entry

    lines = body.lstrip("\n").splitlines()
    assert lines[0] == f"# {meta['title']}", "the body starts with '# <title>'"
    for heading in SECTIONS[lang]:
        assert heading in body.splitlines(), f"missing section {heading!r}"
    assert sum(1 for line in lines if line.startswith("## ")) >= 4
    count = len(words(body))
    assert 250 <= count <= 700, f"{count} words (250-700 expected)"
    for url in re.findall(r"https?://[^\s)>\]]+", body):
        host = re.match(r"https?://([^/]+)", url).group(1)
        assert url.startswith("https://") and host in ALLOWED_DOMAINS, f"unexpected address {url}"
    assert not re.search(r"\b0\d(?:[ .]?\d{2}){4}\b|\+\d{2,3}[ .]?\d", body), "no phone numbers in sheets"


@pytest.mark.parametrize("sheet_id", sorted({p.stem for p in SHEETS}))
def test_french_and_english_versions_agree(sheet_id):
    fr, _ = parse(FACTS / "fr" / f"{sheet_id}.md")
    en, _ = parse(FACTS / "en" / f"{sheet_id}.md")
    for key in ("countries", "audience", "checked"):
        assert fr[key] == en[key], f"{key} differs between fr and en"
    assert len(fr["references"]) == len(en["references"])
    assert {s["path"] for s in fr["sources"]} == {s["path"] for s in en["sources"]}


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_sources_exist_in_the_shared_corpus(path, shared_corpus):
    meta, _ = parse(path)
    for entry in meta["sources"]:
        target = shared_corpus / entry["path"]
        assert target.is_file(), f"{entry['path']} is not in the shared corpus"
        text = source_text(shared_corpus, entry)
        if target.suffix == ".json":
            assert text.strip(), f"{entry['path']}: no unit {entry['ref']!r}"
        else:
            pattern = r"(?<!\w)" + re.escape(norm(str(entry["ref"]))) + r"(?!\w)"
            assert re.search(pattern, norm(text)), f"{entry['path']}: {entry['ref']!r} not found in the file"


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cited_code_articles_exist(path, shared_corpus):
    meta, body = parse(path)
    css = all_nums(shared_corpus, CSS_FILES)
    ct = all_nums(shared_corpus, CT_FILES)
    for ref in meta["references"]:
        nums = [f"{letter}{num}" for letter, num in ARTICLE_RE.findall(ref)]
        if "code de la sécurité sociale" in ref.lower() or "social security code" in ref.lower():
            assert nums, f"no article number in {ref!r}"
            missing = [n for n in nums if n not in css]
            assert not missing, f"{ref!r}: {missing} not in the shared CSS extracts"
        elif "code du travail" in ref.lower() or "labour code" in ref.lower():
            assert nums, f"no article number in {ref!r}"
            missing = [n for n in nums if n not in ct]
            assert not missing, f"{ref!r}: {missing} not in the shared Code du travail extract"
    # Articles named in the body text must exist too (a typo there misleads as much as in references).
    for letter, num in ARTICLE_RE.findall(body):
        art = f"{letter}{num}"
        if art.startswith(("L76", "R76", "D76", "L16", "R16", "L111", "L512", "D767")):
            assert art in css, f"body cites {art}, which is not in the shared CSS extracts"
        elif art.startswith(("L126", "R126")):
            assert art in ct, f"body cites {art}, which is not in the shared Code du travail extract"


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_sheets_are_written_in_our_own_words(path, shared_corpus):
    """No run of 12 words copied from the texts the sheet cites."""
    meta, body = parse(path)
    mine = words(body)
    own = {" ".join(mine[i:i + SHINGLE]) for i in range(len(mine) - SHINGLE + 1)}
    for entry in meta["sources"]:
        theirs = words(source_text(shared_corpus, entry))
        copied = own & {" ".join(theirs[i:i + SHINGLE]) for i in range(len(theirs) - SHINGLE + 1)}
        assert not copied, f"copied from {entry['path']} ({entry['ref']}): {sorted(copied)[0]!r}"
