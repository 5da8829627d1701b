"""`liaison demo` step: demo accounts for the console, intake, translation and statistics.

Passwords are generated per data directory and written, with the API tokens, to
`<data_dir>/demo-accounts.json` (mode 0600); re-running the demo keeps them. Never use a demo data
directory in production.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

DEMO_USERS = (
    ("agent", "agent", None),
    ("officer", "officer", None),
    ("supervisor", "supervisor", None),
    ("translator", "translator", None),
    ("statistician", "statistician", None),
    ("cpam-demo", "institution", "CPAM (démonstration)"),
    ("admin", "admin", None),
)


def prepare(settings) -> str:
    from liaison.accounts import AccountError, create_account

    path = Path(settings.data_dir) / "demo-accounts.json"
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    db_url = settings.resolved_database_url
    for username, role, institution in DEMO_USERS:
        if username in known:
            continue
        password = secrets.token_urlsafe(9)
        try:
            _, token = create_account(db_url, username, role, password=password, institution=institution,
                                      char_limit=2_000_000 if role == "translator" else None)
        except AccountError:
            continue  # created outside the demo: leave it alone
        known[username] = {"role": role, "password": password, "token": token}
    path.write_text(json.dumps(known, indent=2), encoding="utf-8")
    os.chmod(path, 0o600)
    logins = ", ".join(f"{u}/{v['password']}" for u, v in known.items() if v["role"] in ("agent", "officer", "supervisor"))
    return f"console log-ins (user/password): {logins}; all demo accounts and API tokens: {path}"
