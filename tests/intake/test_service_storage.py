"""Case storage and workflow on SQLite and PostgreSQL (db_url fixture)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from intake.errors import Conflict, Forbidden, Invalid, NotFound, ValidationFailed
from intake.service import Actor, NewAttachment
from liaison import audit
from liaison.accounts import ANONYMOUS
from liaison.db import get_engine, session_scope
from tests.intake.conftest import EXEMPTION, NIR, PDF, continuation

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def actor(accounts, name, key=None):
    return Actor(accounts[name][0], ip="127.0.0.1", case_key=key)


def submitted(service, accounts, **changes):
    view, key, _ = service.create_case(actor(accounts, "applicant"), "continuation", continuation(**changes),
                                       submit=True, attachments=[NewAttachment("posting_letter", "l.pdf", PDF)])
    return view, key


def test_personal_fields_are_encrypted_at_rest_and_masked_in_lists(service, accounts, intake_settings):
    view, _ = submitted(service, accounts)
    with get_engine(intake_settings.resolved_database_url).connect() as conn:
        raw = " ".join(str(v) for row in conn.execute(text("SELECT * FROM intake_cases")) for v in row)
        raw += " ".join(str(v) for row in conn.execute(text("SELECT * FROM intake_attachments")) for v in row)
    for secret in (NIR, "Claire", "Martin", "FR7630006000011234567890189", "claire.martin@example.org", "l.pdf"):
        assert secret not in raw
    queue = service.list_cases(actor(accounts, "officer"))
    row = queue["items"][0]
    assert row["applicant_label"] == "C. M***" and "form" not in row
    full = service.get_case(actor(accounts, "officer"), view["reference"])
    assert full["form"]["person"]["nir"] == NIR
    reads = [e for e in audit.entries(intake_settings.resolved_database_url, object_id=view["reference"])
             if e.action == "case.read_personal"]
    assert reads and reads[-1].actor == "officer"
    assert all(NIR not in str(e.detail) for e in audit.entries(intake_settings.resolved_database_url))
    # Stored attachment file is encrypted too.
    stored = list((intake_settings.data_dir / "intake_attachments").iterdir())
    assert len(stored) == 1 and b"%PDF" not in stored[0].read_bytes()


def test_idempotency_key_replays_the_same_case(service, accounts, intake_settings):
    a = actor(accounts, "applicant")
    args = dict(submit=True, attachments=[NewAttachment("posting_letter", "l.pdf", PDF)], idempotency_key="key-0001-abcdef")
    first, key1, replayed1 = service.create_case(a, "continuation", continuation(), **args)
    second, key2, replayed2 = service.create_case(a, "continuation", continuation(), **args)
    assert (replayed1, replayed2) == (False, True)
    assert first["reference"] == second["reference"] and key1 == key2
    assert service.list_cases(actor(accounts, "officer"))["total"] == 1
    with pytest.raises(Conflict, match="different request"):
        service.create_case(a, "continuation", continuation(end_date="2027-03-31"), **args)
    # Another account using the same key gets its own case.
    other, _, replayed = service.create_case(actor(accounts, "applicant2"), "continuation", continuation(), **args)
    assert not replayed and other["reference"] != first["reference"]


def test_invalid_submission_saves_nothing(service, accounts, intake_settings):
    with pytest.raises(ValidationFailed) as info:
        service.create_case(actor(accounts, "applicant"), "continuation", continuation(end_date="2028-06-30", reasons=None),
                            submit=True, attachments=[NewAttachment("posting_letter", "l.pdf", PDF)])
    codes = {e.code for e in info.value.result.errors}
    assert codes == {"reasons_required"}
    with session_scope(intake_settings.resolved_database_url) as s:
        assert s.execute(text("SELECT count(*) FROM intake_cases")).scalar() == 0
    assert not list((intake_settings.data_dir / "intake_attachments").glob("*.bin"))


def test_optimistic_locking_two_officers(service, accounts):
    view, _ = submitted(service, accounts)
    ref, v = view["reference"], view["version"]
    o1, o2 = actor(accounts, "officer"), actor(accounts, "officer2")
    service.act(o1, ref, "start_review", version=v)
    # Officer 2 loaded the same version before officer 1 saved: refused, nothing overwritten.
    with pytest.raises(Conflict) as info:
        service.assign(o2, ref, version=v, assigned_to="officer2")
    assert info.value.code == "version_conflict" and info.value.extra["current_version"] == v + 1
    case = service.get_case(o1, ref)
    assert case["status"] == "in_review" and case["assigned_to"] == "officer"


def test_database_level_lost_update_is_refused(service, accounts, intake_settings):
    """Two sessions read the same row; the second writer's UPDATE ... WHERE version=n matches nothing."""
    from sqlalchemy.orm.exc import StaleDataError

    from intake.models import Case
    from liaison.db import session_factory

    view, _ = submitted(service, accounts)
    make = session_factory(intake_settings.resolved_database_url)
    s1, s2 = make(), make()
    try:
        c1 = s1.query(Case).filter_by(reference=view["reference"]).one()
        c2 = s2.query(Case).filter_by(reference=view["reference"]).one()
        c1.team = "europe"
        s1.commit()
        c2.team = "bilateral"
        with pytest.raises(StaleDataError):
            s2.commit()
    finally:
        s2.rollback()
        s1.close()
        s2.close()
    assert service.get_case(actor(accounts, "officer"), view["reference"])["team"] == "europe"


