"""Bad input always ends in a ParseError with a clear reason (never another exception, never a hang)."""
import json
import zipfile

import pytest

from ingest.parsers import parse_file, parse_file_report
from ingest.types import ParseError

from .conftest import write

pytestmark = pytest.mark.unit


def _parse(path, settings, **kwargs):
    return parse_file(path, path.parent, source="test", settings=settings, **kwargs)


def test_empty_and_whitespace_files(tmp_path, parser_settings):
    with pytest.raises(ParseError, match="empty file"):
        _parse(write(tmp_path / "empty.txt", b""), parser_settings)
    with pytest.raises(ParseError, match="empty file"):
        _parse(write(tmp_path / "blank.md", b"  \n\n \t"), parser_settings)


def test_binary_junk_with_a_text_name(tmp_path, parser_settings):
    junk = bytes((i * 7919 + 13) % 256 for i in range(20000))
    with pytest.raises(ParseError, match="binary content"):
        _parse(write(tmp_path / "notes.txt", junk), parser_settings)
    with pytest.raises(ParseError, match="PNG image"):
        _parse(write(tmp_path / "page.html", b"\x89PNG\r\n\x1a\n" + junk), parser_settings)


def test_file_above_max_file_bytes_is_refused_before_reading(tmp_path, parser_settings, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(parser_settings.max_file_bytes + 1)
    read_calls = []
    original_open = type(huge).open

    def spy_open(self, *args, **kwargs):
        read_calls.append(self)
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(type(huge), "open", spy_open)
    with pytest.raises(ParseError, match=r"above the limit max_file_bytes=\d+"):
        _parse(huge, parser_settings)
    assert huge not in read_calls


def test_latin1_text_keeps_its_accents(tmp_path, parser_settings):
    text = ("Le salarié détaché à l'étranger reste affilié au régime français.\n\n"
            "Article 2\n\nLa durée maximale est fixée par décret ; coût forfaitaire : 100 €.")
    chunks = _parse(write(tmp_path / "note.txt", text.encode("cp1252")), parser_settings)
    joined = "\n".join(c.text for c in chunks)
    assert "salarié détaché à l'étranger" in joined and "100 €" in joined
    assert chunks[0].metadata["language"] == "fr"


def test_utf16_with_bom(tmp_path, parser_settings):
    chunks = _parse(write(tmp_path / "note.txt", "Convention générale : égalité de traitement.".encode("utf-16")),
                    parser_settings)
    assert "égalité de traitement" in chunks[0].text


def test_json_of_another_shape_names_what_was_expected(tmp_path, parser_settings):
    with pytest.raises(ParseError, match=r"unrecognised JSON shape \(dict with keys foo, bar\): expected a LEGI"):
        _parse(write(tmp_path / "data.json", json.dumps({"foo": 1, "bar": [1, 2]})), parser_settings)
    with pytest.raises(ParseError, match="invalid JSON"):
        _parse(write(tmp_path / "broken.json", '{"type": "code", "children": ['), parser_settings)


def test_deeply_nested_json_is_a_parse_error(tmp_path, parser_settings):
    deep = "[" * 200000 + "]" * 200000
    with pytest.raises(ParseError):
        _parse(write(tmp_path / "deep.json", deep), parser_settings)


def test_jsonl_bad_lines_are_skipped_and_reported(tmp_path, parser_settings):
    lines = [
        json.dumps({"doc_id": "a1", "title": "Qui est concerné ?", "text": "Les salariés détachés.", "path": "x"}),
        "{not json",
        json.dumps({"doc_id": "a2", "text": "Durée : 24 mois.", "theme": "Détachement", "url": "https://ex.org/a2"}),
        json.dumps({"title": "sans identifiant", "text": "..."}),
        json.dumps(["a", "list"]),
    ]
    report = parse_file_report(write(tmp_path / "docs.jsonl", "\n".join(lines)), tmp_path, source="t",
                               settings=parser_settings)
    assert [c.metadata["ref"] for c in report.chunks] == ["a1", "a2"]
    first, second = (c.metadata for c in report.chunks)
    assert first["title"] == "Qui est concerné ?" and first["meta_path"] == "x" and first["path"] == "docs.jsonl"
    assert second["theme"] == "Détachement" and second["url"] == "https://ex.org/a2"
    assert len(report.warnings) == 1
    assert "2 (invalid JSON" in report.warnings[0] and "4 (no doc_id)" in report.warnings[0]
    assert "5 (not an object)" in report.warnings[0]
    with pytest.raises(ParseError, match="no usable record"):
        _parse(write(tmp_path / "bad.jsonl", "{oops\n[1]\n"), parser_settings)


def test_corrupt_pdf_and_docx_are_refused_before_any_library(tmp_path, parser_settings, monkeypatch):
    from ingest.parsers import unstructured_backend

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("unstructured must not be reached for this file")

    monkeypatch.setattr(unstructured_backend, "_partition_pdf", must_not_run)
    monkeypatch.setattr(unstructured_backend, "_partition_docx", must_not_run)
    with pytest.raises(ParseError, match="corrupt PDF"):
        _parse(write(tmp_path / "cut.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"), parser_settings)
    with pytest.raises(ParseError, match="corrupt PDF"):
        _parse(write(tmp_path / "fake.pdf", b"this is not a pdf at all"), parser_settings)
    with pytest.raises(ParseError, match="corrupt DOCX"):
        _parse(write(tmp_path / "fake.docx", b"plain text pretending"), parser_settings)
    with pytest.raises(ParseError, match="not a DOCX"):
        archive = tmp_path / "other.docx"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("hello.txt", "hi")
        _parse(archive, parser_settings)


def test_docx_zip_bomb_is_refused_from_declared_sizes(tmp_path, parser_settings, monkeypatch):
    from ingest.parsers import unstructured_backend

    monkeypatch.setattr(unstructured_backend, "_partition_docx",
                        lambda *_a, **_k: (_ for _ in ()).throw(AssertionError("inflated a zip bomb")))
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ParseError, match=r"inflates \d+x .*max_compression_ratio=200.*zip bomb"):
        _parse(bomb, parser_settings)
    small_limit = parser_settings.model_copy(update={"max_unpacked_bytes": 1024 * 1024})
    with pytest.raises(ParseError, match="max_unpacked_bytes=1048576"):
        _parse(bomb, small_limit)


