"""The chat widget in headless Chromium against a real server and a real (small) knowledge base."""
from __future__ import annotations

import json
import re

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from tests.web.server import run_server
from tests.web.widget_driver import (
    SCREENSHOTS,
    answers, ask, console_problems, describe_focus, open_panel, partial_lengths, q, qa, record_streaming, run_axe,
    save, shadow, storage, wait_answer,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

QUESTION_FR = "Qui est le point de contact national pour les soins de santé transfrontaliers ?"
FOLLOW_UP_FR = "Et quelles informations fournit-il aux patients ?"
QUESTION_EN = "Who is the national contact point for cross-border healthcare in France?"
REFERENCE = re.compile(r"INQ-\d{4}-\d{6}")
INTERNAL_WORDS = ("evidence", "extractive", "engine", "score", "prompt", "llm")


def _question_rows(db_url: str, session_id: str):
    from assistant.models import QuestionLog
    from liaison.db import session_scope

    with session_scope(db_url) as s:
        return s.scalars(select(QuestionLog).where(QuestionLog.session_id == session_id)
                         .order_by(QuestionLog.turn)).all()


def _feedback(db_url: str, answer_id: str):
    from assistant.models import Feedback
    from liaison.db import session_scope

    with session_scope(db_url) as s:
        return s.scalars(select(Feedback).where(Feedback.answer_id == answer_id)).all()


def _inquiry(db_url: str, reference: str):
    from assistant.models import Inquiry
    from liaison.db import session_scope

    with session_scope(db_url) as s:
        return s.scalar(select(Inquiry).where(Inquiry.reference == reference))


def _check_viewer_tab(driver, screenshot: str | None = None) -> None:
    """In the tab the citation opened: the document viewer with hierarchy/dates and the passage marked."""
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    assert "/documents/view?" in driver.current_url
    marks = driver.find_elements(By.CSS_SELECTOR, "mark.passage")
    assert marks and marks[0].text.strip(), "the cited passage is not highlighted"
    assert driver.find_element(By.CSS_SELECTOR, ".highlight-note.found").is_displayed()
    meta = driver.find_element(By.CSS_SELECTOR, "dl.meta").text
    assert re.search(r"(En vigueur|In force)", meta) and re.search(r"\d{4}", meta), meta
    focused = driver.execute_script("return document.activeElement && document.activeElement.tagName")
    assert focused == "MARK", "the viewer should move focus to the cited passage"
    if screenshot:
        save(driver, SCREENSHOTS, screenshot)


def _fill_handover(root, name="Marie Martin", email="marie.martin@example.org"):
    q(root, "#lw-h-name").send_keys(name)
    q(root, "#lw-h-email").send_keys(email)
    q(root, "#lw-h-phone").send_keys("+33 1 23 45 67 89")
    message = q(root, "#lw-h-message")
    assert message.get_attribute("value"), "the message is prefilled with the last question"
    message.send_keys(" Je pars le 1er mars.")
    q(root, "#lw-h-consent").click()


def test_demo_page_full_flow(browser, live_server, screenshots):
    d = browser
    d.get(live_server.base + "/demo?lang=fr")
    assert d.execute_script("return document.documentElement.lang") == "fr"
    root = shadow(d)
    assert q(root, ".lw-launcher").text == "Poser une question"
    save(d, screenshots, "demo-1280-closed")

    root = open_panel(d)
    assert describe_focus(d)["tag"] == "textarea"
    record_streaming(d)
    answer = ask(d, root, QUESTION_FR, 1)
    assert partial_lengths(d), "the answer was not rendered progressively while it streamed"
    assert answer.get_attribute("lang") == "fr"
    cites = answer.find_elements(By.CSS_SELECTOR, "a.lw-cite")
    assert cites, answer.text
    for link in cites + answer.find_elements(By.CSS_SELECTOR, "a.lw-source-link"):
        href = link.get_attribute("href")
        assert href.startswith(live_server.base + "/documents/view?") and "highlight=" in href, href
    panel_text = q(root, ".lw-panel").text.lower()
    for word in INTERNAL_WORDS:
        assert word not in panel_text, f"internal detail {word!r} shown to the public"
    save(d, screenshots, "demo-1280-answer")

    # open the cited source in the document viewer (new tab), then come back
    main = d.current_window_handle
    answer.find_element(By.CSS_SELECTOR, "a.lw-source-link").click()
    WebDriverWait(d, 10).until(lambda drv: len(drv.window_handles) == 2)
    d.switch_to.window([h for h in d.window_handles if h != main][0])
    _check_viewer_tab(d, "viewer-1280")
    d.close()
    d.switch_to.window(main)

    # feedback: not useful, with a reason and a comment
    answer_id = answer.get_attribute("data-answer-id")
    yes, no = answer.find_elements(By.CSS_SELECTOR, ".lw-fb-button")
    no.click()
    assert no.get_attribute("aria-pressed") == "true"
    answer.find_element(By.CSS_SELECTOR, "input[value='no_source']").click()
    answer.find_element(By.CSS_SELECTOR, ".lw-fb-form textarea").send_keys("Je voudrais le texte du décret.")
    answer.find_element(By.CSS_SELECTOR, ".lw-fb-form button[type='submit']").click()
    WebDriverWait(d, 20).until(lambda _: answer.find_elements(By.CSS_SELECTOR, ".lw-thanks"))
    rows = _feedback(live_server.env.db_url, answer_id)
    assert len(rows) == 1 and rows[0].useful is False and rows[0].reason == "no_source"

    # a follow-up keeps the conversation (same server-side session)
    ask(d, root, FOLLOW_UP_FR, 2)
    state = storage(d)
    session_id = state["sessionId"]
    assert session_id and len(_question_rows(live_server.env.db_url, session_id)) == 2

    # the conversation survives a reload of the page
    d.refresh()
    root = shadow(d)
    WebDriverWait(d, 10).until(lambda _: q(root, ".lw-panel").is_displayed())
    assert len(answers(root)) == 2 and len(qa(root, ".lw-msg-user")) == 2
    assert answers(root)[0].find_elements(By.CSS_SELECTOR, ".lw-thanks"), "feedback state restored"
    assert storage(d)["sessionId"] == session_id

    # talk to a person: the inquiry is created with the conversation and its reference is shown
    q(root, ".lw-human").click()
    WebDriverWait(d, 10).until(lambda _: q(root, ".lw-handover").is_displayed())
    q(root, ".lw-handover button[type='submit']").click()  # empty form: errors, nothing sent
    assert q(root, "#lw-h-name").get_attribute("aria-invalid") == "true"
    assert q(root, "#lw-h-consent").get_attribute("aria-invalid") == "true"
    _fill_handover(root)
    save(d, screenshots, "demo-1280-handover-form")
    q(root, ".lw-handover button[type='submit']").click()
    confirmation = WebDriverWait(d, 30).until(lambda _: qa(root, ".lw-msg-system"))[0]
    reference = confirmation.get_attribute("data-reference")
    assert REFERENCE.fullmatch(reference) and reference in confirmation.text
    assert describe_focus(d)["cls"].startswith("lw-msg lw-msg-system")
    row = _inquiry(live_server.env.db_url, reference)
    from intake.crypto import cipher_for

    cipher = cipher_for(live_server.env.settings)  # personal fields are encrypted at rest
    assert row is not None and row.email != "marie.martin@example.org"
    assert cipher.decrypt(row.email) == "marie.martin@example.org" and row.session_id == session_id
    transcript = json.loads(cipher.decrypt(row.transcript))
    assert any(turn["content"] == QUESTION_FR for turn in transcript)
    save(d, screenshots, "demo-1280-reference")
    assert console_problems(d) == []


def _press_until(driver, key, predicate, limit=40, shift=False):
    for _ in range(limit):
        chain = ActionChains(driver)
        if shift:
            chain.key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT)
        else:
            chain.send_keys(key)
        chain.perform()
        info = describe_focus(driver)
        if predicate(info):
            return info
    raise AssertionError(f"focus never reached the target; last focus: {describe_focus(driver)}")


