"""Identifiers: content hashes of what identifies the record, salted with a random nonce where two
identical events must still be distinct (the same question asked twice)."""
from __future__ import annotations

import hashlib
import hmac
import secrets


def new_id(*parts: str, unique: bool = True) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    if unique:
        h.update(secrets.token_bytes(8))
    return h.hexdigest()[:32]


def session_secret(settings) -> bytes:
    """Key that signs conversation ids: derived from the application's signing key (shared by workers)."""
    from api.web.auth import session_key

    return hmac.new(session_key(settings), b"liaison-conversation-id", hashlib.sha256).digest()


def _signature(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:24]


def new_session_id(secret: bytes) -> str:
    """A conversation id issued by the server: 128 random bits and their signature. A client cannot
    choose or guess one, so it can only continue a conversation whose id the server gave it."""
    nonce = secrets.token_hex(16)
    return f"{nonce}.{_signature(secret, nonce)}"


def valid_session_id(secret: bytes, value: str | None) -> bool:
    if not value or value.count(".") != 1:
        return False
    nonce, signature = value.split(".")
    return len(nonce) == 32 and hmac.compare_digest(_signature(secret, nonce), signature)
