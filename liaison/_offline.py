"""Environment defaults that keep every library offline and quiet (see shared notes)."""
import os

OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "UNSTRUCTURED_DISABLE_NOTICE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # argostranslate: sentence splitting with spaCy, never MiniSBD/stanza downloads.
    "ARGOS_CHUNK_TYPE": "SPACY",
}


def apply_offline_defaults() -> None:
    """Set each default unless the operator chose a value (setdefault never overrides)."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
