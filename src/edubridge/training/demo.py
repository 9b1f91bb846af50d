"""The demo's seed-teacher cascade: Huaxia Teacher Training University runs an inviting-in
cohort of Kenyan seed teachers at its centre; one of them, Achieng Wekesa, runs a going-out
cohort at home in Kiswahili. Attendance, evidence and scores go through the services, so the
credentials are issued and signed as they would be; loading twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.standards.models import Item
from edubridge.training import services
from edubridge.training.models import Cohort, EvidenceKind, Mode, Programme, Track

TITLE = "AI pedagogy for seed teachers"
REQUIREMENTS = [
    ("CFT.1.A", "A reflection on keeping teachers and learners in charge of AI tools."),
    ("CFT.2.A", "A reflection on an ethical risk of an AI tool used in your school."),
    ("CFT.3.A", "A short explanation, for colleagues, of how a classifier learns from data."),
    ("CFT.4.A", "A lesson plan that uses an AI tool, with how you will check its output."),
]
WORKSHOPS = [
    (-70, "Opening: AI in Kenyan and Chinese classrooms"),
    (-55, "Ethics of AI in schools"),
    (-41, "Teaching practice and closing"),
]
REFLECTION = (
    "In my class the tool suggests; I decide. I showed learners how to question its answers "
    "and we compared them with the textbook."
)


def _day(offset: int) -> date:
    return date.today() + timedelta(days=offset)


def _at(offset: int, hour: int, zone: str) -> datetime:
    return datetime.combine(_day(offset), time(hour), ZoneInfo(zone))


def _evidence(cohort: Cohort, username: str, scorer: User, score: int, feedback: str) -> None:
    """The participant evidences every requirement and the trainer scores it."""
    participant = User.objects.get(username=username)
    enrolment = cohort.enrolments.get(participant=participant)
    for requirement in cohort.programme.requirements.all():
        evidence = services.submit_evidence(
            participant, enrolment, requirement, kind=EvidenceKind.REFLECTION, text=REFLECTION
        )
        services.score_evidence(scorer, evidence, score, feedback)


def _attend(cohort: Cohort, trainer: User) -> None:
    everyone = set(cohort.enrolments.values_list("pk", flat=True))
    for workshop in cohort.workshops.all():
        if workshop.starts_at < datetime.now(ZoneInfo("UTC")):
            services.take_attendance(trainer, workshop, everyone)


def load() -> None:
    huaxia = Organisation.objects.get(slug="huaxia-ttu")
    if Programme.objects.filter(organisation=huaxia, title=TITLE).exists():
        return
    rift = Organisation.objects.get(slug="rift-valley-tc")
    chen = User.objects.get(username="chen.jing")
    achieng = User.objects.get(username="achieng.wekesa")
    items = {i.human_coding_scheme: i for i in Item.objects.filter(framework__builtin=True)}
    with transaction.atomic():
        centre = services.create_centre(
            SYSTEM,
            huaxia,
            slug="huaxia-seed-centre",
            name="Huaxia Seed-Teacher Centre",
            country="CN",
            timezone_name="Asia/Shanghai",
            trainers=[chen],
        )
        programme = services.create_programme(
            chen,
            huaxia,
            title=TITLE,
            language="en",
            description="Four weeks on using, teaching and questioning AI in the classroom, for "
            "teachers who will train colleagues at home.",
            min_attendance=75,
        )
        for code, evidence in REQUIREMENTS:
            services.add_requirement(chen, programme, items[code], evidence=evidence)
        services.add_module(chen, programme, title="What AI is and is not")
        services.add_module(chen, programme, title="Planning a lesson with an AI assistant")

        beijing = services.create_cohort(
            chen,
            programme,
            huaxia,
            title="Kenyan seed teachers at Huaxia, autumn",
            mode=Mode.INVITING_IN,
            country="CN",
            starts_on=_day(-70),
            ends_on=_day(-40),
            capacity=12,
            trainers=[chen],
            venue="Huaxia Seed-Teacher Centre, Beijing",
            centre=centre,
        )
        for offset, title in WORKSHOPS:
            services.add_workshop(
                chen,
                beijing,
                title=title,
                starts_at=_at(offset, 9, "Asia/Shanghai"),
                ends_at=_at(offset, 16, "Asia/Shanghai"),
                timezone_name="Asia/Shanghai",
                venue="Room 301",
            )
        for username in ("achieng.wekesa", "otieno.odhiambo", "amani.mwangi"):
            track = Track.TRAINER if username == "achieng.wekesa" else Track.PARTICIPANT
            services.enrol(SYSTEM, beijing, User.objects.get(username=username), track=track)
        _attend(beijing, chen)
        for username in ("achieng.wekesa", "otieno.odhiambo"):
            _evidence(beijing, username, chen, 4, "Clear and grounded in your class.")

        nakuru = services.create_cohort(
            achieng,
            programme,
            rift,
            title="Walimu wa Nakuru: AI darasani",
            mode=Mode.GOING_OUT,
            country="KE",
            language="sw",
            starts_on=_day(-14),
            ends_on=_day(30),
            capacity=20,
            trainers=[achieng],
            venue="Nakuru Primary School",
        )
        services.add_workshop(
            achieng,
            nakuru,
            title="Warsha ya kwanza",
            starts_at=_at(-14, 9, "Africa/Nairobi"),
            ends_at=_at(-14, 13, "Africa/Nairobi"),
            timezone_name="Africa/Nairobi",
            venue="Nakuru Primary School",
        )
        services.add_workshop(
            achieng,
            nakuru,
            title="Warsha ya pili",
            starts_at=_at(7, 9, "Africa/Nairobi"),
            ends_at=_at(7, 13, "Africa/Nairobi"),
            timezone_name="Africa/Nairobi",
            venue="Nakuru Primary School",
        )
        for username in ("faith.chebet", "kevin.otieno", "grace.akinyi"):
            services.enrol(achieng, nakuru, User.objects.get(username=username))
        _attend(nakuru, achieng)
        _evidence(nakuru, "faith.chebet", achieng, 3, "Vizuri sana.")
        kevin = User.objects.get(username="kevin.otieno")
        first = programme.requirements.first()
        assert first is not None
        services.submit_evidence(
            kevin,
            nakuru.enrolments.get(participant=kevin),
            first,
            kind=EvidenceKind.LINK,
            url="https://example.org/kevin/lesson-plan",
        )
