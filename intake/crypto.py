"""Encryption at rest of personal fields (NIR, IBAN, identity, health information, free text) and of
attachment contents, with Fernet (AES-128-CBC + HMAC-SHA256).

Key: `LIAISON_ENCRYPTION_KEY` (one key, or several comma-separated: the first encrypts, all decrypt,
so keys can be rotated). Without it a key file `<data_dir>/encryption.key` is created on first use
(mode 0600), which suits a demo, not production.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_cache: dict[str, Any] = {}


class EncryptionKeyError(RuntimeError):
    """The encryption key is missing or malformed (message says how to set it)."""


def _key_material(settings) -> str:
    if settings.encryption_key:
        return settings.encryption_key
    path = Path(settings.data_dir) / "encryption.key"
    with _lock:
        if not path.exists():
            from cryptography.fernet import Fernet

            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(Fernet.generate_key())
        return path.read_text().strip()


class FieldCipher:
    """Encrypts/decrypts strings and JSON values; `None` stays `None`."""

    def __init__(self, material: str):
        from cryptography.fernet import Fernet, MultiFernet

        keys = [k.strip() for k in material.split(",") if k.strip()]
        if not keys:
            raise EncryptionKeyError("LIAISON_ENCRYPTION_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError) as exc:
            raise EncryptionKeyError("LIAISON_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), "
                            "comma-separated; generate one with "
                            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`") from exc

    def encrypt(self, text: str | None) -> str | None:
        if text is None:
            return None
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise EncryptionKeyError("cannot decrypt stored personal data: wrong LIAISON_ENCRYPTION_KEY") from exc

    def encrypt_json(self, value: Any) -> str:
        return self.encrypt(json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":")))

    def decrypt_json(self, token: str | None) -> Any:
        text = self.decrypt(token)
        return None if text is None else json.loads(text)

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.decrypt(data)


def cipher_for(settings) -> FieldCipher:
    material = _key_material(settings)
    with _lock:
        c = _cache.get(material)
        if c is None:
            c = _cache[material] = FieldCipher(material)
        return c
