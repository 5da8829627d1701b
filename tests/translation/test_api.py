"""HTTP API against a real uvicorn server: LibreTranslate compatibility (driven by the
`libretranslatepy` client), API keys with character limits, files, jobs, glossary and memory."""
import io
import json
import time
import urllib.error

import docx
import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from liaison.accounts import create_account
from tests.translation.conftest import LiveServer, make_docx

pytestmark = pytest.mark.integration

http = httpx.Client(timeout=180)  # the machine is shared: be patient, the limits are tested elsewhere
SENTENCE = "Le travailleur détaché reste affilié au régime français pendant 24 mois."


def account(settings, name, role="translator", char_limit=None):
    from liaison.db import migrate

    url = settings.resolved_database_url
    migrate(url)
    return create_account(url, name, role, char_limit=char_limit)[1]


def http_error(call):
    with pytest.raises(urllib.error.HTTPError) as error:
        call()
    return error.value.code, json.loads(error.value.read())


def test_libretranslate_client_keys_and_limits(live_app, tsettings):
    token = account(tsettings, "marie", char_limit=200)
    client = LibreTranslateAPI(live_app.url, api_key=token)
    translated = client.translate(SENTENCE, "fr", "en")
    assert isinstance(translated, str) and translated
    auto = http.post(f"{live_app.url}/translate", data={"q": SENTENCE, "source": "auto", "target": "en",
                                                        "api_key": token}).json()
    assert auto["detectedLanguage"]["language"] == "fr" and auto["detectedLanguage"]["confidence"] > 50
    assert any(f["code"] == "glossary_not_applied" for f in auto["flags"])
    detected = client.detect("Der entsandte Arbeitnehmer bleibt in Frankreich versichert.")
    assert detected[0]["language"] == "de" and detected[0]["confidence"] > 50
    languages = {item["code"]: item for item in client.languages()}
    assert languages["fr"]["name"] == "French" and set(languages["fr"]["targets"]) == {"en", "de"}  # de via en
    # 2 x 72 characters used: the next request would pass the 200-character daily limit.
    assert len(SENTENCE) == 72
    code, body = http_error(lambda: client.translate(SENTENCE, "fr", "en"))
    assert code == 429 and "daily character limit reached: 144 of 200" in body["error"]
    usage = http.get(f"{live_app.url}/v1/translation/usage", headers={"Authorization": f"Bearer {token}"}).json()
    assert usage == {"user": "marie", "used_today": 144, "daily_limit": 200, "remaining": 56}
    # No key, a wrong key, a role without access.
    code, body = http_error(lambda: LibreTranslateAPI(live_app.url).translate(SENTENCE, "fr", "en"))
    assert code == 400 and "an API key is required" in body["error"]  # LibreTranslate: 400 without a key
    code, body = http_error(lambda: LibreTranslateAPI(live_app.url, api_key="lia_wrong").translate(SENTENCE, "fr", "en"))
    assert code == 403 and body["error"] == "Invalid API key"
    agent = account(tsettings, "agent1", role="agent")
    code, body = http_error(lambda: LibreTranslateAPI(live_app.url, api_key=agent).translate(SENTENCE, "fr", "en"))
    assert code == 403 and "may not use the translation service" in body["error"]
    code, body = http_error(lambda: LibreTranslateAPI(live_app.url, api_key=token).translate("x", "fr", "it"))
    assert code in (400, 429)


