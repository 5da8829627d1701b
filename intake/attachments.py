"""Attachments: type recognised from the content (never the file name), size limits, optional virus
scan, stored encrypted under random names in a folder no route serves, SHA-256 of the content kept."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from intake.errors import Invalid, TooLarge, Unavailable
from intake.messages import both


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    content_type: str
    size: int
    sha256: str
    scan_status: str


def sniff(data: bytes) -> str:
    """MIME type from the first bytes of the content."""
    head = data[:2048]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head.startswith(b"MZ"):
        return "application/x-msdownload"
    if head.startswith(b"\x7fELF"):
        return "application/x-executable"
    lowered = head.lower()
    if b"<html" in lowered or b"<script" in lowered or b"<svg" in lowered:
        return "text/html"
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


def _refuse(code: str, status: type = Invalid, **params) -> Exception:
    messages = both(code, **params)
    return status(messages["en"], code=code, extra={"messages": messages})


def check_content(data: bytes, settings) -> str:
    """Return the sniffed type, or raise a clear error (empty, too large, type not accepted, corrupt)."""
    limit = settings.intake_attachment_max_bytes
    if len(data) > limit:
        raise _refuse("attachment_too_large", TooLarge, max=round(limit / 1024 / 1024, 1))
    if not data:
        raise _refuse("attachment_empty")
    detected = sniff(data)
    allowed = settings.intake_attachment_types
    if detected not in allowed:
        raise _refuse("attachment_type", detected=detected, allowed=", ".join(allowed))
    if detected == "application/pdf" and b"%%EOF" not in data[-2048:]:
        raise _refuse("attachment_type", detected="corrupt or truncated PDF", allowed=", ".join(allowed))
    return detected


def safe_filename(name: str | None) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return (name or "attachment")[:200]


def storage_dir(settings) -> Path:
    d = Path(settings.intake_attachments_dir or Path(settings.data_dir) / "intake_attachments")
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def scan(data: bytes, settings) -> str:
    """Run the operator's scanner command, if any: 'clean', or raise (infected / scanner failure)."""
    command = settings.intake_virus_scan_command
    if not command:
        return "not_scanned"
    with tempfile.TemporaryDirectory(prefix="liaison-scan-") as tmp:
        path = Path(tmp) / "upload.bin"
        path.write_bytes(data)
        args = [a.replace("{path}", str(path)) for a in shlex.split(command)]
        if not any(str(path) in a for a in args):
            args.append(str(path))
        try:
            proc = subprocess.run(args, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _refuse("attachment_scan_failed", Unavailable) from exc
    if proc.returncode == 0:
        return "clean"
    if proc.returncode == 1:
        raise _refuse("attachment_infected")
    raise _refuse("attachment_scan_failed", Unavailable)


def store(data: bytes, settings, cipher) -> StoredFile:
    """Check, scan, encrypt and write the file under a random name; returns what to record."""
    content_type = check_content(data, settings)
    scan_status = scan(data, settings)
    name = secrets.token_hex(16) + ".bin"
    folder = storage_dir(settings)
    tmp = folder / (name + ".part")
    tmp.write_bytes(cipher.encrypt_bytes(data))
    os.chmod(tmp, 0o600)
    tmp.replace(folder / name)
    return StoredFile(name, content_type, len(data), hashlib.sha256(data).hexdigest(), scan_status)


def read(storage_name: str, settings, cipher, expected_sha256: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{32}\.bin", storage_name):
        raise Invalid("bad storage name")
    data = cipher.decrypt_bytes((storage_dir(settings) / storage_name).read_bytes())
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise Unavailable("attachment content does not match its recorded checksum", code="checksum_mismatch")
    return data


def delete(storage_name: str, settings) -> None:
    try:
        (storage_dir(settings) / storage_name).unlink()
    except FileNotFoundError:
        pass
