"""``edubridge l10n``: list, export, import (all or nothing, non-zero exit), rule packs."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import run_cli
from tests.localization.conftest import translating

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "l10n"


def l10n(*args):
    out = StringIO()
    call_command("l10n", *args, stdout=out)
    return out.getvalue()


def test_list_export_and_import(project, people, tmp_path):
    project = translating(project, people)
    rows = json.loads(l10n("list", "--json"))
    assert rows[0]["identifier"] == str(project.identifier) and rows[0]["stage"] == "translate"
    assert str(project.identifier) in l10n("list")
    short = str(project.identifier)[:8]
    out = tmp_path / "units.po"
    assert "13 units written" in l10n("export", short, "--format", "po", "-o", str(out))
    assert 'msgctxt "title"' in out.read_text()
    assert "5 updated" in l10n("import", short, str(FIXTURES / "cat-tool.xlf"))
    assert project.units.get(key="title").target == "Kupanga wanyama wa shambani"


def test_a_refused_import_exits_non_zero_and_applies_nothing(project, people, tmp_path):
    project = translating(project, people)
    data = (FIXTURES / "cat-tool.xlf").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.xlf"
    bad.write_text(data.replace('Kusanya picha <x:ph id="1" dataRef="d1"/>.', "Kusanya picha."))
    with pytest.raises(CommandError, match=r"unit 'u8'.*missing \{count\}"):
        l10n("import", str(project.identifier), str(bad))
    assert not project.units.exclude(target="").exists()
    with pytest.raises(CommandError, match="no single project"):
        l10n("import", "00000000", str(bad))


def test_the_console_script_on_a_fresh_node(tmp_path):
    assert run_cli("migrate", "-v0", var_dir=tmp_path).returncode == 0
    listed = run_cli("l10n", "list", "--json", var_dir=tmp_path)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    rules = run_cli("l10n", "rules", var_dir=tmp_path)
    assert rules.returncode == 0, rules.stderr
    assert "KE: loaded" in rules.stdout and "CN: loaded" in rules.stdout
    again = run_cli("l10n", "rules", var_dir=tmp_path)
    assert "KE: up to date" in again.stdout
    missing = run_cli("l10n", "import", "12345678", str(tmp_path / "none.xlf"), var_dir=tmp_path)
    assert missing.returncode != 0 and "no single project" in missing.stderr
