"""Demo partners and one user for every role; loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from edubridge.core import services
from edubridge.core.models import Membership, Organisation, OrganisationKind, Role
from edubridge.core.policy import SYSTEM

PASSWORD = "edubridge-demo"

ORGANISATIONS = [
    (
        "huaxia-ttu",
        "Huaxia Teacher Training University",
        OrganisationKind.UNIVERSITY,
        "CN",
        ["zh-Hans", "en"],
        "Trains teachers in AI literacy and runs a seed-teacher centre.",
    ),
    (
        "rift-valley-tc",
        "Rift Valley Teachers College",
        OrganisationKind.TEACHER_COLLEGE,
        "KE",
        ["sw", "en"],
        "Prepares primary and secondary teachers; hosts Kenyan seed teachers.",
    ),
    (
        "aurora-escolas",
        "Rede Escolas Aurora",
        OrganisationKind.SCHOOL_NETWORK,
        "BR",
        ["pt"],
        "A network of public schools piloting AI-literacy lessons.",
    ),
    (
        "nusantara-dl",
        "Nusantara Directorate of Digital Learning",
        OrganisationKind.MINISTRY,
        "ID",
        ["id", "en"],
        "Sets digital-learning policy and audits partner programmes.",
    ),
    (
        "nile-institute",
        "Nile Institute for Digital Education",
        OrganisationKind.NGO,
        "EG",
        ["ar", "en"],
        "Localises open courses into Arabic.",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    organisation: str
    roles: tuple[Role, ...]
    staff: bool = False


USERS = [
    DemoUser("li.wei", "Li Wei", "huaxia-ttu", (Role.ADMIN,), staff=True),
    DemoUser("zhang.min", "Zhang Min", "huaxia-ttu", (Role.CURATOR,)),
    DemoUser("chen.jing", "Chen Jing", "huaxia-ttu", (Role.TRAINER,)),
    DemoUser(
        "wanjiru.kamau", "Wanjiru Kamau", "rift-valley-tc", (Role.ADMIN, Role.REVIEWER), staff=True
    ),
    DemoUser("otieno.odhiambo", "Otieno Odhiambo", "rift-valley-tc", (Role.TRANSLATOR,)),
    DemoUser("achieng.wekesa", "Achieng Wekesa", "rift-valley-tc", (Role.TEACHER,)),
    DemoUser("amani.mwangi", "Amani Mwangi", "rift-valley-tc", (Role.LEARNER,)),
    DemoUser("faith.chebet", "Faith Chebet", "rift-valley-tc", (Role.TEACHER,)),
    DemoUser("kevin.otieno", "Kevin Otieno", "rift-valley-tc", (Role.TEACHER,)),
    DemoUser("grace.akinyi", "Grace Akinyi", "rift-valley-tc", (Role.TEACHER,)),
    DemoUser("ana.souza", "Ana Souza", "aurora-escolas", (Role.ADMIN,), staff=True),
    DemoUser("lucas.lima", "Lucas Lima", "aurora-escolas", (Role.LEARNER,)),
    DemoUser("dewi.pratama", "Dewi Pratama", "nusantara-dl", (Role.ADMIN,), staff=True),
    DemoUser("siti.rahma", "Siti Rahma", "nusantara-dl", (Role.AUDITOR,)),
    DemoUser(
        "amira.hassan", "Amira Hassan", "nile-institute", (Role.ADMIN, Role.REVIEWER), staff=True
    ),
]
OPERATOR = "operator"


def load() -> list[tuple[str, str, str]]:
    """Create what is missing; returns (username, organisation, roles) for the README table."""
    with transaction.atomic():
        if not User.objects.filter(username=OPERATOR).exists():
            services.create_user(SYSTEM, OPERATOR, PASSWORD, is_superuser=True)
        for slug, name, kind, country, languages, description in ORGANISATIONS:
            if not Organisation.objects.filter(slug=slug).exists():
                services.create_organisation(
                    SYSTEM,
                    slug=slug,
                    name=name,
                    kind=kind,
                    country=country,
                    languages=languages,
                    description=description,
                )
        for demo in USERS:
            user = User.objects.filter(username=demo.username).first()
            if user is None:
                first, last = demo.name.split(" ", 1)
                user = User.objects.create_user(
                    demo.username,
                    "",
                    PASSWORD,
                    first_name=first,
                    last_name=last,
                    is_staff=demo.staff,
                )
            org = Organisation.objects.get(slug=demo.organisation)
            if not Membership.objects.filter(user=user, organisation=org).exists():
                services.add_member(SYSTEM, org, user, list(demo.roles))
    logins = [(OPERATOR, "—", "node operator (superuser)")]
    logins += [(u.username, u.organisation, ", ".join(u.roles)) for u in USERS]
    return logins
