"""`liaison users ...` and `liaison db upgrade` (administrators)."""
from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="manage accounts and API tokens")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create an account and print its API token (shown once)")
    add.add_argument("username")
    add.add_argument("--role", required=True)
    add.add_argument("--password", help="console log-in password (optional)")
    add.add_argument("--institution")
    add.add_argument("--char-limit", type=int, help="translation characters per day")
    add.add_argument("--data-dir")
    add.set_defaults(func=_users_add)
    ls = users_sub.add_parser("list", help="list accounts")
    ls.add_argument("--data-dir")
    ls.set_defaults(func=_users_list)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply all pending migrations")
    up.add_argument("--data-dir")
    up.set_defaults(func=_db_upgrade)


def settings_from_args(args: argparse.Namespace):
    """Settings from the environment, with --data-dir (when given) taking precedence."""
    from liaison.settings import Settings

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides).ensure_dirs()


def database_url(args: argparse.Namespace) -> str:
    from liaison.db import migrate

    settings = settings_from_args(args)
    url = settings.resolved_database_url
    migrate(url)
    return url


def _users_add(args) -> int:
    from liaison.accounts import AccountError, create_account
    from liaison.cli import CliError

    try:
        principal, token = create_account(
            database_url(args), args.username, args.role, password=args.password,
            institution=args.institution, char_limit=args.char_limit,
        )
    except AccountError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps({"id": principal.id, "username": principal.username, "role": principal.role, "token": token}))
    return 0


def _users_list(args) -> int:
    from liaison.accounts import list_accounts

    for p in list_accounts(database_url(args)):
        print(f"{p.id}\t{p.username}\t{p.role}\t{p.institution or ''}")
    return 0


def _db_upgrade(args) -> int:
    url = database_url(args)
    print(f"schema up to date: {url.split('@')[-1]}")
    return 0
