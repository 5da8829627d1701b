"""Plain-text rendering of a look-up (the CLI's human output): what the entry is, its flow or what
replaced what, its sources with addresses, its gaps and the notes that concern it."""
from __future__ import annotations


def _sed(brief: dict) -> str:
    return f"{brief['code']} ({brief['label']})"


def _sources(view: dict) -> list[str]:
    lines = ["Sources:"]
    for s in view.get("sources", []):
        remark = f" ({s['remark']})" if s.get("remark") else ""
        where = s["url"] or (s["description"] or "not in the source list")
        lines.append(f"  {s['key']}{remark}: {where}")
    return lines


def _tail(view: dict) -> list[str]:
    lines = []
    if view.get("gaps"):
        lines.append("Gaps: " + "; ".join(view["gaps"]) + ".")
    if view.get("notes"):
        lines.append("Notes (gaps and conflicts between sources):")
        lines += [f"  - [{n['heading'] or n['section']}] {n['text']}" for n in view["notes"]]
    lines.append(f"Catalogue version {view['catalogue_version']}; check the current official EESSI catalogue "
                 "before relying on it.")
    return lines


def render_buc(view: dict) -> str:
    lines = [f"{view['id']} — business use case, {view['sector_name']} ({view['sector']})", f"Purpose: {view['purpose']}"]
    flow = view["flow"]
    lines.append("Opened with: " + (", ".join(_sed(s) for s in flow["opening"]) or "no first SED found in the sources"))
    for reply in flow["replies"]:
        lines.append(f"  {reply['code']} ({reply['label']}) answers {reply['answers']} — {reply['basis']}")
    if flow["closing"]:
        lines.append("Closes after: " + ", ".join(flow["closing"]))
    if flow["others"]:
        lines.append("Also in this BUC: " + ", ".join(_sed(s) for s in flow["others"]))
    return "\n".join(lines + _sources(view) + _tail(view))


def render_sed(view: dict) -> str:
    head = f"SED {view['code']} — " + (f"\"{view['name']}\"" if view["name"] else "no English name seen")
    lines = [head]
    if view["purpose"]:
        lines.append(f"Purpose: {view['purpose']}")
    lines.append(f"Sector: {view['sector_name']} ({view['sector']})")
    if view["used_across_bucs"]:
        lines.append("Used across business use cases (administrative SED)")
    for buc in view["bucs"]:
        lines.append(f"In {buc['id']}{' (opens it)' if buc['opens'] else ''}: {buc['purpose']}")
    for reply in view["answered_by"]:
        lines.append(f"Answered by {reply['code']} ({reply['label']}) — {reply['basis']}")
    for reply in view["answers"]:
        lines.append(f"Answers {reply['code']} ({reply['label']}) — {reply['basis']}")
    if view["portable_documents"]:
        lines.append("Portable document(s) linked by a source: " + ", ".join(view["portable_documents"]))
    if view["replaces_e_forms"]:
        lines.append("Replaces the old form(s): " + ", ".join(view["replaces_e_forms"]))
    return "\n".join(lines + _sources(view) + _tail(view))


def render_form(view: dict) -> str:
    if view["kind"] == "e_form":
        lines = [f"{view['code']} — old E-form"]
        for new in view["replaced_by"]:
            who = f" (according to {new['attribution']})" if new["attribution"] else ""
            lines.append(f"Replaced by the {'portable document' if new['kind'] == 'document' else 'SED'} "
                         f"{new['code']}{who}: {new['label']}")
            lines += ["  " + line for line in _sources(new)]
        return "\n".join(lines + _tail(view))
    lines = [f"{view['code']} — portable document", f"Certifies: {view['certifies']}",
             "Replaced E-form(s): " + (view["replaced_text"] or "not seen"),
             "Related SED(s): " + view["related_text"]]
    return "\n".join(lines + _sources(view) + _tail(view))


RENDERERS = {"buc": render_buc, "sed": render_sed, "form": render_form}
