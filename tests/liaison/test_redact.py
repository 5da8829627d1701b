"""Issue 16, item 9: error messages sent to clients name the setting, not the server path."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit


def test_configured_paths_become_setting_names_and_other_paths_are_hidden(settings, tmp_path):
    from liaison.redact import redact_paths

    settings = settings.model_copy(update={"translation_argos_dir": tmp_path / "argos"})
    message = (f"no Argos package installed in {tmp_path / 'argos'}; index at {settings.data_dir}/chroma; "
               "package /usr/lib/python3/dist-packages/foo missing; follow /v1/translation/jobs/abc")
    redacted = redact_paths(message, settings)
    assert "<LIAISON_TRANSLATION_ARGOS_DIR>" in redacted and "<LIAISON_DATA_DIR>/chroma" in redacted
    assert str(tmp_path) not in redacted and "/usr/" not in redacted and "package <server path> missing" in redacted
    assert "/v1/translation/jobs/abc" in redacted  # URL paths are not server paths


def test_translate_without_engine_names_the_setting_not_the_directory(tmp_path):
    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    argos = tmp_path / "empty-argos"
    argos.mkdir()
    settings = Settings(data_dir=tmp_path / "data", translation_argos_dir=argos, translation_engine="argos",
                        translation_llm_fallback=False).ensure_dirs()
    migrate(settings.resolved_database_url)
    token = create_account(settings.resolved_database_url, "tr", "translator")[1]
    client = TestClient(create_app(settings))
    response = client.post("/translate", json={"q": "Bonjour", "source": "fr", "target": "en", "api_key": token})
    assert response.status_code >= 400
    assert str(tmp_path) not in response.text, response.text
    assert "LIAISON_TRANSLATION_ARGOS_DIR" in response.text, response.text
