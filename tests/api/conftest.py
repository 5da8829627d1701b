"""A real `liaison serve` (uvicorn, own process) on a copy of the small assistant index."""
from __future__ import annotations

import os
from contextlib import contextmanager
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.assistant import kb_env

REPO = Path(__file__).resolve().parent.parent.parent
ANON_LIMIT = 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def api_server(tmp_path_factory, shared_corpus):
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    env_kb = kb_env.build(tmp_path_factory.getbasetemp() / "assistant-kb", shared_corpus)
    data_dir = kb_env.copy_of(env_kb, tmp_path_factory.mktemp("api") / "data")
    settings = Settings(data_dir=data_dir)
    migrate(settings.resolved_database_url)
    tokens = {role: create_account(settings.resolved_database_url, f"{role}-api", role)[1]
              for role in ("agent", "officer", "supervisor")}
    log_path = data_dir.parent / "server.log"
    env = {"LIAISON_RATE_LIMIT_PER_MINUTE": str(ANON_LIMIT), "LIAISON_ABSTENTION_THRESHOLD": "0.3"}
    with liaison_server(data_dir, log_path, env) as base:
        yield SimpleNamespace(base=base, tokens=tokens, db_url=settings.resolved_database_url, log=log_path)


@contextmanager
def liaison_server(data_dir: Path, log_path: Path, env: dict[str, str], *, args: tuple[str, ...] = (),
                   ready: str = "/health", timeout: float = 120):
    """`liaison serve` in its own process on a free port; yields its base URL once `ready` answers 200."""
    port = free_port()
    full_env = {**os.environ, "LIAISON_DATA_DIR": str(data_dir), **env}
    with log_path.open("w") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "liaison"), "serve", "--port", str(port),
                                 "--data-dir", str(data_dir), *args], cwd=REPO, env=full_env, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(base + ready, timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def agent(api_server):
    """An authenticated client (accounts are not rate-limited)."""
    with httpx.Client(base_url=api_server.base, timeout=120,
                      headers={"Authorization": f"Bearer {api_server.tokens['agent']}"}) as client:
        yield client


@pytest.fixture(scope="session")
def anon(api_server):
    with httpx.Client(base_url=api_server.base, timeout=120) as client:
        yield client
