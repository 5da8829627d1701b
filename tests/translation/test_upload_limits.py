"""Issue 16, item 5: every file endpoint of the translation desk refuses an upload past the per-file limit
with 413 naming the setting, from its Content-Length or while a chunked body streams in."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit

MB = 1024 * 1024


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("limits") / "data", translation_max_file_mb=1).ensure_dirs()
    migrate(settings.resolved_database_url)
    token = create_account(settings.resolved_database_url, "tr", "translator")[1]
    return TestClient(create_app(settings)), {"Authorization": f"Bearer {token}"}


def _multipart(name: str, size: int, **fields) -> tuple[bytes, str]:
    boundary = "liaisonboundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
             for k, v in fields.items()]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + b"a\tb\n" * (size // 4) + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("path,name,fields", [
    ("/v1/translation/memory/import", "big.tmx", {}),
    ("/v1/translation/glossary", "big.tsv", {"source": "fr", "target": "en"}),
])
def test_oversized_uploads_are_413_with_or_without_content_length(desk, path, name, fields):
    client, headers = desk
    body, content_type = _multipart(name, 3 * MB, **fields)
    sized = client.post(path, content=body, headers={**headers, "Content-Type": content_type})
    assert sized.status_code == 413 and "LIAISON_TRANSLATION_MAX_FILE_MB" in sized.json()["detail"], sized.text[:200]

    def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    chunked = client.post(path, content=chunks(), headers={**headers, "Content-Type": content_type})
    assert chunked.status_code == 413, chunked.text[:200]


def test_uploads_within_the_limit_are_read(desk):
    client, headers = desk
    body, content_type = _multipart("small.tsv", 200, source="fr", target="en")
    response = client.post("/v1/translation/glossary", content=body, headers={**headers, "Content-Type": content_type})
    assert response.status_code != 413, response.text[:200]