def _assert_visible_focus(info: dict) -> None:
    assert (info["outlineStyle"] != "none" and info["outlineWidth"] >= 2) or info["boxShadow"] not in ("", "none"), info


def _type(driver, text: str) -> None:
    ActionChains(driver).send_keys(text).perform()


def test_keyboard_only_flow(browser, live_server, screenshots):
    d = browser
    d.get(live_server.base + "/demo?lang=fr")
    root = shadow(d)
    # the launcher comes early in the tab order: right after the page's skip link
    first = _press_until(d, Keys.TAB, lambda i: True, limit=1)
    assert first["href"] == "#main", first
    info = _press_until(d, Keys.TAB, lambda i: "lw-launcher" in i["cls"], limit=1)
    _assert_visible_focus(info)
    save(d, screenshots, "demo-1280-keyboard-focus")
    _type(d, Keys.ENTER)
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-panel").is_displayed())
    assert describe_focus(d)["tag"] == "textarea"
    _type(d, QUESTION_FR + Keys.ENTER)
    answer = wait_answer(d, root, 1)

    # back into the answer: reach a citation link and open it with Enter
    info = _press_until(d, Keys.TAB, lambda i: "lw-cite" in i["cls"], shift=True)
    _assert_visible_focus(info)
    main = d.current_window_handle
    _type(d, Keys.ENTER)
    WebDriverWait(d, 10).until(lambda drv: len(drv.window_handles) == 2)
    d.switch_to.window([h for h in d.window_handles if h != main][0])
    _check_viewer_tab(d)
    d.close()
    d.switch_to.window(main)

    # useful? -> "Oui" with the keyboard
    info = _press_until(d, Keys.TAB, lambda i: "lw-fb-button" in i["cls"] and i["text"] == "Oui")
    _assert_visible_focus(info)
    _type(d, Keys.SPACE)
    WebDriverWait(d, 20).until(lambda _: answer.find_elements(By.CSS_SELECTOR, ".lw-thanks"))
    assert _feedback(live_server.env.db_url, answer.get_attribute("data-answer-id"))[0].useful is True

    # talk to a person, filling the form with Tab / typing / Space / Enter only
    _press_until(d, Keys.TAB, lambda i: "lw-human" in i["cls"])
    _type(d, Keys.ENTER)
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-handover").is_displayed())
    assert describe_focus(d)["tag"] == "h3"
    _press_until(d, Keys.TAB, lambda i: i["tag"] == "input" and i["type"] == "text", limit=3)
    _type(d, "Jean Dupont")
    _type(d, Keys.TAB + "jean.dupont@example.org")
    _type(d, Keys.TAB)  # phone is optional
    _type(d, Keys.TAB + " Merci.")
    info = _press_until(d, Keys.TAB, lambda i: i["type"] == "checkbox", limit=2)
    _assert_visible_focus(info)
    _type(d, Keys.SPACE)
    _press_until(d, Keys.TAB, lambda i: i["type"] == "submit", limit=2)
    _type(d, Keys.ENTER)
    confirmation = WebDriverWait(d, 30).until(lambda _: qa(root, ".lw-msg-system"))[0]
    assert REFERENCE.search(confirmation.text)
    assert "lw-msg-system" in describe_focus(d)["cls"]

    # Escape closes the panel and gives focus back to the launcher
    _type(d, Keys.ESCAPE)
    WebDriverWait(d, 5).until(lambda _: not q(root, ".lw-panel").is_displayed())
    assert "lw-launcher" in describe_focus(d)["cls"]
    assert console_problems(d) == []


