"""Served texts are the sources' texts: every LEGI article and every Formex/XHTML article of
../shared/corpus, stored through the real parsers and catalog and served by the lookup
(assistant.lookup.get_document, the function behind GET /v1/documents and the console), equals the
text read straight from the source file (whitespace normalised). The source side is read here with
lxml / json, independently of the parsers.

The knowledge base is the catalog alone (no vectors): storing and serving a unit's text never touches
the dense index, and embedding the whole corpus would take minutes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.lookup import get_document
from ingest.index.catalog import Catalog, file_key
from ingest.parsers import parse_file
from ingest.types import Hit

pytestmark = pytest.mark.integration

EU = "eu/lex-corpus-eu-eurlex/works"
CONSOLIDATION_MARK = re.compile(r"[►▼◄]\s?(?:[A-Z]\d{0,3}\b)?")


class CatalogOnly:
    """What the lookup reads from a knowledge base to serve a unit (KnowledgeBase.unit_versions and
    .get_unit), on a real catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def unit_versions(self, path, ref):
        return self.catalog.unit_versions(path, ref)

    def get_unit(self, path, ref, as_of=None):
        return [Hit(c.id, c.text, 1.0, c.metadata) for c in self.catalog.unit_chunks(path, ref)]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", CONSOLIDATION_MARK.sub("", text))


@pytest.fixture(scope="module")
def served(shared_corpus, tmp_path_factory):
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("verbatim"))
    catalog = Catalog(Path(settings.data_dir) / "catalog.sqlite")
    files = [*sorted((shared_corpus / "fr").glob("code-*/*.json")),
             *sorted(p for p in (shared_corpus / EU).rglob("*") if p.suffix in (".xml", ".html")
                     and not p.name.endswith(".doc.xml"))]
    for file in files:
        rel = file.relative_to(shared_corpus).as_posix()
        chunks = parse_file(file, shared_corpus, source="corpus", settings=settings)
        catalog.replace_file(key=file_key("corpus", rel), source="corpus", root=str(shared_corpus), path=rel,
                             file_hash=rel, size=file.stat().st_size, chunks=chunks)
    yield CatalogOnly(catalog)
    catalog.close()


def _legi_articles(node):
    if node.get("type") == "article":
        yield node["data"]
    for child in node.get("children") or []:
        yield from _legi_articles(child)


def test_every_legi_article_is_served_as_the_source_gives_it(served, shared_corpus):
    checked, different = 0, []
    for file in sorted((shared_corpus / "fr").glob("code-*/*.json")):
        rel = file.relative_to(shared_corpus).as_posix()
        for article in _legi_articles(json.loads(file.read_text(encoding="utf-8"))):
            expected = article.get("texte") or ""
            if (article.get("nota") or "").strip():
                expected += " Nota " + article["nota"]
            doc = get_document(served, rel, article["num"])
            checked += 1
            if doc is None or squash(doc.body) != squash(expected) or not doc.text.endswith(doc.body):
                different.append(article["num"])
    assert checked >= 371
    assert different == [], f"{len(different)} of {checked} LEGI articles differ from the source: {different[:10]}"


def test_r767_2_is_served_once_in_order(served):
    doc = get_document(served, "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json",
                       "R767-2")
    assert doc.verbatim and doc.text.count("Article R767-2") == 1
    assert doc.body.count("conformément à l'article 6") == 1
    order = [doc.body.index(f"{n}° ") for n in range(1, 12)]
    assert order == sorted(order)


# ------------------------------------------------------------------------------------ EUR-Lex

FMX_SKIP = {"NOTE", "TI.ART", "STI.ART", "REF.DOC.OJ"}


def _fmx_text(el, language: str) -> str:
    parts: list[str] = []
    open_q, close_q = ("«", "»") if language == "fr" else ("‘", "’")

    def visit(node):
        if node.tag in FMX_SKIP:
            return
        if node.tag == "QUOT.START":
            parts.append(open_q)
        elif node.tag == "QUOT.END":
            parts.append(close_q)
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):  # processing instructions (consolidation marks) are not text
                visit(child)
            parts.append(child.tail or "")

    visit(el)
    return "".join(parts)


