"""`liaison backup DIR` and `liaison restore DIR` (operators)."""
from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("backup", help="back up catalog, vectors, database and data files into a new folder "
                                      "(safe while the server runs)")
    b.add_argument("dir", help="new folder to write the backup into (outside the data directory)")
    b.add_argument("--data-dir")
    b.add_argument("--lock-timeout", type=float, default=600.0,
                   help="seconds to wait for a running ingest to finish (default 600)")
    b.set_defaults(func=_backup)
    r = sub.add_parser("restore", help="restore a backup into this instance (stop the API and workers first)")
    r.add_argument("dir", help="backup folder written by `liaison backup`")
    r.add_argument("--data-dir")
    r.add_argument("--force", action="store_true", help="replace an instance that already holds data")
    r.add_argument("--verify-only", action="store_true", help="check the backup's checksums, restore nothing")
    r.set_defaults(func=_restore)


def _backup(args) -> int:
    from pathlib import Path

    from liaison.admin_cli import settings_from_args
    from liaison.backup import BackupError, backup
    from liaison.cli import CliError

    try:
        report = backup(settings_from_args(args), Path(args.dir), lock_timeout=args.lock_timeout)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(report.summary(), ensure_ascii=False))
    return 0


def _restore(args) -> int:
    from pathlib import Path

    from liaison.admin_cli import settings_from_args
    from liaison.backup import BackupError, restore, verify
    from liaison.cli import CliError

    try:
        if args.verify_only:
            manifest = verify(Path(args.dir))
            print(json.dumps({"verified": str(args.dir), "files": len(manifest["files"]),
                              "created_at": manifest["created_at"]}))
            return 0
        summary = restore(settings_from_args(args), Path(args.dir), force=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(summary, ensure_ascii=False))
    return 0
