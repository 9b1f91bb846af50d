import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from edubridge.catalog import search
from edubridge.catalog.models import Release, Resource
from edubridge.core import demo
from edubridge.core.models import AuditEntry, Membership, Organisation, Role
from edubridge.learning import classroom
from edubridge.learning.models import ItemBank
from edubridge.standards.models import Crosswalk, Framework
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db


def test_org_create_list_and_add_member(capsys, django_user_model):
    call_command(
        "org",
        "create",
        "--slug",
        "sn-edu",
        "--name",
        "Dakar Digital School",
        "--kind",
        "school_network",
        "--country",
        "SN",
        "--language",
        "fr",
        "--language",
        "wo",
    )
    assert "created sn-edu" in capsys.readouterr().out
    django_user_model.objects.create_user("awa")
    call_command("org", "add-member", "sn-edu", "awa", "--role", "admin", "--role", "trainer")
    assert Membership.objects.get(user__username="awa").roles == ["admin", "trainer"]
    assert "awa is now admin, trainer of sn-edu" in capsys.readouterr().out
    call_command("org", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {
            "slug": "sn-edu",
            "name": "Dakar Digital School",
            "kind": "school_network",
            "country": "SN",
            "languages": ["fr", "wo"],
            "is_active": True,
        }
    ]
    assert AuditEntry.objects.filter(actor_label="system").count() == 2


def test_org_create_names_the_bad_field_and_creates_nothing():
    with pytest.raises(CommandError, match="country"):
        call_command(
            "org", "create", "--slug", "x", "--name", "X", "--kind", "ngo", "--country", "QQ"
        )
    with pytest.raises(CommandError, match="unknown language tag"):
        call_command(
            "org",
            "create",
            "--slug",
            "x",
            "--name",
            "X",
            "--kind",
            "ngo",
            "--country",
            "KE",
            "--language",
            "zz-nope",
        )
    assert not Organisation.objects.exists()


def test_add_member_to_an_unknown_organisation_or_user_fails_clearly(org_a):
    with pytest.raises(CommandError, match="no organisation 'nowhere'"):
        call_command("org", "add-member", "nowhere", "someone", "--role", "teacher")
    with pytest.raises(CommandError, match="no active user 'ghost'"):
        call_command("org", "add-member", "org-a", "ghost", "--role", "teacher")


def test_demo_data_loads_once_with_a_user_for_every_role(capsys):
    call_command("demo", "--no-serve")
    first = (Organisation.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    call_command("demo", "--no-serve")
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    ) == first
    assert first[0] >= 3 and len({o.country_id for o in Organisation.objects.all()}) >= 3
    held = {role for m in Membership.objects.all() for role in m.roles}
    assert held == set(Role.values)
    assert Framework.objects.filter(builtin=True).count() == 2
    crosswalk = Crosswalk.objects.get(organisation__slug="rift-valley-tc")
    assert (
        crosswalk.organisation.slug == "rift-valley-tc" and crosswalk.partner.slug == "nusantara-dl"
    )
    assert crosswalk.links.filter(status="accepted").count() == 5
    assert (
        Resource.objects.count() == 5  # four resources and the practice item bank
        and Release.objects.get().parties.filter(approved_at__isnull=True).count() == 1
    )
    assert search.search("机器学习").total == 2
    bank = ItemBank.objects.get()
    assert bank.items.count() == 15 and bank.answers.count() > 50
    teacher = User.objects.get(username="achieng.wekesa")
    skills, rows = classroom.heatmap(teacher, bank)
    assert len(skills) == 5 and len(rows) == 5 and classroom.stuck(teacher, bank)
    out = capsys.readouterr().out
    assert demo.PASSWORD in out and "li.wei" in out


def test_console_script_runs_our_commands_and_djangos(tmp_path):
    migrated = run_cli("migrate", "-v", "0", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "edubridge.sqlite3").exists()
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) >= 50
    create = ("org", "create", "--slug", "k", "--name", "K", "--kind", "ngo", "--country", "KE")
    created = run_cli(*create, var_dir=tmp_path)
    assert created.returncode == 0, created.stderr
    refused = run_cli(*create, var_dir=tmp_path)
    assert refused.returncode != 0 and "exists" in refused.stderr
    assert (tmp_path / "secret_key").read_text() == secret  # generated once per installation
    assert run_cli("check", var_dir=tmp_path).returncode == 0
