"""Backup and restore of one Liaison instance: catalog, vectors, database (incl. translation memory),
and every file of the data directory (encryption keys, encrypted attachments, translation jobs,
statistics returns).

A backup is a folder (mode 0700, files 0600):
- `manifest.json`: format, date, what each part holds, SHA-256 and size of every file;
- `catalog.sqlite`: the knowledge-base catalog, copied with SQLite's online backup API (consistent
  while the server reads and writes);
- `database.sqlite` (SQLite online backup) or `database.pgdump` (`pg_dump --format=custom`);
- `vectors/<collection>.jsonl.gz`: every vector with its id, text and metadata, exported through
  Chroma's own API, so an embedded index and a Chroma server are backed up alike and a restore needs
  no model time;
- `files/`: the rest of the data directory (symbolic links are not followed).
The catalog and the vectors are exported while holding the ingest lock, so they describe the same
chunks. A restore is an offline operation: stop the API and task workers first.
"""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import liaison

FORMAT = "liaison-backup/1"
MANIFEST = "manifest.json"
CATALOG = "catalog.sqlite"
VECTOR_PAGE = 1000
# Data-dir entries that are backed up as their own parts (or are rebuilt, or are only transient).
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_TRANSIENT_DIRS = {"chroma", "metrics"}
_TRANSIENT_FILES = {"ingest.lock"}
_CACHE_PARTS = {("reports", "cache")}


class BackupError(RuntimeError):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "backup": str(self.path), "created_at": m.get("created_at"), "database": m["database"]["kind"],
            "catalog_chunks": m["catalog"]["chunks"],
            "vectors": {c["name"]: c["count"] for c in m["vectors"]["collections"]},
            "files": len(m["files"]), "bytes": sum(f["size"] for f in m["files"]),
            "seconds": m.get("seconds"),
        }


# ---------------------------------------------------------------------------------------- helpers
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite SQLAlchemy URL, None for another database."""
    if not url.startswith("sqlite"):
        return None
    raw = url.split("///", 1)[-1]
    if not raw or raw == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(raw)


def _libpq_url(url: str) -> str:
    """SQLAlchemy's postgresql+driver:// URL as the libpq URL pg_dump and pg_restore take."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith("postgresql"):
        raise BackupError(f"unsupported database for backup: {scheme} (SQLite and PostgreSQL are supported)")
    return "postgresql://" + rest