def test_json_batches_html_bearer_and_errors(live_app, tsettings):
    token = account(tsettings, "inst", role="institution")
    headers = {"Authorization": f"Bearer {token}"}
    response = http.post(f"{live_app.url}/translate", headers=headers, json={
        "q": [SENTENCE, "<p>Le <b>formulaire</b> A1 est délivré.</p>"], "source": "auto", "target": "en",
        "format": "html", "alternatives": 2})
    body = response.json()
    assert response.status_code == 200 and len(body["translatedText"]) == 2
    assert body["translatedText"][1].startswith("<p>") and "<b>" in body["translatedText"][1]
    assert [d["language"] for d in body["detectedLanguage"]] == ["fr", "fr"]
    assert len(body["alternatives"]) == 2 and all(len(a) <= 2 for a in body["alternatives"])
    errors = [
        ({"q": SENTENCE, "source": "fr", "target": "xx"}, 400, "target: unknown language 'xx'"),
        ({"q": SENTENCE, "source": "fr", "target": "it"}, 400, "no engine can translate fr->it"),
        ({"source": "fr", "target": "en"}, 400, "missing q parameter"),
        ({"q": "a" * 20001, "source": "fr", "target": "en"}, 400, "exceeds text limit (20000)"),
        ({"q": SENTENCE, "source": "fr", "target": "en", "format": "pdf"}, 400, "format must be text or html"),
    ]
    for payload, code, message in errors:
        response = http.post(f"{live_app.url}/translate", headers=headers, json=payload)
        assert response.status_code == code and message in response.json()["error"], (payload, response.text)
    settings = http.get(f"{live_app.url}/frontend/settings").json()
    assert settings["keyRequired"] is True and ".docx" in settings["supportedFilesFormat"]


def test_anonymous_access_only_when_allowed(tsettings):
    from api.app import create_app

    allowed = tsettings.model_copy(update={"translation_allow_anonymous": True, "translation_anonymous_char_limit": 80})
    with LiveServer(create_app(allowed)) as server:
        client = LibreTranslateAPI(server.url)
        assert client.translate(SENTENCE, "fr", "en")
        code, body = http_error(lambda: client.translate(SENTENCE, "fr", "en"))
        assert code == 429 and "of 80 used today" in body["error"]


def test_translate_file_and_download(live_app, tsettings, tmp_path):
    token = account(tsettings, "marie")
    source = make_docx(tmp_path / "lettre.docx")
    with source.open("rb") as fh:
        response = http.post(f"{live_app.url}/translate_file",
                              data={"source": "fr", "target": "en", "api_key": token},
                              files={"file": ("lettre.docx", fh, "application/octet-stream")})
    assert response.status_code == 200, response.text
    url = response.json()["translatedFileUrl"]
    assert url.startswith(f"{live_app.url}/download_file/") and url.endswith("/lettre.en.docx")
    download = http.get(url)  # LibreTranslate clients download without the key
    assert download.status_code == 200
    out = docx.Document(io.BytesIO(download.content))
    assert len(out.tables) == 1 and out.tables[0].cell(1, 1).text == "12/03/2024"
    assert http.get(url.rsplit("/", 1)[0] + "/other.docx").status_code == 404
    bad = [("notes.ods", b"PK\x03\x04", 415, "unsupported format .ods"),
           ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, 422, "old Word 97-2003")]
    for name, data, code, message in bad:
        response = http.post(f"{live_app.url}/translate_file", data={"source": "fr", "target": "en", "api_key": token},
                              files={"file": (name, data)})
        assert response.status_code == code and message in response.json()["error"], response.text


