"""The applicable-instrument helper of the intake desk: the shared coordination model
(`liaison.coordination`) under the names this desk has always used. Rules and places live there."""
from __future__ import annotations

from liaison.coordination.decide import (  # noqa: F401
    CHECK_THE_AGREEMENT, STATUS_ALIASES, Applicability, add_months, applicable, months_between, normalise_status,
)
from liaison.coordination.instruments import (  # noqa: F401
    EXTENSION_KINDS, NATIONALITY_GROUPS, ROUTES, RULES_FILE, STATUSES, Instrument, RuleSource, RulesError,
    RulesTable, load_rules,
)
