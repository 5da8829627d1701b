"""The agents' console in headless Chromium: log-in, legal search with filters, document view, and the
inquiry queue (personal data masked until an explicit, audited reveal)."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.widget_driver import console_problems, run_axe, save

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _login(d, base: str, username: str, password: str, next_path: str = "/console/search") -> None:
    d.get(base + "/console/login?" + urlencode({"next": next_path, "lang": "fr"}))
    d.find_element(By.ID, "username").send_keys(username)
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "form.stack button[type='submit']").click()
    WebDriverWait(d, 20).until(lambda drv: next_path in drv.current_url and "/login" not in drv.current_url)


def _serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_console_login_search_with_filters_and_document(browser, live_server, axe_source, screenshots):
    d, base = browser, live_server.base
    agent = live_server.env.accounts["agent"]
    d.get(base + "/console/search?lang=fr")
    assert "/console/login" in d.current_url, "anonymous visitors must be sent to the log-in page"
    report = {"login": run_axe(d, axe_source)}

    d.find_element(By.ID, "username").send_keys(agent.username)
    d.find_element(By.ID, "password").send_keys("not the password")
    d.find_element(By.CSS_SELECTOR, "form.stack button[type='submit']").click()
    error = WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.ID, "login-error"))
    assert error.get_attribute("role") == "alert" and "incorrect" in error.text
    _login(d, base, agent.username, agent.password)

    d.find_element(By.ID, "q").send_keys("salarié détaché à l'étranger")
    Select(d.find_element(By.ID, "instrument_type")).select_by_value("fiche")
    Select(d.find_element(By.ID, "language")).select_by_value("fr")
    d.find_element(By.ID, "as_of").send_keys("01012024")  # date input, typed as a person would
    d.find_element(By.CSS_SELECTOR, ".search-form button[type='submit']").click()
    WebDriverWait(d, 30).until(lambda drv: drv.find_elements(By.ID, "results-title"))
    assert "instrument_type=fiche" in d.current_url and "as_of=2024-01-01" in d.current_url
    results = d.find_elements(By.CSS_SELECTOR, ".result")
    assert results, d.find_element(By.TAG_NAME, "main").text
    for result in results:
        meta = result.find_element(By.CSS_SELECTOR, ".result-meta").text
        assert "Fiche pratique" in meta and "français" in meta and "En vigueur" in meta, meta
    first = results[0]
    assert first.find_element(By.CSS_SELECTOR, ".result-excerpt").text
    source = first.find_element(By.CSS_SELECTOR, ".result-meta a")
    assert source.get_attribute("href").startswith("https://www.service-public.fr/")
    report["search"] = run_axe(d, axe_source)
    save(d, screenshots, "console-search-1280")

    # the same query restricted to French codes: nothing in this small index
    d.get(base + "/console/search?" + urlencode({"q": "salarié détaché", "instrument_type": "french_code"}))
    assert "Aucun texte" in d.find_element(By.CSS_SELECTOR, ".results").text

    d.back()
    link = WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.CSS_SELECTOR, ".result h3 a"))
    title = link.text
    link.click()
    WebDriverWait(d, 20).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "h1.document-title"))
    assert "/console/documents?" in d.current_url
    assert d.find_element(By.CSS_SELECTOR, "h1.document-title").text == title
    assert len(d.find_element(By.CSS_SELECTOR, ".document-text").text) > 200
    assert "Version du" in d.find_element(By.CSS_SELECTOR, "dl.meta").text
    report["document"] = run_axe(d, axe_source)
    save(d, screenshots, "console-document-1280")

    d.find_element(By.CSS_SELECTOR, ".user button[type='submit']").click()  # log out (POST + CSRF token)
    WebDriverWait(d, 10).until(lambda drv: "/console/login" in drv.current_url)
    d.get(base + "/console/search")
    assert "/console/login" in d.current_url
    (screenshots.parent / "axe-console-search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    assert all(not _serious(v) for v in report.values()), json.dumps(report, indent=2, ensure_ascii=False)
    assert console_problems(d, expected=("/console/login - Failed to load resource",)) == []


def _audit_reveals(db_url: str, reference: str) -> list:
    from liaison import audit

    return [e for e in audit.entries(db_url, object_type="inquiry", object_id=reference)
            if e.action == "inquiry.read_personal"]


def test_console_inquiry_queue_masked_until_reveal(browser, live_server, axe_source, screenshots):
    d, base, env = browser, live_server.base, live_server.env
    created = httpx.post(base + "/v1/inquiries", json={
        "name": "Élise Durand", "email": "elise.durand@example.org", "phone": "+33 6 12 34 56 78",
        "message": "Bonjour, mon numéro est 1 85 05 78 006 084 36 et je pars au Japon.", "language": "fr",
        "transcript": [{"role": "user", "content": "Je pars travailler au Japon, que se passe-t-il ?"},
                       {"role": "assistant", "content": "Les textes dont je dispose ne répondent pas."}]})
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]

    officer = env.accounts["officer"]
    _login(d, base, officer.username, officer.password, "/console/inquiries")
    row = d.find_element(By.XPATH, f"//table[@class='queue']//tr[th/a[text()='{reference}']]")
    assert "Élise" not in row.text and "1 85 05 78 006 084 36" not in row.text, row.text
    report = {"queue": run_axe(d, axe_source)}
    row.find_element(By.LINK_TEXT, reference).click()
    WebDriverWait(d, 10).until(lambda drv: reference in drv.find_element(By.TAG_NAME, "h1").text)
    page = d.find_element(By.TAG_NAME, "main").text
    assert "elise.durand@example.org" not in page and "12 34 56" not in page and "e***@example.org" in page
    assert "Je pars travailler au Japon" in page, "the transcript is shown"
    assert d.find_element(By.CSS_SELECTOR, "dl.contact").get_attribute("data-revealed") == "false"
    assert _audit_reveals(env.db_url, reference) == []
    report["inquiry-masked"] = run_axe(d, axe_source)
    save(d, screenshots, "console-inquiry-masked-1280")

    d.find_element(By.ID, "reveal").click()
    # the click loads a new page: the old page's element may go stale while it does
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda drv: drv.find_element(By.CSS_SELECTOR, "dl.contact").get_attribute("data-revealed") == "true")
    page = d.find_element(By.TAG_NAME, "main").text
    assert "elise.durand@example.org" in page and "Élise Durand" in page
    reveals = _audit_reveals(env.db_url, reference)
    assert len(reveals) == 1 and reveals[0].actor == officer.username and reveals[0].source_ip == "127.0.0.1"
    d.get(f"{base}/console/inquiries/{reference}")  # opening the page again: masked, nothing logged
    assert "elise.durand@example.org" not in d.find_element(By.TAG_NAME, "main").text
    assert len(_audit_reveals(env.db_url, reference)) == 1

    d.find_element(By.ID, "answer-message").send_keys("Bonjour, un conseiller vous rappellera demain.")
    d.find_element(By.CSS_SELECTOR, "form[action$='/answer'] button").click()
    done = WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.CSS_SELECTOR, ".alert-success"))
    assert "enregistrée" in done.text
    assert "un conseiller vous rappellera" in d.find_element(By.ID, "answers-title").find_element(By.XPATH, "..").text
    d.find_element(By.ID, "close-reason").send_keys("Réponse envoyée")
    d.find_element(By.CSS_SELECTOR, "form[action$='/close'] button").click()
    # the previous page also had a success message: tolerate it going stale while the new page loads
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda drv: "close" in drv.find_element(By.CSS_SELECTOR, ".alert-success").text.lower())
    assert d.find_elements(By.ID, "answer-message") == [], "a closed inquiry cannot be answered"
    from assistant.inquiries import get_inquiry

    assert get_inquiry(env.db_url, reference, settings=env.settings).status == "closed"
    report["inquiry-closed"] = run_axe(d, axe_source)

    # an agent reads the masked queue but may not reveal, answer or close
    d.find_element(By.CSS_SELECTOR, ".user button[type='submit']").click()
    # The log-out is a form post: let its navigation finish before opening another page. Navigating
    # at once raced it (the log-out's redirect could land after the new log-in page and replace it,
    # so the log-in then went to /console instead of `next` and the wait below ran out).
    WebDriverWait(d, 20).until(lambda drv: "/console/login" in drv.current_url
                               and drv.find_elements(By.ID, "username") and not drv.get_cookie("liaison_session"))
    agent = env.accounts["agent"]
    _login(d, base, agent.username, agent.password, f"/console/inquiries/{reference}")
    assert d.find_elements(By.ID, "reveal") == [] and d.find_elements(By.ID, "answer-message") == []
    (screenshots.parent / "axe-console-inquiries.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    assert all(not _serious(v) for v in report.values()), json.dumps(report, indent=2, ensure_ascii=False)
    assert console_problems(d) == []
