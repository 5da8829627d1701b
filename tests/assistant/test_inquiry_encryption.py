"""Inquiries at rest (issue 16, item 2 and 9): every personal field is encrypted in the database, from the
API and from /forms/inquiry; the SQLite file is 0600; the masked view hides names written in the message."""
from __future__ import annotations

import re
import stat

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit

NAME, EMAIL, PHONE = "Gwendoline Kerhervé", "gwendoline.kerherve@example.org", "+33 6 12 34 56 78"
NIR, IBAN = "2 84 03 75 123 456 40", "FR76 3000 6000 0112 3456 7890 189"
MESSAGE = (f"Bonjour, je m'appelle Gwendoline Kerhervé, mon NIR est {NIR} et mon IBAN {IBAN}. "
           "Mon employeur Zéphyrine Quenouille m'envoie à Cork.")
SECRETS = ["Gwendoline", "Kerhervé", "Kerherv", EMAIL, "gwendoline.kerherve", "12 34 56 78", "123 456 40",
           "3000 6000 0112", "Quenouille", "Cork"]


@pytest.fixture
def client_env(tmp_path):
    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path / "data").ensure_dirs()
    migrate(settings.resolved_database_url)
    token = create_account(settings.resolved_database_url, "officer-1", "officer")[1]
    return TestClient(create_app(settings)), settings, {"Authorization": f"Bearer {token}"}


def _database_bytes(settings) -> bytes:
    files = sorted(settings.data_dir.glob("liaison.db*"))  # the database, its WAL and shared memory
    assert files
    return b"".join(path.read_bytes() for path in files)


def test_sqlite_file_holds_no_personal_value_in_clear(client_env):
    client, settings, officer = client_env
    created = client.post("/v1/inquiries", json={"name": NAME, "email": EMAIL, "phone": PHONE, "message": MESSAGE,
                                                 "language": "fr"})
    assert created.status_code == 201, created.text
    page = client.get("/forms/inquiry?lang=fr")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    form = client.post("/forms/inquiry", data={"csrf": csrf, "name": NAME, "email": EMAIL, "message": MESSAGE,
                                               "lang": "fr"})
    assert form.status_code == 201, form.text[:500]
    reference = created.json()["reference"]
    assert client.post(f"/v1/inquiries/{reference}/answer", json={"message": f"Bonjour {NAME}, ..."},
                       headers=officer).status_code == 200
    assert client.post(f"/v1/inquiries/{reference}/close", json={"reason": f"answered {EMAIL}"},
                       headers=officer).status_code == 200

    raw = _database_bytes(settings)
    for value in SECRETS:
        for encoded in {value.encode("utf-8"), value.encode("utf-8").replace(b" ", b"")}:
            assert encoded not in raw, f"{value!r} found in clear in the SQLite file"

    # The officer still reads everything when revealing (audited), and the queue works.
    revealed = client.get(f"/v1/inquiries/{reference}?reveal=true", headers=officer).json()
    assert revealed["name"] == NAME and revealed["email"] == EMAIL and revealed["phone"] == PHONE
    assert revealed["message"] == MESSAGE and NAME in revealed["replies"][0]["message"]
    queue = client.get("/v1/inquiries?status=closed", headers=officer).json()
    assert [q["reference"] for q in queue] == [reference]


def test_masked_view_hides_names_written_in_the_message(client_env):
    client, _, officer = client_env
    reference = client.post("/v1/inquiries", json={"name": NAME, "email": EMAIL, "message": MESSAGE}).json()["reference"]
    masked = client.get(f"/v1/inquiries/{reference}", headers=officer).json()
    assert masked["name"] == "G. K." and masked["revealed"] is False
    for value in ("Gwendoline", "Kerhervé", "12345640", "123 456 40", "3000 6000"):
        assert value not in masked["message"], masked["message"]
    assert "[name]" in masked["message"] and "[nir]" in masked["message"] and "[iban]" in masked["message"]


def test_database_file_and_data_dir_are_private(client_env):
    client, settings, _ = client_env
    client.post("/v1/inquiries", json={"name": NAME, "message": "hello"})
    database = settings.data_dir / "liaison.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for sibling in settings.data_dir.glob("liaison.db-*"):
        assert stat.S_IMODE(sibling.stat().st_mode) & 0o077 == 0, sibling
