"""Markdown: etalab decree articles (one file per article, ref = file name), conventions with
'### Article N' headings (one unit per article), the New Caledonia accord (one file, segments per
article), fact tables, and the project's fact sheets (YAML front matter, one unit = the sheet)."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

from ingest.chunking import Segment, Unit
from ingest.classify import countries_field, infer
from ingest.legal_refs import extract_references
from ingest.parsers.base import FileContext, cites_for, find_text_date, units_to_chunks, yyyymmdd
from ingest.parsers.structure import Block, StructureOptions, build_units, canonical_article, normalise_space
from ingest.types import INSTRUMENT_TYPES, Chunk, ParseError

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]*(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>")
# Bounded repetitions everywhere: a hostile line ("[[[[..." or "** ** **...") stays linear-time.
_IMAGE = re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_REF_LINK = re.compile(r"\[([^\]\n]{1,500})\]\[[^\]\n]{0,200}\]")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]{1,500})`")
_LEGAL_TEXT_TITLE = re.compile(
    r"^(?:D[ée]cret|Arr[êe]t[ée]|Loi|Ordonnance|D[ée]cision|Accord|Convention|Code|Protocole|Circulaire)\b",
    re.IGNORECASE,
)


_MARKUP_CHARS = re.compile(r"[\[*_`<&]")


def inline_clean(text: str) -> str:
    if not _MARKUP_CHARS.search(text):
        return text
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EM.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def _cut_between(text: str, start: str, end: str, *, ignore_case: bool = False) -> str:
    """Remove every `start ... end` span in one linear pass (an unclosed span runs to the end)."""
    haystack = text.lower() if ignore_case else text
    out: list[str] = []
    position = 0
    while True:
        begin = haystack.find(start, position)
        if begin < 0:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:begin])
        finish = haystack.find(end, begin + len(start))
        if finish < 0:
            return "".join(out)
        position = finish + len(end)


def strip_html_blocks(text: str) -> str:
    """HTML comments, <script> and <style> blocks removed (str.find loops: no regex backtracking)."""
    if "<" not in text:
        return text
    text = _cut_between(text, "<!--", "-->")
    text = _cut_between(text, "<script", "</script>", ignore_case=True)
    return _cut_between(text, "<style", "</style>", ignore_case=True)


def markdown_blocks(text: str) -> list[Block]:
    """Headings and paragraphs of a Markdown text (inline markup removed, HTML tags stripped)."""
    text = strip_html_blocks(text)
    text = _BR.sub("\n", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    para: list[str] = []
    in_fence = False

    def flush() -> None:
        if para:
            joined = "\n".join(para).strip()
            if joined:
                blocks.append(Block(joined))
            para.clear()

    for raw in lines:
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            para.append(raw)
            continue
        line = inline_clean(raw).rstrip()
        stripped = line.strip()
        atx = _ATX.match(line)
        if atx and atx.group(2):
            flush()
            blocks.append(Block(inline_clean(atx.group(2)).strip(), level=len(atx.group(1))))
            continue
        if atx:  # a lone '#' line
            continue
        if _SETEXT.match(line) and len(para) == 1 and not para[0].lstrip().startswith(("-", "*", "|")):
            blocks.append(Block(para[0].strip(), level=1 if stripped.startswith("=") else 2))
            para.clear()
            continue
        if re.match(r"^ {0,3}([-*_])( ?\1){2,}\s*$", line):  # thematic break
            flush()
            continue
        if not stripped:
            flush()
            continue
        # Soft-wrapped lines continue the previous line; list items, table rows, quotes, hard breaks
        # and lines after a full stop start a new line.
        if para and not _NEW_LINE.match(stripped) and not para[-1].endswith((".", ";", ":", "!", "?", "|")) \
                and not raw.endswith(("  ", "\\")) and not para[-1].startswith("|"):
            para[-1] = f"{para[-1]} {stripped}"
        else:
            para.append(stripped)
    flush()
    return blocks


_NEW_LINE = re.compile(r"^(?:[-*+•]\s|\d{1,3}[.)]\s|\||>|[a-z]\)\s)")


# ---------------------------------------------------------------- etalab folders: titles from READMEs

@lru_cache(maxsize=512)
def _readme(path_str: str, mtime: float) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(first heading, ((link target, link text), ...)) of a README.md (first 64 KiB only)."""
    try:
        with open(path_str, "rb") as handle:
            text = handle.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return "", ()
    title = ""
    for line in text.splitlines():
        m = _ATX.match(line)
        if m and m.group(2):
            title = inline_clean(m.group(2)).strip()
            break
    links = tuple((target.strip().rstrip("/"), inline_clean(label).strip())
                  for label, target in re.findall(r"\[([^\]\n]*)\]\(([^)\n]*)\)", text))
    return title, links


