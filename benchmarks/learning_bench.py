"""Latency of the adaptive engine (issue 6): in-process, and over HTTP with many learners.

    python benchmarks/learning_bench.py [--learners 100] [--seconds 30] [--think 1.0]
                                        [--json results.json]

1. In-process: one answer folded into a learner's mastery (``kt.serving.update``) and the
   next item ranked among 100 candidates (``kt.serving.recommend``), for a BKT of 20 skills:
   10,000 steps. Target: p95 under 2 ms.
2. The same step through the practice service and the database (SQLite): the answer scored,
   stored as an xAPI statement with its mastery rows, and the next item chosen; what a
   learner's click costs the node, minus HTTP.
3. Over HTTP: ``edubridge serve`` (gunicorn, 2 workers, SQLite) serving a fitted BKT, and
   ``--learners`` simulated learners at once, each sending ``POST /api/v1/models/{id}/recommend``
   with its history so far and 100 candidates, answering the item, then thinking for a
   random time (mean ``--think`` seconds; real learners take ten or more) before the next.
   Target: p95 under 50 ms with 100 learners on SQLite. Then the same learners with no
   think time at all, to show where the node saturates.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from edubridge.kt import BKT, serving, simulate

SKILLS, CANDIDATES = 20, 100


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def summary(timings: list[float]) -> dict[str, float]:
    return {
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(percentile(timings, 0.95), 3),
        "p99_ms": round(percentile(timings, 0.99), 3),
    }


def fitted_model() -> BKT:
    data, _ = simulate.bkt(500, SKILLS, 20, random_state=0)
    return BKT(random_state=0).fit(data)


def candidates(model: BKT, rng: np.random.Generator) -> list[dict[str, object]]:
    skills = [str(s) for s in model.skills_]
    return [
        {"item": f"item-{n}", "skills": [skills[int(rng.integers(len(skills)))]]}
        for n in range(CANDIDATES)
    ]


def in_process(steps: int = 10_000) -> dict[str, float]:
    model = fitted_model()
    rng = np.random.default_rng(1)
    pool = candidates(model, rng)
    prerequisites = {str(model.skills_[k + 1]): [str(model.skills_[k])] for k in range(0, 10, 2)}
    state: dict[str, float] = {}
    timings = []
    item = pool[0]
    for _ in range(steps):
        answer = serving.Answer(item["skills"][0], int(rng.random() < 0.7), item["item"])
        started = time.perf_counter()
        state = serving.update(model, state, [answer])
        full = {
            str(s): state.get(str(s), float(p))
            for s, p in zip(model.skills_, model.prior_, strict=True)
        }
        ranked = serving.recommend(model, full, pool, prerequisites=prerequisites)
        timings.append((time.perf_counter() - started) * 1000)
        item = next(c for c in pool if c["item"] == ranked[0]["item"])
    return summary(timings)


def django_setup(var: str) -> None:
    os.environ["EDUBRIDGE_VAR_DIR"] = var
    os.environ.pop("EDUBRIDGE_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "edubridge.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def through_services(steps: int = 2000) -> dict[str, float]:
    """The practice step with the database: the demo's bank, one learner answering."""
    from django.contrib.auth.models import User

    from edubridge.catalog.packages import qti
    from edubridge.core import demo
    from edubridge.core.models import Organisation
    from edubridge.core.policy import SYSTEM
    from edubridge.learning import demo as learning_demo
    from edubridge.learning import practice
    from edubridge.learning.models import ItemBank
    from edubridge.standards import demo as standards_demo
    from edubridge.standards import services as standards

    demo.load()
    standards.load_builtin(SYSTEM)
    standards_demo.load()
    learning_demo.load()
    bank = ItemBank.objects.get()
    learner = practice.learner_for(
        User.objects.get(username="amani.mwangi"), Organisation.objects.get(slug="rift-valley-tc")
    )
    rng = np.random.default_rng(2)
    timings = []
    step = practice.next_item(learner, bank)
    for _ in range(steps):
        assert step is not None
        item = qti.Item.from_json(step.item.item.data)
        response = item.correct if rng.random() < 0.6 else ["nothing"]
        started = time.perf_counter()
        practice.answer(learner, bank, step.item.pk, response, uuid.uuid4())
        step = practice.next_item(learner, bank)
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings)


def serve_model(var: str) -> tuple[subprocess.Popen[bytes], str, BKT]:
    from edubridge.core.models import Organisation
    from edubridge.core.policy import SYSTEM
    from edubridge.learning import services

    model = fitted_model()
    served = services.serve(
        SYSTEM, Organisation.objects.get(slug="rift-valley-tc"), "bench", model, card={}
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    edubridge = os.path.join(os.path.dirname(sys.executable), "edubridge")
    server = subprocess.Popen(
        [edubridge, "serve", "--port", str(port), "--workers", "2", "--no-background"],
        env={**os.environ, "EDUBRIDGE_VAR_DIR": var},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1/models/{served.identifier}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=2).close()
            return server, base, model
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not start")


def over_http(base: str, model: BKT, learners: int, seconds: float, think: float) -> dict:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def learner(seed: int) -> None:
        rng = np.random.default_rng(seed)
        pool = candidates(model, rng)
        history: list[dict[str, object]] = []
        while time.monotonic() < stop:
            body = json.dumps({"learner": {"history": history[-200:]}, "candidates": pool}).encode()
            request = urllib.request.Request(
                f"{base}/recommend", body, {"Content-Type": "application/json"}
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    ranked = json.load(response)["recommendations"]
            except OSError as error:
                with lock:
                    errors.append(str(error))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append(elapsed)
            chosen = next(c for c in pool if c["item"] == ranked[0]["item"])
            history.append(
                {
                    "skill": chosen["skills"][0],
                    "item": chosen["item"],
                    "correct": int(rng.random() < 0.7),
                    "timestamp": float(len(history)),
                }
            )
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(learners)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        if think:
            time.sleep(think / learners)  # learners arrive spread out, as in a class
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {
        **summary(timings),
        "learners": learners,
        "think_s": think,
        "requests_per_s": round(len(timings) / wall, 1),
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--json")
    args = parser.parse_args()
    results: dict[str, object] = {"in_process": in_process()}
    print(f"in-process update + recommend: {results['in_process']}", flush=True)
    with tempfile.TemporaryDirectory() as var:
        django_setup(var)
        results["practice_step_sqlite"] = through_services()
        print(f"practice step (service + SQLite): {results['practice_step_sqlite']}", flush=True)
        server, base, model = serve_model(var)
        try:
            results["http_recommend"] = over_http(
                base, model, args.learners, args.seconds, args.think
            )
            print(f"POST /recommend: {results['http_recommend']}", flush=True)
            results["http_recommend_saturated"] = over_http(
                base, model, args.learners, min(args.seconds, 15), 0.0
            )
            print(f"POST /recommend, no think time: {results['http_recommend_saturated']}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
