"""The case workflow: every state, every transition, who may make it and what it needs: one table.

    draft -> submitted -> in_review <-> information_requested
    in_review -> (request_other_state: EESSI LA_BUC_01, A001 sent) awaiting_other_state
              -> (record_other_state_reply: A002 rejection | A011 acceptance received) in_review
    in_review -> decision_proposed -> (approve, four-eyes) accepted | refused
                                   -> (return_proposal) in_review
    any open state -> withdrawn;  accepted | refused | withdrawn -> closed
    accepted | refused | withdrawn | closed -> (reopen, with a reason) in_review

With four-eyes off (`intake_four_eyes = false`) `propose_decision` decides at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from intake.errors import Conflict, Forbidden, Invalid

STATES = ("draft", "submitted", "in_review", "information_requested", "awaiting_other_state", "decision_proposed",
          "accepted", "refused", "withdrawn", "closed")
OPEN_STATES = frozenset({"draft", "submitted", "in_review", "information_requested", "awaiting_other_state",
                         "decision_proposed"})
# The exception exchange with the other state, as EESSI models it (business use case LA_BUC_01):
# request A001 sent; reply A002 (partial or total rejection) or A011 (acceptance) received. Codes are
# plain strings (the EESSI catalogue is kept elsewhere; facts/eessi-buc-sed-catalogue.md lists them).
EXCEPTION_BUC = "LA_BUC_01"
EXCEPTION_REQUEST = "A001"
EXCEPTION_REPLIES = {"A002": "rejected", "A011": "accepted"}
FINISHED_STATES = frozenset({"accepted", "refused", "withdrawn", "closed"})
STAFF_ROLES = frozenset({"officer", "supervisor", "admin"})
DECISIONS = ("accept", "refuse")
INFO_REASONS = ("incomplete", "incorrect", "outdated")
OWNER = "owner"  # pseudo-role: the applicant who owns the case (account or secret case link)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: decided by the payload (accept -> accepted, refuse -> refused)
    roles: frozenset[str]
    message_required: bool = False
    reason_codes: tuple[str, ...] = ()
    needs_decision: bool = False


def _t(action, sources, target, roles, **kw) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), **kw)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _t("submit", {"draft"}, "submitted", {OWNER, "officer", "supervisor", "admin"}),
    _t("start_review", {"submitted"}, "in_review", {"officer", "supervisor", "admin"}),
    _t("request_information", {"in_review"}, "information_requested", {"officer", "supervisor", "admin"},
       message_required=True, reason_codes=INFO_REASONS),
    _t("provide_information", {"information_requested"}, "in_review", {OWNER, "officer", "supervisor", "admin"},
       message_required=True),
    _t("request_other_state", {"in_review"}, "awaiting_other_state", {"officer", "supervisor", "admin"}),
    _t("record_other_state_reply", {"awaiting_other_state"}, "in_review", {"officer", "supervisor", "admin"}),
    _t("propose_decision", {"in_review"}, "decision_proposed", {"officer", "supervisor", "admin"},
       message_required=True, needs_decision=True),
    _t("approve", {"decision_proposed"}, None, {"supervisor", "admin"}),
    _t("return_proposal", {"decision_proposed"}, "in_review", {"supervisor", "admin"}, message_required=True),
    _t("withdraw", OPEN_STATES, "withdrawn", {OWNER, "officer", "supervisor", "admin"}),
    _t("close", {"accepted", "refused", "withdrawn"}, "closed", {"officer", "supervisor", "admin"}),
    _t("reopen", FINISHED_STATES, "in_review", {"officer", "supervisor", "admin"}, message_required=True),
)}
ACTIONS = tuple(TRANSITIONS)


def decision_state(decision: str) -> str:
    return {"accept": "accepted", "refuse": "refused"}[decision]


def check_transition(
    action: str,
    *,
    status: str,
    role: str,
    is_owner: bool,
    actor: str,
    proposed_by: str | None,
    four_eyes: bool,
    message: str | None,
    reason_code: str | None,
    decision: str | None,
) -> Transition:
    """Raise a clear error unless `actor` may do `action` on a case in `status`; return the transition."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise Invalid(f"unknown action {action!r}; allowed: {', '.join(ACTIONS)}", code="unknown_action")
    roles = {role} | ({OWNER} if is_owner else set())
    if not roles & t.roles:
        raise Forbidden(f"role {role!r} may not {action.replace('_', ' ')}", code="action_forbidden")
    if status not in t.sources:
        raise Conflict(f"cannot {action.replace('_', ' ')} a case in status {status!r} "
                       f"(allowed from: {', '.join(sorted(t.sources))})", code="invalid_transition")
    if t.message_required and not (message and message.strip()):
        raise Invalid(f"{action.replace('_', ' ')} needs a message giving the reason", code="message_required")
    if t.reason_codes and reason_code not in t.reason_codes:
        raise Invalid(f"reason_code must be one of: {', '.join(t.reason_codes)}", code="reason_code_invalid")
    if t.needs_decision and decision not in DECISIONS:
        raise Invalid(f"decision must be one of: {', '.join(DECISIONS)}", code="decision_invalid")
    if action == "approve" and four_eyes and proposed_by == actor:
        raise Forbidden("four-eyes rule: the decision must be approved by someone other than its proposer",
                        code="four_eyes")
    return t


def allowed_actions(status: str, role: str, is_owner: bool) -> list[str]:
    roles = {role} | ({OWNER} if is_owner else set())
    return [a for a, t in TRANSITIONS.items() if status in t.sources and roles & t.roles]