def wait_for(url, headers, *, until=("done", "partial", "failed", "cancelled"), timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(url, headers=headers).json()
        if job["status"] in until:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job still {job['status']}")


def test_jobs_flags_xliff_reimport_and_deletion(live_app, tsettings, tmp_path):
    token = account(tsettings, "marie")
    headers = {"Authorization": f"Bearer {token}"}
    letter = make_docx(tmp_path / "lettre.docx")
    files = [("files", ("lettre.docx", letter.read_bytes())),
             ("files", ("note.txt", "Le formulaire S1 est délivré par la CPAM le 3 mai 2024.".encode())),
             ("files", ("broken.pdf", b"%PDF-1.7\ngarbage"))]
    response = http.post(f"{live_app.url}/v1/translation/jobs", headers=headers, files=files,
                          data={"target": "en", "source": "fr", "xliff": "true"})
    assert response.status_code == 422 and "broken.pdf" in response.json()["detail"]  # refused at upload
    bad_glossary = ("glossary", ("job.tsv", "CPAM\t=\nrégime général general scheme\n".encode()))
    response = http.post(f"{live_app.url}/v1/translation/jobs", headers=headers, files=files[:2] + [bad_glossary],
                         data={"target": "en", "source": "auto"})
    assert response.status_code == 422 and "job.tsv, line 2" in response.json()["detail"]["problems"][0]
    response = http.post(f"{live_app.url}/v1/translation/jobs", headers=headers, files=files[:2],
                          data={"target": "en", "source": "fr", "xliff": "true"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running", "done") and [f["name"] for f in job["files"]] == ["lettre.docx", "note.txt"]
    job = wait_for(f"{live_app.url}/v1/translation/jobs/{job['id']}", headers)
    assert job["status"] == "done" and job["progress"] == 1.0
    letter_file, note_file = job["files"]
    assert letter_file["output_name"] == "lettre.en.docx" and letter_file["segments"] > 5
    assert note_file["flags"]["glossary_not_applied"] >= 1
    flags = http.get(f"{live_app.url}/v1/translation/jobs/{job['id']}/flags", headers=headers,
                      params={"flag": "number_changed"}).json()
    assert flags["segments"] and all(any(f["code"] == "number_changed" for f in s["flags"]) for s in flags["segments"])
    output = http.get(letter_file["output_url"], headers=headers)
    assert output.status_code == 200 and docx.Document(io.BytesIO(output.content)).tables
    assert http.get(letter_file["output_url"]).status_code == 401  # our routes need the key
    other = account(tsettings, "other")
    assert http.get(letter_file["output_url"], headers={"Authorization": f"Bearer {other}"}).status_code == 404
    report = http.get(letter_file["report_url"], headers=headers).json()
    assert report["stats"]["segments"] == letter_file["segments"]
    v12 = http.get(note_file["xliff_url"], headers=headers, params={"version": "1.2"}).text
    assert 'version="1.2"' in v12 and "trans-unit" in v12
    xliff = http.get(note_file["xliff_url"], headers=headers).text
    assert 'version="2.0"' in xliff
    start = xliff.index("<segment ")
    target_start = xliff.index("<target", start)
    target_end = xliff.index("</target>", target_start) + len("</target>")
    edited = xliff[:target_start] + "<target>Form S1 is issued by the CPAM on 3 May 2024.</target>" + xliff[target_end:]
    reimport = http.post(f"{note_file['xliff_url']}", headers=headers, files={"file": ("note.en.xlf", edited.encode())})
    assert reimport.status_code == 200, reimport.text
    assert reimport.json()["import"]["confirmed"] == 1 and reimport.json()["rebuild"] == "done"
    rebuilt = http.get(note_file["output_url"], headers=headers).text
    assert rebuilt.strip() == "Form S1 is issued by the CPAM on 3 May 2024."
    memory = http.get(f"{live_app.url}/v1/translation/memory", headers=headers,
                       params={"source": "fr", "target": "en", "q": "Le formulaire S1 est délivré par la CPAM le 4 mai 2024."}).json()
    best = memory["matches"][0]  # only the date differs: the stored translation with the new number
    assert best["kind"] == "placeable" and best["target"] == "Form S1 is issued by the CPAM on 4 May 2024."
    memory = http.get(f"{live_app.url}/v1/translation/memory", headers=headers, params={
        "source": "fr", "target": "en", "q": "Le formulaire S1 est délivré par l'URSSAF le 3 mai 2024."}).json()
    best = memory["matches"][0]
    assert best["kind"] == "fuzzy" and best["confirmed_by"] == "marie" and 75 <= best["score"] < 100
    # Cancel a finished job: nothing to do; delete: files gone.
    cancel = http.post(f"{live_app.url}/v1/translation/jobs/{job['id']}/cancel", headers=headers).json()
    assert cancel["cancel_requested"] is False
    assert http.delete(f"{live_app.url}/v1/translation/jobs/{job['id']}", headers=headers).status_code == 200
    assert http.get(letter_file["output_url"], headers=headers).status_code == 410
    assert http.get(f"{live_app.url}/v1/translation/jobs/{job['id']}", headers=headers).json()["status"] == "expired"
    from liaison.audit import entries

    actions = [e.action for e in entries(tsettings.resolved_database_url) if e.actor == "marie"]
    for action in ("translation.job_create", "translation.download_output", "translation.download_report",
                   "translation.xliff_reimport", "translation.job_delete"):
        assert action in actions, action


def test_glossary_and_memory_endpoints(live_app, tsettings):
    token = account(tsettings, "marie")
    headers = {"Authorization": f"Bearer {token}"}
    bad = "source\ttarget\nrégime général\tgeneral scheme\npension de retraite retirement pension\n"
    response = http.post(f"{live_app.url}/v1/translation/glossary", headers=headers,
                          data={"source": "fr", "target": "en"}, files={"file": ("mine.tsv", bad.encode())})
    assert response.status_code == 422
    assert response.json()["detail"]["problems"] == [
        "mine.tsv, line 3: expected `source<TAB>target`, found one column (columns seem separated by spaces): "
        "'pension de retraite retirement pension'; separate the source and target terms with a TAB character"]
    good = bad.replace("retraite retirement", "retraite\tretirement")
    response = http.post(f"{live_app.url}/v1/translation/glossary", headers=headers,
                          data={"source": "fr", "target": "en"}, files={"file": ("mine.tsv", good.encode())})
    assert response.json() == {"source": "fr", "target": "en", "added": 2, "updated": 0}
    glossary = http.get(f"{live_app.url}/v1/translation/glossary", headers=headers,
                         params={"source": "fr", "target": "en"}).json()
    assert {t["source"] for t in glossary["custom"]} == {"régime général", "pension de retraite"}
    assert any(t["source"] == "CLEISS" and t["do_not_translate"] for t in glossary["starter"])
    flags = http.post(f"{live_app.url}/translate", headers=headers, json={
        "q": "La pension de retraite est versée.", "source": "fr", "target": "en"}).json()["flags"]
    assert any(f["code"] == "glossary_not_applied" and f["detail"]["expected"] == "retirement pension" for f in flags)
    term_id = next(t["id"] for t in glossary["custom"] if t["source"] == "pension de retraite")
    assert http.delete(f"{live_app.url}/v1/translation/glossary/{term_id}", headers=headers).status_code == 200
    # Institutions may translate but not change the shared glossary/memory.
    institution = account(tsettings, "caisse", role="institution")
    assert http.post(f"{live_app.url}/v1/translation/memory", headers={"Authorization": f"Bearer {institution}"},
                      json={"source": "fr", "target": "en", "source_text": "a", "target_text": "b"}).status_code == 403
    confirmed = http.post(f"{live_app.url}/v1/translation/memory", headers=headers, json={
        "source": "fr", "target": "en", "source_text": SENTENCE,
        "target_text": "The posted worker remains insured under the French scheme for 24 months."}).json()
    assert confirmed["status"] == "added" and confirmed["confirmed_by"] == "marie"
    tmx = http.get(f"{live_app.url}/v1/translation/memory/export", headers=headers,
                    params={"source": "fr", "target": "en"})
    assert tmx.status_code == 200 and b'changeid="marie"' in tmx.content
    imported = http.post(f"{live_app.url}/v1/translation/memory/import", headers=headers,
                          files={"file": ("memory.tmx", tmx.content)}).json()
    assert imported["format"] == "tmx" and imported["units"] == 1 and imported["unchanged"] == 1
    broken = http.post(f"{live_app.url}/v1/translation/memory/import", headers=headers,
                        files={"file": ("memory.tmx", tmx.content[:-20])})
    assert broken.status_code == 400 and "nothing was imported" in broken.json()["detail"]
    engines = http.get(f"{live_app.url}/v1/translation/engines", headers=headers).json()
    argos = next(e for e in engines["engines"] if e["name"] == "argos")
    assert argos["available"] and "fr-de" in argos["pairs"]


@pytest.mark.postgres
def test_libretranslate_client_on_postgresql(tsettings, pg_url):
    from api.app import create_app

    settings = tsettings.model_copy(update={"database_url": pg_url})
    token = account(settings, "marie", char_limit=1000)
    with LiveServer(create_app(settings)) as server:
        client = LibreTranslateAPI(server.url, api_key=token)
        assert client.translate(SENTENCE, "fr", "en")
        assert client.translate(SENTENCE, "fr", "en")  # second time from the memory
    from translation.activity import activity_summary
    import datetime

    today = datetime.datetime.now(datetime.UTC).date()
    summary = activity_summary(pg_url, today, today)
    assert summary["segments"] == 2 and summary["pairs"] == {"fr-en": 22}
