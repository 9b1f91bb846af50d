"""The training pages, the public key and status endpoints, and the verification API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edubridge.core.models import Role
from edubridge.training import credentials, jose, keys, statuslist
from edubridge.training.models import Credential, Evidence, Track
from tests.conftest import client_for
from tests.training.conftest import at_home, complete, upcoming


@pytest.fixture
def issued(cohort, seed, trainer_a):
    return Credential.objects.get(enrolment=complete(cohort, seed, trainer_a, track=Track.TRAINER))


@pytest.mark.django_db
def test_the_verification_api_names_the_failed_check(client, issued):
    ok = client.post(
        "/api/v1/credentials/verify", {"credential": issued.jwt}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["verified"] is True
    assert [c["check"] for c in ok.json()["checks"]][-1] == "status"
    head, body, signature = issued.jwt.split(".")
    claims = json.loads(jose.b64decode(body))
    claims["credentialSubject"]["achievement"]["name"] = "Something else"
    forged = f"{head}.{jose.b64encode(json.dumps(claims).encode())}.{signature}"
    bad = client.post(
        "/api/v1/credentials/verify", {"credential": forged}, content_type="application/json"
    )
    assert bad.json()["verified"] is False and bad.json()["failed"] == "signature"
    empty = client.post(
        "/api/v1/credentials/verify", {"credential": ""}, content_type="application/json"
    )
    assert empty.status_code in (400, 422) and "credential" in empty.content.decode()


@pytest.mark.django_db
def test_keys_did_and_status_list_are_published(client, issued, org_a, admin_a):
    published = client.get("/.well-known/jwks.json").json()["keys"]
    kid = json.loads(jose.b64decode(issued.jwt.split(".")[0]))["kid"]
    assert kid in {k["kid"] for k in published} and all("d" not in k for k in published)
    document = client.get(f"/orgs/{org_a.slug}/did.json").json()
    assert document["id"] == keys.did(org_a) and kid in document["assertionMethod"]
    credentials.revoke(admin_a, issued, "tested")
    status = client.get(f"/orgs/{org_a.slug}/credentials/status")
    payload = jose.parse(status.content.decode())[1]
    assert status["Content-Type"] == "application/vc+jwt"
    assert statuslist.is_set(payload["credentialSubject"]["encodedList"], issued.status_index)


@pytest.mark.django_db
def test_the_participant_downloads_the_credential_and_strangers_cannot(issued, seed, member, org_b):
    own = client_for(seed).get(f"/credentials/{issued.identifier}.jwt")
    assert own.status_code == 200 and own.content.decode() == issued.jwt
    assert "attachment" in own["Content-Disposition"]
    stranger = member(org_b, Role.LEARNER, username="stranger")
    assert client_for(stranger).get(f"/credentials/{issued.identifier}.jwt").status_code == 404


@pytest.mark.django_db
def test_the_profile_shows_the_radar_and_the_credential(issued, seed, trainer_a):
    page = client_for(seed).get(f"/training/enrolments/{issued.enrolment_id}/").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1 and "radar-title" in page
    assert page.count("CFT.") >= 15 and "Download for your wallet" in page
    assert "completed · AI pedagogy for seed teachers" in page  # from the record store
    assert (
        client_for(trainer_a).get(f"/training/enrolments/{issued.enrolment_id}/").status_code == 200
    )


@pytest.mark.django_db
def test_evidence_files_are_attachments_in_a_sandbox(
    cohort, seed, trainer_a, settings, tmp_path, member, org_b
):
    settings.MEDIA_ROOT = tmp_path
    http = client_for(seed)
    enrolment = http.post(f"/training/cohorts/{cohort.identifier}/enrol/")
    enrolment = cohort.enrolments.get(participant=seed)
    requirement = cohort.programme.requirements.first()
    http.post(
        f"/training/enrolments/{enrolment.pk}/",
        {
            "requirement": requirement.pk,
            "kind": "file",
            "file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        },
    )
    evidence = Evidence.objects.get()
    download = client_for(trainer_a).get(f"/training/evidence/{evidence.pk}/file")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert (
        download["X-Content-Type-Options"] == "nosniff"
        and "attachment" in download["Content-Disposition"]
    )
    outsider = member(org_b, Role.TEACHER, username="outsider")
    assert client_for(outsider).get(f"/training/evidence/{evidence.pk}/file").status_code == 404
    refused = http.post(
        f"/training/enrolments/{enrolment.pk}/",
        {
            "requirement": requirement.pk,
            "kind": "file",
            "file": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert (
        ".exe files are not accepted" in refused.content.decode() and Evidence.objects.count() == 1
    )


@pytest.mark.django_db
def test_the_dashboard_and_exports_are_for_staff(cohort, seed, trainer_a, member, org_b):
    page = client_for(trainer_a).get("/training/").content.decode()
    assert cohort.programme.title in page and "By country" in page
    assert client_for(trainer_a).get("/training/report.xlsx?scope=centre").status_code == 200
    learner = member(org_b, Role.LEARNER, username="only.learner")
    assert client_for(learner).get("/training/report.csv").status_code == 403
    assert "By country" not in client_for(learner).get("/training/").content.decode()


@pytest.mark.django_db
def test_attendance_is_taken_on_one_page_and_refused_before_the_workshop(cohort, trainer_a, seed):

    from edubridge.training import services

    enrolment = services.enrol(trainer_a, cohort, seed)
    held = cohort.workshops.get()
    http = client_for(trainer_a)
    http.post(f"/training/workshops/{held.pk}/attendance/", {"present": [enrolment.pk]})
    assert held.attendance.get().present
    later = upcoming(trainer_a, cohort)
    refused = http.post(f"/training/workshops/{later.pk}/attendance/", {"present": [enrolment.pk]})
    assert "has not happened yet" in refused.content.decode() and not later.attendance.exists()


@pytest.mark.django_db
def test_a_centre_is_added_once_and_its_feed_lists_its_workshops(cohort, trainer_a, org_a):
    http = client_for(trainer_a)
    form = {
        "name": "Shanghai centre",
        "slug": "sh-centre",
        "country": "CN",
        "timezone": "Asia/Shanghai",
        "organisation": org_a.pk,
    }
    http.post("/training/centres/new/", form)
    again = http.post("/training/centres/new/", form, follow=True)
    assert "is taken" in again.content.decode()
    centre = org_a.training_centres.get()
    cohort.centre = centre
    cohort.save()
    feed = client_for(trainer_a).get("/training/centres/sh-centre/calendar.ics")
    assert feed["Content-Type"].startswith("text/calendar") and b"SUMMARY:Opening" in feed.content


@pytest.mark.django_db
def test_online_links_reach_only_the_cohorts_own_people(cohort, trainer_a, seed, member, org_b):

    from edubridge.training import services

    upcoming(trainer_a, cohort, days=1, title="Online", link="https://meet.example.org/x")
    address = f"/training/cohorts/{cohort.identifier}/calendar.ics"
    assert (
        b"meet.example.org"
        not in client_for(member(org_b, Role.TEACHER, username="x")).get(address).content
    )
    services.enrol(seed, cohort, seed)
    assert b"URL:https://meet.example.org/x" in client_for(seed).get(address).content
    assert (
        b"meet.example.org"
        not in client_for(seed).get("/training/centres/none/calendar.ics").content
    )


@pytest.mark.django_db
def test_reports_cover_only_programmes_the_readers_organisations_take_part_in(
    cohort, seed, trainer_a, org_b, member
):

    outsider = member(org_b, Role.ADMIN, username="b.admin")
    assert (
        cohort.programme.title
        not in client_for(outsider).get("/training/report.csv").content.decode()
    )
    cascade = f"/training/programmes/{cohort.programme.identifier}/cascade/"
    assert client_for(outsider).get(cascade).status_code == 403
    complete(cohort, seed, trainer_a, track=Track.TRAINER)
    at_home(
        seed, cohort.programme, org_b
    )  # org B now runs a cohort of the programme: its staff read the programme's counts
    assert (
        cohort.programme.title in client_for(outsider).get("/training/report.csv").content.decode()
    )
    assert client_for(outsider).get(cascade).status_code == 200


@pytest.mark.django_db
def test_the_cohort_page_shows_online_links_to_insiders_only(
    cohort, trainer_a, seed, member, org_b
):

    from edubridge.training import services

    upcoming(trainer_a, cohort, days=1, title="Online", link="https://meet.example.org/y")
    page = f"/training/cohorts/{cohort.identifier}/"
    assert b"meet.example.org" not in client_for(seed).get(page).content
    services.enrol(seed, cohort, seed)
    assert b"meet.example.org/y" in client_for(seed).get(page).content


@pytest.mark.django_db
def test_programs_post_a_token_to_the_verification_address(issued):
    from django.test import Client

    program = Client(enforce_csrf_checks=True)
    raw = program.post("/credentials/verify", issued.jwt, content_type="application/vc+jwt")
    assert raw.status_code == 200 and raw.json()["verified"] is True
    wrapped = program.post(
        "/credentials/verify",
        {"credential": issued.jwt[:-3] + "abc"},
        content_type="application/json",
    )
    assert wrapped.json()["failed"] == "signature"
    assert (
        program.post("/credentials/verify", "[1]", content_type="application/json").status_code
        == 400
    )
