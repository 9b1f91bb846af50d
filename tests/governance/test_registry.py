import json

import pytest
from django.core.management import CommandError, call_command

from edubridge.governance import registry
from edubridge.governance.registry import (
    Category,
    ClassificationError,
    FieldClass,
    Level,
    classify,
    inventory,
    personal,
    problems,
    sensitive,
)
from tests.conftest import run_cli


def test_every_stored_field_of_every_installed_model_is_classified():
    assert problems() == []


def test_data_map_check_names_an_unclassified_field(monkeypatch):
    declarations = dict(registry._declarations)
    organisation = declarations["core.organisation"]
    fields = {k: v for k, v in organisation.fields.items() if k != "contact_email"}
    declarations["core.organisation"] = registry.Declaration(
        organisation.model, organisation.retention, fields
    )
    monkeypatch.setattr(registry, "_declarations", declarations)

    with pytest.raises(CommandError, match=r"core\.Organisation\.contact_email is not classified"):
        call_command("data_map", "--check")


def test_a_declared_field_that_does_not_exist_is_reported(monkeypatch):
    declarations = dict(registry._declarations)
    del declarations["core.country"]
    monkeypatch.setattr(registry, "_declarations", declarations)
    classify("core.Country", retention="x", code=personal("p"), flag=personal("gone"))
    assert "core.Country.flag is classified but does not exist" in problems()


def test_classifying_a_model_twice_is_refused():
    with pytest.raises(ClassificationError, match="twice"):
        classify("core.Organisation", retention="x")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: FieldClass(Level.PERSONAL, "p", frozenset({Category.HEALTH})),
            "special categories",
        ),
        (lambda: FieldClass(Level.SENSITIVE, "p"), "names its special categories"),
        (lambda: FieldClass(Level.PUBLIC, "  "), "purpose"),
    ],
)
def test_inconsistent_classifications_are_refused(make, message):
    with pytest.raises(ClassificationError, match=message):
        make()


def test_sensitive_fields_carry_their_categories():
    fc = sensitive("Reasonable adjustments in class", Category.DISABILITY, Category.MINORS)
    assert fc.level is Level.SENSITIVE
    assert fc.categories == {Category.DISABILITY, Category.MINORS}


def test_inventory_gives_field_level_purpose_and_retention():
    rows = {(r.model, r.field): r for r in inventory()}
    email = rows[("auth.User", "email")]
    assert email.level is Level.PERSONAL
    assert email.purpose
    assert "erased on request" in email.retention
    assert rows[("core.ApiToken", "digest")].level is Level.INTERNAL
    assert ("auth.User", "groups") in rows  # many-to-many fields are stored data too


@pytest.mark.django_db
def test_data_map_formats(capsys):
    call_command("data_map", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert {"model": "core.Membership", "field": "roles"}.items() <= next(
        r for r in rows if r["model"] == "core.Membership" and r["field"] == "roles"
    ).items()
    call_command("data_map", "--format", "md")
    markdown = capsys.readouterr().out
    assert markdown.startswith("| model | field | level |")
    assert "| core.Membership | roles | personal |" in markdown
    call_command("data_map")
    assert "core.Membership" in capsys.readouterr().out


def test_console_command_data_map_check_exits_zero(tmp_path):
    done = run_cli("data-map", "--check", var_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "data map complete" in done.stdout
