"""Public form pages (FR/EN, save a draft and resume, errors tied to fields) and the console flow
from submission to a signed-off decision letter."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.intake.conftest import NIR, PDF, SIRET

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def csrf(client, url="/forms/continuation"):
    page = client.get(url)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


FIELDS = {
    "person.last_name": "Martin", "person.first_name": "Claire", "person.birth_date": "1984-03-09",
    "person.nir": NIR, "person.nationality": "FR", "employer.name": "Durand SAS", "employer.siret": SIRET,
    "status": "employed", "home_country": "FR", "work_country": "ES", "start_date": "2026-01-01",
    # Beyond 24 months: an exception the centre takes in (standard postings go to URSSAF/MSA).
    "end_date": "2028-06-30", "reasons": "The Madrid project was delayed; the worker leads it until completion.",
    "host.entity": "Durand Iberica SL", "host.place_of_work": "Madrid", "prior_affiliation_month": "yes",
    "employer_substantial_activity": "yes", "replaces_posted_worker": "no",
}


def test_form_is_accessible_in_both_languages(client):
    fr = client.get("/forms/continuation?lang=fr")
    en = client.get("/forms/continuation?lang=en")
    assert '<html lang="fr">' in fr.text and '<html lang="en">' in en.text
    assert "obligatoire" in fr.text and "required" in en.text
    assert 'for="f-person-nir"' in fr.text and 'id="f-person-nir"' in fr.text
    assert 'aria-describedby="f-person-nir-hint"' in fr.text
    assert "<legend>" in fr.text and 'href="#main"' in fr.text
    assert "Allemagne" in fr.text and "Germany" in en.text


def test_draft_save_resume_fix_and_submit(client):
    token = csrf(client)
    r = client.post("/forms/continuation", data={"csrf": token, "op": "save", "lang": "fr",
                                                  "person.last_name": "Martin", "employer.siret": "123"},
                    follow_redirects=False)
    # A draft is checked for format: the bad SIRET is reported, nothing saved.
    assert r.status_code == 422 and "SIRET invalide" in r.text and 'aria-invalid=true' in r.text
    assert 'href="#f-employer-siret"' in r.text
    r = client.post("/forms/continuation", data={"csrf": token, "op": "save", "lang": "fr",
                                                  "person.last_name": "Martin"}, follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    query = parse_qs(urlparse(location).query)
    ref, key = urlparse(location).path.rsplit("/", 1)[1], query["key"][0]
    page = client.get(location)
    assert "Brouillon enregistré" in page.text and key in page.text and 'value="Martin"' in page.text
    # Resume from the index with reference + key.
    resumed = client.get(f"/forms/resume?reference={ref}&key={key}&lang=en", follow_redirects=True)
    assert resumed.status_code == 200 and ref in resumed.text and "Save draft" in resumed.text
    # Submitting with missing fields: errors in English, still a draft.
    version = version_of(resumed.text)
    r = client.post(f"/forms/cases/{ref}?key={key}&lang=en", data={
        "csrf": token, "op": "submit", "version": version, "person.last_name": "Martin", "lang": "en"})
    assert r.status_code == 422 and "This field is required." in r.text
    # Complete it with the attachment: submitted.
    r = client.post(f"/forms/cases/{ref}?key={key}&lang=en", data={"csrf": token, "op": "submit", "lang": "en",
                                                                   "version": version, **FIELDS},
                    files={"file.posting_letter": ("letter.pdf", PDF, "application/pdf")}, follow_redirects=True)
    assert r.status_code == 200 and "Submitted" in r.text and "Your request has been submitted." in r.text


def test_standard_posting_is_routed_to_urssaf_not_taken_in(client):
    token = csrf(client)
    r = client.post("/forms/continuation", data={"csrf": token, "op": "submit", "lang": "en",
                                                  **{**FIELDS, "end_date": "2026-12-31", "reasons": ""}},
                    files={"file.posting_letter": ("letter.pdf", PDF, "application/pdf")})
    assert r.status_code == 422 and "standard procedure" in r.text and "URSSAF" in r.text


def test_check_button_shows_the_applicable_instrument(client):
    token = csrf(client)
    r = client.post("/forms/continuation", data={"csrf": token, "op": "check", "lang": "en",
                                                  **{**FIELDS, "end_date": "2028-12-31", "reasons": ""}})
    assert r.status_code == 422
    assert "Regulation (EC) No 883/2004" in r.text and "exception (reasons required)" in r.text
    assert "exceeds the maximum of 24 months" in r.text


def test_console_takes_a_request_to_a_signed_letter(client, accounts):
    from intake.web.render import CSRF_COOKIE

    token = csrf(client)
    r = client.post("/forms/continuation", data={"csrf": token, "op": "submit", "lang": "fr", **FIELDS},
                    files={"file.posting_letter": ("l.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    ref = urlparse(location).path.rsplit("/", 1)[1]

    def as_user(name):
        client.cookies.clear()
        client.cookies.set("liaison_session", accounts[name][1])
        client.cookies.set(CSRF_COOKIE, token)

    def act(op, **fields):
        page = client.get(f"/console/cases/{ref}")  # the form's own token, as a browser sends it
        form_token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        data = {"csrf": form_token, "op": op, "version": version_of(page.text), **fields}
        return client.post(f"/console/cases/{ref}", data=data, follow_redirects=True)

    client.cookies.clear()
    anonymous = client.get("/console/cases", follow_redirects=False)
    assert anonymous.status_code == 401 or (anonymous.status_code == 303 and
                                            anonymous.headers["location"].startswith("/console/login"))
    as_user("officer")
    queue = client.get("/console/cases?status=submitted")
    assert ref in queue.text and "C. M***" in queue.text and NIR not in queue.text
    assert ref not in client.get("/console/cases?status=accepted").text
    view = client.get(f"/console/cases/{ref}")
    assert NIR in view.text and "Regulation (EC) No 883/2004" in view.text
    assert act("action:start_review").status_code == 200
    r = act("action:request_information", reason_code="incorrect", message="Wrong end date?")
    assert "Informations demandées" in client.get(f"{location}").text or r.status_code == 200
    # Applicant answers through the secret link page.
    client.cookies.clear()
    client.cookies.set(CSRF_COOKIE, token)
    page = client.get(location)
    assert "Wrong end date?" in page.text and "Répondre" in page.text
    r = client.post(location, data={"csrf": token, "op": "answer", "version": version_of(page.text),
                                    "message": "La date est correcte."}, follow_redirects=True)
    assert r.status_code == 200 and "En instruction" in r.text
    as_user("officer")
    r = act("action:propose_decision", decision="accept", message="Conditions remplies.",
            conditions="Cotisations versées en France.", period_start="2026-01-01", period_end="2027-06-30",
            legal_basis="Règlement (CE) n° 883/2004, art. 12")
    assert "Décision proposée" in r.text or "Decision proposed" in r.text
    assert "act_approve" not in r.text and "Approve and sign" not in r.text
    # A stale form (old version) is refused without overwriting.
    form_token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/console/cases/{ref}").text).group(1)
    r = client.post(f"/console/cases/{ref}", data={"csrf": form_token, "op": "assign", "version": "1", "team": "europe"})
    assert r.status_code == 409 and "reload" in r.text
    as_user("supervisor")
    r = act("action:approve")
    assert r.status_code == 200 and ("Accepted" in r.text or "Acceptée" in r.text)
    letter = client.get(f"/v1/cases/{ref}/letter?lang=fr&format=pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    html = client.get(f"/v1/cases/{ref}/letter?lang=fr&format=html").text
    assert "883/2004, art. 12" in html and "Décision approuvée par : supervisor" in html
    # CSRF: a post without the token is refused.
    r = client.post(f"/console/cases/{ref}", data={"op": "comment", "message": "x"})
    assert r.status_code == 403
