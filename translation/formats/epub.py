"""EPUB through ebooklib: each XHTML chapter is read as HTML (`formats.html`: markup kept, inline
formatting as spans, alt/title translated) and written back into the book; the book's language
metadata is set to the target language."""
from __future__ import annotations

from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document
from translation.languages import DOCUMENT_LOCALES
from translation.segments import Block, Run


class EpubDocument(Document):
    fmt = "epub"

    def __init__(self, path, blocks, book, chapters):
        super().__init__(path, blocks, pages=len(chapters))
        self.book = book
        self.chapters = chapters  # (item, HtmlDocument, prefix)

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "EpubDocument":
        import ebooklib
        from ebooklib import epub

        from translation.formats.html import HtmlDocument

        try:
            book = epub.read_epub(str(path), options={"ignore_ncx": True})
        except Exception as exc:  # ebooklib raises plain exceptions for damaged books
            raise DocumentError(f"{path.name}: not a readable EPUB ({type(exc).__name__}: {exc})") from None
        blocks: list[Block] = []
        chapters = []
        for index, item in enumerate(book.get_items_of_type(ebooklib.ITEM_DOCUMENT)):
            if isinstance(item, epub.EpubNav):
                continue
            try:
                text = item.get_content().decode("utf-8")
            except UnicodeDecodeError:
                raise DocumentError(f"{path.name}: chapter {item.get_name()} is not UTF-8") from None
            chapter = HtmlDocument.from_text(text, Path(item.get_name()))
            prefix = f"c{index}."
            for block in chapter.blocks:
                blocks.append(Block(prefix + block.id, block.runs, block.kind))
            chapters.append((item, chapter, prefix))
        if max_pages is not None and len(chapters) > max_pages:
            raise DocumentError(f"{path.name}: {len(chapters)} chapters, above the limit of {max_pages}")
        return cls(path, blocks, book, chapters)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        from ebooklib import epub

        for item, chapter, prefix in self.chapters:
            mine = {key[len(prefix):]: runs for key, runs in translated.items() if key.startswith(prefix)}
            if mine:
                item.set_content(chapter.render(mine, target_lang).encode("utf-8"))
        self.book.set_language(DOCUMENT_LOCALES.get(target_lang, target_lang))
        _name_toc_entries(self.book.toc)  # entries read back from a book have no uid; writing needs one
        epub.write_epub(str(out), self.book)

    @staticmethod
    def style_label(style) -> str | None:
        from translation.formats.html import HtmlDocument

        return HtmlDocument.style_label(style)


def _name_toc_entries(entries, counter: list[int] | None = None) -> None:
    counter = counter if counter is not None else [0]
    for entry in entries or ():
        if isinstance(entry, (tuple, list)):
            _name_toc_entries(entry, counter)
            continue
        if getattr(entry, "uid", None) is None and hasattr(entry, "uid"):
            counter[0] += 1
            entry.uid = f"navpoint-{counter[0]}"
