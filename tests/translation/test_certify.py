"""Certified translations (R767-2, 8°): four-eyes review segment by segment, certificate page on DOCX
and PDF, audit log, public verification by reference and checksum; a modified copy fails."""
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import httpx
import pytest
from pypdf import PdfReader

from liaison import audit
from liaison.accounts import create_account
from tests.translation.conftest import make_docx, make_pdf

pytestmark = pytest.mark.integration
http = httpx.Client(timeout=180)


def _token(settings, name, role):
    from liaison.db import migrate

    migrate(settings.resolved_database_url)
    return {"Authorization": f"Bearer {create_account(settings.resolved_database_url, name, role)[1]}"}


def test_certify_a_translation_verify_it_and_a_modified_copy_fails(live_app, tsettings, translator, tmp_path):
    source = make_docx(tmp_path / "lettre.docx")
    translated = translator.translate_document(source, "en", source="fr").output
    marie = _token(tsettings, "marie", "translator")
    paul = _token(tsettings, "paul", "certifier")
    anne = _token(tsettings, "anne", "certifier")
    base = f"{live_app.url}/v1/translation"
    with open(source, "rb") as src, open(translated, "rb") as out:
        created = http.post(f"{base}/certifications", headers=marie,
                            files={"source": ("lettre.docx", src), "translation": ("lettre.en.docx", out)},
                            data={"source_lang": "fr", "target_lang": "en"})
    assert created.status_code == 201, created.text
    review = created.json()
    ref = review["reference"]
    assert review["status"] == "in_review" and review["translator"] == "marie" and review["segments_total"] > 3
    assert review["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    # Four-eyes: the translator cannot check her own work; a plain translator cannot certify.
    assert http.post(f"{base}/certifications/{ref}/check", headers=marie, json={"positions": [0]}).status_code == 403
    positions = [s["position"] for s in review["segments"]]
    # Not every segment checked yet: certification refused.
    http.post(f"{base}/certifications/{ref}/check", headers=paul, json={"positions": positions[:1]}).raise_for_status()
    refused = http.post(f"{base}/certifications/{ref}/certify", headers=paul)
    assert refused.status_code == 409 and "not checked yet" in refused.json()["detail"]
    checked = http.post(f"{base}/certifications/{ref}/check", headers=paul, json={"positions": positions[1:]}).json()
    assert checked["segments_checked"] == checked["segments_total"]
    assert http.post(f"{base}/certifications/{ref}/certify", headers=marie).status_code == 403
    done = http.post(f"{base}/certifications/{ref}/certify", headers=paul)
    assert done.status_code == 200, done.text
    cert = done.json()
    assert cert["status"] == "certified" and cert["certifier"] == "paul"
    certified = tmp_path / "certified.docx"
    certified.write_bytes(http.get(cert["download_url"], headers=anne).content)
    text = "\n".join(p.text for p in docx.Document(str(certified)).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(str(certified)).tables for r in t.rows for c in r.cells)
    assert "Certificat de traduction / Translation certificate" in text
    assert "certifie que le document" in text and "certifies that the document" in text and "R767-2, 8°" in text
    assert ref in cells and cert["source_sha256"] in cells and cert["translation_sha256"] in cells and "paul" in cells
    assert cert["translation_sha256"] == hashlib.sha256(translated.read_bytes()).hexdigest()
    # The act is in the audit log.
    actions = [(e.action, e.actor) for e in audit.entries(tsettings.resolved_database_url,
                                                         object_type="translation_certification")]
    assert ("translation.certify", "paul") in actions and ("translation.certification_submit", "marie") in actions
    # Anyone holding the document can check it (no key), by reference and checksum.
    digest = hashlib.sha256(certified.read_bytes()).hexdigest()
    public = http.get(f"{base}/certificates/{ref}", params={"sha256": digest}).json()
    assert public["match"] is True and public["certified_sha256"] == digest and "source_name" not in public
    assert http.get(f"{base}/certificates/CLEISS-TC-2026-00000000").status_code == 404
    # The CLI verifies the file; a modified copy fails.
    env_args = ["--data-dir", str(tsettings.data_dir)]
    cli = [sys.executable, "-m", "liaison.cli", "translate", "verify"]
    ok = subprocess.run(cli + [str(certified)] + env_args, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and f"valid: certified translation {ref}" in ok.stdout, ok.stderr
    modified = tmp_path / "modified.docx"
    document = docx.Document(str(certified))
    document.paragraphs[1].runs[0].text = "The"
    document.paragraphs[1].add_run(" (amended)")
    document.save(str(modified))
    bad = subprocess.run(cli + [str(modified)] + env_args, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "MODIFIED" in bad.stdout and ref in bad.stdout
    public = http.get(f"{base}/certificates/{ref}",
                      params={"sha256": hashlib.sha256(modified.read_bytes()).hexdigest()}).json()
    assert public["match"] is False


def test_certificate_page_is_appended_to_a_pdf_and_verification_catches_changes(tsettings, tmp_path):
    from liaison.db import migrate
    from translation.certify import certify, check_segments, open_review, verify_file

    url = tsettings.resolved_database_url
    migrate(url)
    source = make_pdf(tmp_path / "attestation.pdf", pages=1)
    translation = make_pdf(tmp_path / "attestation.de.pdf", pages=1)
    pages_before = len(PdfReader(str(translation)).pages)
    review = open_review(tsettings, url, source=source, translation=translation, source_lang="fr",
                         target_lang="de", translator="marie", submitted_by="marie")
    ref = review["reference"]
    with pytest.raises(Exception, match="four-eyes"):
        check_segments(url, ref, [0], certifier="marie", role="certifier")
    check_segments(url, ref, [s["position"] for s in review["segments"]], certifier="paul", role="certifier")
    assert certify(tsettings, url, ref, certifier="paul", role="certifier")["status"] == "certified"
    certified = Path(_certified_path(url, ref))
    reader = PdfReader(str(certified))
    assert len(reader.pages) == pages_before + 1
    last = reader.pages[-1].extract_text()
    assert ref in last and "Übersetzungsbescheinigung" in last and "Certificat de traduction" in last
    assert verify_file(url, certified).valid
    copy = tmp_path / "copy.pdf"
    shutil.copyfile(certified, copy)
    with open(copy, "ab") as handle:
        handle.write(b"\n% tampered\n")
    outcome = verify_file(url, copy)
    assert not outcome.valid and outcome.reference == ref and "MODIFIED" in outcome.message


def _certified_path(url, ref):
    from sqlalchemy import select

    from liaison.db import session_scope
    from translation.models import Certification

    with session_scope(url) as s:
        return s.scalar(select(Certification.certified_path).where(Certification.reference == ref))


def test_a_job_output_is_certified_from_its_segments(live_app, tsettings, tmp_path):
    from tests.translation.test_api import wait_for

    marie = _token(tsettings, "marie2", "translator")
    paul = _token(tsettings, "paul2", "certifier")
    letter = make_docx(tmp_path / "lettre.docx")
    base = f"{live_app.url}/v1/translation"
    job = http.post(f"{base}/jobs", headers=marie, files=[("files", ("lettre.docx", letter.read_bytes()))],
                    data={"target": "en", "source": "fr"}).json()
    job = wait_for(f"{base}/jobs/{job['id']}", marie)
    assert job["status"] == "done"
    review = http.post(f"{base}/certifications", headers=marie,
                       data={"job_id": job["id"], "file_id": str(job["files"][0]["id"])})
    assert review.status_code == 201, review.text
    review = review.json()
    assert review["translator"] == "marie2" and review["segments_total"] == job["files"][0]["segments"]
    assert review["source_sha256"] == hashlib.sha256(letter.read_bytes()).hexdigest()
    assert http.post(f"{base}/certifications/{review['reference']}/check", headers=paul,
                     json={"positions": [s["position"] for s in review["segments"]]}).status_code == 200
    done = http.post(f"{base}/certifications/{review['reference']}/certify", headers=paul).json()
    assert done["status"] == "certified"
    certified = http.get(done["download_url"], headers=paul)
    assert certified.status_code == 200
    digest = hashlib.sha256(certified.content).hexdigest()
    assert http.get(done["verify_url"], params={"sha256": digest}).json()["match"] is True
