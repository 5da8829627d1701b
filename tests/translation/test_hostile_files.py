"""Hostile files (issue 16, item 1): a corpus generated here — a PDF whose single compressed content stream
unpacks to 10 MB of drawing operators, zip bombs as DOCX/XLSX/ODT, polyglots, a bad CRC — is refused
within set limits (CPU, memory, wall clock of the separate reading process), measured, and never costs a
request or a server worker. The table of what each file cost is printed (pytest -s)."""
from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LIMITS = {"parse_cpu_seconds": 8, "parse_memory_mb": 512, "parse_wall_seconds": 20}


def pdf_bomb() -> bytes:
    """~20 KB: one Flate stream of 10 MB of rectangle operators (the layout engine builds an object for each)."""
    operators = b"0 0 1 1 re f\n" * (10_000_000 // 13)
    stream = zlib.compress(operators, 9)
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
               b"<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _zip(members: dict[str, bytes | int]) -> bytes:
    """A zip whose int members are that many bytes of spaces, written in chunks (a bomb stays small)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in members.items():
            if isinstance(content, int):
                with zf.open(name, "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 20)
                    for _ in range(content >> 20):
                        fh.write(chunk)
            else:
                zf.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
                 b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'wordprocessingml.document.main+xml"/></Types>')
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>')


def docx_zip_bomb() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": 1 << 30})


def docx_paragraph_flood() -> bytes:
    """Small on disk and within the unzip limit: 60 MB of tiny paragraphs (an XML tree of millions of nodes)."""
    body = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * (60_000_000 // 36)
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
                 "word/document.xml": b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>"})


def odt_zip_bomb() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": 1 << 30})


def xlsx_zip_bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": 1 << 30})


def docx_bad_crc() -> bytes:
    body = b"<w:p><w:r><w:t>Bonjour</w:t></w:r></w:p>" * 50
    content = bytearray(_zip({"[Content_Types].xml": CONTENT_TYPES,
                              "word/document.xml": b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>"}))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        info = zf.getinfo("word/document.xml")
    at = 0
    while True:  # the central directory entry of word/document.xml
        at = content.index(b"PK\x01\x02", at)
        length = struct.unpack("<H", content[at + 28:at + 30])[0]
        if content[at + 46:at + 46 + length] == b"word/document.xml":
            break
        at += 4
    content[at + 16:at + 20] = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
    return bytes(content)


def pdf_zip_polyglot() -> bytes:
    return _tiny_pdf() + _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})


def _tiny_pdf() -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (Bonjour) Tj ET"
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
               b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CORPUS = {
    "pdf-bomb-10MB-stream.pdf": pdf_bomb,
    "zip-bomb-1GB.docx": docx_zip_bomb,
    "paragraph-flood.docx": docx_paragraph_flood,
    "zip-bomb-1GB.odt": odt_zip_bomb,
    "odt-bomb-renamed.docx": odt_zip_bomb,
    "zip-bomb-1GB.xlsx": xlsx_zip_bomb,
    "bad-crc.docx": docx_bad_crc,
    "pdf-zip-polyglot.pdf": pdf_zip_polyglot,
    "zip-as-text.txt": docx_zip_bomb,
    "pdf-as-html.html": _tiny_pdf,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile-files")
    files = {}
    for name, build in CORPUS.items():
        files[name] = folder / name
        files[name].write_bytes(build())
    return files


@pytest.fixture(scope="module")
def limited_settings(tmp_path_factory):
    from liaison.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("hostile-data") / "data", **LIMITS).ensure_dirs()


def test_every_hostile_file_is_refused_within_the_limits(corpus, limited_settings, capsys):
    from liaison import sandbox
    from translation.errors import TranslationError
    from translation.formats.limited import inspect_limited

    rows = []
    for name, path in corpus.items():
        sandbox.last_usage.value = None
        started = time.monotonic()
        with pytest.raises(TranslationError) as refused:
            inspect_limited(path, limited_settings)
        wall = time.monotonic() - started
        usage = sandbox.last_usage.value
        rows.append((name, path.stat().st_size, usage, wall, str(refused.value)))
        assert wall < LIMITS["parse_wall_seconds"] + 5, name
        if usage is not None:  # None: refused before any process started (unsupported extension)
            assert usage.cpu_seconds <= LIMITS["parse_cpu_seconds"] + 1.5, (name, usage)
            assert usage.max_rss_mb <= LIMITS["parse_memory_mb"] + 16, (name, usage)
        assert "/" not in str(refused.value).split(":")[0], refused.value  # names the file, not a server path
    with capsys.disabled():
        print(f"\n{'file':28} {'size':>9} {'cpu s':>6} {'peak MB':>8} {'wall s':>7}  refusal")
        for name, size, usage, wall, message in rows:
            cpu = f"{usage.cpu_seconds:.2f}" if usage else "-"
            rss = f"{usage.max_rss_mb:.0f}" if usage else "-"
            print(f"{name:28} {size:9d} {cpu:>6} {rss:>8} {wall:7.2f}  {message[:110]}")
    bomb = next(r for r in rows if r[0] == "pdf-bomb-10MB-stream.pdf")
    assert "LIAISON_PARSE_" in bomb[4], bomb  # refused by a limit, which the message names


def test_a_normal_document_still_reads_in_the_limited_process(limited_settings, tmp_path):
    from translation.formats.limited import inspect_limited

    pdf = tmp_path / "lettre.pdf"
    pdf.write_bytes(_tiny_pdf())
    assert inspect_limited(pdf, limited_settings) >= len("Bonjour")


def test_pdf_bomb_upload_is_refused_without_costing_the_server(limited_settings, tmp_path):
    """POST /v1/translation/jobs with the bomb: 422 naming the setting, nothing queued, and the server
    process itself spent almost no CPU on it."""
    import resource

    from fastapi.testclient import TestClient

    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate

    migrate(limited_settings.resolved_database_url)
    token = create_account(limited_settings.resolved_database_url, f"translator-{time.time_ns()}", "translator")[1]
    client = TestClient(create_app(limited_settings))
    before = resource.getrusage(resource.RUSAGE_SELF)
    response = client.post("/v1/translation/jobs", headers={"Authorization": f"Bearer {token}"},
                           files={"files": ("bomb.pdf", pdf_bomb(), "application/pdf")}, data={"target": "en"})
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert response.status_code == 422, response.text
    assert "LIAISON_PARSE_" in response.json()["detail"]
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 3
    assert client.get("/v1/translation/jobs", headers={"Authorization": f"Bearer {token}"}).json() == []


def test_statistics_workbook_bomb_and_bad_crc_are_refused_in_the_limited_process(limited_settings):
    from liaison import sandbox
    from liaison.db import migrate
    from reports.returns import import_return

    migrate(limited_settings.resolved_database_url)
    for year, content in ((2024, xlsx_zip_bomb()), (2023, docx_bad_crc())):
        sandbox.last_usage.value = None
        result = import_return(limited_settings, limited_settings.resolved_database_url, content,
                               filename="return.xlsx", institution="CPAM Test", year=year, branch="health")
        assert result.status == "rejected", result
        usage = sandbox.last_usage.value
        assert usage is not None and usage.cpu_seconds <= LIMITS["parse_cpu_seconds"] + 1.5, usage
