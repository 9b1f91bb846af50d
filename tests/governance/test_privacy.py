"""Privacy providers: every app with personal fields has one; a person is exported with each
field's classification, and erased with nothing that names them left."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from edubridge.core.models import AuditEntry, Membership, Role
from edubridge.core.policy import SYSTEM
from edubridge.governance import personal_data
from edubridge.governance.registry import Level, inventory
from edubridge.learning.models import Answer, Learner
from edubridge.records.models import Reference, Statement
from edubridge.training.models import Credential, Evidence

PERSONAL = (Level.PERSONAL, Level.SENSITIVE)


def test_every_model_with_personal_fields_has_a_privacy_provider(monkeypatch):
    assert personal_data.uncovered() == []
    without_training = [p for p in personal_data._providers if p.app != "training"]
    monkeypatch.setattr(personal_data, "_providers", without_training)
    assert "training.Evidence" in personal_data.uncovered()


def naming(identifiers: list[str]) -> list[str]:
    """Every personal field, in every row of the database, that holds one of the texts."""
    hits = []
    for row in inventory():
        if row.level not in PERSONAL:
            continue
        model = apps.get_model(row.model)
        if model._meta.get_field(row.field).is_relation:
            continue
        for pk, value in model.objects.values_list("pk", row.field).iterator():
            if isinstance(value, bytes | memoryview):
                value = bytes(value).decode("utf-8", errors="replace")
            text = value if isinstance(value, str) else json.dumps(value, default=str)
            if any(i.casefold() in text.casefold() for i in identifiers):
                hits.append(f"{row.model}.{row.field} #{pk}")
    return hits


@pytest.fixture
def demo(db):
    call_command("demo", "--no-serve")


def who(username: str) -> tuple[User, list[str]]:
    user = User.objects.get(username=username)
    return user, [user.username, user.email, user.get_full_name()] if user.email else [
        user.username,
        user.get_full_name(),
    ]


@pytest.mark.parametrize("username", ["achieng.wekesa", "neema.wanjiku", "li.wei"])
def test_a_demo_user_is_erased_with_nothing_personal_left(demo, username):
    user, identifiers = who(username)
    assert naming(identifiers), "the demo should name this person somewhere first"
    statements = Statement.objects.count()
    answers = Answer.objects.count()
    out = StringIO()
    call_command("privacy", "erase", username, "--yes", stdout=out)
    assert naming(identifiers) == []
    assert not Learner.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.username.startswith("erased-") and not user.is_active
    assert not user.has_usable_password() and user.get_full_name() == ""
    assert not Membership.objects.filter(user=user).exists()
    assert not Learner.objects.filter(user=user).exists()
    # Records others count on stay, under a pseudonym no one can link back.
    assert Statement.objects.count() == statements and Answer.objects.count() == answers
    erased = AuditEntry.objects.get(action="privacy.erase")
    assert erased.summary.startswith(user.username)
    assert not any(i in erased.summary for i in identifiers)
    assert f"the account is now {user.username}" in out.getvalue()


def test_an_erased_seed_teacher_leaves_her_cohort_and_credential(demo):
    user, _ = who("achieng.wekesa")
    mine = Credential.objects.get(enrolment__participant=user)
    participants = Evidence.objects.exclude(enrolment__participant=user).count()
    agent = f"account:http://127.0.0.1:8000|{user.username}"
    assert Reference.objects.filter(value=agent).exists()
    call_command("privacy", "erase", "achieng.wekesa", "--yes", stdout=StringIO())
    mine.refresh_from_db()
    assert mine.revoked_at is not None and "erased" in mine.revocation_reason
    assert not Evidence.objects.filter(enrolment__participant=user).exclude(text="").exists()
    assert Evidence.objects.exclude(enrolment__participant=user).count() == participants
    assert not Reference.objects.filter(value=agent).exists()
    assert Reference.objects.filter(value__contains="/erased|erased-").exists()


def test_a_person_is_exported_with_the_class_of_each_field(demo, tmp_path):
    target = tmp_path / "achieng.json"
    call_command("privacy", "export", "achieng.wekesa", "-o", str(target), stdout=StringIO())
    archive = json.loads(target.read_text())
    assert archive["format"] == "edubridge-privacy-export/1"
    assert archive["person"]["username"] == "achieng.wekesa"
    assert {"core", "training", "records"} <= set(archive["apps"])
    account = archive["apps"]["core"]["auth.User"]
    assert account["rows"][0]["email"] == User.objects.get(username="achieng.wekesa").email
    assert "password" not in account["rows"][0] and "auth.User.password" in archive["withheld"]
    assert account["fields"]["email"]["level"] == "personal"
    assert account["fields"]["email"]["purpose"]
    statements = archive["apps"]["records"]["records.Statement"]["rows"]
    assert statements and all("achieng.wekesa" in json.dumps(s["data"]) for s in statements)
    assert archive["apps"]["training"]["training.Credential"]["rows"][0]["jwt"].count(".") == 2
    assert AuditEntry.objects.filter(action="privacy.export").count() == 1


def test_erasure_is_all_or_nothing(demo, monkeypatch):
    class Broken(personal_data.Provider):
        app = "zzz"

        def erase(self, person):
            raise RuntimeError("disk full")

    monkeypatch.setattr(personal_data, "_providers", [*personal_data._providers, Broken()])
    user, _ = who("neema.wanjiku")
    assert Learner.objects.filter(user=user).exists()
    with pytest.raises(RuntimeError):
        personal_data.erase(SYSTEM, user)
    assert Learner.objects.filter(user=user).exists()
    assert User.objects.get(pk=user.pk).username == "neema.wanjiku"


def test_erasure_asks_to_be_confirmed_and_names_the_user(demo):
    with pytest.raises(CommandError, match="add --yes"):
        call_command("privacy", "erase", "neema.wanjiku")
    assert User.objects.filter(username="neema.wanjiku").exists()
    with pytest.raises(CommandError, match="user: no account 'nobody'"):
        call_command("privacy", "erase", "nobody", "--yes")
    with pytest.raises(CommandError, match="operator"):
        call_command("privacy", "erase", "operator", "--yes")


def test_erasure_finds_a_person_in_teams_in_any_case_and_in_old_audit_entries(org_b, member):
    from edubridge.core import audit
    from edubridge.records import services as records

    neema = member(org_b, Role.LEARNER, username="neema", first_name="Neema", last_name="Wanjiku")
    audit.record(
        SYSTEM,
        "user.change",
        neema,
        organisation=None,
        changes={"first_name": [None, "Neema"], "email": ["n.old@example.org", neema.email]},
    )
    tool = records.create_client(SYSTEM, org_b, name="t", key="tool", secret="tool-secret")
    team = {"objectType": "Group", "member": [{"mbox": "mailto:NEEMA@Example.ORG", "name": "N W"}]}
    records.store(
        tool,
        [
            {
                "actor": {"mbox": "mailto:teacher@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
                "object": {"id": "http://example.org/workshop"},
                "context": {"team": team},
            }
        ],
        "1.0.3",
    )
    personal_data.erase(SYSTEM, neema)
    statement = json.dumps(Statement.objects.get().data).lower()
    assert "neema@example.org" not in statement and "n w" not in statement
    assert naming(["n.old@example.org", "Wanjiku", "neema@example.org"]) == []


def test_names_in_any_script_are_found_whole():
    from edubridge.governance.personal_data import _replace_folded

    assert _replace_folded("Wei's weight; WEI.", "Wei", "X") == "X's weight; X."
    assert _replace_folded("李伟老师说", "李伟", "X") == "X老师说"
    person = personal_data.Person(User(username="a"), "x", ("أمينة حسن",), frozenset())
    assert person.named_in({"translators": ["أمينة حسن"]})
