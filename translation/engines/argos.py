"""Argos Translate packages run directly on CTranslate2.

Packages (`.argosmodel` zip files: metadata.json, model/ for CTranslate2, sentencepiece.model or
bpe.model) are read from the Argos package directory. We drive CTranslate2 and the package's
tokenizer ourselves instead of `argostranslate.translate`, because that module picks a sentence
splitter that downloads models (MiniSBD, Stanza, spaCy) on first use; here sentences come already
split by the pipeline, so nothing is ever downloaded. Pairs without a package are pivoted through
English when both halves are installed.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from translation.engines.base import Engine, EngineInfo
from translation.errors import EngineUnavailable, TranslationError
from translation.languages import UnknownLanguage, normalize_language

PIVOT = "en"
_translators: dict[tuple[str, int], object] = {}
_tokenizers: dict[str, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ArgosPackage:
    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return self.from_code, self.to_code

    def to_public(self) -> dict:
        return {"from": self.from_code, "to": self.to_code, "version": self.version, "path": str(self.path)}


def default_packages_dir() -> Path:
    """Argos Translate's own location (same rules as argostranslate.settings, without importing it:
    that import creates directories in the home folder)."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    data_home = Path(os.environ.get("XDG_DATA_HOME") or (Path.home() / ".local" / "share"))
    return data_home / "argos-translate" / "packages"


def packages_dir(settings) -> Path:
    return Path(settings.translation_argos_dir) if settings.translation_argos_dir else default_packages_dir()


def _read_package(path: Path) -> ArgosPackage | None:
    meta_path = path / "metadata.json"
    if not meta_path.is_file() or not (path / "model" / "model.bin").is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta.get("type", "translate") != "translate":
            return None
        return ArgosPackage(path, normalize_language(meta["from_code"]), normalize_language(meta["to_code"]),
                            str(meta.get("package_version", "")), meta.get("target_prefix", "") or "")
    except (ValueError, KeyError, UnknownLanguage, OSError):
        return None


def installed_packages(directory: Path) -> list[ArgosPackage]:
    if not directory.is_dir():
        return []
    found = [_read_package(p) for p in sorted(directory.iterdir()) if p.is_dir()]
    return [p for p in found if p is not None]


# -- install / fetch ---------------------------------------------------------------------------------

def _validate_archive(path: Path) -> tuple[str, dict]:
    """Check an .argosmodel before touching the package directory; returns (top folder, metadata)."""
    if not path.is_file():
        raise TranslationError(f"{path}: file not found")
    if not zipfile.is_zipfile(path):
        raise TranslationError(f"{path.name}: not an Argos package (.argosmodel files are zip archives); "
                               "download it again or check that the copy is complete")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        bad = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts or ":" in n]
        if bad:
            raise TranslationError(f"{path.name}: unsafe path in archive ({bad[0]!r}); refusing to install")
        tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
        if len(tops) != 1:
            raise TranslationError(f"{path.name}: expected one package folder at the root of the archive, "
                                   f"found {sorted(tops)[:5]}")
        top = tops.pop()
        try:
            meta = json.loads(archive.read(f"{top}/metadata.json"))
        except KeyError:
            raise TranslationError(f"{path.name}: {top}/metadata.json is missing; not an Argos package") from None
        except ValueError as exc:
            raise TranslationError(f"{path.name}: metadata.json is not valid JSON ({exc})") from None
        if f"{top}/model/model.bin" not in names:
            raise TranslationError(f"{path.name}: {top}/model/model.bin is missing (CTranslate2 model expected)")
        if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
            raise TranslationError(f"{path.name}: no tokenizer (sentencepiece.model or bpe.model) in the package")
        try:
            normalize_language(meta.get("from_code"))
            normalize_language(meta.get("to_code"))
        except UnknownLanguage as exc:
            raise TranslationError(f"{path.name}: metadata.json: {exc}") from None
        return top, meta


