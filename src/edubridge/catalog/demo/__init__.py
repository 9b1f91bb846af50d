"""Demo resources of three partners, aligned to UNESCO frameworks; a release awaiting approval."""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from edubridge.catalog import services
from edubridge.catalog.models import Resource
from edubridge.catalog.services import Upload
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.standards.models import Item

HERE = Path(__file__).resolve().parent
RESOURCES = [
    (
        "huaxia-ttu",
        "training_module",
        {"en": "Machine learning for teachers", "zh-Hans": "面向教师的机器学习"},
        {
            "en": "What machine learning is, how models learn from data, how to use it in class.",
            "zh-Hans": "什么是机器学习、模型如何从数据中学习，以及如何在课堂中使用。",
        },
        ["en", "zh-Hans"],
        "CN",
        ["CFT.3.A"],
        "machine-learning.html",
    ),
    (
        "rift-valley-tc",
        "lesson",
        {"sw": "Utangulizi wa akili bandia", "en": "Introduction to AI"},
        {
            "sw": "Somo la kwanza kuhusu akili bandia kwa shule za sekondari.",
            "en": "A first lesson on artificial intelligence for secondary schools.",
        },
        ["sw", "en"],
        "KE",
        ["CFS.3.U"],
        "utangulizi.html",
    ),
    (
        "nile-institute",
        "course",
        {"ar": "أخلاقيات الذكاء الاصطناعي في التعليم", "en": "Ethics of AI in education"},
        {
            "ar": "دورة للمعلمين عن الاستخدام الآمن والمسؤول للذكاء الاصطناعي.",
            "en": "A course for teachers on the safe and responsible use of AI.",
        },
        ["ar", "en"],
        "EG",
        ["CFT.2.A", "CFT.2.D"],
        "ethics.html",
    ),
]


def load() -> None:
    with transaction.atomic():
        if Resource.objects.exists():
            return
        versions = []
        for slug, kind, title, description, languages, country, codes, page in RESOURCES:
            owner = Organisation.objects.get(slug=slug)
            resource = services.create_resource(
                SYSTEM,
                owner,
                kind=kind,
                title=title,
                description=description,
                languages=languages,
                country=country,
                licence="CC-BY-4.0",
                subjects=["Artificial intelligence"],
                accessibility=["alternativeText", "structuralNavigation"],
            )
            content = (HERE / page).read_bytes()
            version = services.create_version(
                SYSTEM, resource, [Upload(page, io.BytesIO(content))], changelog="First release"
            )
            for code in codes:
                item = Item.objects.filter(
                    human_coding_scheme=code, framework__builtin=True
                ).first()
                if item is not None:
                    services.align(SYSTEM, version, item, "teaches")
            versions.append(services.publish_version(SYSTEM, version))
        huaxia, rift = (
            Organisation.objects.get(slug="huaxia-ttu"),
            Organisation.objects.get(slug="rift-valley-tc"),
        )
        release = services.create_release(
            SYSTEM,
            "AI literacy starter pack 2026",
            versions[:2],
            [huaxia, rift],
            "A training module and a first lesson, released together by Huaxia and Rift Valley.",
        )
        services.approve_release(User.objects.get(username="li.wei"), release, huaxia)
