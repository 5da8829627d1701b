"""Folding must equal the reference definition (NFKD, combining marks dropped) on every character,
whatever the fast path does."""
from __future__ import annotations

import unicodedata

import pytest

from assistant.text import fold

pytestmark = pytest.mark.unit


def _reference(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'").replace("\u00a0", " ")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def test_fold_equals_reference_on_the_basic_multilingual_plane():
    for cp in [*range(0x20, 0xD800), *range(0xE000, 0x10000)]:
        c = chr(cp)
        for text in (c, f"Ab{c}é", f"{c.upper()}x", f"e\u0301{c}\u0327"):
            assert fold(text) == _reference(text), (hex(cp), text)


def test_fold_examples():
    assert fold("Détachement À L’ÉTRANGER") == "detachement a l'etranger"
    assert fold("Œuvre\u00a0ﬁnale") == "oeuvre finale"
    assert fold("") == "" and fold(None) == ""
