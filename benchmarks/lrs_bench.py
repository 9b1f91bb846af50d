"""The Learning Record Store under load (issue 5), on loopback, SQLite and PostgreSQL.

    python benchmarks/lrs_bench.py [--sizes 10000 100000] [--database sqlite|postgres|both]
                                   [--concurrency 4] [--queries 200] [--json results.json]

For each database a fresh node is served by ``edubridge serve`` (gunicorn, 2 workers), with
one LRS client. Then:
1. batch ingest: statements POSTed in batches of 100 until the store holds each size in
   turn; statements per second;
2. single POSTs: 1,000 statements one by one; requests per second and latency;
3. filtered GETs at each size, once the planner's statistics are fresh (ANALYZE, as
   autovacuum would do after a bulk load): by agent, verb, activity, registration, since,
   and agent with verb; p50 and p95 latency.
Requests come from ``--concurrency`` threads. Targets on this 2-core machine: batch ingest at
least 5,000 statements/s, single POST at least 300/s, filtered GET p95 under 50 ms at 1M.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDUBRIDGE = str(Path(sys.executable).parent / "edubridge")
PG_URL = "postgres://postgres@127.0.0.1:5432/edubridge_lrs_bench"
VERBS = [f"http://adlnet.gov/expapi/verbs/{v}" for v in ("attempted", "answered", "passed")]
LEARNERS = 2000
ACTIVITIES = 500


def statement(rng: random.Random) -> dict:
    return {
        "actor": {"mbox": f"mailto:learner{rng.randrange(LEARNERS)}@example.org"},
        "verb": {"id": rng.choice(VERBS)},
        "object": {"id": f"http://example.org/activity/{rng.randrange(ACTIVITIES)}"},
        "result": {"success": rng.random() < 0.6, "score": {"scaled": round(rng.random(), 3)}},
        "context": {"registration": str(uuid.UUID(int=rng.randrange(1000)))},
    }


class Node:
    def __init__(self, database: str, var: str, workers: int) -> None:
        self.env = {**os.environ, "EDUBRIDGE_VAR_DIR": var}
        if database == "postgres":
            self.env["EDUBRIDGE_DATABASE_URL"] = PG_URL
        for step in (
            ["migrate", "-v", "0"],
            [
                "org",
                "create",
                "--slug",
                "bench",
                "--name",
                "Bench",
                "--kind",
                "university",
                "--country",
                "KE",
            ],
            ["lrs", "client", "create", "--key", "bench", "--secret", "bench-secret"],
        ):
            subprocess.run([EDUBRIDGE, *step], env=self.env, check=True, capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = subprocess.Popen(
            [
                EDUBRIDGE,
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-background",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        token = base64.b64encode(b"bench:bench-secret").decode()
        self.headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/xapi/about")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the node did not start")

    def request(self, method: str, path: str, body: object = None) -> tuple[int, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, payload, self.headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, (time.perf_counter() - started) * 1000

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load, as autovacuum (PostgreSQL) or
        ``PRAGMA optimize`` (SQLite) would soon do on a running node."""
        if "EDUBRIDGE_DATABASE_URL" in self.env:
            subprocess.run(
                [
                    "psql",
                    "-U",
                    "postgres",
                    "-h",
                    "127.0.0.1",
                    "-d",
                    "edubridge_lrs_bench",
                    "-qc",
                    "ANALYZE",
                ],
                check=True,
            )
        else:
            import sqlite3

            with sqlite3.connect(Path(self.env["EDUBRIDGE_VAR_DIR"]) / "edubridge.sqlite3") as db:
                db.execute("ANALYZE")

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)


