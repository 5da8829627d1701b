"""Helpers to drive the widget (inside its shadow root) and to inspect the page from Selenium."""
from __future__ import annotations

import json
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
ANSWER_TIMEOUT = 90  # first question loads the index in the server


def shadow(driver):
    host = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "liaison-chat"))
    root = host.shadow_root
    # the widget shows itself once its stylesheet has loaded
    WebDriverWait(driver, 20).until(lambda d: root.find_element(By.CSS_SELECTOR, ".lw-root").is_displayed()
                                    or root.find_element(By.CSS_SELECTOR, ".lw-launcher").is_displayed())
    return root


def q(root, selector):
    return root.find_element(By.CSS_SELECTOR, selector)


def qa(root, selector):
    return root.find_elements(By.CSS_SELECTOR, selector)


def open_panel(driver):
    root = shadow(driver)
    if not q(root, ".lw-panel").is_displayed():
        q(root, ".lw-launcher").click()
    WebDriverWait(driver, 10).until(lambda d: q(root, ".lw-panel").is_displayed())
    return root


def record_streaming(driver) -> None:
    """Record each render of a partial answer (the `.lw-stream` paragraph of a pending answer), even if
    several events arrive in one network read and the final answer replaces it in the same task."""
    driver.execute_script("""
      const root = document.querySelector('liaison-chat').shadowRoot;
      window.__lwPartial = [];
      new MutationObserver(records => {
        for (const r of records) {
          const nodes = [r.target, ...r.addedNodes];
          for (const n of nodes) {
            if (n.nodeType === 1 && n.classList.contains('lw-stream')) window.__lwPartial.push(n.textContent.length);
          }
        }
      }).observe(root, {subtree: true, childList: true, characterData: true});
    """)


def partial_lengths(driver) -> list[int]:
    return driver.execute_script("return window.__lwPartial || []")


def answers(root):
    return qa(root, ".lw-msg-bot")


def wait_answer(driver, root, count: int):
    """Wait until `count` answers are complete (not pending) and return the last one."""
    def done(_):
        items = answers(root)
        if len(items) < count:
            return False
        last = items[count - 1]
        pending = last.find_elements(By.CSS_SELECTOR, ".lw-answer[aria-busy='true']")
        return last if not pending else False

    # the pending bubble is replaced by the final one: a reference may go stale between two looks
    return WebDriverWait(driver, ANSWER_TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(done)


def ask(driver, root, question: str, count: int):
    box = q(root, "#lw-question")
    box.clear()
    box.send_keys(question)
    q(root, ".lw-send").click()
    return wait_answer(driver, root, count)


def deep_active(driver):
    """The focused element, looking inside shadow roots."""
    return driver.execute_script("""
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a;
    """)


def describe_focus(driver) -> dict:
    return driver.execute_script("""
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      if (!a) return {};
      const s = getComputedStyle(a);
      return {tag: a.tagName.toLowerCase(), cls: a.className && a.className.baseVal === undefined ? a.className : '',
              text: (a.textContent || '').trim().slice(0, 80), type: a.getAttribute('type') || '',
              href: a.getAttribute('href') || '', label: a.getAttribute('aria-label') || '',
              outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
              boxShadow: s.boxShadow};
    """)


def storage(driver) -> dict:
    raw = driver.execute_script(
        "for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i);"
        " if (k.startsWith('liaison-widget:')) return sessionStorage.getItem(k); } return null;")
    return json.loads(raw) if raw else {}


def console_problems(driver, expected: tuple[str, ...] = ()) -> list[str]:
    """Browser console messages that mean something broke: CSP refusals, script errors, failed loads
    (except those of `expected` URLs, e.g. a log-in page answering 401 to a wrong password)."""
    bad = []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "favicon.ico" in message or any(url in message for url in expected):
            continue
        if entry.get("level") == "SEVERE" or "Content Security Policy" in message or "Refused to" in message:
            bad.append(message)
    return bad


def run_axe(driver, axe_source: str) -> list[dict]:
    """axe-core (WCAG 2.x A/AA rules and best practices) on the current page, shadow DOM included."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(axe_source)
    result = driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                                          'best-practice']},
                         resultTypes: ['violations']})
        .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' > '))}))))
        .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """)
    return result


def save(driver, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
