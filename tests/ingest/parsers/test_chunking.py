import pytest

from ingest.chunking import Segment, Unit, build_chunks, finalise_metadata, pack_paragraphs
from ingest.types import METADATA_KEYS, OPEN_ENDED

pytestmark = pytest.mark.unit


def _sentences(n: int, word: str = "alinéa") -> str:
    return " ".join(f"Phrase {i} du {word} qui décrit une règle de coordination précise." for i in range(n))


def test_short_unit_is_one_chunk_with_header():
    unit = Unit(ref="L761-2", title="Article L761-2", hierarchy=["Code de la sécurité sociale", "Titre VI"],
                segments=[Segment(paragraphs=["Premier alinéa.", "Second alinéa."])])
    chunks = build_chunks(unit, {"source": "s", "path": "p.json"}, 1200, 150)
    assert len(chunks) == 1
    assert chunks[0].text == "Code de la sécurité sociale > Titre VI\nArticle L761-2\nPremier alinéa.\n\nSecond alinéa."
    meta = chunks[0].metadata
    assert (meta["chunk_index"], meta["chunk_count"]) == (0, 1)
    assert meta["hierarchy"] == "Code de la sécurité sociale > Titre VI"


def test_long_unit_split_by_paragraph_with_header_repeated_and_overlap():
    paragraphs = [_sentences(4, f"alinéa {i}") for i in range(12)]
    unit = Unit(ref="R767-2", title="Article R767-2", hierarchy=["Code", "Titre VI"], segments=[Segment(paragraphs)])
    chunks = build_chunks(unit, {}, 1000, 150)
    assert len(chunks) > 3
    for i, chunk in enumerate(chunks):
        assert chunk.text.startswith("Code > Titre VI\nArticle R767-2\n")
        assert len(chunk.text) <= 1000 + 150 + 60
        assert chunk.metadata["chunk_index"] == i and chunk.metadata["chunk_count"] == len(chunks)
    # every paragraph is somewhere, whole
    joined = "\n".join(c.text for c in chunks)
    assert all(p in joined for p in paragraphs)
    # consecutive chunks overlap: the start of chunk 2's body repeats the end of chunk 1
    body1, body2 = (c.text.split("\n", 2)[2] for c in chunks[:2])
    overlap = body2[:40].lstrip("… ")
    assert overlap and overlap in body1 and not body2.startswith(body1[:40])


def test_very_long_paragraph_is_split_by_sentences_then_words():
    huge_sentence = "mot " * 900
    bodies = pack_paragraphs([_sentences(40), huge_sentence.strip()], 500, 0)
    assert all(len(b) <= 500 for b in bodies)
    assert sum(b.count("mot") for b in bodies) == 900


def test_segments_never_share_a_chunk_and_unit_hash_is_per_unit():
    unit = Unit(ref="article-annexe.md", title="Article Annexe", hierarchy=["Décret"], segments=[
        Segment(["Texte de l'article 1."], heading="Article 1", locator="Article 1"),
        Segment(["Texte de l'article 2."], heading="Article 2", locator="Article 2"),
    ])
    chunks = build_chunks(unit, {}, 1200, 150)
    assert [c.metadata["locator"] for c in chunks] == ["Article 1", "Article 2"]
    assert "article 2" not in chunks[0].text and "article 1" not in chunks[1].text
    assert chunks[0].metadata["unit_hash"] == chunks[1].metadata["unit_hash"]
    other = Unit(ref="x", title="Article Annexe", hierarchy=["Décret"], segments=[Segment(["Autre texte."])])
    assert build_chunks(other, {}, 1200, 150)[0].metadata["unit_hash"] != chunks[0].metadata["unit_hash"]


def test_finalise_metadata_fills_every_key_with_scalars():
    meta = finalise_metadata({"countries": "|FR|NC|", "ref": "x", "version_date": None, "extra_list": ["a"]})
    assert set(METADATA_KEYS) <= set(meta)
    assert meta["valid_to"] == OPEN_ENDED and meta["valid_from"] == 0 and meta["version_date"] == 0
    assert meta["country_FR"] is True and meta["country_NC"] is True
    assert all(isinstance(v, (str, int, bool, float)) for v in meta.values())


def test_long_table_pieces_repeat_the_header_row():
    header = "| country | form | employed |\n|---|---|---|"
    rows = "\n".join(f"| Country {i} | SE {i}-01 | {i} years |" for i in range(80))
    unit = Unit(ref="durations.md", title="Posting durations", segments=[Segment([f"{header}\n{rows}"])])
    chunks = build_chunks(unit, {}, 600, 150)
    assert len(chunks) > 3
    for chunk in chunks:
        body = chunk.text.split("\n", 1)[1]
        assert body.startswith(header), body[:80]
    all_rows = [line for c in chunks for line in c.text.split("\n") if line.startswith("| Country")]
    assert len(all_rows) == 80  # every row once, no overlap duplicates