def test_abstention_offers_a_person(browser, live_server):
    d = browser
    d.get(live_server.base + "/demo?lang=fr")
    root = open_panel(d)
    answer = ask(d, root, "Quel est le montant des allocations familiales au Japon en 1970 ?", 1)
    assert answer.find_elements(By.CSS_SELECTOR, "a.lw-cite") == []
    for link in answer.find_elements(By.CSS_SELECTOR, "a.lw-url"):  # addresses given by the server are links
        assert link.get_attribute("href").startswith("https://")
    answer.find_element(By.CSS_SELECTOR, ".lw-suggest .lw-link-button").click()
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-handover").is_displayed())
    assert describe_focus(d)["tag"] == "h3"
    _type(d, Keys.ESCAPE)  # leaves the form, back to the conversation
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-chat").is_displayed())
    assert "lw-human" in describe_focus(d)["cls"]


def test_language_follows_page_and_question_and_switches(browser, live_server):
    d = browser
    d.get(live_server.base + "/demo?lang=en")
    root = shadow(d)
    assert q(root, ".lw-launcher").text == "Ask a question"
    root = open_panel(d)
    assert q(root, "label[for='lw-question']").text == "Your question"
    assert q(root, ".lw-root").get_attribute("lang") == "en"

    english = ask(d, root, QUESTION_EN, 1)
    assert english.get_attribute("lang") == "en" and english.find_elements(By.CSS_SELECTOR, "a.lw-cite")
    french = ask(d, root, QUESTION_FR, 2)  # the answer follows the question, not the interface
    assert french.get_attribute("lang") == "fr"

    assert q(root, ".lw-title").text == "Online assistant"  # the page's own title for its language
    log = q(root, ".lw-log")
    d.execute_script("arguments[0].scrollTop = 0", log)  # reading the first answer from its start
    switch = q(root, "select.lw-lang")
    assert switch.get_attribute("aria-label") == "Assistant language"
    assert [o.get_attribute("value") for o in switch.find_elements(By.TAG_NAME, "option")] == \
        ["fr", "en", "es", "de", "it", "pt", "pl", "ro", "ar"]
    Select(switch).select_by_value("fr")
    assert q(root, "label[for='lw-question']").text == "Votre question"
    assert q(root, ".lw-root").get_attribute("lang") == "fr"
    assert q(root, ".lw-fb-question").text == "Cette réponse vous a-t-elle aidé ?"
    assert q(root, ".lw-title").text == "Assistant en ligne", "the title follows the language"
    assert d.execute_script("return arguments[0].scrollTop", q(root, ".lw-log")) < 40, "reading position kept"
    assert describe_focus(d)["cls"].startswith("lw-tool lw-lang"), "focus stays on the switch"
    Select(q(root, "select.lw-lang")).select_by_value("ar")  # right to left, every label translated
    assert q(root, ".lw-root").get_attribute("dir") == "rtl"
    assert q(root, "label[for='lw-question']").text == "سؤالكم" and q(root, ".lw-send").text == "إرسال"
    assert answers(root)[0].get_attribute("dir") == "ltr", "an English answer keeps its direction in the Arabic panel"
    Select(q(root, "select.lw-lang")).select_by_value("fr")
    d.refresh()  # the choice is kept, the conversation too
    root = shadow(d)
    assert q(root, "label[for='lw-question']").text == "Votre question"
    assert len(answers(root)) == 2
    assert console_problems(d) == []


