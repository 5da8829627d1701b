"""The PII masker hides personal identifiers and leaves legal text alone: dates, article numbers, form codes."""
from __future__ import annotations

import json
import re

import pytest

from liaison.pii import mask_pii

pytestmark = pytest.mark.unit

DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{2}[./-]\d{2}[./-]\d{4})\b")


def test_dates_article_numbers_and_form_codes_are_not_masked():
    text = ("Version du 2026-03-14 (texte du 14.03.2026, modifié le 28-03-2022 à 10:30) : voir l'article "
            "D. 161-2-1-8-3, l'art. R767-2, le formulaire SE 352-01, le A1 et l'E 101 ; règlement 883/2004.")
    assert mask_pii(text) == text


def test_personal_identifiers_are_still_masked():
    masked = mask_pii("Appelez le +33 6 12 34 56 78 ou le n° 06.12.34.56.78, NIR 1 85 05 78 006 084 36, "
                      "jean.dupont@example.org, IBAN FR76 3000 6000 0112 3456 7890 189")
    assert "[phone]" in masked and masked.count("[phone]") == 2
    assert "[nir]" in masked and "[email]" in masked and "[iban]" in masked
    assert not re.search(r"\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2}", masked)


def test_legal_texts_of_the_shared_corpus_keep_their_dates_and_references(shared_corpus):
    """Every date and code-article reference of the LEGI extracts survives the masker (inquiries and
    transcripts quote them)."""
    from ingest.legal_refs import extract_references

    checked = 0
    for file in sorted((shared_corpus / "fr").glob("code-*/*.json")):
        stack = [json.loads(file.read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            stack.extend(node.get("children") or [])
            text = (node.get("data") or {}).get("texte") or ""
            if not text:
                continue
            masked = mask_pii(text)
            assert DATE.findall(masked) == DATE.findall(text), node["data"].get("num")
            assert extract_references(masked) == extract_references(text), node["data"].get("num")
            assert "[phone]" not in masked, (node["data"].get("num"), masked[:300])
            checked += 1
    assert checked >= 371
