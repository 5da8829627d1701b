"""Error messages for clients name the setting, not the server path.

"no Argos package installed in /root/.local/share/argos-translate/packages" tells an attacker how the
server is laid out and tells the user nothing they can act on. `redact_paths` replaces each directory
or file that a setting configures with that setting's environment name (the Argos package directory
with LIAISON_TRANSLATION_ARGOS_DIR, the local model with LIAISON_LLM_GGUF_PATH, the data directory
with LIAISON_DATA_DIR, ...) and any other absolute server path with `<server path>`. Logs keep the
full message."""
from __future__ import annotations

import re
from pathlib import Path

# Absolute paths under the usual filesystem roots (URL paths such as /v1/... are left alone).
_SERVER_PATH = re.compile(r"(?<![\w:/.])/(?:root|home|tmp|var|usr|opt|etc|srv|work|data|mnt|proc|run|lib|nix)"
                          r"(?:/[^\s'\"`,;:()<>\[\]{}]*)?")


def _configured_paths(settings) -> list[tuple[str, str]]:
    """(path, setting name) for every path-valued setting, most specific (longest) first."""
    pairs: list[tuple[str, str]] = []
    for name, value in settings.model_dump().items():
        if isinstance(value, Path) or (isinstance(value, str) and value.startswith("/")):
            pairs.append((str(Path(value).resolve()) if isinstance(value, Path) else value, f"LIAISON_{name.upper()}"))
            pairs.append((str(value), f"LIAISON_{name.upper()}"))
    try:
        from translation.engines.argos import packages_dir

        pairs.append((str(packages_dir(settings)), "LIAISON_TRANSLATION_ARGOS_DIR"))
    except Exception:  # noqa: BLE001  (translation not installed)
        pass
    try:
        from liaison.llm_model import cache_dir, default_model_path

        pairs.append((str(default_model_path()), "LIAISON_LLM_GGUF_PATH"))
        pairs.append((str(cache_dir()), "LIAISON_LLM_GGUF_PATH"))
    except Exception:  # noqa: BLE001
        pass
    pairs = [(p, n) for p, n in pairs if p and p not in (".", "/")]
    return sorted(set(pairs), key=lambda pair: len(pair[0]), reverse=True)


def redact_paths(message: str, settings=None) -> str:
    if not isinstance(message, str) or "/" not in message:
        return message
    if settings is not None:
        for path, setting in _configured_paths(settings):
            if path in message:
                message = message.replace(path, f"<{setting}>")
    return _SERVER_PATH.sub("<server path>", message)


def redact_detail(detail, settings=None):
    """`redact_paths` over a message, or the strings of a list or dict of problems."""
    if isinstance(detail, str):
        return redact_paths(detail, settings)
    if isinstance(detail, list):
        return [redact_detail(item, settings) for item in detail]
    if isinstance(detail, dict):
        return {key: redact_detail(value, settings) for key, value in detail.items()}
    return detail