def test_embedded_cross_origin_strict_csp_and_style_isolation(browser, live_server, host_site):
    d = browser
    d.get(host_site.url)
    root = shadow(d)
    launcher = q(root, ".lw-launcher")
    assert launcher.is_displayed(), "a host-page rule hid the widget"
    styles = d.execute_script("""
      const r = document.querySelector('liaison-chat').shadowRoot;
      const l = getComputedStyle(r.querySelector('.lw-launcher'));
      const hostButton = getComputedStyle(document.getElementById('host-button'));
      const hostText = getComputedStyle(document.getElementById('host-text'));
      return {bg: l.backgroundColor, color: l.color, font: l.fontFamily, spacing: l.letterSpacing,
              radius: l.borderTopLeftRadius, size: l.fontSize,
              hostBg: hostButton.backgroundColor, hostBox: hostText.boxSizing, hostFont: hostText.fontFamily};
    """)
    assert styles["bg"] == "rgb(0, 0, 145)" and styles["color"] == "rgb(255, 255, 255)", styles
    assert "courier" not in styles["font"].lower() and styles["spacing"] in ("normal", "0px"), styles
    assert styles["radius"] != "0px" and styles["size"] == "16px", styles
    # and nothing of the widget's stylesheet leaks out into the host page
    assert styles["hostBg"] == "rgb(0, 200, 0)" and styles["hostBox"] == "content-box", styles
    assert "courier" in styles["hostFont"].lower()

    root = open_panel(d)
    answer = ask(d, root, QUESTION_FR, 1)  # cross-origin fetch + SSE, allowed by the CORS allow-list
    link = answer.find_element(By.CSS_SELECTOR, "a.lw-cite").get_attribute("href")
    assert link.startswith(live_server.base + "/documents/view?")
    problems = console_problems(d)
    assert problems == [], problems


