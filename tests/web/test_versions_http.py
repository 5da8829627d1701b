"""Versions, diffs and cross-references over real HTTP (uvicorn), the API and the console, on real LEGI
articles of ../shared/corpus.

The shared LEGI extract carries each article's current text and, in `articleVersions`, the dates and
ids of its earlier versions (not their texts). The earlier version of R767-2 used here keeps the
real id and dates of the 2015-2022 version (LEGIARTI000030299789) and the current text minus its 2°:
ingesting it, then the real file, is a re-ingest of a changed file carrying two versions."""
from __future__ import annotations

import copy
import html
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.web.server import run_server

pytestmark = [pytest.mark.integration]

CSS = "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json"
KEEP = {"L761-1", "L761-2", "R761-1", "R767-2"}
REMOVED = "2° D'assurer la mission d'information sur les droits en matière de soins de santé transfrontaliers"
PASSWORD = "correct horse battery staple"


def _prune(node: dict) -> dict | None:
    if node.get("type") == "article":
        return copy.deepcopy(node) if node["data"].get("num") in KEEP else None
    children = [c for c in (_prune(child) for child in node.get("children") or []) if c]
    return {**node, "children": children} if children else None


def _ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _article(tree: dict, num: str) -> dict:
    if tree.get("type") == "article":
        return tree if tree["data"]["num"] == num else None
    for child in tree.get("children") or []:
        found = _article(child, num)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def versions_env(shared_corpus, tmp_path_factory):
    from ingest.kb import KnowledgeBase
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    current = _prune(json.loads((shared_corpus / CSS).read_text(encoding="utf-8")))
    earlier = copy.deepcopy(current)
    data = _article(earlier, "R767-2")["data"]
    data.update(id="LEGIARTI000030299789", etat="MODIFIE", dateDebut=_ms("2015-01-01"), dateFin=_ms("2022-03-28"),
                nota="", notaHtml="")
    data["texteHtml"] = re.sub(r"<p>2° D'assurer la mission d'information.*?</p>", "", data["texteHtml"], flags=re.S)
    data["texte"] = data["texte"].replace(data["texte"][data["texte"].index(REMOVED):data["texte"].index("3° De contribuer")], "")
    assert REMOVED not in data["texteHtml"]

    root = tmp_path_factory.mktemp("versions")
    corpus = root / "corpus" / "fr" / "code-securite-sociale"
    corpus.mkdir(parents=True)
    file = corpus / Path(CSS).name
    settings = Settings(data_dir=root / "data").ensure_dirs()
    kb = KnowledgeBase(settings)
    try:
        file.write_text(json.dumps(earlier, ensure_ascii=False), encoding="utf-8")
        assert kb.ingest([root / "corpus"]).count("added") == 1
        file.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
        assert kb.ingest([root / "corpus"]).count("updated") == 1
    finally:
        kb.close()
    db_url = settings.resolved_database_url
    migrate(db_url)
    create_account(db_url, "agent-versions", "agent", password=PASSWORD)
    with run_server(settings.data_dir, root / "server.log", LIAISON_RATE_LIMIT_PER_MINUTE="1000") as base:
        yield SimpleNamespace(base=base, data_dir=settings.data_dir, path=CSS)


def _console(env) -> httpx.Client:
    client = httpx.Client(base_url=env.base, timeout=60, follow_redirects=False)
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = client.post("/console/login", data={"username": "agent-versions", "password": PASSWORD,
                                               "csrf_token": token, "next": "/console/search"})
    assert done.status_code == 303, done.text
    return client


def test_as_of_serves_the_version_in_force_that_day(versions_env):
    env = versions_env
    url = f"{env.base}/v1/documents/{env.path}"
    now = httpx.get(url, params={"ref": "R767-2"}).json()
    before = httpx.get(url, params={"ref": "R767-2", "as_of": "2020-06-01"}).json()
    assert REMOVED in now["body"] and REMOVED not in before["body"]
    assert (before["valid_from"], before["valid_to"]) == (20150101, 20220328)
    assert now["valid_from"] == 20220328 and now["body"].count("conformément à l'article 6") == 1
    assert httpx.get(url, params={"ref": "R767-2", "as_of": "2023-01-01"}).json()["body"] == now["body"]
    # every version known: the two held, and the three older ones LEGI lists without their text
    versions = now["versions"]
    assert [(v["valid_from"], v["held"]) for v in versions] == [
        (20220328, True), (20150101, True), (20021229, False), (19950416, False), (19851221, False)]
    # a day whose version the base does not hold: said plainly, with the official link
    gap = httpx.get(url, params={"ref": "R767-2", "as_of": "2010-01-01"})
    assert gap.status_code == 404
    assert "LEGIARTI000006752216" in gap.json()["detail"] and "legifrance.gouv.fr" in gap.json()["detail"]

    old_search = httpx.post(f"{env.base}/v1/search", json={"query": "R767-2", "k": 3, "as_of": "2010-01-01"}).json()
    assert all(r["ref"] != "R767-2" for r in old_search["results"])
    assert old_search["gaps"][0]["kind"] == "version" and "LEGIARTI000006752216" in old_search["gaps"][0]["message"]
    search = httpx.post(f"{env.base}/v1/search", json={"query": "R767-2", "k": 3, "as_of": "2020-06-01"}).json()
    assert search["gaps"] == []
    top = search["results"][0]
    assert top["ref"] == "R767-2" and top["valid_to"] == 20220328 and REMOVED not in top["body"]
    assert REMOVED in httpx.post(f"{env.base}/v1/search", json={"query": "R767-2", "k": 3}).json()["results"][0]["body"]


