"""Document formats: each reader turns a file into `Block`s and writes the translated blocks back in
the same layout. `open_document` picks the reader from the extension and checks the content."""
from __future__ import annotations

from pathlib import Path

from translation.errors import UnsupportedFormat
from translation.formats.base import Document, decode_text

__all__ = ["Document", "open_document", "SUPPORTED_SUFFIXES", "format_of", "decode_text"]

SUPPORTED_SUFFIXES = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".odt": "odt",
    ".pptx": "pptx",
    ".xlsx": "xlsx",
    ".epub": "epub",
}


def format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    fmt = SUPPORTED_SUFFIXES.get(suffix)
    if fmt is None:
        hint = ""
        if suffix in (".doc", ".rtf"):
            hint = " (save it as .docx or .odt in your word processor first)"
        elif suffix in (".xls", ".ppt", ".ods", ".odp"):
            hint = " (save it as .xlsx or .pptx first)"
        elif suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            hint = " (an image: run OCR first, e.g. ocrmypdf, and translate the PDF)"
        raise UnsupportedFormat(
            f"{Path(name).name}: unsupported format {suffix or '(no extension)'}{hint}; supported: "
            + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    return fmt


def open_document(path: str | Path, *, max_pages: int | None = None, max_chars: int | None = None) -> Document:
    path = Path(path)
    fmt = format_of(path.name)
    if fmt == "txt":
        from translation.formats.text import TextDocument as cls
    elif fmt == "md":
        from translation.formats.markdown import MarkdownDocument as cls
    elif fmt == "html":
        from translation.formats.html import HtmlDocument as cls
    elif fmt == "docx":
        from translation.formats.docx import DocxDocument as cls
    elif fmt == "odt":
        from translation.formats.odt import OdtDocument as cls
    elif fmt == "pptx":
        from translation.formats.pptx import PptxDocument as cls
    elif fmt == "xlsx":
        from translation.formats.xlsx import XlsxDocument as cls
    elif fmt == "epub":
        from translation.formats.epub import EpubDocument as cls
    else:
        from translation.formats.pdf import PdfDocument as cls
    document = cls.read(path, max_pages=max_pages)
    if max_chars is not None:
        document.check_size(max_chars)
    return document