def test_small_screens_and_screenshots(browser, live_server, screenshots):
    d = browser
    d.set_window_size(360, 740)
    d.get(live_server.base + "/demo?lang=fr")
    root = shadow(d)
    save(d, screenshots, "demo-360-closed")
    root = open_panel(d)
    ask(d, root, QUESTION_FR, 1)
    save(d, screenshots, "demo-360-answer")
    q(root, ".lw-human").click()
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-handover").is_displayed())
    save(d, screenshots, "demo-360-handover-form")
    q(root, ".lw-handover .lw-secondary").click()

    d.set_window_size(320, 640)
    overflow = d.execute_script("""
      const r = document.querySelector('liaison-chat').shadowRoot, w = window.innerWidth, bad = [];
      r.querySelectorAll('.lw-panel button, .lw-panel textarea, .lw-panel a, .lw-panel input').forEach(el => {
        const b = el.getBoundingClientRect();
        if (b.width && (b.left < -1 || b.right > w + 1)) bad.push(el.className + ' ' + Math.round(b.right));
      });
      const p = r.querySelector('.lw-panel').getBoundingClientRect();
      return {bad, panelWidth: p.width, width: w};
    """)
    assert overflow["bad"] == [] and overflow["panelWidth"] <= overflow["width"] + 1, overflow
    assert console_problems(d) == []