@pytest.mark.parametrize("mode", ["pause", "reset"])
def test_information_request_pauses_or_resets_the_clock(service, accounts, intake_settings, mode):
    from intake.models import Case

    intake_settings.intake_clock_on_information_request = mode
    view, _ = submitted(service, accounts)
    ref = view["reference"]
    o, a = actor(accounts, "officer"), actor(accounts, "applicant")
    v = service.act(o, ref, "start_review", version=view["version"])
    v = service.act(o, ref, "request_information", version=v["version"], reason_code="outdated",
                    message="The posting letter is from 2019.")
    assert v["clock_paused"] and v["info_reason"] == "outdated"
    # Pretend the request was sent 10 days ago and the deadline was 20 days away then.
    with session_scope(intake_settings.resolved_database_url) as s:
        case = s.query(Case).filter_by(reference=ref).one()
        case.clock_paused_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
        case.deadline_on = dt.date.today() + dt.timedelta(days=10)
    v = service.get_case(o, ref)
    v = service.act(a, ref, "provide_information", version=v["version"], message="New letter attached.")
    expected = dt.date.today() + dt.timedelta(days=20 if mode == "pause" else 60)
    assert v["deadline_on"] == expected and not v["clock_paused"] and v["status"] == "in_review"


def test_four_eyes_and_reopen(service, accounts, intake_settings):
    view, _ = submitted(service, accounts, end_date="2028-06-30",
                        reasons="The project was delayed and the worker leads it until completion.")
    ref = view["reference"]
    o, sup, sup2 = actor(accounts, "officer"), actor(accounts, "supervisor"), actor(accounts, "supervisor2")
    v = service.act(o, ref, "start_review", version=view["version"])
    with pytest.raises(Invalid, match="legal basis|decision"):
        service.act(o, ref, "propose_decision", version=v["version"], message="ok")
    # A supervisor proposing cannot approve their own proposal.
    v = service.act(sup, ref, "propose_decision", version=v["version"], decision="refuse", message="Not justified.")
    with pytest.raises(Forbidden, match="four-eyes"):
        service.act(sup, ref, "approve", version=v["version"])
    v = service.act(sup2, ref, "return_proposal", version=v["version"], message="Reasons are documented.")
    v = service.act(o, ref, "propose_decision", version=v["version"], decision="accept", message="Documented delay.")
    with pytest.raises(Forbidden):
        service.act(o, ref, "approve", version=v["version"])
    v = service.act(sup, ref, "approve", version=v["version"])
    assert (v["status"], v["decision"], v["decided_by"]) == ("accepted", "accepted", "supervisor")
    with pytest.raises(Conflict, match="cannot approve"):
        service.act(sup2, ref, "approve", version=v["version"])
    with pytest.raises(Invalid, match="reason"):
        service.act(sup, ref, "reopen", version=v["version"])
    v = service.act(sup, ref, "reopen", version=v["version"], message="New evidence from the host state.")
    assert v["status"] == "in_review" and v["decision"] is None and v["closed_at"] is None
    kinds = [(e["kind"], e["action"]) for e in service.history(o, ref)]
    assert ("transition", "reopen") in kinds and ("letter_issued", None) in kinds