def test_yaml_alias_bomb_in_front_matter(tmp_path, parser_settings):
    bomb = "---\nid: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" \
           "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nreferences: *c\n---\n## T\n\ntext\n"
    with pytest.raises(ParseError, match="YAML aliases"):
        _parse(write(tmp_path / "sheet.md", bomb), parser_settings)


def test_xml_entity_expansion_and_unknown_vocabulary(tmp_path, parser_settings):
    laughs = ('<?xml version="1.0"?><!DOCTYPE ACT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
              '<ACT><ENACTING.TERMS><ARTICLE><TI.ART>Article 1</TI.ART><ALINEA>&d;&d;&d;&d;</ALINEA></ARTICLE>'
              '</ENACTING.TERMS></ACT>')
    try:
        chunks = _parse(write(tmp_path / "act.xml", laughs), parser_settings)
    except ParseError:
        chunks = []
    assert sum(len(c.text) for c in chunks) < 100_000  # entities are never expanded
    with pytest.raises(ParseError, match="unsupported XML vocabulary <invoice>"):
        _parse(write(tmp_path / "invoice.xml", "<invoice><total>12</total></invoice>"), parser_settings)


def test_html_without_text_and_directories(tmp_path, parser_settings):
    with pytest.raises(ParseError, match="no readable text"):
        _parse(write(tmp_path / "empty.html", "<html><body><nav>Menu</nav><script>x()</script></body></html>"),
               parser_settings)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(ParseError, match="not a regular file"):
        _parse(folder, parser_settings)


def test_unreadable_file(tmp_path, parser_settings, monkeypatch):
    path = write(tmp_path / "secret.txt", "texte")

    def denied(self, *_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "open", denied)
    with pytest.raises(ParseError, match="cannot read file: Permission denied"):
        _parse(path, parser_settings)


def test_hostile_markup_stays_fast(tmp_path, parser_settings):
    """Unclosed comments, links and emphasis repeated on one huge line: linear time, no hang."""
    import time

    line = "<!-- " * 40000 + "[" * 40000 + "** a " * 40000 + "<p " * 40000
    started = time.perf_counter()
    for name in ("hostile.md", "hostile.txt", "hostile.html"):
        try:
            parse_file(write(tmp_path / name, "# Titre\n\n" + line + "\n\nArticle 1\n\nTexte."), tmp_path,
                       source="t", settings=parser_settings)
        except ParseError:
            pass
    assert time.perf_counter() - started < 60  # quadratic backtracking would take hours
