"""`liaison eessi ...` look-ups: human text, --json, and a clear error for a code not in the catalogue."""
from __future__ import annotations

import json

import pytest

from liaison.cli import main

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _catalogue_env(monkeypatch, catalogue_file, tmp_path):
    monkeypatch.setenv("LIAISON_EESSI_CATALOGUE_PATH", str(catalogue_file))
    monkeypatch.setenv("LIAISON_DATA_DIR", str(tmp_path / "data"))


def test_buc_text_shows_the_flow(capsys):
    assert main(["eessi", "buc", "LA_BUC_01"]) == 0
    out = capsys.readouterr().out
    assert "Opened with: A001 (Request for Exception)" in out
    assert "A002 (Partial or total refusal to Request for Exception) answers A001" in out
    assert "A011 (acceptance of an exception request (nb)) answers A001 — MEL-B" in out
    assert "MEL-B: https://github.com/navikt/melosys-eessi/" in out


def test_sed_json(capsys):
    assert main(["eessi", "sed", "a001", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["code"] == "A001" and view["name"] == "Request for Exception"
    assert [r["code"] for r in view["answered_by"]] == ["A002", "A011"]
    assert [b["id"] for b in view["bucs"]] == ["LA_BUC_01"] and view["bucs"][0]["opens"]


def test_form_e106_and_spaced_e112(capsys):
    assert main(["eessi", "form", "E106", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["kind"] == "e_form" and [r["code"] for r in view["replaced_by"]] == ["S1"]
    assert main(["eessi", "form", "E 112"]) == 0
    assert "Replaced by the portable document S2" in capsys.readouterr().out
    assert main(["eessi", "form", "S1", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert {r["form"] for r in view["replaced"]} == {"E106", "E109", "E120", "E121"}


def test_a_sed_without_a_name_says_so(capsys):
    assert main(["eessi", "sed", "DA001"]) == 0
    out = capsys.readouterr().out
    assert "no English name seen" in out and "ARCH-S" in out


@pytest.mark.parametrize("kind,code,hint", [("sed", "Z999", "official EESSI catalogue"),
                                            ("buc", "LA_BUC_99", "official EESSI catalogue"),
                                            ("form", "A001", "A001 is a SED")])
def test_unknown_code_is_not_in_the_catalogue(capsys, kind, code, hint):
    assert main(["eessi", kind, code]) == 2
    err = capsys.readouterr().err
    assert "is not in the catalogue" in err and hint in err


def test_unknown_code_json(capsys):
    assert main(["eessi", "sed", "Z999", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["detail"].startswith("'Z999' is not in the catalogue")


def test_catalogue_summary(capsys):
    assert main(["eessi", "catalogue", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"] == {"bucs": 99, "administrative_bucs": 12, "seds": 263, "seds_with_english_name": 66,
                                 "portable_documents": 10}
