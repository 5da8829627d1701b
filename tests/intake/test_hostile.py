"""Bad and hostile input: clear errors, no partial case, nothing lost."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text

from liaison.db import get_engine
from tests.intake.conftest import PDF, b64, bearer, continuation

pytestmark = pytest.mark.integration
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def case_count(settings) -> int:
    with get_engine(settings.resolved_database_url).connect() as conn:
        return conn.execute(text("SELECT count(*) FROM intake_cases")).scalar()


def submission(form=None, **extra):
    return {"case_type": "continuation", "form": form or continuation(), "submit": True,
            "attachments": [{"kind": "posting_letter", "filename": "l.pdf", "content_base64": b64(PDF)}], **extra}


@SQLITE_ONLY
def test_scripts_in_text_fields_are_escaped_everywhere(client, accounts, intake_settings):
    evil = '<script>alert("x")</script>'
    form = continuation(reasons=f'<img src=x onerror=alert(1)> {evil} long enough reasons text')
    form["person"]["last_name"] = evil
    form["employer"]["name"] = f"ACME {evil}"
    r = client.post("/v1/cases", json=submission(form), headers=bearer(accounts, "applicant"))
    assert r.status_code == 201, r.text
    ref, key = r.json()["reference"], r.json()["access_key"]
    client.post(f"/v1/cases/{ref}/messages", json={"text": evil}, headers=bearer(accounts, "applicant"))
    pages = [
        client.get(f"/console/cases/{ref}", headers=bearer(accounts, "officer")),
        client.get("/console/cases", headers=bearer(accounts, "officer")),
        client.get(f"/forms/cases/{ref}?key={key}"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_ten_megabyte_strings_and_bodies_are_refused(client, accounts, intake_settings):
    big = "A" * (10 * 1024 * 1024)
    r = client.post("/v1/cases", json=submission(continuation(reasons=big)), headers=bearer(accounts, "applicant"))
    assert r.status_code == 422 and "at most" in r.text
    r = client.post("/v1/cases", content=b"{" + b" " * (17 * 1024 * 1024) + b"}",
                    headers={**bearer(accounts, "applicant"), "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    r = client.post("/v1/cases", json=submission(continuation(reasons="x" * 6000)), headers=bearer(accounts, "applicant"))
    assert r.status_code == 422
    [err] = r.json()["detail"]
    assert err["type"] == "too_long" and "5000" in err["messages"]["fr"] and "5000" in err["messages"]["en"]
    assert case_count(intake_settings) == 0


@SQLITE_ONLY
@pytest.mark.parametrize("changes,field,code", [
    ({"start_date": "9999-01-01", "end_date": "9999-12-31"}, "start_date", "date_out_of_range"),
    ({"end_date": "2025-12-31"}, "end_date", "dates_order"),
    ({"work_country": "XX"}, "work_country", "country_invalid"),
    ({"work_country": "FR"}, "work_country", "country_must_be_foreign"),
    ({"employer": {"name": "A", "siret": "73282932000075"}}, "employer.siret", "siret_invalid"),
    ({"employer": {"name": "A", "siret": "73282932000074", "iban": "FR7630006000011234567890188"}}, "employer.iban", "not_collected"),
    ({"status": "pilot"}, "status", "status_invalid"),
    ({"previous_postings": [{"country": "DE", "start_date": "2025-06-01", "end_date": "2026-02-28"}]},
     "previous_postings.0.end_date", "overlap_previous"),
])
def test_field_errors_in_french_and_english(client, accounts, changes, field, code):
    r = client.post("/v1/cases", json=submission(continuation(**changes)), headers=bearer(accounts, "applicant"))
    assert r.status_code == 422, r.text
    errors = {e["field"]: e for e in r.json()["detail"]}
    assert field in errors and errors[field]["type"] == code
    assert errors[field]["messages"]["fr"] != errors[field]["messages"]["en"]


@SQLITE_ONLY
def test_wrong_types_are_refused(client, accounts, intake_settings):
    bad = [
        {"case_type": "continuation", "form": {"person": "Claire"}},
        {"case_type": "continuation", "form": {"start_date": 12345}},
        {"case_type": "continuation", "form": {"previous_postings": {"a": 1}}},
        {"case_type": "pension", "form": {}},
        {"case_type": "continuation", "form": {"unknown_field": 1}},
        {"case_type": "continuation", "form": continuation(), "attachments": [{"kind": "posting_letter",
                                                                                "filename": "a", "content_base64": "%%%"}]},
    ]
    for body in bad:
        r = client.post("/v1/cases", json=body, headers=bearer(accounts, "applicant"))
        assert r.status_code == 422, body
    r = client.post("/v1/cases", content=b"not json", headers={**bearer(accounts, "applicant"),
                                                               "Content-Type": "application/json"})
    assert r.status_code == 422
    assert case_count(intake_settings) == 0


@SQLITE_ONLY
def test_forged_links_learn_nothing(client, accounts):
    r = client.post("/v1/cases", json=submission())
    ref, key = r.json()["reference"], r.json()["access_key"]
    assert client.get(f"/v1/cases/{ref}", headers={"X-Case-Key": key}).status_code == 200
    wrong = client.get(f"/v1/cases/{ref}", headers={"X-Case-Key": key[:-1] + ("A" if key[-1] != "A" else "B")})
    missing = client.get("/v1/cases/CT-ZZZZ-ZZZZ", headers={"X-Case-Key": key})
    assert wrong.status_code == missing.status_code == 404 and wrong.json() == missing.json()
    assert client.get(f"/forms/cases/{ref}?key=forged").status_code == 404
    assert client.get(f"/v1/cases/{ref}", headers={"Authorization": "Bearer lia_forged"}).status_code == 401


@SQLITE_ONLY
def test_form_posts_need_the_csrf_token(client):
    r = client.post("/forms/continuation", data={"op": "save", "person.last_name": "X"})
    assert r.status_code == 403 and "reload" in r.text


def _fail_on_event_insert(engine, fail):
    def before(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO INTAKE_CASE_EVENTS") and not fail["done"]:
            fail["done"] = True
            fail["action"](conn)
    event.listen(engine, "before_cursor_execute", before)
    return before


@pytest.mark.postgres
def test_database_lost_mid_request_leaves_no_partial_case(client, accounts, intake_settings):
    """The connection dies after the case row is inserted, before the transaction ends: 503, no case;
    the retry with the same Idempotency-Key then creates exactly one case."""
    engine = get_engine(intake_settings.resolved_database_url)
    fail = {"done": False}
    if engine.dialect.name == "postgresql":
        from sqlalchemy import create_engine

        def kill(conn):
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            admin = create_engine(intake_settings.resolved_database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.dispose()
        fail["action"] = kill
    else:
        def broken(conn):
            raise sqlite3.OperationalError("disk I/O error")
        fail["action"] = broken
    listener = _fail_on_event_insert(engine, fail)
    try:
        body = submission()
        headers = {**bearer(accounts, "applicant"), "Idempotency-Key": "lost-db-0001"}
        r = client.post("/v1/cases", json=body, headers=headers)
        assert fail["done"] and r.status_code == 503, r.text
        assert r.json()["code"] == "database_unavailable" and "nothing was saved" in r.json()["detail"]
        assert r.headers.get("retry-after")
        assert case_count(intake_settings) == 0
        assert not list((intake_settings.data_dir / "intake_attachments").glob("*.bin"))
        r = client.post("/v1/cases", json=body, headers=headers)
        assert r.status_code == 201
        again = client.post("/v1/cases", json=body, headers=headers)
        assert again.status_code == 200 and again.json()["reference"] == r.json()["reference"]
        assert case_count(intake_settings) == 1
    finally:
        event.remove(engine, "before_cursor_execute", listener)
