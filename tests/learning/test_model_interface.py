"""The model interface: our engine serves it and passes the conformance kit; a faulty model
fails it; external models are registered only when they pass."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from edubridge.core.models import Role
from edubridge.kt import BKT, simulate
from edubridge.learning import conformance, services
from edubridge.learning.models import AdaptiveModel
from tests.conftest import client_for

CARD = {
    "intended_use": "Practice of AI literacy in lower secondary school",
    "languages": ["en", "sw"],
    "training_data": {"jurisdictions": ["KE"]},
    "metrics": {"overall": {"auc": 0.81}},
    "limitations": ["Synthetic training data"],
}


@pytest.fixture
def curator_a(org_a, member):
    return member(org_a, Role.CURATOR, username="a.curator")


@pytest.fixture
def served(org_a, curator_a):
    data, _ = simulate.bkt(300, 3, 10, random_state=1)
    fitted = BKT(random_state=0).fit(data)
    return services.serve(curator_a, org_a, "AI literacy BKT", fitted, card=CARD)


class Faulty(BaseHTTPRequestHandler):
    """A model that answers the interface's paths, and gets several things wrong."""

    def _send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.endswith("/health"):
            self._send(200, {"status": "ok"})
        else:
            self._send(
                200,
                {
                    **CARD,
                    "name": "faulty",
                    "version": "0",
                    "interface_version": "1.0",
                    "skills": ["s0", "s1"],
                },
            )

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.endswith("/predict"):
            history = body["learner"]["history"]
            if any(a["correct"] not in (0, 1) for a in history):
                self._send(500, "Internal Server Error", "text/plain")
            else:
                self._send(
                    200,
                    {
                        "predictions": [
                            {"item": i["item"], "probability": 1.5} for i in body["items"]
                        ]
                    },
                )
        elif self.path.endswith("/observe"):
            right = sum(a["correct"] for a in body["responses"])
            self._send(200, {"mastery": {"s0": 0.5 - 0.1 * right}})
        else:
            self._send(200, {"recommendations": [{"item": c["item"]} for c in body["candidates"]]})

    def log_message(self, *args):
        pass


@pytest.fixture
def faulty_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/model"
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_our_engine_passes_the_conformance_kit(live_server, served):
    url = f"{live_server.url}/api/v1/models/{served.identifier}"
    report = conformance.run(url)
    assert report.passed, [c for c in report.checks if not c.passed]
    assert [c.id for c in report.checks] == [f"MI-{n}" for n in range(1, 10)]


@pytest.mark.django_db
def test_a_faulty_model_fails_the_kit_on_what_it_gets_wrong(faulty_url, capsys):
    report = conformance.run(faulty_url)
    failed = {c.id for c in report.checks if not c.passed}
    assert failed == {"MI-3", "MI-5", "MI-6", "MI-7", "MI-8"}
    with pytest.raises(CommandError, match="does not conform"):
        call_command("model", "conformance", faulty_url)
    assert "FAIL  MI-3" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_an_external_model_is_registered_only_when_it_passes(
    live_server, served, faulty_url, operator, org_a
):
    operator_client = client_for(operator)
    refused = operator_client.post(
        "/api/v1/models",
        {"organisation": org_a.slug, "name": "Faulty", "url": faulty_url},
        "application/json",
    )
    assert refused.status_code == 422 and not refused.json()["passed"]
    good = f"{live_server.url}/api/v1/models/{served.identifier}"
    made = operator_client.post(
        "/api/v1/models",
        {"organisation": org_a.slug, "name": "Mirror", "url": good},
        "application/json",
    )
    assert made.status_code == 201, made.json()
    assert AdaptiveModel.objects.filter(kind="external").count() == 1


@pytest.mark.django_db
def test_members_may_not_point_the_kit_at_private_addresses(curator_a, org_a):
    response = client_for(curator_a).post(
        "/api/v1/models",
        {"organisation": org_a.slug, "name": "Local", "url": "http://127.0.0.1:9/model"},
        "application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "url"


@pytest.mark.django_db
def test_recommendations_say_why(client, served):
    base = f"/api/v1/models/{served.identifier}"
    history = [{"skill": "s0", "correct": 1}] * 8
    answer = client.post(
        f"{base}/recommend",
        {
            "learner": {"history": history},
            "candidates": [
                {"item": "mastered-one", "skills": ["s0"]},
                {"item": "next-one", "skills": ["s1"]},
                {"item": "blocked", "skills": ["s2"]},
            ],
            "prerequisites": {"s2": ["s1"]},
        },
        "application/json",
    )
    ranked = answer.json()["recommendations"]
    assert [r["item"] for r in ranked] == ["next-one", "mastered-one", "blocked"]
    assert ranked[0]["reason"].startswith("practising s1: mastery")
    assert "prerequisites of s2" in ranked[2]["reason"]


@pytest.mark.django_db
def test_bad_requests_name_the_field(client, served):
    base = f"/api/v1/models/{served.identifier}"
    unknown = client.post(
        f"{base}/predict",
        {"learner": {"history": []}, "items": [{"item": "x", "skills": ["astronomy"]}]},
        "application/json",
    )
    assert unknown.status_code == 400 and "astronomy" in unknown.json()["detail"]
    assert client.get("/api/v1/models/not-a-model/health").status_code == 404


def test_the_published_openapi_document_is_what_the_node_serves():
    from edubridge.learning import spec

    published = json.loads(spec.FILE.read_text())
    assert published == spec.document(), (
        "docs/specs/model-interface.openapi.json is out of date: write it anew with "
        'edubridge shell -c "from edubridge.learning.spec import write; write()"'
    )
