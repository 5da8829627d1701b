"""Attachments: type from content, size limit, storage outside served paths under random names,
checksum, optional virus-scanner hook."""
from __future__ import annotations

import hashlib
import io
import re
import stat

import pytest

from tests.intake.conftest import PDF, PNG, bearer

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture
def draft(client, accounts):
    from tests.intake.conftest import continuation

    r = client.post("/v1/cases", json={"case_type": "continuation", "form": continuation()},
                    headers=bearer(accounts, "applicant"))
    assert r.status_code == 201
    return r.json()["reference"]


def upload(client, accounts, ref, name, data, kind="supporting_document", who="applicant"):
    return client.post(f"/v1/cases/{ref}/attachments", data={"kind": kind},
                       files={"file": (name, io.BytesIO(data), "application/pdf")}, headers=bearer(accounts, who))


def test_type_comes_from_content_not_name(client, accounts, draft):
    r = upload(client, accounts, draft, "photo.pdf", PNG)
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    r = upload(client, accounts, draft, "letter.pdf", b"<html><script>alert(1)</script></html>")
    assert r.status_code == 422 and "text/html" in r.json()["detail"]
    assert "refusé" in r.json()["messages"]["fr"]
    r = upload(client, accounts, draft, "prog.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert r.status_code == 422
    r = upload(client, accounts, draft, "cut.pdf", PDF[:20])
    assert r.status_code == 422 and "corrupt" in r.json()["detail"]
    assert upload(client, accounts, draft, "empty.pdf", b"").status_code == 422
    r = upload(client, accounts, draft, "a.pdf", PDF, kind="passport")
    assert r.status_code == 422


def test_size_limit(client, accounts, draft, intake_settings):
    big = PDF[:-6] + b"0" * (intake_settings.intake_attachment_max_bytes + 10) + b"%%EOF\n"
    r = upload(client, accounts, draft, "big.pdf", big)
    assert r.status_code == 413 and "MB" in r.json()["detail"]


def test_stored_encrypted_outside_served_paths_with_checksum(client, accounts, draft, intake_settings):
    r = upload(client, accounts, draft, "../../etc/passwd.pdf", PDF)
    assert r.status_code == 201
    meta = r.json()
    assert meta["sha256"] == hashlib.sha256(PDF).hexdigest() and meta["filename"] == "passwd.pdf"
    folder = intake_settings.data_dir / "intake_attachments"
    [stored] = list(folder.iterdir())
    assert re.fullmatch(r"[0-9a-f]{32}\.bin", stored.name)
    assert PDF not in stored.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert client.get(f"/forms/static/{stored.name}").status_code == 404
    got = client.get(f"/v1/cases/{draft}/attachments/{meta['id']}", headers=bearer(accounts, "officer"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["x-content-type-options"] == "nosniff" and got.headers["x-checksum-sha256"] == meta["sha256"]
    # Tampered file: the checksum no longer matches, the download is refused.
    from intake.crypto import cipher_for

    stored.write_bytes(cipher_for(intake_settings).encrypt_bytes(PDF + b"tampered"))
    bad = client.get(f"/v1/cases/{draft}/attachments/{meta['id']}", headers=bearer(accounts, "officer"))
    assert bad.status_code == 503 and bad.json()["code"] == "checksum_mismatch"


def test_virus_scanner_hook(client, accounts, draft, intake_settings, tmp_path):
    scanner = tmp_path / "scan.sh"
    scanner.write_text('#!/bin/sh\nif grep -q EICAR "$1"; then exit 1; fi\nif grep -q BROKEN "$1"; then exit 2; fi\nexit 0\n')
    scanner.chmod(0o755)
    intake_settings.intake_virus_scan_command = f"{scanner} {{path}}"
    ok = upload(client, accounts, draft, "ok.pdf", PDF)
    assert ok.status_code == 201 and ok.json()["scan_status"] == "clean"
    infected = upload(client, accounts, draft, "bad.pdf", PDF[:-6] + b"EICAR\n%%EOF\n")
    assert infected.status_code == 422 and infected.json()["code"] == "attachment_infected"
    failing = upload(client, accounts, draft, "x.pdf", PDF[:-6] + b"BROKEN\n%%EOF\n")
    assert failing.status_code == 503 and failing.json()["code"] == "attachment_scan_failed"
    listed = client.get(f"/v1/cases/{draft}/attachments", headers=bearer(accounts, "applicant")).json()
    assert [a["filename"] for a in listed] == ["ok.pdf"]
    assert len(list((intake_settings.data_dir / "intake_attachments").iterdir())) == 1