def test_accessibility_axe_widget_and_viewer(browser, live_server, axe_source, screenshots):
    d = browser
    d.get(live_server.base + "/demo?lang=fr")
    shadow(d)
    report = {"demo-closed": run_axe(d, axe_source)}
    root = open_panel(d)
    answer = ask(d, root, QUESTION_FR, 1)
    answer.find_elements(By.CSS_SELECTOR, ".lw-fb-button")[1].click()  # reasons form open
    report["demo-answer-feedback"] = run_axe(d, axe_source)
    q(root, ".lw-human").click()
    q(root, ".lw-handover button[type='submit']").click()  # with its error messages
    report["demo-handover-errors"] = run_axe(d, axe_source)
    viewer = answer.find_element(By.CSS_SELECTOR, "a.lw-source-link").get_attribute("href")
    d.get(viewer)
    report["viewer"] = run_axe(d, axe_source)
    (screenshots.parent / "axe-widget.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    serious = {page: [v for v in found if v["impact"] in ("serious", "critical")] for page, found in report.items()}
    assert all(not v for v in serious.values()), json.dumps(serious, indent=2, ensure_ascii=False)


def test_rate_limited_anonymous_use_is_explained(browser, web_env, tmp_path):
    """A server allowing 2 anonymous requests a minute: the third (the widget's) is refused with 429; the
    widget says so, keeps the question in the input box and does not record the failed turn."""
    with run_server(web_env.data_dir, tmp_path / "limited.log", LIAISON_RATE_LIMIT_PER_MINUTE="2") as base:
        for _ in range(2):
            assert httpx.post(base + "/v1/ask", json={"question": " "}, timeout=30).status_code == 422
        d = browser
        d.get(base + "/demo?lang=fr")
        root = open_panel(d)
        q(root, "#lw-question").send_keys(QUESTION_FR)
        q(root, ".lw-send").click()
        error = WebDriverWait(d, 30).until(lambda _: qa(root, ".lw-msg-error"))[0]
        assert "Trop de questions" in error.text
        assert q(root, "#lw-question").get_attribute("value") == QUESTION_FR
        assert storage(d)["messages"] == []
        assert all("429" in problem for problem in console_problems(d))


def _panel_box(driver) -> dict:
    return driver.execute_script("""
      const p = document.querySelector('liaison-chat').shadowRoot.querySelector('.lw-panel').getBoundingClientRect();
      return {width: p.width, height: p.height, top: p.top, inner: window.innerHeight, innerWidth: window.innerWidth};
    """)


def test_panel_grows_with_the_viewport(browser, live_server, screenshots):
    d = browser
    sizes = {}
    for width, height in ((1280, 700), (1280, 1000), (1920, 1080)):
        d.set_window_size(width, height)
        d.get(live_server.base + "/demo?lang=fr")
        open_panel(d)
        sizes[(width, height)] = box = _panel_box(d)
        assert box["top"] >= 0 and box["height"] >= box["inner"] - 40, box  # nearly the whole height, never cut
    assert sizes[(1280, 1000)]["height"] > sizes[(1280, 700)]["height"] + 250, sizes
    assert sizes[(1920, 1080)]["width"] > sizes[(1280, 1000)]["width"], sizes
    save(d, screenshots, "demo-1920-panel")


def test_phone_panel_is_modal_and_keeps_focus_inside(browser, live_server, screenshots):
    d = browser
    d.set_window_size(375, 740)
    d.get(live_server.base + "/demo?lang=fr")
    root = open_panel(d)
    assert q(root, ".lw-panel").get_attribute("aria-modal") == "true"
    ask(d, root, QUESTION_FR, 1)
    save(d, screenshots, "demo-375-answer")
    inside = "return document.querySelector('liaison-chat').shadowRoot.querySelector('.lw-panel')" \
             ".contains(document.querySelector('liaison-chat').shadowRoot.activeElement)"
    seen = set()
    for _ in range(40):  # more stops than the panel has: Tab must cycle inside it
        ActionChains(d).send_keys(Keys.TAB).perform()
        assert d.execute_script(inside), describe_focus(d)
        info = describe_focus(d)
        seen.add((info["tag"], info["cls"], info["text"]))
    assert any("lw-close" in cls for _t, cls, _x in seen) and any(t == "textarea" for t, _c, _x in seen)
    for _ in range(10):
        ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        assert d.execute_script(inside), describe_focus(d)
    d.set_window_size(1280, 900)  # a side panel again: not modal, Tab may leave it
    WebDriverWait(d, 5).until(lambda _: q(root, ".lw-panel").get_attribute("aria-modal") is None)


def test_phone_page_keeps_the_title_visible(browser, live_server, screenshots):
    d = browser
    d.set_window_size(375, 740)
    for lang in ("fr", "en"):
        d.get(live_server.base + f"/demo?lang={lang}")
        shadow(d)
        box = d.execute_script("""
          const h = document.querySelector('h1').getBoundingClientRect();
          const l = document.querySelector('liaison-chat').shadowRoot.querySelector('.lw-launcher').getBoundingClientRect();
          return {bottom: h.bottom, right: h.right, inner: window.innerHeight, width: window.innerWidth,
                  overlap: !(l.top >= h.bottom || l.bottom <= h.top || l.left >= h.right || l.right <= h.left)};
        """)
        assert box["bottom"] <= box["inner"] and box["right"] <= box["width"], box
        assert not box["overlap"], "the launcher covers the title"
        save(d, screenshots, f"demo-375-{lang}-closed")


def test_viewer_renders_fact_sheets_as_formatted_text(browser, live_server, screenshots):
    d = browser
    d.get(live_server.base + "/documents/view?path=posting-eu-from-france.md&ref=posting-eu-from-france"
          "&highlight=la+dur%C3%A9e+pr%C3%A9visible+de+la+mission+ne+d%C3%A9passe+pas+24+mois")
    sheet = WebDriverWait(d, 20).until(lambda drv: drv.find_element(By.CSS_SELECTOR, ".document-sheet"))
    headings = [h.text for h in sheet.find_elements(By.CSS_SELECTOR, "h3")]
    assert "Les conditions du détachement" in headings and "Base légale" in headings, headings
    items = sheet.find_elements(By.CSS_SELECTOR, "ul li")
    assert any(li.text.startswith("l'employeur exerce normalement") for li in items)
    assert not any(li.text.startswith("- ") for li in items), "list markers are rendered, not printed"
    links = [a.get_attribute("href") for a in sheet.find_elements(By.CSS_SELECTOR, "a")]
    assert "https://www.urssaf.fr/" in links and all(h.startswith("https://") for h in links), links
    mark = sheet.find_element(By.CSS_SELECTOR, "li mark.passage#passage-1")
    assert "24 mois" in mark.text
    assert d.execute_script("return document.activeElement.tagName") == "MARK"
    save(d, screenshots, "viewer-1280-fact-sheet")
    assert console_problems(d) == []
