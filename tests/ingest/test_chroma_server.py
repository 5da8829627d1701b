"""The same knowledge-base code against a Chroma server (`chroma run` on localhost)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.kb import KnowledgeBase
from tests.ingest.test_kb import DOCS, consistent, write_jsonl

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(settings, tmp_path, chroma_server):
    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    remote = settings.model_copy(update={"chroma_url": chroma_server})
    kb = KnowledgeBase(remote)
    assert kb.ingest([corpus]).summary()["added"] == 4
    consistent(kb)
    assert not (Path(remote.data_dir) / "chroma").exists(), "vectors must live on the server"
    assert kb.search("certificat A1 salarié détaché", k=1)[0].ref == "posting"
    # a second process-like client sees the same collection
    again = KnowledgeBase(remote)
    assert again.ingest([corpus]).summary()["unchanged"] == 4
