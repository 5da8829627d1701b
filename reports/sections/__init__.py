"""The report's sections, in order. Each is a small module with `ID`, `build(ctx) -> Section` and optionally
`key_figures(ctx) -> list[KeyFigure]` (lines of the summary table, the same totals the section shows).

Adding a section: write `reports/sections/NAME.py` on the model of `family.py` and add NAME below (before
"methods", which counts the tables and figures of the whole report).
"""
from __future__ import annotations

import importlib

SECTIONS = ("healthcare", "pensions", "family", "postings", "exemptions", "flows", "activity", "methods")


def modules():
    return [importlib.import_module(f"reports.sections.{name}") for name in SECTIONS]
