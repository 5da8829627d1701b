"""`liaison applicable ...` (applicable-instrument helper) and `liaison cases list|export|purge|remind`
(administrators). Heavy imports stay inside the handlers."""
from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    app = sub.add_parser("applicable", help="applicable instrument, maximum duration, route and sources of a posting")
    app.add_argument("--home", required=True, help="state of usual work / affiliation (ISO code, e.g. FR)")
    app.add_argument("--work", required=True, help="state or territory of work (ISO code, e.g. DE, NC)")
    app.add_argument("--status", required=True,
                     help="employed | self_employed (or self-employed) | civil_servant | student | seafarer | flight_crew")
    app.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    app.add_argument("--end", required=True, help="last day, YYYY-MM-DD")
    app.add_argument("--nationality", help="ISO code, or group fr | eu | third")
    app.add_argument("--previous-months", type=float, default=0.0, help="months of the same posting already covered")
    app.add_argument("--previous-end", help="last day of the previous posting to the same state, YYYY-MM-DD "
                                            "(its gap decides whether the two are one posting: Decision A2)")
    app.add_argument("--lang", choices=("fr", "en"), default="en")
    app.add_argument("--json", action="store_true", help="print the full result as JSON")
    app.add_argument("--check-index", action="store_true",
                     help="also check each source in the knowledge base index (slower)")
    app.add_argument("--data-dir")
    app.set_defaults(func=_applicable)

    cases = sub.add_parser("cases", help="intake cases (administrators): list, export, purge, remind")
    cs = cases.add_subparsers(dest="cases_command", required=True)
    ls = cs.add_parser("list", help="list cases (masked)")
    ls.add_argument("--status", action="append", help="repeatable")
    ls.add_argument("--type", choices=("continuation", "exemption"))
    ls.add_argument("--assigned-to")
    ls.add_argument("--overdue", action="store_true")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--data-dir")
    ls.set_defaults(func=_list)
    ex = cs.add_parser("export", help="export cases as JSON Lines (masked; --personal decrypts, each read audited)")
    ex.add_argument("--out", help="file to write (default: standard output)")
    ex.add_argument("--personal", action="store_true")
    ex.add_argument("--status", action="append")
    ex.add_argument("--data-dir")
    ex.set_defaults(func=_export)
    pu = cs.add_parser("purge", help="delete closed/withdrawn cases past their retention period")
    pu.add_argument("--dry-run", action="store_true", help="only list what would be purged")
    pu.add_argument("--json", action="store_true")
    pu.add_argument("--data-dir")
    pu.set_defaults(func=_purge)
    rm = cs.add_parser("remind", help="record reminders for deadlines due soon")
    rm.add_argument("--data-dir")
    rm.set_defaults(func=_remind)


def _date(value: str, name: str):
    import datetime as dt

    from liaison.cli import CliError

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--{name}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _applicable(args) -> int:
    from intake.rules import RulesError, applicable
    from liaison.cli import CliError

    try:
        result = applicable(args.home, args.work, args.status, _date(args.start, "start"), _date(args.end, "end"),
                            nationality=args.nationality, previous_months=args.previous_months,
                            previous_end=_date(args.previous_end, "previous-end") if args.previous_end else None,
                            lang=args.lang)
    except RulesError as exc:
        raise CliError(str(exc)) from exc
    data = result.to_dict()
    if args.check_index:
        data["sources"] = _check_index(args, data["sources"])
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    inst = data["instrument"]
    print(f"instrument: {inst['name'] if inst else 'none found'}")
    if inst:
        print(f"legal reference: {inst['legal_reference']}")
        if data["max_months"]:
            print(f"maximum: {data['max_months']} months (standard route until {data['max_end']})")
        else:
            print("maximum: not in the knowledge base" if not data.get("terms_known") else "maximum: none")
    print(f"requested: {data['total_months']} months ({data['start']} to {data['end']})")
    print(f"exceeds maximum: {'yes' if data['exceeds_max'] else 'no'}")
    print(f"route: {data['route']}")
    if data["extension"]:
        print(f"extension: {data['extension']['text']}")
    if data["check_the_agreement"]:
        print("check the agreement")
    if data.get("handled_by"):
        print(f"handled by: {data['handled_by']['text']}")
    for step in data.get("next_steps") or []:
        print(f"next step: {step}")
    for note in data["notes"]:
        print(f"note: {note}")
    for src in data["sources"]:
        print(f"source: {src['article']} [{src['path']} :: {src['ref']}]")
    return 0


def _check_index(args, sources: list[dict]) -> list[dict]:
    from liaison.admin_cli import settings_from_args

    try:
        from ingest.kb import KnowledgeBase
    except ImportError:
        return [dict(s, indexed=None) for s in sources]
    kb = KnowledgeBase(settings_from_args(args))
    try:
        return [dict(s, indexed=bool(kb.get_unit(s["path"], s["ref"]))) for s in sources]
    finally:
        kb.close()


def _service(args):
    import getpass

    from intake.service import Actor, IntakeService
    from liaison.accounts import Principal
    from liaison.admin_cli import database_url, settings_from_args

    settings = settings_from_args(args)
    url = database_url(args)
    actor = Actor(Principal(id=0, username=f"cli:{getpass.getuser()}", role="admin"), ip="cli")
    return IntakeService(settings, url), actor


def _list(args) -> int:
    service, actor = _service(args)
    result = service.list_cases(actor, status=args.status, case_type=args.type, assigned_to=args.assigned_to,
                                overdue=args.overdue, per_page=max(1, min(args.limit, 200)))
    if args.json:
        print(json.dumps(result, default=str, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['total']} case(s); showing {len(result['items'])}")
    for c in result["items"]:
        print("\t".join(str(x or "") for x in (c["reference"], c["case_type"], c["status"], c["applicant_label"],
                                                 c["employer_name"], c["work_country"], c["deadline_on"], c["assigned_to"])))
    return 0


def _export(args) -> int:
    service, actor = _service(args)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    n = 0
    try:
        for row in service.export(actor, personal=args.personal, status=args.status):
            out.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if args.out:
            out.close()
    print(f"exported {n} case(s)", file=sys.stderr)
    return 0


def _purge(args) -> int:
    service, actor = _service(args)
    victims = service.purge(actor, dry_run=args.dry_run)
    if args.json:
        print(json.dumps({"dry_run": args.dry_run, "cases": victims}, default=str, indent=2))
        return 0
    verb = "would purge" if args.dry_run else "purged"
    print(f"{verb} {len(victims)} case(s)")
    for v in victims:
        print(f"  {v['reference']}\t{v['case_type']}\t{v['status']}\tclosed {v['closed_at']}")
    return 0


def _remind(args) -> int:
    service, actor = _service(args)
    sent = service.run_reminders(actor)
    print(f"{len(sent)} reminder(s)")
    for r in sent:
        print(f"  {r['reference']}\tdeadline {r['deadline_on']}\t{r['days_left']} day(s)\t{r['assigned_to'] or '-'}")
    return 0