def install_package_file(path: Path, directory: Path) -> ArgosPackage:
    """Install an .argosmodel file offline (validated first; an existing version is replaced atomically)."""
    path = Path(path)
    top, _meta = _validate_archive(path)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".installing-") as tmp:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(tmp)
        staged = Path(tmp) / top
        final = directory / top
        backup = None
        if final.exists():
            backup = directory / f".old-{top}"
            shutil.rmtree(backup, ignore_errors=True)
            final.rename(backup)
        staged.rename(final)
        if backup:
            shutil.rmtree(backup, ignore_errors=True)
    with _lock:
        for key in [k for k in _translators if k[0].startswith(str(final))]:
            _translators.pop(key, None)
        _tokenizers.pop(str(final), None)
    package = _read_package(final)
    if package is None:
        raise TranslationError(f"{path.name}: installed but unreadable; check metadata.json")
    return package


def fetch_package(source: str, target: str, directory: Path, index_url: str, *, timeout: float = 20.0) -> ArgosPackage:
    """Download a package from the Argos index (only when explicitly asked) and install it."""
    import urllib.error
    import urllib.request

    offline_hint = ("copy the .argosmodel file onto this machine and run "
                    "`liaison translate models install FILE.argosmodel`")
    try:
        with urllib.request.urlopen(urllib.request.Request(index_url, headers={"User-Agent": "Liaison"}),
                                    timeout=timeout) as response:
            index = json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TranslationError(f"cannot reach the Argos package index {index_url} ({getattr(exc, 'reason', exc)}); "
                               f"this machine is probably offline: {offline_hint}") from None
    except ValueError as exc:
        raise TranslationError(f"the Argos package index at {index_url} is not valid JSON ({exc})") from None
    entry = next((p for p in index if p.get("from_code") == source and p.get("to_code") == target), None)
    if entry is None:
        raise TranslationError(f"the Argos index has no {source}->{target} package; pivoting through English "
                               f"needs {source}->en and en->{target}")
    links = entry.get("links") or []
    last_error = "no download link"
    for link in links:
        try:
            with tempfile.NamedTemporaryFile(suffix=".argosmodel", delete=False) as tmp:
                with urllib.request.urlopen(urllib.request.Request(link, headers={"User-Agent": "Liaison"}),
                                            timeout=timeout) as response:
                    shutil.copyfileobj(response, tmp)
            try:
                return install_package_file(Path(tmp.name), directory)
            finally:
                Path(tmp.name).unlink(missing_ok=True)
        except (OSError, TimeoutError) as exc:
            last_error = str(getattr(exc, "reason", exc))
    raise TranslationError(f"download of the {source}->{target} package failed ({last_error}); {offline_hint}")


