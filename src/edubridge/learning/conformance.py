"""The conformance kit of the model interface: checks any implementation over HTTP and says
which requirements of docs/specs/model-interface.md it meets.

Each check has the requirement's id; a check that cannot reach the model fails with the
reason. Nothing here trusts the model: answers are read with size and time limits.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

INTERFACE_VERSION = "1.0"
MAX_BYTES = 5_000_000
LATENCY_P95_MS = 500
CARD_FIELDS = (
    "name",
    "version",
    "interface_version",
    "intended_use",
    "languages",
    "training_data",
    "metrics",
    "limitations",
    "skills",
)


@dataclass
class Check:
    id: str
    requirement: str
    passed: bool
    detail: str = ""


@dataclass
class Report:
    url: str
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "passed": self.passed, "checks": [asdict(c) for c in self.checks]}


class Failure(Exception):
    pass


@dataclass
class Reply:
    status: int
    content_type: str
    body: Any
    ms: float


class Client:
    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def call(self, method: str, path: str, payload: Any = None) -> Reply:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 (the kit's caller chose the URL)
            f"{self.base_url}/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, headers, raw = (
                    response.status,
                    response.headers,
                    response.read(MAX_BYTES + 1),
                )
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read(MAX_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise Failure(
                f"{method} {path}: no answer ({getattr(error, 'reason', error)})"
            ) from error
        ms = (time.perf_counter() - started) * 1000
        if len(raw) > MAX_BYTES:
            raise Failure(f"{method} {path}: the answer is larger than {MAX_BYTES // 1_000_000} MB")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        return Reply(status, headers.get("Content-Type", ""), body, ms)


def _probability(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def run(base_url: str, *, timeout: float = 10.0) -> Report:
    """Every check against the model at ``base_url`` (the path holding /health, /predict…)."""
    client = Client(base_url, timeout)
    report = Report(base_url)
    context: dict[str, Any] = {}

    def check(id_: str, requirement: str, test: Callable[[], str | None]) -> None:
        try:
            problem = test()
        except Failure as failure:
            problem = str(failure)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            problem = f"unexpected answer ({type(error).__name__}: {error})"
        report.checks.append(Check(id_, requirement, problem is None, problem or ""))

    def health() -> str | None:
        reply = client.call("GET", "health")
        if reply.status != 200 or not isinstance(reply.body, dict):
            return f"GET /health answered {reply.status}, not 200 with a JSON object"
        return None if reply.body.get("status") == "ok" else "GET /health: status is not 'ok'"

    def card() -> str | None:
        reply = client.call("GET", "model-card")
        if reply.status != 200 or not isinstance(reply.body, dict):
            return f"GET /model-card answered {reply.status}, not 200 with a JSON object"
        missing = [f for f in CARD_FIELDS if f not in reply.body]
        if missing:
            return f"the model card lacks {', '.join(missing)}"
        if reply.body["interface_version"] != INTERFACE_VERSION:
            found = reply.body["interface_version"]
            return f"interface_version is {found!r}, not {INTERFACE_VERSION!r}"
        skills = reply.body["skills"]
        if (
            not isinstance(skills, list)
            or not skills
            or not all(isinstance(s, str) for s in skills)
        ):
            return "skills must be a non-empty list of skill identifiers"
        if "overall" not in reply.body["metrics"]:
            return "metrics must have an 'overall' entry"
        context["skills"] = skills
        return None

    def skills() -> list[str]:
        if "skills" not in context:
            raise Failure("needs the skills of a valid model card")
        return list(context["skills"])[:3]

    def items() -> list[dict[str, Any]]:
        return [{"item": f"kit-item-{n}", "skills": [s]} for n, s in enumerate(skills())]

    def predict_request(history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {"learner": {"history": history or []}, "items": items()}

    def predict() -> str | None:
        reply = client.call("POST", "predict", predict_request())
        if reply.status != 200:
            return f"POST /predict answered {reply.status}"
        answers = reply.body["predictions"]
        if [a["item"] for a in answers] != [i["item"] for i in items()]:
            return "predictions do not echo the items in the order given"
        bad = [a["probability"] for a in answers if not _probability(a["probability"])]
        return f"probabilities out of [0, 1]: {bad[:3]}" if bad else None

    def deterministic() -> str | None:
        history = [{"skill": skills()[0], "correct": 1}]
        first = client.call("POST", "predict", predict_request(history)).body
        second = client.call("POST", "predict", predict_request(history)).body
        return None if first == second else "the same request gave different predictions"

    def mastery_after(answers: list[int]) -> float:
        skill = skills()[0]
        reply = client.call(
            "POST",
            "observe",
            {
                "learner": {"history": []},
                "responses": [{"skill": skill, "correct": c} for c in answers],
            },
        )
        if reply.status != 200:
            raise Failure(f"POST /observe answered {reply.status}")
        value = reply.body["mastery"][skill]
        if not _probability(value):
            raise Failure(f"mastery {value!r} is not in [0, 1]")
        return float(value)

    def observe() -> str | None:
        before, right, wrong = mastery_after([]), mastery_after([1, 1]), mastery_after([0, 0])
        if right < before:
            return f"two right answers lowered mastery ({before:.3f} -> {right:.3f})"
        if wrong > right:
            return "two wrong answers left more mastery than two right ones"
        return None

    def recommend() -> str | None:
        candidates = items()
        reply = client.call(
            "POST",
            "recommend",
            {"learner": {"history": []}, "candidates": candidates, "objective": {"target": 0.7}},
        )
        if reply.status != 200:
            return f"POST /recommend answered {reply.status}"
        ranked = reply.body["recommendations"]
        names = [r["item"] for r in ranked]
        if len(set(names)) != len(names) or not set(names) <= {c["item"] for c in candidates}:
            return "recommendations must be candidates, each at most once"
        if not ranked or not all(isinstance(r.get("reason"), str) and r["reason"] for r in ranked):
            return "every recommendation needs a reason"
        return None

    def problem(payload: dict[str, Any], needle: str) -> str | None:
        reply = client.call("POST", "predict", payload)
        if not 400 <= reply.status < 500:
            return f"answered {reply.status}, not a 4xx"
        if not reply.content_type.startswith("application/problem+json"):
            return (
                f"answered {reply.content_type or 'no content type'}, not application/problem+json"
            )
        text = json.dumps(reply.body)
        return None if needle in text else f"the problem does not name {needle!r}"

    def bad_answer() -> str | None:
        return problem(predict_request([{"skill": skills()[0], "correct": 2}]), "correct")

    def unknown_skill() -> str | None:
        request = predict_request()
        request["items"] = [{"item": "x", "skills": ["no-such-skill-kit"]}]
        return problem(request, "no-such-skill-kit")

    def latency() -> str | None:
        timings = [client.call("POST", "predict", predict_request()).ms for _ in range(20)]
        p95 = sorted(timings)[18]
        detail = f"p95 {p95:.0f} ms, median {statistics.median(timings):.0f} ms"
        return None if p95 <= LATENCY_P95_MS else f"{detail}: over {LATENCY_P95_MS} ms"

    check("MI-1", "GET /health answers 200 with status 'ok'", health)
    check("MI-2", "GET /model-card has every required field and interface version 1.0", card)
    check("MI-3", "POST /predict gives a probability in [0, 1] for each item, in order", predict)
    check("MI-4", "the same request gives the same predictions", deterministic)
    check("MI-5", "POST /observe gives mastery in [0, 1]; right answers do not lower it", observe)
    check("MI-6", "POST /recommend ranks candidates, each with a reason", recommend)
    check("MI-7", "an answer that is not 0 or 1 gets a 4xx problem naming 'correct'", bad_answer)
    check("MI-8", "an unknown skill gets a 4xx problem naming the skill", unknown_skill)
    check("MI-9", f"POST /predict p95 latency within {LATENCY_P95_MS} ms over 20 calls", latency)
    return report
