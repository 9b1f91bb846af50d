"""Machine translation backends: none unless configured; a LibreTranslate-compatible one
talks to the server it is given (here one of the test's own, on loopback)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from edubridge.localization import memory, mt


class FakeLibreTranslate(BaseHTTPRequestHandler):
    asked: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLibreTranslate.asked.append(body)
        answer = json.dumps({"translatedText": f"[{body['target']}] {body['q']}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), FakeLibreTranslate)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_no_backend_is_on_by_default(org_b):
    assert mt.backends() == []
    assert mt.suggest("Hello", "en", "sw-KE", org_b) == []


def test_libretranslate_backend_posts_and_reads_the_translation(server, org_b, settings):
    settings.EDUBRIDGE_MT_BACKENDS = [
        ("edubridge.localization.mt.LibreTranslate", {"url": server, "api_key": "k"})
    ]
    found = mt.suggest("Use <b>data</b>", "en", "sw-KE", org_b)
    assert [(s.text, s.backend) for s in found] == [("[sw] Use <b>data</b>", "LibreTranslate")]
    assert FakeLibreTranslate.asked[-1] == {
        "q": "Use <b>data</b>",
        "source": "en",
        "target": "sw",
        "format": "html",
        "api_key": "k",
    }


def test_an_unreachable_server_gives_no_suggestion(org_b):
    backend = mt.LibreTranslate("http://127.0.0.1:9", timeout=1)
    assert backend.translate("Hello", "en", "sw", org_b) == []


def test_the_memory_backend_offers_earlier_translations(org_b, settings):
    memory.remember(org_b, "en", "sw-KE", [("Hello class", "Habari darasa")], "t")
    settings.EDUBRIDGE_MT_BACKENDS = ["edubridge.localization.mt.MemoryBackend"]
    assert [(s.text, s.score) for s in mt.suggest("Hello class", "en", "sw-KE", org_b)] == [
        ("Habari darasa", 100)
    ]


def test_the_editor_asks_machine_translation_for_one_unit(server, project, people, settings):
    from tests.conftest import client_for
    from tests.localization.conftest import translating

    project = translating(project, people)
    client = client_for(people["translator_b"])
    editor = client.get(f"/l10n/projects/{project.identifier}/translate/").content.decode()
    assert "Ask machine translation" not in editor
    settings.EDUBRIDGE_MT_BACKENDS = [("edubridge.localization.mt.LibreTranslate", {"url": server})]
    editor = client.get(f"/l10n/projects/{project.identifier}/translate/").content.decode()
    assert "Ask machine translation" in editor
    unit = project.units.get(key="title")
    answer = client.get(f"/l10n/projects/{project.identifier}/units/{unit.pk}/machine/")
    assert 'data-origin="machine"' in answer.content.decode()
    assert "[sw] Sorting farm animals" in answer.content.decode()
