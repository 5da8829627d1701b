"""Typed records shared by parsers, the index and everything that reads search results."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Allowed values of metadata["instrument_type"].
INSTRUMENT_TYPES = (
    "eu_regulation",
    "eu_directive",
    "french_code",
    "decree",                  # décrets, arrêtés and other non-codified French texts
    "territorial_agreement",   # coordination with New Caledonia, French Polynesia, Mayotte, ...
    "bilateral_agreement",
    "multilateral_convention",
    "fiche",                   # service-public.fr / travail-emploi explanatory pages
    "foreign_info",            # documentation on foreign social-protection systems
    "fact_sheet",              # plain-language sheets written by this project (corpus/)
    "faq",                     # question/answer collections (e.g. evaluation corpora)
    "document",                # anything else ingested through the generic path
)

# Metadata keys every chunk carries (values: str, int or bool only, so Chroma can store them).
#   source           registry source name, or the name of the ingested root folder
#   path             file path relative to the ingested root, '/'-separated
#   ref              unit inside the file: article number (L761-2, "Article 12"), fiche id (F3155),
#                    doc_id (JSON Lines), entry pubId, or the file name for one-unit files
#   title            title of the unit (article heading, fiche title, page title)
#   hierarchy        " > "-joined path of headings above the unit (code > livre > titre > chapitre)
#   instrument_type  one of INSTRUMENT_TYPES
#   countries        "|"-separated ISO 3166 alpha-2 codes / territory codes, with leading and
#                    trailing "|" ("|FR|IE|", "|FR|NC|"); "" when none. Each also as bool key
#                    "country_XX" = True so filters work in Chroma.
#   language         ISO 639-1 (fr, en, nl, ...)
#   version_date     int YYYYMMDD: date of this version (publication or consolidation date); 0 unknown
#   valid_from       int YYYYMMDD: in force from; 0 unknown
#   valid_to         int YYYYMMDD: in force until (exclusive); 99991231 when open-ended
#   status           e.g. VIGUEUR, ABROGE, MODIFIE (LEGI), "" unknown
#   url, licence     where the text comes from and under which licence
#   cites            "|"-separated legal references found in the text (L761-2, 883/2004, ...)
#   unit_hash        hash of the whole unit's text (article/fiche) for change detection
#   chunk_index, chunk_count  position of this chunk inside its unit
#   audience         "public", "agent" or "" (who the text is written for)
METADATA_KEYS = (
    "source", "path", "ref", "title", "hierarchy", "instrument_type", "countries", "language",
    "version_date", "valid_from", "valid_to", "status", "url", "licence", "cites",
    "unit_hash", "chunk_index", "chunk_count", "audience",
)
OPEN_ENDED = 99991231


def content_hash(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class Chunk:
    """A piece of one legal unit. `text` is what is indexed and shown: it starts with the unit's
    heading (and hierarchy) so a chunk read alone still says where it comes from."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # On the first chunk of a unit only: the unit's whole text as the source gives it (segment
    # headings and paragraphs, no overlap, no repeated header). Stored once per unit version in the
    # catalog and served by the lookup; not part of the id.
    unit_text: str | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """Stable id from content: same source path, unit, position and text -> same id."""
        m = self.metadata
        return content_hash(str(m.get("source", "")), str(m.get("path", "")), str(m.get("ref", "")),
                            str(m.get("chunk_index", 0)), self.text)[:32]


@dataclass
class Hit:
    """One search result (the best chunk of one unit)."""

    chunk_id: str
    text: str
    score: float
    metadata: dict[str, Any]

    @property
    def path(self) -> str:
        return self.metadata.get("path", "")

    @property
    def ref(self) -> str:
        return self.metadata.get("ref", "")

    @property
    def title(self) -> str:
        return self.metadata.get("title", "")

    def to_dict(self, with_metadata: bool = False) -> dict[str, Any]:
        out = {"path": self.path, "ref": self.ref, "title": self.title, "score": round(self.score, 6), "text": self.text}
        if with_metadata:
            out["metadata"] = self.metadata
        return out


class ParseError(Exception):
    """A file that cannot be ingested; the message says why (shown in the ingest summary)."""
