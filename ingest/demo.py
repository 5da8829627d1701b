"""`liaison demo` step: ingest the project's own fact sheets (the bundled demo corpus)."""
from __future__ import annotations

from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "corpus" / "facts"


def prepare(settings) -> str:
    from ingest.kb import KnowledgeBase

    kb = KnowledgeBase(settings)
    try:
        report = kb.ingest([BUNDLED], source="project-fact-sheets", prune=True).summary()
    finally:
        kb.close()
    failures = "; ".join(f"{f['path']}: {f['reason']}" for f in report["failures"])
    return (f"{report['added']} added, {report['updated']} updated, {report['unchanged']} unchanged"
            + (f"; failed: {failures}" if failures else ""))