def test_cli_search_as_of(versions_env):
    liaison = str(Path(sys.executable).parent / "liaison")
    out = subprocess.run([liaison, "search", "R767-2", "-k", "1", "--as-of", "2020-06-01", "--data-dir",
                          str(versions_env.data_dir), "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    hit = json.loads(out.stdout)["hits"][0]
    assert hit["ref"] == "R767-2" and REMOVED not in hit["text"]


def test_console_lists_versions_shows_a_diff_and_links_references(versions_env):
    env = versions_env
    client = _console(env)
    try:
        page = client.get("/console/documents", params={"path": env.path, "ref": "R767-2", "lang": "fr"}).text
        assert "Versions connues" in page and "texte non conservé dans la base" in page
        assert page.count("legifrance.gouv.fr/codes/article_lc/LEGIARTI0000067522") == 3
        ids = re.findall(r'<option value="(\d+)"', page)
        assert len(set(ids)) == 2
        older = client.get("/console/documents", params={"path": env.path, "ref": "R767-2", "version": min(ids, key=int)})
        assert older.status_code == 200 and REMOVED not in older.text

        diff = client.get("/console/documents/diff", params={"path": env.path, "ref": "R767-2",
                                                             "old": min(ids, key=int), "new": max(ids, key=int)})
        assert diff.status_code == 200
        inserted = re.findall(r"<ins>(.*?)</ins>", diff.text, re.S)
        assert any("soins de santé transfrontaliers" in piece for piece in inserted), inserted

        missing = client.get("/console/documents", params={"path": env.path, "ref": "R767-2", "as_of": "2010-01-01"})
        assert missing.status_code == 404 and "Version non conservée" in missing.text
        assert "LEGIARTI000006752216" in missing.text and "Ce texte n'existe pas" not in missing.text

        # cross-references: L761-2 cites L761-1 (linked) and is cited by R761-1 (listed)
        l761 = client.get("/console/documents", params={"path": env.path, "ref": "L761-2", "lang": "fr"}).text
        link = re.search(r'<a href="([^"]+)" class="xref">(L\. ?761-1)</a>', l761)
        assert link, l761[:3000]
        target = client.get(link.group(1).replace("&amp;", "&"))
        assert target.status_code == 200 and "Article L761-1" in target.text
        assert "Textes de la base qui citent cet article" in l761 and "Article R761-1" in l761
    finally:
        client.close()
    # the public viewer links references to public pages
    public = httpx.get(f"{env.base}/documents/view", params={"path": env.path, "ref": "L761-2"}).text
    assert re.search(r'<a href="/documents/view\?path=[^"]+ref=L761-1[^"]*" class="xref">', public)


def test_a_text_the_base_does_not_hold_is_said_first(versions_env):
    env = versions_env
    found = httpx.post(f"{env.base}/v1/search", json={"query": "article 12 règlement 883/2004", "k": 3}).json()
    gap = found["gaps"][0]
    assert gap["cite"] == "883/2004" and gap["article"] == "12" and gap["fetch_source"] == "eu-reg-883-2004"
    assert gap["url"] == "https://eur-lex.europa.eu/eli/reg/2004/883/oj"
    assert "Regulation (EC) No 883/2004 is not in the knowledge base" in gap["message"]
    assert httpx.post(f"{env.base}/v1/search", json={"query": "L761-2", "k": 3}).json()["gaps"] == []
    client = _console(env)
    try:
        page = client.get("/console/search", params={"q": "article 12 règlement 883/2004", "lang": "fr"}).text
    finally:
        client.close()
    first = re.search(r'<ol class="result-list">\s*<li class="([^"]+)"[^>]*>(.*?)</li>', page, re.S)
    assert first and "gap" in first.group(1), page[-4000:]
    assert "Règlement (CE) n° 883/2004 n'est pas dans la base documentaire" in html.unescape(first.group(2))
    assert "liaison corpus fetch eu-reg-883-2004" in first.group(2) and "eur-lex.europa.eu/eli/reg/2004/883/oj" in first.group(2)
    # snippets are plain text with the query's terms marked
    client = _console(env)
    try:
        page = client.get("/console/search", params={"q": "centre des liaisons européennes", "lang": "fr"}).text
    finally:
        client.close()
    excerpt = re.search(r'<p class="result-excerpt">(.*?)</p>', page, re.S).group(1)
    assert "<mark>liaisons</mark>" in excerpt.lower() and "**" not in excerpt


def test_sources_show_held_and_absent_instruments(versions_env):
    liaison = str(Path(sys.executable).parent / "liaison")
    out = subprocess.run([liaison, "sources", "--data-dir", str(versions_env.data_dir)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.startswith("  ")}
    assert " held " in lines["css-livre7-titre6"] and "ABSENT" in lines["eu-reg-883-2004"]
    data = json.loads(subprocess.run([liaison, "sources", "--json", "--data-dir", str(versions_env.data_dir)],
                                     capture_output=True, text=True, timeout=300).stdout)
    held = {h["name"]: h["held"] for h in data["holdings"]}
    assert held["css-livre7-titre6"] and not held["eu-reg-883-2004"] and not held["eu-dir-2011-24"]