def _parallel(work: list, run, concurrency: int) -> list:
    results: list = []
    lock = threading.Lock()
    items = iter(work)

    def worker() -> None:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            outcome = run(item)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def ingest(node: Node, count: int, concurrency: int, rng: random.Random) -> dict:
    batches = [[statement(rng) for _ in range(100)] for _ in range(count // 100)]
    started = time.perf_counter()
    outcomes = _parallel(
        batches, lambda b: node.request("POST", "/xapi/statements", b), concurrency
    )
    seconds = time.perf_counter() - started
    errors = sum(status != 200 for status, _ in outcomes)
    return {
        "statements": count,
        "seconds": round(seconds, 1),
        "per_second": round(count / seconds),
        "errors": errors,
    }


def singles(node: Node, count: int, concurrency: int, rng: random.Random) -> dict:
    bodies = [statement(rng) for _ in range(count)]
    started = time.perf_counter()
    outcomes = _parallel(bodies, lambda b: node.request("POST", "/xapi/statements", b), concurrency)
    seconds = time.perf_counter() - started
    times = [ms for _, ms in outcomes]
    return {
        "requests": count,
        "per_second": round(count / seconds),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "errors": sum(status != 200 for status, _ in outcomes),
    }


def queries(node: Node, count: int, concurrency: int, rng: random.Random) -> dict:
    from urllib.parse import urlencode

    since = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    def one(kind: str) -> str:
        agent = json.dumps({"mbox": f"mailto:learner{rng.randrange(LEARNERS)}@example.org"})
        params = {
            "agent": {"agent": agent},
            "verb": {"verb": rng.choice(VERBS)},
            "activity": {"activity": f"http://example.org/activity/{rng.randrange(ACTIVITIES)}"},
            "registration": {"registration": str(uuid.UUID(int=rng.randrange(1000)))},
            "since": {"since": since},
            "agent+verb": {"agent": agent, "verb": rng.choice(VERBS)},
        }[kind]
        return "/xapi/statements?" + urlencode({**params, "limit": 50})

    kinds = ["agent", "verb", "activity", "registration", "since", "agent+verb"]
    work = [(kind, one(kind)) for _ in range(count // len(kinds)) for kind in kinds]
    outcomes = _parallel(work, lambda w: (w[0], *node.request("GET", w[1])), concurrency)
    times = [ms for _, _, ms in outcomes]
    by_kind = {
        k: round(percentile([ms for kind, _, ms in outcomes if kind == k], 0.95), 1) for k in kinds
    }
    return {
        "queries": len(outcomes),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p95_by_kind": by_kind,
        "errors": sum(status != 200 for _, status, _ in outcomes),
    }


def run(database: str, sizes: list[int], concurrency: int, count: int, workers: int) -> dict:
    rng = random.Random(5)
    if database == "postgres":
        for sql in (
            "DROP DATABASE IF EXISTS edubridge_lrs_bench",
            "CREATE DATABASE edubridge_lrs_bench",
        ):
            subprocess.run(["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc", sql], check=True)
    with tempfile.TemporaryDirectory() as var:
        node = Node(database, var, workers)
        try:
            result: dict = {"database": database, "singles": singles(node, 1000, concurrency, rng)}
            stored, steps = 1000, []
            for size in sorted(sizes):
                loaded = ingest(node, size - stored, concurrency, rng)
                stored = size
                node.analyze()
                steps.append(
                    {
                        "size": size,
                        "ingest": loaded,
                        "queries": queries(node, count, concurrency, rng),
                    }
                )
                print(json.dumps({"database": database, **steps[-1]}), flush=True)
            result["steps"] = steps
            return result
        finally:
            node.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [
        run(db, args.sizes, args.concurrency, args.queries, args.workers) for db in databases
    ]
    print("\n| database | stored | batch ingest /s | single POST /s (p95) | GET p50 | GET p95 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        for step in r["steps"]:
            s, q = r["singles"], step["queries"]
            print(
                f"| {r['database']} | {step['size']:,} | {step['ingest']['per_second']:,} | "
                f"{s['per_second']} ({s['p95_ms']} ms) | {q['p50_ms']} ms | {q['p95_ms']} ms |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
