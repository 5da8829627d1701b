"""LibreTranslate compatibility as LibreTranslate defines it: status codes and error bodies, short
items under source=auto, /suggest, /spec, alternatives, no server paths in errors, CORS."""
import re

import httpx
import pytest

from tests.translation.test_api import SENTENCE, account

pytestmark = pytest.mark.integration
http = httpx.Client(timeout=180)
SERVER_PATH = re.compile(r"(^|[\s(\"'])/(tmp|root|home|work|var|srv|opt|usr)/")


def test_auto_with_short_items_translates_the_whole_list(live_app, tsettings):
    token = account(tsettings, "marie")
    body = http.post(f"{live_app.url}/translate", json={
        "q": ["Merci", "Danke", SENTENCE], "source": "auto", "target": "en", "api_key": token})
    assert body.status_code == 200, body.text
    result = body.json()
    assert len(result["translatedText"]) == 3 and result["translatedText"][2]
    assert [d["language"] for d in result["detectedLanguage"]][2] == "fr"
    single = http.post(f"{live_app.url}/translate", json={"q": "Merci", "source": "auto", "target": "en",
                                                         "api_key": token})
    assert single.status_code == 200, single.text


def test_status_codes_and_error_bodies_as_libretranslate(live_app, tsettings):
    token = account(tsettings, "marie")
    missing_key = http.post(f"{live_app.url}/translate", json={"q": SENTENCE, "source": "fr", "target": "en"})
    assert missing_key.status_code == 400 and "API key" in missing_key.json()["error"]
    wrong_key = http.post(f"{live_app.url}/translate", json={"q": SENTENCE, "source": "fr", "target": "en",
                                                            "api_key": "lia_nope"})
    assert wrong_key.status_code == 403 and wrong_key.json() == {"error": "Invalid API key"}
    no_target = http.post(f"{live_app.url}/translate", json={"q": SENTENCE, "source": "fr", "api_key": token})
    assert no_target.status_code == 400 and no_target.json() == {"error": "Invalid request: missing target parameter"}
    no_source = http.post(f"{live_app.url}/translate", json={"q": SENTENCE, "target": "en", "source": "",
                                                            "api_key": token})
    assert no_source.status_code == 400 and no_source.json() == {"error": "Invalid request: missing source parameter"}
    wrong_method = http.get(f"{live_app.url}/translate")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {"error"}
    missing = http.get(f"{live_app.url}/download_file/nojob/1/x.docx")
    assert missing.status_code == 404 and set(missing.json()) == {"error"}
    no_pair = http.post(f"{live_app.url}/translate", json={"q": SENTENCE, "source": "fr", "target": "it",
                                                          "api_key": token, "engine": "argos"})
    assert no_pair.status_code == 400 and not SERVER_PATH.search(no_pair.json()["error"]), no_pair.text
    assert str(tsettings.data_dir) not in no_pair.text


def test_suggest_spec_and_alternatives(live_app, tsettings, translator):
    token = account(tsettings, "marie")
    agent = account(tsettings, "inst", role="institution")
    translator.memory.confirm("fr", "en", "Le travailleur détaché reste affilié au régime français de sécurité sociale.",
                              "The posted worker remains insured under the French social security scheme.", by="marie")
    sentence = "Le travailleur détaché reste affilié au régime belge de sécurité sociale pendant deux ans."
    body = http.post(f"{live_app.url}/translate", json={"q": sentence, "source": "fr", "target": "en",
                                                       "alternatives": 3, "api_key": token}).json()
    assert body["alternatives"] and all(isinstance(a, str) and a for a in body["alternatives"])
    assert body["translatedText"] not in body["alternatives"] and len(body["alternatives"]) <= 3
    suggested = http.post(f"{live_app.url}/suggest", data={"q": "Le formulaire est délivré.", "s": "The form is issued.",
                                                           "source": "fr", "target": "en", "api_key": token})
    assert suggested.status_code == 200 and suggested.json() == {"success": True}
    entry = translator.memory.lookup_exact("fr", "en", ["Le formulaire est délivré."])["Le formulaire est délivré."]
    assert entry.target == "The form is issued." and entry.origin == "confirmed" and entry.confirmed_by == "marie"
    refused = http.post(f"{live_app.url}/suggest", data={"q": "a", "s": "b", "source": "fr", "target": "en",
                                                         "api_key": agent})
    assert refused.status_code == 403 and "error" in refused.json()
    incomplete = http.post(f"{live_app.url}/suggest", data={"q": "a", "source": "fr", "target": "en", "api_key": token})
    assert incomplete.status_code == 400 and "missing s parameter" in incomplete.json()["error"]
    spec = http.get(f"{live_app.url}/spec").json()
    assert "/translate" in spec["paths"] and "/suggest" in spec["paths"]
    assert http.get(f"{live_app.url}/frontend/settings").json()["suggestions"] is True


def test_cors_for_configured_origins(tsettings):
    from api.app import create_app
    from tests.translation.conftest import LiveServer

    configured = tsettings.model_copy(update={"cors_origins": ["https://traduction.example.fr"]})
    with LiveServer(create_app(configured)) as server:
        preflight = http.options(f"{server.url}/translate", headers={
            "Origin": "https://traduction.example.fr", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://traduction.example.fr"
        other = http.options(f"{server.url}/translate", headers={
            "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in other.headers
        languages = http.get(f"{server.url}/languages", headers={"Origin": "https://traduction.example.fr"})
        assert languages.headers["access-control-allow-origin"] == "https://traduction.example.fr"