def test_four_eyes_off_decides_at_once(service, accounts, intake_settings):
    intake_settings.intake_four_eyes = False
    view, _ = submitted(service, accounts)
    o = actor(accounts, "officer")
    v = service.act(o, view["reference"], "start_review", version=view["version"])
    v = service.act(o, view["reference"], "propose_decision", version=v["version"], decision="accept", message="ok")
    assert v["status"] == "accepted" and v["decided_by"] == "officer"


def test_applicant_sees_only_own_cases_and_secret_link(service, accounts):
    view, key = submitted(service, accounts)
    ref = view["reference"]
    with pytest.raises(NotFound):
        service.get_case(actor(accounts, "applicant2"), ref)
    assert service.list_cases(actor(accounts, "applicant2"))["total"] == 0
    assert service.list_cases(actor(accounts, "applicant"))["total"] == 1
    anon = Actor(ANONYMOUS, case_key=key)
    assert service.get_case(anon, ref)["reference"] == ref
    with pytest.raises(NotFound):
        service.get_case(Actor(ANONYMOUS, case_key=key[:-2] + "xx"), ref)
    with pytest.raises(Forbidden):
        service.get_case(actor(accounts, "translator"), ref)
    # Applicants do not see internal comments.
    service.add_note(actor(accounts, "officer"), ref, "Employer known for late payments.", internal=True)
    service.add_note(actor(accounts, "officer"), ref, "We received your request.", internal=False)
    texts = [e["text"] for e in service.history(anon, ref)]
    assert "We received your request." in texts and "Employer known for late payments." not in texts


def test_reminders_once_per_deadline(service, accounts, intake_settings):
    view, _ = submitted(service, accounts)
    o = actor(accounts, "officer")
    soon = dt.date.today() + dt.timedelta(days=intake_settings.intake_deadline_days["continuation"] - 3)
    assert service.run_reminders(o, today=dt.date.today()) == []
    sent = service.run_reminders(o, today=soon)
    assert [r["reference"] for r in sent] == [view["reference"]] and sent[0]["days_left"] == 3
    assert service.run_reminders(o, today=soon) == []
    assert service.get_case(o, view["reference"])["version"] == view["version"]  # officers' edits undisturbed


def test_retention_purge_dry_run_then_delete(service, accounts, intake_settings):
    from intake.models import Case

    old, _ = submitted(service, accounts)
    recent, _ = submitted(service, accounts, start_date="2026-02-01")
    o = actor(accounts, "officer")
    for ref in (old["reference"], recent["reference"]):
        v = service.get_case(o, ref)
        v = service.act(o, ref, "withdraw", version=v["version"], message="Employer cancelled the posting.")
    with session_scope(intake_settings.resolved_database_url) as s:
        case = s.query(Case).filter_by(reference=old["reference"]).one()
        case.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=5 * 365 + 1)
    files_before = len(list((intake_settings.data_dir / "intake_attachments").glob("*.bin")))
    dry = service.purge(o, dry_run=True)
    assert [d["reference"] for d in dry] == [old["reference"]]
    assert service.get_case(o, old["reference"])  # still there after the dry run
    done = service.purge(o, dry_run=False)
    assert [d["reference"] for d in done] == [old["reference"]]
    with pytest.raises(NotFound):
        service.get_case(o, old["reference"])
    assert service.get_case(o, recent["reference"])["status"] == "withdrawn"
    assert len(list((intake_settings.data_dir / "intake_attachments").glob("*.bin"))) == files_before - 1
    with session_scope(intake_settings.resolved_database_url) as s:
        for table in ("intake_case_events", "intake_attachments"):
            assert s.execute(text(f"SELECT count(*) FROM {table} t JOIN intake_cases c ON c.id = t.case_id "
                                  f"WHERE c.reference = :r"), {"r": old["reference"]}).scalar() == 0
    assert any(e.action == "case.purge" for e in audit.entries(intake_settings.resolved_database_url,
                                                               object_id=old["reference"]))