def _sqlite_copy(src: Path, dst: Path) -> None:
    """Consistent copy of a live SQLite database (online backup API: readers and writers go on)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst)
    try:
        source.backup(target, pages=4096, sleep=0.005)
    finally:
        target.close()
        source.close()
    os.chmod(dst, 0o600)


@contextmanager
def _ingest_lock(data_dir: Path, timeout: float) -> Iterator[None]:
    """The lock every ingest holds (`ingest.kb`): no ingest changes the index while it is exported."""
    path = data_dir / "ingest.lock"
    with path.open("a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BackupError(f"an ingest has been running for over {timeout:.0f} s; "
                                      "back up when it has finished") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _collection_names(client, base: str) -> list[str]:
    names = []
    for c in client.list_collections():
        name = c if isinstance(c, str) else c.name
        if name == base or name.startswith(base + "_"):
            names.append(name)
    return sorted(names)


def _chroma(settings):
    from ingest.index.dense import chroma_client

    return chroma_client(settings.chroma_url, Path(settings.data_dir) / "chroma")


def _is_transient(rel: Path) -> bool:
    if rel.parts[0] in _TRANSIENT_DIRS or (len(rel.parts) == 1 and rel.name in _TRANSIENT_FILES):
        return True
    if rel.parts[0].startswith("upload-"):  # request-scoped temporary upload folders
        return True
    return any(rel.parts[: len(p)] == p for p in _CACHE_PARTS)


def _data_files(data_dir: Path, skip: set[Path]) -> Iterator[Path]:
    """Regular files of the data dir, relative, never following a symbolic link."""
    stack = [data_dir]
    while stack:
        current = stack.pop()
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                rel = path.relative_to(data_dir)
                if entry.is_symlink() or _is_transient(rel) or path.resolve() in skip:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    yield rel


# ----------------------------------------------------------------------------------------- backup
def backup(settings, target: Path, *, lock_timeout: float = 600.0) -> BackupReport:
    """Write a backup of the instance configured by `settings` into the new folder `target`."""
    started = time.monotonic()
    data_dir = Path(settings.data_dir).resolve()
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"the backup folder is not empty: {target.name} (give a new folder)")
    if target.resolve().is_relative_to(data_dir):
        raise BackupError("the backup folder must be outside the data directory (LIAISON_DATA_DIR)")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    url = settings.resolved_database_url
    db_file = _sqlite_path(url)
    skip = {(data_dir / (CATALOG + s)).resolve() for s in _SQLITE_SUFFIXES}
    if db_file is not None:
        skip |= {Path(str(db_file) + s).resolve() for s in _SQLITE_SUFFIXES}

    manifest: dict[str, Any] = {
        "format": FORMAT, "liaison_version": liaison.__version__,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "encryption_key": "from LIAISON_ENCRYPTION_KEY: not in this backup, keep it separately"
        if settings.encryption_key else "key file of the data directory: in files/ (protect this backup)",
    }
    with _ingest_lock(data_dir, lock_timeout):
        manifest["catalog"] = _backup_catalog(data_dir, staging)
        manifest["vectors"] = _backup_vectors(settings, staging)
    manifest["database"] = _backup_database(url, db_file, staging)
    files = []
    for rel in _data_files(data_dir, skip):
        dst = staging / "files" / rel
        dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            shutil.copyfile(data_dir / rel, dst)
        except FileNotFoundError:
            continue  # removed while we walked (a finished upload, a rotated cache)
        os.chmod(dst, 0o600)
        files.append({"path": f"files/{rel.as_posix()}", "size": dst.stat().st_size, "sha256": _sha256(dst)})
    for part in (CATALOG, manifest["database"]["file"], *[c["file"] for c in manifest["vectors"]["collections"]]):
        p = staging / part
        files.append({"path": part, "size": p.stat().st_size, "sha256": _sha256(p)})
    manifest["files"] = files
    manifest["seconds"] = round(time.monotonic() - started, 2)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    os.chmod(staging / MANIFEST, 0o600)
    if target.exists():
        target.rmdir()
    staging.rename(target)  # a backup folder is complete or absent
    return BackupReport(target, manifest)


def _backup_catalog(data_dir: Path, staging: Path) -> dict[str, Any]:
    src = data_dir / CATALOG
    if not src.exists():
        sqlite3.connect(staging / CATALOG).close()
        return {"chunks": 0}
    _sqlite_copy(src, staging / CATALOG)
    with sqlite3.connect(staging / CATALOG) as conn:
        has_chunks = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='chunks'").fetchone()
        chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0] if has_chunks else 0
    return {"chunks": chunks}


def _backup_vectors(settings, staging: Path) -> dict[str, Any]:
    client = _chroma(settings)
    out_dir = staging / "vectors"
    out_dir.mkdir(mode=0o700)
    collections = []
    for name in _collection_names(client, settings.collection):
        col = client.get_collection(name)
        path = out_dir / f"{name}.jsonl.gz"
        count = 0
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            offset = 0
            while True:
                page = col.get(include=["embeddings", "documents", "metadatas"], limit=VECTOR_PAGE, offset=offset)
                for i, cid in enumerate(page["ids"]):
                    vector = _as_float32(page["embeddings"][i])
                    fh.write(json.dumps({
                        "id": cid, "vector": base64.b64encode(vector.tobytes()).decode(),
                        "document": page["documents"][i], "metadata": page["metadatas"][i],
                    }, ensure_ascii=False) + "\n")
                count += len(page["ids"])
                if len(page["ids"]) < VECTOR_PAGE:
                    break
                offset += VECTOR_PAGE
        os.chmod(path, 0o600)
        collections.append({"name": name, "count": count, "metadata": dict(col.metadata or {}),
                            "file": f"vectors/{name}.jsonl.gz"})
    return {"collections": collections}


def _as_float32(values):
    import numpy as np

    return np.asarray(values, dtype="<f4")


def _backup_database(url: str, db_file: Path | None, staging: Path) -> dict[str, Any]:
    if db_file is not None:
        dst = staging / "database.sqlite"
        if db_file.exists():
            _sqlite_copy(db_file, dst)
        else:
            sqlite3.connect(dst).close()
        return {"kind": "sqlite", "file": "database.sqlite"}
    dst = staging / "database.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dst}",
          f"--dbname={_libpq_url(url)}"], "pg_dump")
    os.chmod(dst, 0o600)
    return {"kind": "postgresql", "file": "database.pgdump"}


def _run(cmd: list[str], what: str) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{what} is not installed (Debian package postgresql-client)")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        # pg tools print the database name but never a password (trust or .pgpass auth).
        raise BackupError(f"{what} failed: {proc.stderr.strip()[-500:]}")


# ---------------------------------------------------------------------------------------- restore
def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"not a Liaison backup (no {MANIFEST} in {Path(source).name})")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} is damaged: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this version reads {FORMAT})")
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """Check every file of a backup against its manifest; raises BackupError listing what differs."""
    source = Path(source)
    manifest = read_manifest(source)
    bad = []
    for item in manifest["files"]:
        path = source / item["path"]
        if not path.resolve().is_relative_to(source.resolve()) or path.is_symlink():
            bad.append(f"{item['path']}: outside the backup")
        elif not path.is_file():
            bad.append(f"{item['path']}: missing")
        elif path.stat().st_size != item["size"] or _sha256(path) != item["sha256"]:
            bad.append(f"{item['path']}: checksum differs")
    if bad:
        raise BackupError("the backup is damaged, nothing was restored: " + "; ".join(bad[:10])
                          + (f" (+{len(bad) - 10} more)" if len(bad) > 10 else ""))
    return manifest


def restore(settings, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into the instance configured by `settings` (data dir, database, Chroma).
    Refuses a damaged backup before writing anything, and an instance that already holds data unless
    `force`."""
    started = time.monotonic()
    source = Path(source)
    manifest = verify(source)
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    db_file = _sqlite_path(url)
    kind = "sqlite" if db_file is not None else "postgresql"
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"the backup holds a {manifest['database']['kind']} database but this instance is "
                          f"configured for {kind} (LIAISON_DATABASE_URL); restore into a matching deployment")
    if not force and _holds_data(settings, data_dir, db_file):
        raise BackupError("the target instance already holds data (catalog, database or vectors); "
                          "restore into an empty data directory, or pass --force to replace it")
    for item in manifest["files"]:
        if item["path"].startswith("files/"):
            _place(source / item["path"], data_dir / item["path"][len("files/"):])
    for suffix in _SQLITE_SUFFIXES[1:]:
        (data_dir / (CATALOG + suffix)).unlink(missing_ok=True)
    _place(source / CATALOG, data_dir / CATALOG)
    if db_file is not None:
        for suffix in _SQLITE_SUFFIXES[1:]:
            Path(str(db_file) + suffix).unlink(missing_ok=True)
        _place(source / "database.sqlite", db_file)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={_libpq_url(url)}", str(source / "database.pgdump")], "pg_restore")
    restored = _restore_vectors(settings, source, manifest, force=force)
    _release_cached_engines(url)
    return {"restored_from": str(source), "created_at": manifest["created_at"], "database": kind,
            "catalog_chunks": manifest["catalog"]["chunks"], "vectors": restored,
            "files": sum(1 for f in manifest["files"] if f["path"].startswith("files/")),
            "seconds": round(time.monotonic() - started, 2)}


