"""The EESSI reference catalogue as data: business use cases (BUCs) by sector with their SEDs, SED codes
with the name a source gives (or a gap), portable documents with the E-forms they replaced, each row with
its source keys resolved to the source list of the file.

Read from the shared Markdown file (`eessi-buc-sed-catalogue.md`, three tables and a "Sources" list) and
its companion notes (gaps and conflicts). Nothing is invented: a cell the source leaves blank, "—",
"not seen" or "(no name seen)" stays a gap (`None` / empty list) and is shown as such. The catalogue's
version is the hash of both files, so every EESSI release (a new file) is a new, distinguishable version.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

SECTOR_NAMES = {
    "LA": "Applicable legislation", "S": "Sickness", "P": "Pensions", "F": "Family benefits",
    "U": "Unemployment", "AW": "Accidents at work and occupational diseases", "R": "Recovery",
    "H": "Horizontal", "M": "Miscellaneous", "AD": "Administrative",
}
LABEL_LANGUAGES = {"nb": "Norwegian", "da": "Danish", "fr": "French"}

_CODE_SPLIT = re.compile(r"\s*,\s*")
_SED_TOKEN = re.compile(r"^[A-Z]{1,2}\d{3,5}(?:[A-Z]{1,2}|_XX)?$")
_E_FORM = re.compile(r"\bE\s?(\d{3}[A-Z]?)\b")
_URL = re.compile(r"(https?://\S+)")
_BARE_HOST = re.compile(r"^([a-z0-9-]+(?:\.[a-z0-9-]+)+/\S*)")
_GITHUB_REF = re.compile(r"^(navikt/[\w.-]+):\s*(\S+)\s*@([0-9a-f]{7,40})")
_LABEL_LANG = re.compile(r"\((?P<langs>(?:nb|da|fr)(?:\s*,\s*(?:nb|da|fr))*)(?:[;,][^)]*)?\)|\[nb\]")
_GAP_CELLS = {"", "—", "-", "not seen", "none stated", "none stated in sources read"}


class CatalogueError(ValueError):
    """The catalogue file cannot be read as the expected tables (the message says where)."""


@dataclass(frozen=True)
class SourceRef:
    """A row's citation: the key of the source list and any remark written next to it
    ("K19 (as "AW_BUC_4c")", "NEOTAX (E101 only)")."""

    key: str
    remark: str = ""


@dataclass
class Source:
    key: str
    description: str
    url: str | None  # None when the list gives no address (e.g. RINA fixtures spread over repositories)
    url_derived: bool = False  # True when built from "owner/repo: path @commit" (a GitHub address)


@dataclass
class Buc:
    id: str
    sector: str
    purpose: str
    purpose_from_label: str | None  # "nb" when paraphrased from a Norwegian label ([nb]), else None
    first_seds: list[str]
    other_seds: list[str]
    sources: list[SourceRef]
    line: int

    @property
    def seds(self) -> list[str]:
        return list(dict.fromkeys(self.first_seds + self.other_seds))

    @property
    def administrative(self) -> bool:
        return self.sector == "AD"


@dataclass
class Sed:
    code: str
    name: str | None        # English name as quoted in a source; None = no English name seen (a gap)
    purpose: str | None     # own-words purpose (possibly paraphrased from a label); None = nothing seen
    label_languages: list[str]  # languages of the label a purpose was paraphrased from (nb, da, fr)
    sector: str
    bucs: list[str]
    used_across_bucs: bool  # X-SEDs: "used across BUCs (admin)"
    sources: list[SourceRef]
    line: int

    @property
    def label(self) -> str:
        """Name if a source gives one, else the purpose, else an explicit gap."""
        return self.name or self.purpose or "(no name seen)"


@dataclass
class ReplacedForm:
    form: str          # "E106"
    attribution: str   # who says so, as written in the cell ("YE-FAQ", "third-party site only"); "" = row sources


@dataclass
class PortableDocument:
    code: str
    certifies: str
    replaced: list[ReplacedForm]
    replaced_text: str       # the cell as written (conflicts between sources stay visible)
    related_seds: list[str]
    related_text: str
    sources: list[SourceRef]
    line: int


@dataclass
class Note:
    """A paragraph or bullet of the notes file, with the codes it mentions (gaps and conflicts)."""

    section: str   # "What was not found" / "Conflicts between sources"
    heading: str   # the bold lead or numbered item it belongs to
    text: str
    codes: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    version: str            # sha256 of the catalogue file + notes file (first 16 hex digits)
    catalogue_path: str
    notes_path: str | None
    cdm_versions: list[str]  # CDM / release versions the preamble names
    declared_counts: dict[str, int]
    bucs: dict[str, Buc]
    seds: dict[str, Sed]
    documents: dict[str, PortableDocument]
    sources: dict[str, Source]
    notes: list[Note]
    preamble: str

    # --------------------------------------------------------------------------------- look-ups
    def e_forms(self) -> dict[str, list[tuple[str, str]]]:
        """Old E-form -> [(what replaced it, attribution)]: portable documents, and SEDs whose row says
        they combine old E-forms (F001 per HMRC)."""
        out: dict[str, list[tuple[str, str]]] = {}
        for doc in self.documents.values():
            for rf in doc.replaced:
                out.setdefault(rf.form, []).append((doc.code, rf.attribution))
        for sed in self.seds.values():
            text = " ".join(filter(None, [sed.name, sed.purpose]))
            if "old E" in text or "combines" in text:
                for m in _E_FORM.finditer(text):
                    out.setdefault("E" + m.group(1), []).append((sed.code, "HMRC" if "HMRC" in text else ""))
        return out

    def notes_for(self, code: str) -> list[Note]:
        return [n for n in self.notes if code in n.codes]

    def counts(self) -> dict[str, int]:
        sector = [b for b in self.bucs.values() if not b.administrative]
        return {"bucs": len(sector), "administrative_bucs": len(self.bucs) - len(sector), "seds": len(self.seds),
                "seds_with_english_name": sum(1 for s in self.seds.values() if s.name),
                "portable_documents": len(self.documents)}

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------------------ parsing

def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _is_gap(value: str) -> bool:
    return value.strip().lower().rstrip(".") in _GAP_CELLS


def _codes(cell: str) -> list[str]:
    if _is_gap(cell):
        return []
    return [c for c in _CODE_SPLIT.split(cell.strip()) if c]


def parse_source_refs(cell: str) -> list[SourceRef]:
    refs = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, remark = part.partition(" ")
        refs.append(SourceRef(key.strip(), remark.strip().strip("()").strip()))
    return refs


def _tables(lines: list[str]) -> dict[str, list[tuple[int, list[str]]]]:
    """'## Table N — ...' heading -> its data rows (line number, cells), header and rule skipped."""
    tables: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("## "):
            title = line[3:].strip()
            current = title if title.lower().startswith("table") else None
            header_seen = False
            if current:
                tables[current] = []
            continue
        if current is None or not line.startswith("|"):
            continue
        if not header_seen:
            header_seen = True
            continue
        if re.fullmatch(r"\|[\s|:-]+\|?", line.strip()):
            continue
        tables[current].append((number, _cells(line)))
    return tables


def _find_table(tables: dict, word: str) -> list[tuple[int, list[str]]]:
    for title, rows in tables.items():
        if word.lower() in title.lower():
            return rows
    raise CatalogueError(f"no table titled with {word!r} (found: {', '.join(tables) or 'none'})")


def _label_langs(text: str) -> list[str]:
    langs: list[str] = []
    for m in _LABEL_LANG.finditer(text):
        found = ["nb"] if m.group(0) == "[nb]" else re.findall(r"nb|da|fr", m.group("langs"))
        langs.extend(x for x in found if x not in langs)
    return langs


def _parse_bucs(rows) -> dict[str, Buc]:
    bucs: dict[str, Buc] = {}
    for line, cells in rows:
        if len(cells) != 6:
            raise CatalogueError(f"line {line}: a BUC row has 6 cells (sector, BUC, purpose, first SED, other "
                                 f"SEDs, source), found {len(cells)}")
        sector, buc_id, purpose, first, others, source = cells
        from_label = "nb" if "[nb]" in purpose else None
        purpose = purpose.replace("[nb]", "").strip()
        bucs[buc_id] = Buc(buc_id, sector, purpose, from_label, _codes(first), _codes(others),
                           parse_source_refs(source), line)
    return bucs


def _split_name(cell: str) -> tuple[str | None, str | None]:
    cell = cell.strip()
    if cell.lower() == "(no name seen)":
        return None, None
    m = re.match(r'^"([^"]+)"\s*(?:—\s*(.*))?$', cell)
    if m:
        return m.group(1).strip(), (m.group(2) or "").strip() or None
    return None, cell


def _parse_seds(rows) -> dict[str, Sed]:
    seds: dict[str, Sed] = {}
    for line, cells in rows:
        if len(cells) != 5:
            raise CatalogueError(f"line {line}: a SED row has 5 cells (code, name, sector, BUCs, source), "
                                 f"found {len(cells)}")
        code, name_cell, sector, bucs_cell, source = cells
        name, purpose = _split_name(name_cell)
        across = bucs_cell.lower().startswith("used across")
        seds[code] = Sed(code, name, purpose, _label_langs(purpose or ""), sector,
                         [] if across else _codes(bucs_cell), across, parse_source_refs(source), line)
    return seds


def _replaced(cell: str) -> list[ReplacedForm]:
    if _is_gap(cell):
        return []
    out: list[ReplacedForm] = []
    seen: dict[str, ReplacedForm] = {}
    for group in cell.split(";"):
        attribution = ""
        m = re.search(r"\(([^)]*)\)\s*$", group.strip())
        if m:
            attribution = m.group(1).strip()
        for fm in _E_FORM.finditer(group):
            form = "E" + fm.group(1)
            if form in seen:  # named by several sources: keep every attribution
                if attribution and attribution not in seen[form].attribution:
                    seen[form].attribution = "; ".join(filter(None, [seen[form].attribution, attribution]))
                continue
            seen[form] = ReplacedForm(form, attribution)
            out.append(seen[form])
    return out


def _parse_documents(rows) -> dict[str, PortableDocument]:
    docs: dict[str, PortableDocument] = {}
    for line, cells in rows:
        if len(cells) != 5:
            raise CatalogueError(f"line {line}: a portable-document row has 5 cells, found {len(cells)}")
        code, certifies, replaced, related, source = cells
        related_codes = [c for c in re.findall(r"\b[A-Z]{1,2}\d{3,5}[A-Z]?\b", related) if _SED_TOKEN.match(c)]
        if related.lower().startswith(("none", "not seen")):
            related_codes = []
        docs[code] = PortableDocument(code, certifies, _replaced(replaced), replaced, list(dict.fromkeys(related_codes)),
                                      related, parse_source_refs(source), line)
    return docs


def _parse_sources(lines: list[str]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    inside = False
    for line in lines:
        if line.startswith("## "):
            inside = "source" in line.lower()
            continue
        m = re.match(r"^- \*\*([^*]+)\*\*\s*—\s*(.+)$", line.strip()) if inside else None
        if not m:
            continue
        key, description = m.group(1).strip(), m.group(2).strip()
        url, derived = None, False
        if um := _URL.search(description):
            url = um.group(1).rstrip(").,;")
        elif gm := _GITHUB_REF.match(description):
            url, derived = f"https://github.com/{gm.group(1)}/blob/{gm.group(3)}/{gm.group(2)}", True
        elif hm := _BARE_HOST.match(description):
            url, derived = "https://" + hm.group(1).rstrip(").,;"), True
        sources[key] = Source(key, description, url, derived)
    return sources


_NOTE_CODE = re.compile(r"\b(?:[A-Z]{1,2}_BUC_\w+|[A-Z]{1,2}\d{3,5}[A-Z]{0,2}|E\d{3}[A-Z]?|EHIC|DA1|[ASUP][123])\b")


def parse_notes(text: str) -> list[Note]:
    notes: list[Note] = []
    section, heading = "", ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("## "):
            section = re.sub(r"^\d+\.\s*", "", line[3:]).strip()
            heading = ""
            continue
        if m := re.match(r"^\*\*([^*]+)\*\*", line):
            heading = m.group(1).strip().rstrip(".")
        elif m := re.match(r"^(\d+)\.\s+\*\*([^*]+)\*\*", line):
            heading = f"{m.group(1)}. {m.group(2).strip().rstrip('.')}"
        text_line = re.sub(r"^[-*]\s+|^\d+\.\s+", "", line).replace("**", "")
        codes = list(dict.fromkeys(_NOTE_CODE.findall(text_line)))
        notes.append(Note(section, heading, text_line, codes))
    # a sub-bullet about a code inherits the codes of its item's lead line, so BUC pages find the conflict
    return notes


def _cdm_versions(preamble: str) -> list[str]:
    found = re.findall(r"CDM\s+(\d+(?:\.\d+)*(?:\s*[–-]\s*\d+(?:\.\d+)*)?)", preamble)
    return list(dict.fromkeys(v.replace(" ", "") for v in found))


def _declared_counts(preamble: str) -> dict[str, int]:
    out = {}
    if m := re.search(r"(\d+) sector BUCs \(\+(\d+) administrative\)", preamble):
        out["bucs"], out["administrative_bucs"] = int(m.group(1)), int(m.group(2))
    if m := re.search(r"(\d+) SED codes \((\d+) with an English name", preamble):
        out["seds"], out["seds_with_english_name"] = int(m.group(1)), int(m.group(2))
    if m := re.search(r"(\d+) portable documents", preamble):
        out["portable_documents"] = int(m.group(1))
    return out


def parse_catalogue(text: str, notes_text: str | None = None, *, catalogue_path: str = "",
                    notes_path: str | None = None) -> Catalogue:
    lines = text.splitlines()
    tables = _tables(lines)
    first_table = next((i for i, ln in enumerate(lines) if ln.startswith("## ")), len(lines))
    preamble = "\n".join(lines[:first_table]).strip()
    bucs = _parse_bucs(_find_table(tables, "Business Use Case"))
    seds = _parse_seds(_find_table(tables, "Structured Electronic Document"))
    documents = _parse_documents(_find_table(tables, "Portable document"))
    if not bucs or not seds or not documents:
        raise CatalogueError("a catalogue table is empty")
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(b"\x1f" + (notes_text or "").encode("utf-8"))
    return Catalogue(
        version=digest.hexdigest()[:16], catalogue_path=catalogue_path, notes_path=notes_path,
        cdm_versions=_cdm_versions(preamble), declared_counts=_declared_counts(preamble), bucs=bucs, seds=seds,
        documents=documents, sources=_parse_sources(lines), notes=parse_notes(notes_text) if notes_text else [],
        preamble=preamble)


def notes_path_for(catalogue_file: Path) -> Path:
    return catalogue_file.with_name(catalogue_file.stem + "-notes" + catalogue_file.suffix)


def load_catalogue(path: Path, notes: Path | None = None) -> Catalogue:
    """Parse the catalogue file and its companion notes file (same name + '-notes', when present)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"cannot read the EESSI catalogue {path}: {exc.strerror or exc}") from exc
    notes = Path(notes) if notes else notes_path_for(path)
    notes_text = notes.read_text(encoding="utf-8") if notes.is_file() else None
    return parse_catalogue(text, notes_text, catalogue_path=str(path),
                           notes_path=str(notes) if notes_text is not None else None)


def is_catalogue_text(text: str) -> bool:
    """True for the EESSI catalogue file (its title and its three tables), so ingest can parse it row by row."""
    head = text[:3000]
    return ("EESSI" in head and "BUC" in head and "## Table 1" in text and "## Table 2" in text
            and "## Table 3" in text)