def test_exemption_case_and_activity_summary(service, accounts, intake_settings):
    from intake.activity import activity_summary

    a, o, sup = actor(accounts, "applicant"), actor(accounts, "officer"), actor(accounts, "supervisor")
    ex, _, _ = service.create_case(a, "exemption", EXEMPTION, submit=True,
                                   attachments=[NewAttachment("coverage_certificate", "a1.pdf", PDF)])
    assert ex["route"] == "standard" and ex["instrument_id"] == "eu-883-2004-employed"
    ct, _ = submitted(service, accounts, work_country="IL")  # convention held, posting terms not: the centre
    v = service.act(o, ct["reference"], "start_review", version=ct["version"])
    v = service.act(o, ct["reference"], "propose_decision", version=v["version"], decision="refuse", message="No.")
    service.act(sup, ct["reference"], "approve", version=v["version"])
    today = dt.date.today()
    summary = activity_summary(intake_settings.resolved_database_url, today - dt.timedelta(days=1), today)
    assert summary["cases_by_type"]["continuation"] == 1 and summary["cases_by_type"]["exemption"] == 1
    assert summary["cases_by_country"] == {"IL": 1, "DE": 1}
    assert summary["cases_by_outcome"] == {"refused": 1, "pending": 1}
    assert summary["processing_days_median"] is not None and summary["processing_days_median"] < 1
    assert summary["processing_days_p90"] is not None
    empty = activity_summary(intake_settings.resolved_database_url, today - dt.timedelta(days=400),
                             today - dt.timedelta(days=300))
    assert empty["processing_days_median"] is None and empty["cases_by_type"] == {}


def test_exception_exchange_with_the_other_state_is_recorded_as_la_buc_01(service, accounts):
    """Awaiting the other state's agreement: A001 sent (clock paused), A011 or A002 received (clock
    resumes), each with its date; wrong codes are clear errors; the applicant does not see the exchange."""
    view, _ = submitted(service, accounts)  # 30 months in Germany: an art. 16 exception
    assert view["route"] == "exception"
    o, ref = actor(accounts, "officer"), view["reference"]
    v = service.act(o, ref, "start_review", version=view["version"])
    with pytest.raises(Invalid, match="A001"):
        service.act(o, ref, "request_other_state", version=v["version"], sed="A011")
    sent_on = dt.date.today() - dt.timedelta(days=3)
    v = service.act(o, ref, "request_other_state", version=v["version"], exchanged_on=sent_on)
    assert v["status"] == "awaiting_other_state" and v["clock_paused"]
    assert v["exchanges"] == [{"buc": "LA_BUC_01", "sed": "A001", "direction": "sent", "other_state": "DE",
                               "exchanged_on": sent_on.isoformat(), "deemed_consent_on": None, "recorded_by": "officer"}]
    with pytest.raises(Invalid, match="A002, A011"):
        service.act(o, ref, "record_other_state_reply", version=v["version"], sed="A001")
    with pytest.raises(Conflict):
        service.act(o, ref, "propose_decision", version=v["version"], decision="accept", message="x", legal_basis="art. 16")
    v = service.act(o, ref, "record_other_state_reply", version=v["version"], sed="A011")
    assert v["status"] == "in_review" and not v["clock_paused"]
    assert [(e["sed"], e["direction"]) for e in v["exchanges"]] == [("A001", "sent"), ("A011", "received")]
    mine = service.get_case(actor(accounts, "applicant"), ref)
    assert "exchanges" not in mine and mine["status"] == "in_review"