def _readme_info(directory: Path) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    readme = directory / "README.md"
    try:
        stat = readme.stat()
    except OSError:
        return None
    return _readme(str(readme), stat.st_mtime)


def _humanise(name: str) -> str:
    name = re.sub(r"[-_]+", " ", name).strip()
    return name[:1].upper() + name[1:]


_LEGAL_SLUG = re.compile(r"^(?:decret|arrete|loi|ordonnance|decision|circulaire)-", re.IGNORECASE)
_SLUG_WORDS = {"decret": "Décret", "arrete": "Arrêté", "loi": "Loi", "ordonnance": "Ordonnance",
               "decision": "Décision", "circulaire": "Circulaire", "aout": "août", "fevrier": "février",
               "decembre": "décembre"}


def _humanise_legal_slug(name: str) -> str:
    """'decret-n59-482-du-27-mars-1959' -> 'Décret n° 59-482 du 27 mars 1959' (NOR code dropped)."""
    slug = re.sub(r"-[a-z]{4}\d{7}[a-z]$", "", name.lower())
    tokens = slug.split("-")
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        number = re.fullmatch(r"n(\d+)", token)
        if number and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            words.append(f"n° {number.group(1)}-{tokens[i + 1]}")
            i += 2
            continue
        words.append(_SLUG_WORDS.get(token, token))
        i += 1
    return " ".join(w for w in words if w)


def folder_hierarchy(file: Path, root: Path) -> list[str]:
    """Titles of the folders between the legal text's root folder (highest README.md titled
    "Décret ...", "Arrêté ...", ...) and the file: README heading, else the parent README's link
    text for the folder, else the folder name."""
    try:
        rel_parts = file.parent.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return []
    dirs = [root.resolve().joinpath(*rel_parts[:i]) for i in range(len(rel_parts), -1, -1)][:10]
    text_root = None
    for directory in dirs:  # from the file's folder upwards; keep the highest match
        info = _readme_info(directory)
        if info and _LEGAL_TEXT_TITLE.match(info[0]):
            text_root = directory
    if text_root is None:
        # No README names the text: a folder named like a legal text ("decret-n59-482-du-27-mars-1959").
        for directory in dirs:
            if _LEGAL_SLUG.match(directory.name):
                text_root = directory
        if text_root is None:
            return []
    chain = [d for d in reversed(dirs) if d == text_root or text_root in d.parents]
    labels: list[str] = []
    for directory in chain:
        info = _readme_info(directory)
        label = info[0] if info and info[0] else ""
        if not label and directory != text_root:
            parent = _readme_info(directory.parent)
            if parent:
                label = next((text for target, text in parent[1] if target == directory.name), "")
        labels.append(label or (_humanise_legal_slug(directory.name) if directory == text_root else _humanise(directory.name)))
    return labels


# ---------------------------------------------------------------- fact sheets (front matter)

_FACT_KEYS = ("id", "title", "language", "instrument_type", "countries", "audience", "checked", "references", "sources")


