"""Files kept at rest encrypted (uploaded documents are personal data): Fernet with the key that protects
case data (intake.crypto: LIAISON_ENCRYPTION_KEY or the generated key file), written with mode 0600.
Files written before encryption are read as they are."""
from __future__ import annotations

import os
from pathlib import Path

_FERNET_PREFIX = b"gAAAAA"


def seal(settings, path: Path) -> int:
    """Encrypt the file in place; returns its clear size."""
    from intake.crypto import cipher_for

    data = Path(path).read_bytes()
    token = cipher_for(settings).encrypt_bytes(data)
    temporary = Path(path).with_name(Path(path).name + ".sealing")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(token)
    os.replace(temporary, path)
    return len(data)


def read_sealed(settings, path: Path) -> bytes:
    from intake.crypto import cipher_for

    data = Path(path).read_bytes()
    if not data.startswith(_FERNET_PREFIX):
        return data  # stored before encryption at rest
    return cipher_for(settings).decrypt_bytes(data)
