"""Glossary terms kept in the database (added through the API or CLI), per language pair; merged
over the starter glossary and under a glossary file given for one job."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, select

from liaison.db import session_scope
from translation.glossary import Glossary, GlossaryTerm
from translation.models import GlossaryEntry


def _term(row: GlossaryEntry) -> GlossaryTerm:
    return GlossaryTerm(source=row.source_term, target=row.target_term, dnt=row.dnt, accept=tuple(json.loads(row.accept)),
                        avoid=tuple(json.loads(row.avoid)), note=row.note, origin=f"db:{row.id}", pattern=row.pattern)


def stored_glossary(db_url: str, source_lang: str, target_lang: str) -> Glossary:
    glossary = Glossary(source_lang, target_lang)
    with session_scope(db_url) as s:
        for row in s.scalars(select(GlossaryEntry).where(GlossaryEntry.source_lang == source_lang,
                                                         GlossaryEntry.target_lang == target_lang)):
            glossary.add(_term(row))
    return glossary


def list_terms(db_url: str, source_lang: str, target_lang: str) -> list[dict]:
    with session_scope(db_url) as s:
        rows = s.scalars(select(GlossaryEntry).where(GlossaryEntry.source_lang == source_lang,
                                                     GlossaryEntry.target_lang == target_lang)
                         .order_by(GlossaryEntry.source_key)).all()
        return [{"id": r.id, **_term(r).to_public()} for r in rows]


def save_terms(db_url: str, glossary: Glossary, *, by: str) -> dict:
    """Insert or update terms (one transaction: all or nothing)."""
    added = updated = 0
    now = datetime.now(UTC)
    with session_scope(db_url) as s:
        for term in glossary.terms.values():
            key = term.source.casefold()
            row = s.scalar(select(GlossaryEntry).where(GlossaryEntry.source_lang == glossary.source_lang,
                                                       GlossaryEntry.target_lang == glossary.target_lang,
                                                       GlossaryEntry.source_key == key))
            values = dict(source_term=term.source, target_term=term.target, dnt=term.dnt, pattern=term.pattern,
                          accept=json.dumps(list(term.accept), ensure_ascii=False),
                          avoid=json.dumps(list(term.avoid), ensure_ascii=False), note=term.note)
            if row is None:
                s.add(GlossaryEntry(source_lang=glossary.source_lang, target_lang=glossary.target_lang,
                                    source_key=key, created_by=by, created_at=now, **values))
                added += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                updated += 1
    return {"added": added, "updated": updated}


def delete_term(db_url: str, term_id: int) -> bool:
    with session_scope(db_url) as s:
        return (s.execute(delete(GlossaryEntry).where(GlossaryEntry.id == term_id)).rowcount or 0) > 0