def _formex_articles(file: Path) -> dict[str, str]:
    from lxml import etree

    root = etree.parse(str(file), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    lang = (root.findtext(".//LG.DOC") or "fr").strip().lower()[:2]
    out = {}
    for article in root.iter("ARTICLE"):
        title = re.sub(r"\s+", " ", "".join(article.find("TI.ART").itertext())).strip()
        out[title] = _fmx_text(article, lang)
    return out


ARTICLE_HEADING = {"ti-art", "oj-ti-art", "title-article-norm"}
# Where an article's text ends: the next article, a section or annex title, the closing formula.
BOUNDARY = re.compile(r"^(?:oj-)?(?:ti-section-\d|title-division-\d|ti-grseq-\d|title-gr-seq-level-\d|title-annex|"
                      r"ti-annex|doc-ti|doc-end|final|signatory|separator|doc-sep)")
SKIPPED = re.compile(r"^(?:oj-)?(?:hd-|arrow|modref|note|footnote|disclaimer)")


def _xhtml_articles(file: Path) -> dict[str, str]:
    """{article heading: text up to the next heading or boundary}, from a walk of the page in
    document order (footnote calls and consolidation arrows left out, as they are not text)."""
    from lxml import html

    root = html.fromstring(file.read_bytes())
    out: dict[str, list[str]] = {}
    current: list[str] | None = None

    def visit(el):
        nonlocal current
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "head"):
            return
        cls = (el.get("class") or "").split()
        first = cls[0] if cls else ""
        href = el.get("href") or ""
        if first in ARTICLE_HEADING:
            title = re.sub(r"\s+", " ", el.text_content()).strip()
            if not title.startswith(("«", "‘", '"', "“")):
                current = out.setdefault(title, [])
                return
        if BOUNDARY.match(first):
            current = None
            return
        if first in ("sti-art", "oj-sti-art", "stitle-article-norm") and current is not None and not "".join(current).strip():
            return  # the article's own subtitle (a quoted article's subtitle is text of the amending one)
        if SKIPPED.match(first) or href.startswith(("#ntr", "#ntc", "#E0")) or "note-tag" in cls:
            return
        if current is not None and el.text:
            current.append(el.text)
        for child in el:
            visit(child)
            if current is not None and child.tail:
                current.append(child.tail)

    body = root.find("body")
    visit(body if body is not None else root)
    return {title: "".join(parts) for title, parts in out.items()}


def _eu_files(shared_corpus: Path) -> list[Path]:
    return sorted(p for p in (shared_corpus / EU).rglob("*")
                  if (p.suffix == ".html" or (p.suffix == ".xml" and not p.name.endswith(".doc.xml"))))


def test_every_formex_and_xhtml_article_is_served_as_the_source_gives_it(served, shared_corpus):
    checked, different = 0, []
    for file in _eu_files(shared_corpus):
        rel = file.relative_to(shared_corpus).as_posix()
        head = file.read_bytes()[:3000]
        articles = _formex_articles(file) if re.search(rb"<(?:CONS\.ACT|ACT)\b", head) else _xhtml_articles(file)
        for title, expected in articles.items():
            ref = re.match(r"(Article\s+\S+)", title).group(1)
            doc = get_document(served, rel, ref)
            checked += 1
            if doc is None or squash(doc.body) != squash(re.sub(r"\(\s*\)", "", expected)):
                different.append(f"{rel}#{ref}")
    assert checked >= 100
    assert different == [], f"{len(different)} of {checked} EU articles differ from the source: {different[:10]}"


def test_an_index_without_unit_texts_is_re_parsed_by_the_next_ingest(shared_corpus, tmp_path):
    """Schema 1 catalogs held no unit texts: opening one clears its file hashes (the next ingest
    re-parses every file and stores the texts; chunk ids, hence vectors, do not change)."""
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path)
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    rel = "fr/code-du-travail/CT_partie1_livre-II_titre-VI_salaries-detaches.json"
    chunks = parse_file(shared_corpus / rel, shared_corpus, source="corpus", settings=settings)
    catalog.replace_file(key=file_key("corpus", rel), source="corpus", root="r", path=rel, file_hash="h", size=1,
                         chunks=chunks)
    conn = catalog._conn()
    conn.execute("DELETE FROM units")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    catalog.close()
    reopened = Catalog(path)
    assert reopened.get_file(file_key("corpus", rel)).file_hash == ""
    assert reopened.get_meta("schema_version") == "2"
    reopened.replace_file(key=file_key("corpus", rel), source="corpus", root="r", path=rel, file_hash="h", size=1,
                          chunks=chunks)
    assert reopened.unit_versions(rel, "L1261-1")[0].current
    reopened.close()
