"""The assistant's EESSI pre-step: a question that names a SED, a BUC or an old E-form ("E106", "E 112"),
or asks what a portable document is or replaced, is answered from the catalogue, cited, before any
retrieval ("What replaced the E112 form?" -> the S2; "Qu'est-ce que le SED A001 et qui y répond ?" ->
request for exception, answered by A002 / A011 within LA_BUC_01).

Citations point to the catalogue rows in the knowledge base (one unit per row, see
ingest/parsers/eessi_catalogue.py); when the base lacks them, the row itself is cited with its source
address. Questions that only mention a portable document in passing ("mon S1 est-il valable en
Espagne ?") are left to the ordinary pipeline: they are legal questions, not catalogue ones.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from eessi.codes import BUC, DOCUMENT, E_FORM, SED, Found, find_codes

log = logging.getLogger("liaison.eessi")
MAX_CODES = 3
_CATALOGUE_INTENT = re.compile(
    r"\b(what is|what's|what are|what does|what replaced|replac\w*|remplac\w*|qu.est.ce|c.est quoi|que (?:veut dire|"
    r"signifie)|a quoi sert|definition|ancien\w* formulaire|old form|former form|formerly|auparavant|succede|"
    r"quel (?:document|formulaire) (?:a|remplace)|mean\w*)\b")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def codes_to_answer(catalogue, question: str) -> list[Found]:
    """The catalogue codes a question asks about ([] when the pre-step should stay out)."""
    found = find_codes(catalogue, question, any_case=True)
    # lower-case portable-document look-alikes are never taken ("a1" in a postcode), and SEDs are taken in
    # lower case only when the question says "SED"
    folded = _fold(question)
    found = [f for f in found if f.kind != SED or f.text.isupper() or "sed" in folded]
    if not found:
        return []
    if any(f.kind in (SED, BUC, E_FORM) for f in found):
        return list({f.code: f for f in found}.values())[:MAX_CODES]
    if _CATALOGUE_INTENT.search(folded):
        return list({f.code: f for f in found}.values())[:MAX_CODES]
    return []


# ------------------------------------------------------------------------------------- sentences

_T = {
    "fr": {
        "e_form": "Le formulaire {code} a été remplacé par {what} {new} (« {label} »){who}.",
        "document": "le document portable", "sed": "le SED",
        "who": ", selon {who}",
        "pd": "Le document portable {code} atteste : « {certifies} ».",
        "pd_replaced": " Il a remplacé {forms}.",
        "pd_no_form": " Aucune source lue ne nomme l'ancien formulaire E qu'il remplace.",
        "sed_named": "Le SED {code} s'intitule « {name} »{purpose}.",
        "sed_unnamed": "Le SED {code} n'a pas de nom anglais relevé dans une source{purpose}.",
        "purpose": " (objet : {purpose})",
        "sed_bucs": " Il s'échange dans {bucs}.",
        "sed_opens": " Il ouvre le BUC {buc} ({purpose}).",
        "answered_by": " Il reçoit pour réponse {replies}.",
        "no_reply": " Aucune source lue n'indique quel SED y répond.",
        "answers": " Il répond à {codes}.",
        "buc": "Le BUC {code} ({sector}) : {purpose}.",
        "buc_opens": " Il s'ouvre avec {seds}.",
        "buc_no_first": " Aucune source lue ne donne le SED qui l'ouvre.",
        "buc_replies": " Réponses : {replies}.",
        "and": " et ",
        "caveat": "Ces indications viennent du catalogue EESSI établi à partir de sources publiques (version {version}) : "
                  "vérifiez le catalogue EESSI officiel en vigueur avant de vous y fier.",
        "reply": "{code} « {label} » (réponse à {answers})",
    },
    "en": {
        "e_form": "The {code} form was replaced by {what} {new} (\"{label}\"){who}.",
        "document": "the portable document", "sed": "the SED",
        "who": ", according to {who}",
        "pd": "The portable document {code} certifies: \"{certifies}\".",
        "pd_replaced": " It replaced {forms}.",
        "pd_no_form": " No source read names an E-form it replaced.",
        "sed_named": "SED {code} is \"{name}\"{purpose}.",
        "sed_unnamed": "SED {code} has no English name seen in a source{purpose}.",
        "purpose": " (purpose: {purpose})",
        "sed_bucs": " It is exchanged in {bucs}.",
        "sed_opens": " It opens the BUC {buc} ({purpose}).",
        "answered_by": " It is answered by {replies}.",
        "no_reply": " No source read says which SED answers it.",
        "answers": " It answers {codes}.",
        "buc": "BUC {code} ({sector}): {purpose}.",
        "buc_opens": " It opens with {seds}.",
        "buc_no_first": " No source read gives the SED that opens it.",
        "buc_replies": " Replies: {replies}.",
        "and": " and ",
        "caveat": "From the EESSI catalogue compiled from public sources (version {version}): check the current official "
                  "EESSI catalogue before relying on it.",
        "reply": "{code} \"{label}\" (answers {answers})",
    },
}


_LABEL_MARK = re.compile(r"\s*\(((?:nb|da|fr)(?:\s*,\s*(?:nb|da|fr))*)\)")
_LANG_NAMES = {"fr": {"nb": "norvégien", "da": "danois", "fr": "français"},
               "en": {"nb": "Norwegian", "da": "Danish", "fr": "French"}}


def _readable(text: str | None, lang: str) -> str:
    """'acceptance of an exception request (nb)' -> '... (from a Norwegian label)'."""
    def spell(m: re.Match) -> str:
        names = [_LANG_NAMES[lang][c.strip()] for c in m.group(1).split(",")]
        return (" (d'après un libellé " + "/".join(names) + ")") if lang == "fr" else \
            (" (from a " + "/".join(names) + " label)")
    return _LABEL_MARK.sub(spell, text or "")


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _T[lang]["and"] + items[-1]


def _sentences(service, found: Found, lang: str) -> tuple[str, list[str]]:
    """(sentence, catalogue codes it rests on: the rows to cite)."""
    t = _T[lang]
    if found.kind == E_FORM:
        view = service.form(found.code)
        parts, rows = [], []
        for new in view["replaced_by"]:
            who = t["who"].format(who=new["attribution"]) if new["attribution"] else ""
            parts.append(t["e_form"].format(code=found.code, what=t["document" if new["kind"] == "document" else "sed"],
                                            new=new["code"], label=_readable(new["label"], lang), who=who))
            rows.append(new["code"])
        return " ".join(parts), rows
    if found.kind == DOCUMENT:
        view = service.form(found.code)
        text = t["pd"].format(code=found.code, certifies=view["certifies"])
        forms = [r["form"] + (f" ({r['attribution']})" if r["attribution"] else "") for r in view["replaced"]]
        text += t["pd_replaced"].format(forms=_join(forms, lang)) if forms else t["pd_no_form"]
        return text, [found.code]
    if found.kind == SED:
        view = service.sed(found.code)
        purpose = t["purpose"].format(purpose=_readable(view["purpose"], lang)) if view["purpose"] else ""
        text = (t["sed_named"].format(code=found.code, name=view["name"], purpose=purpose) if view["name"]
                else t["sed_unnamed"].format(code=found.code, purpose=purpose))
        opened = [b for b in view["bucs"] if b["opens"]]
        rows = [found.code]
        if opened:
            text += "".join(t["sed_opens"].format(buc=b["id"], purpose=b["purpose"]) for b in opened)
        elif view["bucs"]:
            text += t["sed_bucs"].format(bucs=_join([b["id"] for b in view["bucs"]], lang))
        rows += [b["id"] for b in view["bucs"][:2]]
        if view["answered_by"]:
            text += t["answered_by"].format(replies=_join([
                f"{r['code']} « {_readable(r['label'], lang)} »" if lang == "fr" else
                f"{r['code']} \"{_readable(r['label'], lang)}\"" for r in view["answered_by"]], lang))
            rows += [r["code"] for r in view["answered_by"]]
        elif opened:
            text += t["no_reply"]
        if view["answers"]:
            text += t["answers"].format(codes=_join([r["code"] for r in view["answers"]], lang))
        return text, rows
    view = service.buc(found.code)
    text = t["buc"].format(code=view["id"], sector=view["sector_name"], purpose=_readable(view["purpose"], lang))
    opening = view["flow"]["opening"]
    text += t["buc_opens"].format(seds=_join([f"{s['code']} ({_readable(s['label'], lang)})" for s in opening], lang)) \
        if opening \
        else t["buc_no_first"]
    if view["flow"]["replies"]:
        text += t["buc_replies"].format(replies="; ".join(
            t["reply"].format(code=r["code"], label=_readable(r["label"], lang), answers=r["answers"])
            for r in view["flow"]["replies"]))
    return text, [view["id"]]


# ------------------------------------------------------------------------------------------ passages

def _row_passages(kb, service, codes: list[str]) -> dict:
    """code -> Passage of its catalogue row in the knowledge base (or built from the catalogue file)."""
    from assistant.retrieval import Passage
    from ingest.types import Hit

    out = {}
    catalogue = service.catalogue
    for rank, code in enumerate(dict.fromkeys(codes)):
        hit = None
        if kb is not None:
            try:
                hits = kb.search(code, k=3, filters={"ref": code}, method="bm25")
                hit = next((h for h in hits if h.metadata.get("catalogue_version")), None)
            except Exception as exc:  # noqa: BLE001 - a missing index must not stop a catalogue answer
                log.info("EESSI pre-step: knowledge base not searched (%s)", exc)
        if hit is None:
            hit = _file_hit(catalogue, code, Hit)
        if hit is not None:
            out[code] = Passage(hit=hit, rank=rank, text=hit.text)
    return out


def _file_hit(catalogue, code: str, hit_cls):
    entry = catalogue.bucs.get(code) or catalogue.seds.get(code) or catalogue.documents.get(code)
    if entry is None:
        return None
    url = next((catalogue.sources[r.key].url for r in entry.sources
                if r.key in catalogue.sources and catalogue.sources[r.key].url), "")
    text = f"{code}: " + " | ".join(str(v) for v in (getattr(entry, "name", None) or getattr(entry, "purpose", None)
                                                    or getattr(entry, "certifies", ""),) if v)
    meta = {"path": catalogue.catalogue_path.rsplit("/", 1)[-1], "ref": code, "title": f"EESSI catalogue: {code}",
            "url": url, "instrument_type": "fact_sheet", "catalogue_version": catalogue.version}
    return hit_cls(chunk_id=f"eessi-{catalogue.version}-{code}", text=text, score=1.0, metadata=meta)


def catalogue_draft(question: str, language: str, settings, kb=None):
    """A cited Draft answering from the catalogue, or None when the question is not a catalogue question
    (or the catalogue cannot be read: the ordinary pipeline then answers)."""
    from assistant.answer import Cited, Draft
    from eessi.catalogue import CatalogueError
    from eessi.service import EessiService

    service = EessiService(settings)
    try:
        found = codes_to_answer(service.catalogue, question)
    except (CatalogueError, OSError) as exc:
        log.warning("EESSI pre-step off: %s", exc)
        return None
    if not found:
        return None
    lang = "fr" if language == "fr" else "en"
    pieces = [_sentences(service, f, lang) for f in found]
    passages = _row_passages(kb, service, [code for _, rows in pieces for code in rows])
    cited: list[Cited] = []
    numbers: dict[str, int] = {}
    segments = []
    for sentence, rows in pieces:
        if not sentence:
            continue
        marks = []
        for code in rows:
            passage = passages.get(code)
            if passage is None:
                continue
            if code not in numbers:
                numbers[code] = len(cited) + 1
                cited.append(Cited(n=numbers[code], passage=passage, quotes=[passage.text[:600]]))
            marks.append(f"[{numbers[code]}]")
        segments.append(sentence + (" " + "".join(dict.fromkeys(marks)) if marks else ""))
    if not segments:
        return None
    segments.append(_T[lang]["caveat"].format(version=service.catalogue.version))
    text = "\n\n".join(segments)
    return Draft(text=text, cited=cited, engine="eessi-catalogue", segments=segments,
                 info={"eessi_codes": [f.code for f in found]})