class _SentencePiece:
    """Argos' SentencePiece tokenizer without its habit of turning every "_" of the output into a space."""

    def __init__(self, model_file: Path):
        import sentencepiece

        self.processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str) -> list[str]:
        return self.processor.encode(text, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self.processor.decode_pieces(tokens).replace("\u2581", " ")


# -- engine ------------------------------------------------------------------------------------------

class ArgosEngine(Engine):
    name = "argos"
    draft = False
    glossary_mode = "inline"

    def __init__(self, settings):
        self.settings = settings
        self.directory = packages_dir(settings)
        self._packages: dict[tuple[str, str], ArgosPackage] | None = None
        self._stamp: int | None = None

    def packages(self) -> dict[tuple[str, str], ArgosPackage]:
        """Installed packages, re-read when the directory changes (an install while the API runs)."""
        try:
            stamp = self.directory.stat().st_mtime_ns
        except OSError:
            stamp = None
        if self._packages is None or stamp != self._stamp:
            self._packages = {p.pair: p for p in installed_packages(self.directory)}
            self._stamp = stamp
        return self._packages

    def route(self, source: str, target: str) -> list[ArgosPackage] | None:
        packages = self.packages()
        if (source, target) in packages:
            return [packages[(source, target)]]
        if source != PIVOT and target != PIVOT and (source, PIVOT) in packages and (PIVOT, target) in packages:
            return [packages[(source, PIVOT)], packages[(PIVOT, target)]]
        return None

    def pairs(self) -> list[tuple[str, str]]:
        languages = {code for pair in self.packages() for code in pair}
        return sorted((s, t) for s in languages for t in languages if s != t and self.route(s, t))

    def unsupported_reason(self, source: str, target: str) -> str | None:
        if self.route(source, target):
            return None
        if not self.packages():
            return (f"no Argos package installed in {self.directory}; install one with "
                    "`liaison translate models install FILE.argosmodel`")
        return (f"no Argos package for {source}->{target} (installed: "
                f"{', '.join(f'{s}->{t}' for s, t in sorted(self.packages()))}); install {source}->{target} "
                f"or {source}->en and en->{target}")

    def label(self, source: str, target: str) -> str:
        route = self.route(source, target) or []
        return "argos" + ("(pivot:en)" if len(route) == 2 else "")

    def info(self) -> EngineInfo:
        packages = self.packages()
        detail = (f"{len(packages)} package(s) in {self.directory}" if packages
                  else f"no package in {self.directory}")
        return EngineInfo(self.name, bool(packages), self.draft, self.pairs(), detail)

    def _translator(self, package: ArgosPackage):
        import ctranslate2

        key = (str(package.path), self.settings.translation_threads)
        with _lock:
            translator = _translators.get(key)
            if translator is None:
                try:
                    translator = ctranslate2.Translator(
                        str(package.path / "model"), device="cpu", inter_threads=1,
                        intra_threads=self.settings.translation_threads, compute_type="auto")
                except (RuntimeError, ValueError) as exc:
                    raise EngineUnavailable(f"Argos package {package.path.name} cannot be loaded ({exc}); "
                                            "reinstall it with `liaison translate models install`") from exc
                _translators[key] = translator
            return translator

    def _tokenizer(self, package: ArgosPackage):
        with _lock:
            tokenizer = _tokenizers.get(str(package.path))
            if tokenizer is None:
                if (package.path / "sentencepiece.model").is_file():
                    tokenizer = _SentencePiece(package.path / "sentencepiece.model")
                else:
                    from argostranslate.tokenizer import BPETokenizer

                    tokenizer = BPETokenizer(package.path / "bpe.model", package.from_code, package.to_code)
                _tokenizers[str(package.path)] = tokenizer
            return tokenizer

    def _run(self, package: ArgosPackage, texts: list[str]) -> list[str]:
        if not texts:
            return []
        tokenizer = self._tokenizer(package)
        tokenized = [tokenizer.encode(text) for text in texts]
        longest = max(len(t) for t in tokenized)
        prefix = [[package.target_prefix]] * len(tokenized) if package.target_prefix else None
        results = self._translator(package).translate_batch(
            tokenized, target_prefix=prefix, replace_unknowns=True, beam_size=self.settings.translation_beam_size,
            max_batch_size=self.settings.translation_batch_size, length_penalty=0.2,
            # Bounded output: a degenerate model must not loop to the default 256 tokens per sentence.
            max_decoding_length=min(512, int(longest * 2.5) + 16))
        outputs = []
        for result in results:
            value = tokenizer.decode(result.hypotheses[0])
            if package.target_prefix and value.startswith(package.target_prefix):
                value = value[len(package.target_prefix):]
            outputs.append(value.strip())
        return outputs

    def alternatives(self, text: str, source: str, target: str, count: int) -> list[str]:
        """The `count` best hypotheses for one sentence (the last hop only, after a pivot)."""
        route = self.route(source, target)
        if not route:
            return []
        for package in route[:-1]:
            text = self._run(package, [text])[0]
        package = route[-1]
        tokenizer = self._tokenizer(package)
        tokens = tokenizer.encode(text)
        prefix = [[package.target_prefix]] if package.target_prefix else None
        (result,) = self._translator(package).translate_batch(
            [tokens], target_prefix=prefix, replace_unknowns=True, beam_size=max(count, 2),
            num_hypotheses=max(count, 2), length_penalty=0.2, max_decoding_length=min(512, int(len(tokens) * 2.5) + 16))
        outputs = []
        for hypothesis in result.hypotheses:
            value = tokenizer.decode(hypothesis)
            if package.target_prefix and value.startswith(package.target_prefix):
                value = value[len(package.target_prefix):]
            outputs.append(value.strip())
        return outputs

    def translate(self, texts: list[str], source: str, target: str,
                  hints: list[list[tuple[str, str]]] | None = None) -> list[str]:
        route = self.route(source, target)
        if not route:
            raise EngineUnavailable(self.unsupported_reason(source, target) or "pair not available")
        outputs = list(texts)
        for package in route:
            outputs = self._run(package, outputs)
        return outputs
