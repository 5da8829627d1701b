"""Machine output and translation memory kept apart: in origins, XLIFF matches and states, counts."""
import pytest
from lxml import etree

from translation.xliff import MTC, NS12, NS20

pytestmark = pytest.mark.integration


def _matches(xliff_bytes: bytes) -> dict[str, list]:
    root = etree.fromstring(xliff_bytes)
    out = {}
    for unit in root.iter(f"{{{NS20}}}unit"):
        out[unit.get("id")] = [(m.get("type"), m.get("similarity"), m.get("origin"),
                                m.findtext(f"{{{NS20}}}source"), m.findtext(f"{{{NS20}}}target"))
                               for m in unit.iter(f"{{{MTC}}}match")]
    return out


def test_earlier_machine_output_is_never_an_exact_memory_match(translator, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Le travailleur détaché reste affilié au régime français.\n\n"
                    "Le formulaire est délivré par la caisse.\n", "utf-8")
    first = translator.translate_document(path, "en", source="fr")
    assert all(s.origin.startswith("engine") for s in first.segments)
    second = translator.translate_document(path, "en", source="fr", out=tmp_path / "again.txt", xliff="both")
    assert {s.origin for s in second.segments} == {"memory-mt"}
    assert second.stats["origins"] == {"memory-mt": 2} and "memory-exact" not in second.stats["origins"]
    assert all(s.score is None for s in second.segments)
    for matches in _matches(second.xliff.read_bytes()).values():
        assert [(m[0], m[1]) for m in matches] == [("mt", None)]
    root = etree.fromstring(second.output.with_suffix(".xliff").read_bytes())
    for target in root.iter(f"{{{NS12}}}target"):
        if target.getparent().tag == f"{{{NS12}}}trans-unit":
            assert target.get("state") == "needs-review-translation" and target.get("state-qualifier") == "leveraged-mt"
    for alt in root.iter(f"{{{NS12}}}alt-trans"):
        assert alt.get("match-quality") is None and alt.get("origin") == "liaison:memory-mt"


def test_fuzzy_match_shows_the_memory_source_and_weaker_matches_are_alternatives(translator, tsettings, tmp_path):
    memory = translator.memory
    stored = "Le travailleur détaché reste affilié au régime français de sécurité sociale."
    memory.confirm("fr", "en", stored, "The posted worker remains insured under the French social security scheme.",
                   by="marie")
    weaker = "Le travailleur salarié reste affilié au régime local de sécurité sociale du département."
    memory.confirm("fr", "en", weaker, "The employed worker remains insured under the local scheme of the département.",
                   by="marie")
    new = "Le travailleur détaché reste affilié au régime belge de sécurité sociale."
    path = tmp_path / "note.txt"
    path.write_text(new + "\n", "utf-8")
    result = translator.translate_document(path, "en", source="fr", xliff="both")
    (segment,) = result.segments
    assert segment.origin == "memory-fuzzy" and segment.memory_source == stored
    matches = next(iter(_matches(result.xliff.read_bytes()).values()))
    assert matches[0][0] == "tm" and matches[0][3] == stored  # the stored sentence, not the new one
    assert float(matches[0][1]) < 100
    alternatives = [m for m in matches[1:] if m[2] == "liaison:memory-suggestion"]
    assert alternatives and alternatives[0][3] == weaker and alternatives[0][0] == "tm"
    root = etree.fromstring(result.output.with_suffix(".xliff").read_bytes())
    alts = list(root.iter(f"{{{NS12}}}alt-trans"))
    assert alts[0].findtext(f"{{{NS12}}}source") == stored
    assert any(a.get("origin") == "liaison:memory-suggestion" and a.findtext(f"{{{NS12}}}source") == weaker
               for a in alts)
