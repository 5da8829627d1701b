"""Hostile and careless inputs get a clean 4xx in the route family's error shape, never a 500 (issue 16,
item 3): lone surrogates, 100,000-deep JSON, non-object or non-UTF-8 bodies, integers past 64 bits,
dates past year 9999, an XLSX whose sheet has a bad CRC past its header, and wrong `Allow` headers."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit

BIG = "9223372036854775808"  # 2**63: past a signed 64-bit integer


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile") / "data", api_max_json_bytes=1_000_000).ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    token = create_account(url, "root", "admin")[1]
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    return client, {"Authorization": f"Bearer {token}"}, token


JSON = {"content-type": "application/json"}
DEEP = b"[" * 100_000 + b"]" * 100_000


def _lt_cases(token: str):
    key = token.encode()
    return [
        ("/translate", b'{"q":"\\ud800abc","source":"fr","target":"en","api_key":"%s"}' % key),
        ("/translate", b'{"q":"ok","source":"fr","target":"en","api_key":"%s","x":%s}' % (key, DEEP)),
        ("/detect", b'{"q":"\\udc00 bonjour","api_key":"%s"}' % key),
        ("/detect", DEEP),
    ]


def test_libretranslate_routes_refuse_surrogates_and_depth_in_their_shape(env):
    client, headers, token = env
    for path, body in _lt_cases(token):
        response = client.post(path, content=body, headers=JSON)
        assert 400 <= response.status_code < 500, (path, body[:60], response.text[:200])
        assert set(response.json()) == {"error"}, response.text[:200]


@pytest.mark.parametrize("path", ["/v1/translation/memory", "/v1/translation/glossary", "/v1/ask", "/v1/inquiries"])
@pytest.mark.parametrize("body", [b"[1, 2]", b'{"source": "\xff\xfe"}', b'{"q": "\\ud800"}', DEEP])
def test_json_bodies_are_checked_once_for_every_route(env, path, body):
    client, headers, _ = env
    response = client.post(path, content=body, headers={**headers, **JSON})
    assert 400 <= response.status_code < 500, (path, body[:40], response.text[:200])
    assert "detail" in response.json()


def test_oversized_json_body_is_413(env):
    client, headers, _ = env
    limit = client.app.state.settings.api_max_json_bytes
    response = client.post("/v1/ask", content=b'{"question": "' + b"a" * limit + b'"}', headers=JSON)
    assert response.status_code == 413 and "LIAISON_API_MAX_JSON_BYTES" in response.json()["detail"]


@pytest.mark.parametrize("method,path", [
    ("GET", f"/v1/inquiries?offset={10**23}"),
    ("GET", f"/v1/stats/returns/{BIG}"),
    ("GET", f"/v1/stats/returns/{BIG}/lines"),
    ("GET", f"/v1/stats/returns?year={BIG}"),
    ("GET", f"/v1/stats/open-data/{BIG}.csv"),
    ("GET", f"/v1/reports/{BIG}.html"),
    ("GET", f"/v1/translation/jobs/abc/files/{BIG}/output"),
    ("GET", f"/download_file/abc/{BIG}/x.txt"),
    ("DELETE", f"/v1/translation/glossary/{BIG}"),
    ("GET", f"/v1/translation/memory?source=fr&target=en&offset={BIG}"),
    ("GET", f"/v1/cases/CT-XXXX-XXXX/attachments/{BIG}"),
    ("GET", "/v1/applicable?home=FR&work=DE&status=employed&start=0001-01-01&end=9999-12-31"),
    ("GET", "/v1/intake/activity?start=0001-01-01&end=9999-12-31"),
    ("GET", "/v1/cases?deadline_before=9999-12-31"),
])
def test_numbers_and_dates_out_of_range_are_4xx(env, method, path):
    client, headers, _ = env
    response = client.request(method, path, headers=headers)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    body = response.json()
    assert ("error" if path.startswith("/download_file") else "detail") in body


def test_dates_within_range_still_answer(env):
    client, _, _ = env
    response = client.get("/v1/applicable?home=FR&work=DE&status=employed&start=2026-01-01&end=2027-06-30")
    assert response.status_code == 200, response.text[:300]


def _xlsx_with_bad_crc_past_header() -> bytes:
    """A valid return template whose sheet member carries a wrong CRC-32: the header reads fine, the
    error shows only when the whole sheet is read."""
    from reports.templates import build_template

    content = bytearray(build_template("health", 2024, "xlsx"))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        sheet = next(i for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
    # Patch the CRC in the central directory entry (the one zipfile checks when the member ends).
    signature = b"PK\x01\x02"
    at = 0
    while True:
        at = content.index(signature, at)
        name_len = struct.unpack("<H", content[at + 28:at + 30])[0]
        if content[at + 46:at + 46 + name_len].decode() == sheet.filename:
            break
        at += 4
    content[at + 16:at + 20] = struct.pack("<I", sheet.CRC ^ 0xFFFFFFFF)
    return bytes(content)


def test_xlsx_with_bad_crc_past_the_header_is_rejected_not_500(env):
    client, headers, _ = env
    data = _xlsx_with_bad_crc_past_header()
    response = client.post("/v1/stats/returns", files={"file": ("r.xlsx", data)},
                           data={"year": "2024", "branch": "health", "institution": "CPAM Test"}, headers=headers)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["status"] == "rejected"
    assert "cannot be read" in str(response.json())


def test_405_names_every_method_of_the_path(env):
    client, headers, _ = env
    # /v1/inquiries has GET (queue) and POST (create) in one router; Starlette's Allow named only one.
    response = client.put("/v1/inquiries", headers=headers)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed
    assert "detail" in response.json()


def test_every_operation_declares_the_error_shape(env):
    client, _, _ = env
    schema = client.get("/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "4XX" in responses and "5XX" in responses, (method, path)
            expected = "LibreTranslateError" if path in ("/translate", "/detect") else \
                "OpenAIErrorBody" if path.startswith(("/v1/models", "/v1/embeddings", "/v1/chat/")) else "Error"
            assert responses["4XX"]["content"]["application/json"]["schema"]["$ref"].endswith(expected)



def test_blank_inquiry_answer_or_reason_is_422(env):
    client, headers, _ = env
    reference = client.post("/v1/inquiries", json={"message": "aidez-moi"}).json()["reference"]
    assert client.post(f"/v1/inquiries/{reference}/close", json={"reason": "   "}, headers=headers).status_code == 422
    assert client.post(f"/v1/inquiries/{reference}/answer", json={"message": " \t "}, headers=headers).status_code == 422