def _holds_data(settings, data_dir: Path, db_file: Path | None) -> bool:
    if (data_dir / CATALOG).exists() or (db_file is not None and db_file.exists()):
        return True
    if db_file is None:
        from sqlalchemy import inspect

        from liaison.db import get_engine

        if inspect(get_engine(settings.resolved_database_url)).get_table_names():
            return True
    client = _chroma(settings)
    return any(client.get_collection(n).count() for n in _collection_names(client, settings.collection))


def _place(src: Path, dst: Path) -> None:
    """Copy next to the destination, then rename: a file is either the old or the restored one."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dst.with_name(f".{dst.name}.restoring")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, dst)


def _restore_vectors(settings, source: Path, manifest: dict[str, Any], *, force: bool) -> dict[str, int]:
    import numpy as np

    client = _chroma(settings)
    existing = set(_collection_names(client, settings.collection))
    counts = {}
    for spec in manifest["vectors"]["collections"]:
        name = spec["name"]
        if name in existing:
            client.delete_collection(name)  # only reached with force, or when it was empty
        col = client.create_collection(name=name, embedding_function=None, metadata=spec["metadata"] or None)
        batch: dict[str, list] = {"ids": [], "embeddings": [], "documents": [], "metadatas": []}

        def flush() -> None:
            if batch["ids"]:
                col.add(ids=batch["ids"], embeddings=np.stack(batch["embeddings"]),
                        documents=batch["documents"], metadatas=batch["metadatas"])
                for values in batch.values():
                    values.clear()

        with gzip.open(source / spec["file"], "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                batch["ids"].append(row["id"])
                batch["embeddings"].append(np.frombuffer(base64.b64decode(row["vector"]), dtype="<f4"))
                batch["documents"].append(row["document"])
                batch["metadatas"].append(row["metadata"] or None)
                if len(batch["ids"]) >= VECTOR_PAGE:
                    flush()
        flush()
        if col.count() != spec["count"]:
            raise BackupError(f"vector collection {name}: restored {col.count()} of {spec['count']}")
        counts[name] = spec["count"]
    return counts


def _release_cached_engines(url: str) -> None:
    """A process that restored a database drops its pooled connections to the old file."""
    from liaison import db

    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()
