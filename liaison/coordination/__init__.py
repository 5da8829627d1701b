"""Coordination knowledge as one shared model: places (states, groups, French territories), the
instruments France applies (EU/EEA/Swiss coordination, UK texts, every bilateral agreement,
territorial texts, CSS L761-2) as data with a source for every fact, and the deciding function.

Every desk (assistant, intake, console lookup, reports, ingest) imports places and instruments from
here; no other list of states or territories should exist.
"""
from __future__ import annotations

from liaison.coordination.decide import (
    CHECK_THE_AGREEMENT, EARLIEST, LATEST, MAX_PERIOD_MONTHS, Applicability, add_months, applicable,
    months_between, normalise_status,
)
from liaison.coordination.instruments import (
    EXTENSION_KINDS, NATIONALITY_GROUPS, ROUTES, STATUSES, Agreement, Instrument, RuleSource, RulesError,
    RulesTable, load_rules,
)
from liaison.coordination.places import (
    all_places, eu_eea_ch, france_dom, france_eu, france_general, french_places, french_territories, group_members,
    is_place, load_places, nationality_group, place_name, territory,
)

__all__ = [
    "CHECK_THE_AGREEMENT", "EARLIEST", "LATEST", "MAX_PERIOD_MONTHS", "Applicability", "add_months", "applicable",
    "months_between", "normalise_status", "EXTENSION_KINDS", "NATIONALITY_GROUPS", "ROUTES", "STATUSES", "Agreement",
    "Instrument", "RuleSource", "RulesError", "RulesTable", "load_rules", "all_places", "eu_eea_ch", "france_dom",
    "france_eu", "france_general", "french_places", "french_territories", "group_members", "is_place", "load_places",
    "nationality_group", "place_name", "territory",
]
