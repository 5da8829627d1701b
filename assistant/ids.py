"""Identifiers: content hashes of what identifies the record, salted with a random nonce where two
identical events must still be distinct (the same question asked twice)."""
from __future__ import annotations

import hashlib
import secrets


def new_id(*parts: str, unique: bool = True) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    if unique:
        h.update(secrets.token_bytes(8))
    return h.hexdigest()[:32]


def new_session_id() -> str:
    return secrets.token_hex(12)