def _front_matter(text: str, label: str) -> tuple[dict, str] | None:
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    raw = match.group(1)
    if len(raw) > 65536:
        raise ParseError("front matter above 64 KiB")
    import yaml

    try:
        for event in yaml.parse(raw, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ParseError("front matter uses YAML aliases (refused: they can expand without bound)")
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise ParseError("front matter is not a mapping of keys to values")
    return data, text[match.end():]


def _str_list(value, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[|,]", value) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ParseError(f"front matter key {key!r} must be a list of strings")


def _fact_sheet(ctx: FileContext, data: dict, body: str) -> list[Chunk]:
    sheet_id = str(data.get("id") or "").strip()
    if not sheet_id:
        raise ParseError("fact sheet front matter has no 'id'")
    title = str(data.get("title") or sheet_id).strip()
    instrument_type = str(data.get("instrument_type") or "fact_sheet")
    if instrument_type not in INSTRUMENT_TYPES:
        raise ParseError(f"front matter instrument_type {instrument_type!r} is not one of {INSTRUMENT_TYPES}")
    countries = _str_list(data.get("countries"), "countries")
    references = _str_list(data.get("references"), "references")
    sources = data.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise ParseError("front matter 'sources' must be a list of {path, ref} mappings")
    blocks = markdown_blocks(body)
    segments: list[Segment] = []
    current = Segment(paragraphs=[])
    for block in blocks:
        if block.is_heading and block.level == 1:
            continue  # the sheet title, already in the front matter
        if block.is_heading and block.level == 2:
            if current.paragraphs:
                segments.append(current)
            current = Segment(paragraphs=[], heading=block.text)
        else:
            current.paragraphs.append(block.text)
    if current.paragraphs:
        segments.append(current)
    unit = Unit(ref=sheet_id, title=title, segments=segments)
    text = unit.text()
    meta = {
        "instrument_type": instrument_type,
        "language": str(data.get("language") or "").strip(),
        "audience": str(data.get("audience") or "").strip(),
        "version_date": yyyymmdd(data.get("checked")),
        "cites": cites_for(text, *[extract_references(r) for r in references]),
        "references": "|".join(references),
        "sources": "|".join(f"{s.get('path', '')}#{s.get('ref', '')}" for s in sources),
    }
    if countries:
        meta["countries"] = countries_field(countries)
    unit.meta = meta
    inferred = infer(ctx.rel_path, text, language_hint=meta["language"])
    inferred.instrument_type = instrument_type
    return units_to_chunks(ctx, [unit], inferred)


# ---------------------------------------------------------------- entry point

def parse_markdown(ctx: FileContext, root: Path, text: str | None = None) -> list[Chunk]:
    text = ctx.text() if text is None else text
    fm = _front_matter(text, ctx.rel_path)
    if fm is not None and any(k in fm[0] for k in ("id", "references", "sources", "checked")):
        return _fact_sheet(ctx, *fm)
    if fm is not None:
        text = fm[1]
    blocks = markdown_blocks(text)
    if not blocks:
        raise ParseError("Markdown file has no text")
    hierarchy = folder_hierarchy(ctx.file, root)
    is_readme = ctx.name.lower() == "readme.md"
    if is_readme and hierarchy:
        hierarchy = hierarchy[:-1]  # the README's own title is the unit title
    units = build_units(blocks, StructureOptions(file_name=ctx.name, base_hierarchy=hierarchy))
    sample = "\n".join(b.text for b in blocks[:60])
    inferred = infer(ctx.rel_path, sample)
    if inferred.instrument_type in ("eu_directive", "eu_regulation") and not any(
            u.ref.startswith("Article") for u in units):
        inferred.instrument_type = "document"  # notes beside EU acts (a repository README), not an act
    version_date = find_text_date(hierarchy[0]) if hierarchy else find_text_date(blocks[0].text[:300])
    for unit in units:
        unit.meta.setdefault("version_date", version_date)
        alias = canonical_article(unit.ref)
        if alias != unit.ref:
            unit.meta["ref_alias"] = alias
        unit_language = _unit_language(unit)
        if unit_language:
            unit.meta["language"] = unit_language
    return units_to_chunks(ctx, units, inferred)


def _unit_language(unit: Unit) -> str:
    """Bilingual treaty files (French or English text with Dutch translation): language per unit."""
    from ingest.classify import detect_language

    sample = " ".join(p for seg in unit.segments for p in seg.paragraphs)[:3000]
    if len(sample) < 80:
        return ""
    return detect_language(sample)


def normalise_heading(text: str) -> str:
    return normalise_space(text)
