import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

import edubridge.standards
from edubridge.standards.case import validate
from edubridge.standards.models import Framework

pytestmark = pytest.mark.django_db
DEMO = Path(edubridge.standards.__file__).resolve().parent / "demo"
KENYA = DEMO / "ke-ai-literacy.json"
INDONESIA = DEMO / "id-ai-informatics.json"
GOLD = DEMO / "ke-id-gold.csv"


@pytest.fixture
def server():
    """A real HTTP server on loopback serving the Kenyan package, a redirect and a slow drip."""
    body = KENYA.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/case.json":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/slow":
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"CFDocument": ')
                self.wfile.flush()
                time.sleep(3)
            elif self.path == "/to-ftp":
                self.send_response(302)
                self.send_header("Location", "ftp://127.0.0.1/case.json")
                self.end_headers()
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_import_a_file_then_export_valid_case_1_1(tmp_path, capsys, org_b):
    call_command("case", "import", str(KENYA), "--org", "org-b", "--country", "ke")
    out = capsys.readouterr().out
    assert "imported 'Kenya Junior School AI Literacy (demo)': 21 items added" in out
    framework = Framework.objects.get()
    assert framework.organisation == org_b and framework.country_id == "KE"
    target = tmp_path / "out.json"
    call_command("case", "export", framework.identifier, "-o", str(target))
    assert validate(json.loads(target.read_text())) == []


def test_import_over_http(server, capsys):
    call_command("case", "import", f"{server}/case.json")
    assert Framework.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [("/missing", "answered 404"), ("/to-ftp", r"not http\(s\)")],
)
def test_bad_urls_fail_clearly(server, path, message):
    with pytest.raises(CommandError, match=message):
        call_command("case", "import", f"{server}{path}")
    assert not Framework.objects.exists()


@override_settings(CASE_URL_TIMEOUT=1)
def test_a_url_that_answers_too_slowly_is_given_up(server):
    with pytest.raises(CommandError, match=r"timed out|within 1 s"):
        call_command("case", "import", f"{server}/slow")
    assert not Framework.objects.exists()


def test_only_http_urls_and_small_enough_files_are_read(tmp_path):
    with pytest.raises(CommandError, match="not an http"):
        call_command("case", "import", "ftp://example.org/case.json")
    with override_settings(CASE_MAX_BYTES=1000), pytest.raises(CommandError, match="accepts 0 MB"):
        call_command("case", "import", str(KENYA))
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"CFDocument": {"identifier": "a", "title": "t"}, "CFItems": [{"identifier": "b"}]}'
    )
    with pytest.raises(CommandError, match=r"\$\.CFItems\[0\]\.fullStatement: required"):
        call_command("case", "import", str(broken))
    assert not Framework.objects.exists()


def test_unknown_organisation_and_framework_are_named(tmp_path):
    with pytest.raises(CommandError, match="no organisation 'nobody'"):
        call_command("case", "import", str(KENYA), "--org", "nobody")
    with pytest.raises(CommandError, match="no framework with identifier 'nope'"):
        call_command("case", "export", "nope", "-o", str(tmp_path / "never.json"))


def align_eval(capsys, *extra: str) -> str:
    call_command(
        "align",
        "eval",
        "--source",
        str(KENYA),
        "--target",
        str(INDONESIA),
        "--gold",
        str(GOLD),
        *extra,
    )
    return capsys.readouterr().out


def test_align_eval_reports_quality_and_time(capsys):
    result = json.loads(align_eval(capsys, "--json"))
    assert result["sources"] == 16
    assert result["p_at_1"] >= 0.75 and result["r_at_5"] >= 0.9 and result["mrr"] >= 0.8
    assert result["seconds"] < 30
    table = align_eval(capsys)
    assert "P@1" in table and "MRR" in table


def test_combined_features_beat_each_group_alone(capsys):
    def mrr(features):
        return json.loads(align_eval(capsys, "--features", features, "--json"))["mrr"]

    combined = mrr("word,char,context,code,level")
    assert all(combined >= mrr(group) for group in ("word", "char", "context", "code", "level"))


def test_align_eval_names_a_bad_gold_line(tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text("source_identifier,target_identifier\nabc\n")
    with pytest.raises(CommandError, match="line 2: give a source and a target"):
        call_command(
            "align", "eval", "--source", str(KENYA), "--target", str(INDONESIA), "--gold", str(gold)
        )
    gold.write_text("source_identifier,target_identifier\nnot-in-source,x\n")
    with pytest.raises(CommandError, match="source not-in-source is not in"):
        call_command(
            "align", "eval", "--source", str(KENYA), "--target", str(INDONESIA), "--gold", str(gold)
        )
