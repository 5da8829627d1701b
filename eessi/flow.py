"""The flow of a BUC: which SED opens it, which SEDs answer which, what else travels inside it.

The catalogue lists a BUC's first SED and the other SEDs the sources place inside it; it does not have a
column "answers". A reply relation is therefore kept only where a source states it, and each one says
which statement it rests on:
- a SED's own name or purpose names the SED it answers ("reply to H001", "refuse an A001 request");
- a SED's name is "Reply to <the other SED's name>" (A006 "Reply to request for more information"
  answers A005 "Request for more information");
- a source says the BUC closes after given SEDs (MEL-B: "LA_BUC_01 closes after A002/A011"): those SEDs
  answer the BUC's first SED.
Everything else is shown as "also in this BUC", never guessed into a reply.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from eessi.catalogue import Buc, Catalogue, Sed

_CLOSES = re.compile(r"\b([A-Z]{1,2}_BUC_\w+?) (?:closes )?after ((?:[A-Z]{1,2}\d{3,5}[A-Z]?/?)+)")


@dataclass
class Reply:
    code: str        # the answering SED
    answers: str     # the SED it answers
    basis: str       # which statement the relation rests on
    source_keys: list[str] = field(default_factory=list)


@dataclass
class BucFlow:
    buc: str
    opening: list[str]
    replies: list[Reply]
    closing: list[str]          # SEDs after which a source says the BUC closes
    others: list[str]           # in the BUC, with no stated relation


def _closing_statements(catalogue: Catalogue) -> dict[str, tuple[list[str], str]]:
    out: dict[str, tuple[list[str], str]] = {}
    for source in catalogue.sources.values():
        for m in _CLOSES.finditer(source.description):
            out[m.group(1)] = ([c for c in m.group(2).split("/") if c], source.key)
    return out


def _text(sed: Sed) -> str:
    return " — ".join(filter(None, [sed.name, sed.purpose]))


def _answers(sed: Sed, candidate: Sed) -> str | None:
    """Why `sed` answers `candidate`, or None."""
    text = _text(sed)
    if re.search(rf"\b(?:reply to|refuse an?|answer to|disagreement with the)\s+(?:an?\s+)?{candidate.code}\b",
                 text, re.I):
        return f"{sed.code}'s catalogue entry names {candidate.code}: \"{text}\""
    if sed.name and candidate.name and sed.name.lower() == f"reply to {candidate.name.lower()}":
        return f"{sed.code} is named \"{sed.name}\""
    return None


def buc_flow(catalogue: Catalogue, buc: Buc) -> BucFlow:
    closing, closing_key = _closing_statements(catalogue).get(buc.id, ([], ""))
    members = [catalogue.seds[c] for c in buc.seds if c in catalogue.seds]
    replies: list[Reply] = []
    for sed in members:
        for other in members:
            if other.code != sed.code and (why := _answers(sed, other)):
                replies.append(Reply(sed.code, other.code, why, [r.key for r in sed.sources]))
    for code in closing:
        for opener in buc.first_seds:
            if not any(r.code == code and r.answers == opener for r in replies):
                replies.append(Reply(code, opener, f"{closing_key}: {buc.id} closes after {'/'.join(closing)}",
                                     [closing_key]))
    related = {r.code for r in replies} | {r.answers for r in replies} | set(buc.first_seds)
    others = [c for c in buc.seds if c not in related]
    return BucFlow(buc.id, list(buc.first_seds), replies, closing, others)


def replies_to(catalogue: Catalogue, code: str) -> list[Reply]:
    """Every stated reply to SED `code`, over all the BUCs it belongs to."""
    sed = catalogue.seds.get(code)
    if sed is None:
        return []
    out: list[Reply] = []
    for buc_id in sed.bucs:
        buc = catalogue.bucs.get(buc_id)
        if buc is None:
            continue
        for reply in buc_flow(catalogue, buc).replies:
            if reply.answers == code and not any(r.code == reply.code for r in out):
                out.append(reply)
    return out


def answered_by(catalogue: Catalogue, code: str) -> list[Reply]:
    """The SEDs `code` answers (the other direction of `replies_to`)."""
    sed = catalogue.seds.get(code)
    out: list[Reply] = []
    for buc_id in sed.bucs if sed else []:
        buc = catalogue.bucs.get(buc_id)
        for reply in buc_flow(catalogue, buc).replies if buc else []:
            if reply.code == code and not any(r.answers == reply.answers for r in out):
                out.append(reply)
    return out
