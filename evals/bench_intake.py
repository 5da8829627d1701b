"""Benchmark of request intake on PostgreSQL: queue page and submission latency with 100,000 cases.

    python -m evals.bench_intake [--cases 100000] [--requests 200] [--out evals/results/bench_intake.json]

Creates a dedicated database (`liaison_bench_intake`, dropped first), bulk-inserts the cases (with
encrypted payloads, like real ones), starts the API with uvicorn on a local port and measures over
real HTTP: the officers' queue (several filters and pages), the console queue page (HTML) and case
submission (validation, encryption, attachment, audit). Goal: p95 <= 100 ms for each.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import random
import secrets
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

PG_ADMIN = os.environ.get("LIAISON_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DB_NAME = "liaison_bench_intake"
GOAL_MS = 100.0
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COUNTRIES = ["DE", "ES", "IT", "BE", "NL", "CH", "LU", "US", "CA", "NC", "PF", "JP", "MA", "GB", "PL"]
STATUSES = ["submitted"] * 25 + ["in_review"] * 25 + ["information_requested"] * 10 + ["decision_proposed"] * 5 + \
           ["accepted"] * 15 + ["refused"] * 5 + ["withdrawn"] * 5 + ["closed"] * 10


def _recreate_db() -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME


def _bulk_insert(url: str, settings, n: int, staff: list[str]) -> float:
    from sqlalchemy import insert

    from intake.crypto import cipher_for
    from intake.models import Case
    from intake.service import masked_label, new_reference
    from liaison.db import get_engine

    cipher = cipher_for(settings)
    rnd = random.Random(42)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    engine = get_engine(url)
    batch = []
    refs = set()
    for i in range(n):
        case_type = "continuation" if rnd.random() < 0.8 else "exemption"
        status = rnd.choice(STATUSES)
        other = rnd.choice(COUNTRIES)
        start = today + dt.timedelta(days=rnd.randint(-900, 300))
        end = start + dt.timedelta(days=rnd.randint(60, 1100))
        submitted = now - dt.timedelta(days=rnd.randint(1, 900), minutes=rnd.randint(0, 1440))
        form = {"person": {"last_name": f"Nom{i}", "first_name": f"Prénom{i}", "birth_date": "1980-01-01",
                           "nir": "284037512345640", "nationality": "FR"},
                "employer": {"name": f"Employeur {i % 5000}", "siret": "73282932000074"},
                "status": "employed", "home_country": "FR" if case_type == "continuation" else other,
                "work_country": other if case_type == "continuation" else "FR",
                "start_date": start.isoformat(), "end_date": end.isoformat()}
        ref = new_reference(case_type)
        while ref in refs:
            ref = new_reference(case_type)
        refs.add(ref)
        finished = status in ("accepted", "refused", "withdrawn", "closed")
        batch.append({
            "reference": ref, "case_type": case_type, "status": status, "version": rnd.randint(1, 8),
            "created_by": "bench", "home_country": form["home_country"], "work_country": form["work_country"],
            "person_status": "employed", "start_date": start, "end_date": end,
            "requested_months": round((end - start).days / 30.44, 1), "instrument_id": None,
            "route": rnd.choice(["standard", "standard", "exception", "check"]),
            "employer_name": form["employer"]["name"], "employer_siret": "73282932000074",
            "applicant_label": masked_label(form), "payload_enc": cipher.encrypt_json({"form": form, "lang": "fr"}),
            "assigned_to": rnd.choice(staff + [None]) if status != "submitted" else None,
            "team": rnd.choice(["europe", "bilateral", "territories", None]),
            "deadline_on": (submitted + dt.timedelta(days=60)).date(),
            "submitted_at": submitted, "created_at": submitted, "updated_at": submitted,
            "decision": {"accepted": "accepted", "refused": "refused"}.get(status),
            "decided_at": submitted + dt.timedelta(days=rnd.randint(5, 80)) if status in ("accepted", "refused") else None,
            "closed_at": submitted + dt.timedelta(days=90) if finished else None,
        })
        if len(batch) == 5000:
            with engine.begin() as conn:
                conn.execute(insert(Case.__table__), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(insert(Case.__table__), batch)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE intake_cases")
    return time.perf_counter() - started


def _serve(settings):
    import uvicorn

    from api.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _stats(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2)

    return {"n": len(ordered), "p50_ms": pct(0.5), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.fmean(ordered), 2)}


def _time(client, method: str, url: str, expect: int, **kwargs) -> float:
    t0 = time.perf_counter()
    r = client.request(method, url, **kwargs)
    elapsed = (time.perf_counter() - t0) * 1000
    if r.status_code != expect:
        raise RuntimeError(f"{method} {url}: {r.status_code} {r.text[:300]}")
    return elapsed


def run(cases: int, requests: int, keep: bool) -> dict:
    import httpx

    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    url = _recreate_db()
    migrate(url)
    tmp = tempfile.mkdtemp(prefix="bench-intake-")
    settings = Settings(data_dir=Path(tmp), database_url=url, rate_limit_per_minute=0).ensure_dirs()
    _, officer_token = create_account(url, "bench-officer", "officer")
    create_account(url, "bench-officer2", "officer")
    _, applicant_token = create_account(url, "bench-applicant", "applicant")
    insert_s = _bulk_insert(url, settings, cases, ["bench-officer", "bench-officer2"])
    server, thread, base = _serve(settings)
    rnd = random.Random(7)
    officer = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {officer_token}"}, timeout=60)
    applicant = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {applicant_token}"}, timeout=60)
    queue_urls = [
        "/v1/cases?per_page=50",
        "/v1/cases?status=submitted&per_page=50",
        "/v1/cases?status=in_review&assigned_to=me&per_page=50",
        "/v1/cases?case_type=exemption&status=in_review&per_page=50",
        "/v1/cases?overdue=true&per_page=50",
        "/v1/cases?deadline_before=" + (dt.date.today() + dt.timedelta(days=30)).isoformat() + "&per_page=50",
        "/v1/cases?team=europe&status=submitted&sort=updated&per_page=50",
        "/v1/cases?status=submitted&page=20&per_page=50",
        "/v1/cases?q=Employeur%20123&per_page=50",
    ]
    try:
        for u in queue_urls:  # warm-up
            _time(officer, "GET", u, 200)
        queue, per_filter = [], {u: [] for u in queue_urls}
        for i in range(requests):
            u = queue_urls[i % len(queue_urls)]
            ms = _time(officer, "GET", u, 200)
            queue.append(ms)
            per_filter[u].append(ms)
        console = [_time(officer, "GET", "/console/cases?status=submitted", 200) for _ in range(max(20, requests // 5))]
        pdf64 = base64.b64encode(PDF).decode()
        submissions = []
        for i in range(requests):
            start = dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randint(0, 300))
            body = {"case_type": "continuation", "submit": True, "form": {
                "person": {"last_name": "Bench", "first_name": f"Sub{i}", "birth_date": "1985-05-05",
                           "nir": "284037512345640", "nationality": "FR"},
                "employer": {"name": "Bench SAS", "siret": "73282932000074"}, "status": "employed",
                "home_country": "FR", "work_country": rnd.choice(["DE", "ES", "IT", "NC", "US"]),
                "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=500)).isoformat()},
                "attachments": [{"kind": "posting_letter", "filename": "l.pdf", "content_base64": pdf64}]}
            submissions.append(_time(applicant, "POST", "/v1/cases", 201, json=body,
                                     headers={"Idempotency-Key": secrets.token_hex(12)}))
        from sqlalchemy import text

        from liaison.db import get_engine

        with get_engine(url).connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM intake_cases")).scalar()
    finally:
        officer.close()
        applicant.close()
        server.should_exit = True
        thread.join(timeout=10)
        if not keep:
            from liaison import db

            for u, engine in list(db._engines.items()):
                if u == url:
                    engine.dispose()
                    db._engines.pop(u, None)
            from sqlalchemy import create_engine, text

            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
            admin.dispose()
    q, s, c = _stats(queue), _stats(submissions), _stats(console)
    return {
        "benchmark": "intake", "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": "postgresql", "cases_in_database": total, "bulk_insert_seconds": round(insert_s, 1),
        "transport": "HTTP (uvicorn, one worker, loopback)", "machine": {
            "python": platform.python_version(), "cpus": os.cpu_count(), "load_avg": os.getloadavg()},
        "queue_page": q, "queue_page_by_filter": {u: _stats(v) for u, v in per_filter.items()},
        "console_queue_html": c, "submission": s, "goal_p95_ms": GOAL_MS,
        "goal_met": {"queue_page": q["p95_ms"] <= GOAL_MS, "submission": s["p95_ms"] <= GOAL_MS},
    }


def main(argv: list[str] | None = None) -> int:
    import liaison  # noqa: F401  (offline defaults)

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--out", default="evals/results/bench_intake.json")
    p.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = p.parse_args(argv)
    result = run(args.cases, args.requests, args.keep)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("cases_in_database", "queue_page", "console_queue_html", "submission",
                                             "goal_met")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
