"""Load benchmark of POST /v1/ask against a running `liaison serve`.

    python -m evals.bench_load --data-dir /tmp/liaison-full --clients 20 --duration 60 [--cold] [--workers 1]
                               [--warmup 15]
    python -m evals.bench_load --url http://127.0.0.1:8000 --token TOKEN ...

Without --url it starts `liaison serve` on a free localhost port over --data-dir (anonymous rate limit
off, so the clients measure the assistant, not the limiter) and stops it at the end. Closed loop: each
of the --clients concurrent clients sends the next question as soon as it has its answer; the
questions are those of liaison_domain dev (public questions are what the widget receives), each
client starting at a different one. `--cold` disables the per-process search and query-vector caches
(every request embeds the question and runs the full retrieval); the default keeps them, as in
production, where identical questions repeat. `--warmup S` keeps the full load for S seconds before
measuring (steady state: the caches of every worker have seen the questions); without it the figures
include the start, when all 20 clients' first questions miss the caches at once.

Reports latency p50/p95/p99, throughput, errors (non-200 and transport errors) and the server's
resident memory (the server process and its workers, sampled every 0.5 s: max and end).
Goals (issue 3, extractive): p50 <= 150 ms, p95 <= 400 ms, 0 errors, RSS <= 1.5 GB.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from evals.common import REPO, RESULTS, SHARED, read_jsonl, save_json


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class MemorySampler(threading.Thread):
    """Max and last RSS (MB) of a process tree."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(daemon=True)
        self.pid, self.max_mb, self.last_mb = pid, 0.0, 0.0
        self._halt = threading.Event()

    def sample(self) -> float:
        import psutil

        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20
        except psutil.Error:
            return self.last_mb

    def run(self) -> None:
        if self.pid is None:
            return
        while not self._halt.is_set():
            self.last_mb = self.sample()
            self.max_mb = max(self.max_mb, self.last_mb)
            self._halt.wait(0.5)

    def stop(self) -> None:
        self._halt.set()


def _server_pid_for_port(port: int) -> int | None:
    import psutil

    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
            return conn.pid
    return None


def start_server(data_dir: Path, workers: int, cold: bool) -> tuple[subprocess.Popen, str, Path]:
    import httpx

    port = _free_port()
    env = {**os.environ, "LIAISON_DATA_DIR": str(data_dir), "LIAISON_RATE_LIMIT_PER_MINUTE": "0",
           "LIAISON_LOG_LEVEL": "WARNING"}
    if cold:
        env["LIAISON_SEARCH_CACHE_SIZE"] = "0"
        env["LIAISON_QUERY_VECTOR_CACHE_SIZE"] = "0"
    log_path = data_dir / f"bench-server-{port}.log"
    liaison = str(Path(sys.executable).parent / "liaison")
    proc = subprocess.Popen([liaison, "serve", "--data-dir", str(data_dir), "--port", str(port), "--workers",
                             str(workers)], cwd=REPO, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base, log_path
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server did not start; see {log_path}")


async def _client(cid: int, base: str, headers: dict, questions: list[str], engine: str, stop_at: float,
                  results: list, max_requests: int | None, record_from: float = 0.0) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        i = cid
        sent = 0
        while time.monotonic() < stop_at and (max_requests is None or sent < max_requests):
            question = questions[i % len(questions)]
            i += 1
            sent += 1
            started = time.perf_counter()
            counted = time.monotonic() >= record_from  # sent after the warm-up
            try:
                r = await client.post("/v1/ask", json={"question": question, "engine": engine})
                status = r.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            if counted:
                results.append((time.perf_counter() - started, status))


async def _run(base: str, headers: dict, questions: list[str], clients: int, duration: float, engine: str,
               max_requests: int | None, warmup: float = 0.0) -> tuple[list, float]:
    """Requests sent in the first `warmup` seconds are not counted (full load, caches filling)."""
    results: list = []
    started = time.monotonic()
    record_from = started + warmup
    await asyncio.gather(*(_client(c, base, headers, questions, engine, record_from + duration, results, max_requests,
                                   record_from) for c in range(clients)))
    return results, time.monotonic() - max(started, record_from)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="benchmark this running server instead of starting one")
    parser.add_argument("--data-dir", help="data directory with the index (to start the server)")
    parser.add_argument("--token", help="API token (accounts are not rate-limited)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load")
    parser.add_argument("--warmup", type=float, default=0.0,
                        help="seconds of full load before measuring (not counted: caches fill, steady state)")
    parser.add_argument("--max-requests", type=int, help="per client, stops earlier")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engine", default="extractive", choices=("extractive", "llm"))
    parser.add_argument("--cold", action="store_true", help="disable the search and query-vector caches of the started server")
    parser.add_argument("--questions", default=str(SHARED / "evals" / "liaison_domain" / "dev.jsonl"))
    parser.add_argument("--out", default=str(RESULTS / "bench_load.json"))
    args = parser.parse_args(argv)
    if not args.url and not args.data_dir:
        parser.error("give --url of a running server or --data-dir to start one")

    questions = [q["question"] for q in read_jsonl(Path(args.questions))]
    proc = None
    if args.url:
        base = args.url.rstrip("/")
        from urllib.parse import urlparse

        pid = _server_pid_for_port(urlparse(base).port or 80)
    else:
        proc, base, _log = start_server(Path(args.data_dir).resolve(), args.workers, args.cold)
        pid = proc.pid
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    sampler = MemorySampler(pid)
    try:
        import httpx

        # Warm-up: load the models and open the index in every worker (not measured).
        for q in questions[: max(3, args.workers * 2)]:
            httpx.post(base + "/v1/ask", json={"question": q, "engine": args.engine}, headers=headers, timeout=300)
        sampler.start()
        results, elapsed = asyncio.run(_run(base, headers, questions, args.clients, args.duration, args.engine,
                                            args.max_requests, args.warmup))
        sampler.stop()
        end_mb = sampler.sample()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    ok = [lat for lat, status in results if status == 200]
    errors: dict[str, int] = {}
    for _lat, status in results:
        if status != 200:
            errors[str(status)] = errors.get(str(status), 0) + 1
    summary = {
        "engine": args.engine, "clients": args.clients, "workers": args.workers, "cold": args.cold,
        "warmup_s": args.warmup, "questions": len(questions),
        "requests": len(results), "seconds": round(elapsed, 1), "throughput_rps": round(len(results) / elapsed, 2),
        "p50_ms": round(_percentile(ok, 50) * 1000, 1), "p95_ms": round(_percentile(ok, 95) * 1000, 1),
        "p99_ms": round(_percentile(ok, 99) * 1000, 1), "mean_ms": round(sum(ok) / max(1, len(ok)) * 1000, 1),
        "errors": sum(errors.values()), "errors_by_status": errors,
        "server_rss_max_mb": round(sampler.max_mb, 1), "server_rss_end_mb": round(end_mb, 1),
        "cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(summary)
    out = Path(args.out)
    previous = {}
    if out.exists():
        import json

        try:
            previous = json.loads(out.read_text())
        except ValueError:
            previous = {}
    label = f"{args.engine}-{'cold' if args.cold else 'warm'}-c{args.clients}-w{args.workers}"
    if args.warmup:
        label += f"-steady{int(args.warmup)}s"
    previous[label] = summary
    save_json(previous, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
