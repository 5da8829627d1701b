"""Fixtures of the intake tests: settings on a given database, accounts of every role, valid forms."""
from __future__ import annotations

import base64
import copy

import pytest

ROLES = ("applicant", "agent", "officer", "supervisor", "translator", "statistician", "institution", "admin")
NIR = "284037512345640"          # key 40 = 97 - (2840375123456 mod 97)
SIRET = "73282932000074"         # Luhn-valid
IBAN = "FR7630006000011234567890189"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

CONTINUATION = {
    "person": {"last_name": "Martin", "first_name": "Claire", "birth_date": "1984-03-09", "nir": NIR,
               "nationality": "FR", "email": "claire.martin@example.org"},
    # The centre takes in exceptions (beyond 24 months here), not standard postings (URSSAF/MSA issue those).
    "employer": {"name": "Ingénierie Durand SAS", "siret": SIRET},
    "status": "employed", "home_country": "FR", "work_country": "DE",
    "start_date": "2026-01-01", "end_date": "2028-06-30",
    "reasons": "The Munich project was delayed by a year; the worker leads it until completion.",
    "host": {"entity": "Durand GmbH", "place_of_work": "Munich"},
    "prior_affiliation_month": True, "employer_substantial_activity": True, "replaces_posted_worker": False,
}
EXEMPTION = {
    "person": {"last_name": "Schmidt", "first_name": "Jonas", "birth_date": "1979-11-02", "nationality": "DE"},
    "employer": {"name": "Ateliers Lyonnais SARL", "siret": SIRET},
    "status": "employed", "home_country": "DE", "work_country": "FR", "foreign_institution": "AOK Bayern",
    "start_date": "2026-03-01", "end_date": "2027-02-28",
}


def continuation(**changes):
    form = copy.deepcopy(CONTINUATION)
    form.update(changes)
    return form


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def intake_settings(tmp_path, db_url):
    """Settings whose database is the parametrised `db_url` (SQLite and PostgreSQL)."""
    from liaison.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, rate_limit_per_minute=0).ensure_dirs()


@pytest.fixture
def accounts(intake_settings):
    """One account per role (+ a second officer and applicant): name -> (Principal, token)."""
    from liaison.accounts import create_account

    url = intake_settings.resolved_database_url
    out = {}
    for name in (*ROLES, "officer2", "applicant2", "supervisor2"):
        role = name.rstrip("2")
        out[name] = create_account(url, name, role)
    return out


@pytest.fixture
def service(intake_settings):
    from intake.service import IntakeService

    return IntakeService(intake_settings, intake_settings.resolved_database_url)


@pytest.fixture
def client(intake_settings):
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(intake_settings)
    with TestClient(app) as c:
        c.fastapi_app = app
        yield c


def bearer(accounts, name):
    return {"Authorization": f"Bearer {accounts[name][1]}"}
