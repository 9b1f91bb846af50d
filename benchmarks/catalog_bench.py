"""Catalog search at scale: 100,000 resources in five languages, on SQLite and PostgreSQL.

    python benchmarks/catalog_bench.py [--size 100000] [--queries 1000] [--database sqlite|postgres|both]
                                       [--json results.json]

Loads the resources straight into the tables the services write (resources, published
versions, search text, facets) in bulk, then times ``catalog.search.search`` in-process on
1,000 mixed queries: one word, two words, a word with a facet filter, and facets alone.
Reports the load time and p50/p95 latency per kind of query. Targets (issue 4): p95 under
50 ms on SQLite on 2 cores; loading 100,000 records under 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/edubridge_bench"
WORDS = {
    "en": [
        "learning",
        "model",
        "data",
        "teacher",
        "ethics",
        "privacy",
        "network",
        "image",
        "robot",
        "algorithm",
        "fairness",
        "bias",
    ],
    "fr": [
        "apprentissage",
        "modèle",
        "données",
        "enseignant",
        "éthique",
        "vie",
        "privée",
        "réseau",
        "image",
        "robot",
        "algorithme",
    ],
    "sw": [
        "kujifunza",
        "modeli",
        "data",
        "mwalimu",
        "maadili",
        "faragha",
        "mtandao",
        "picha",
        "roboti",
        "algorithimu",
    ],
    "zh-Hans": [
        "机器学习",
        "模型",
        "数据",
        "教师",
        "伦理",
        "隐私",
        "网络",
        "图像",
        "机器人",
        "算法",
    ],
    "ar": [
        "التعلم",
        "نموذج",
        "البيانات",
        "المعلم",
        "الأخلاقيات",
        "الخصوصية",
        "الشبكة",
        "الصورة",
        "الروبوت",
    ],
}
KINDS = ["course", "lesson", "item_bank", "virtual_lab", "training_module", "dataset", "ai_model"]
COUNTRIES = ["CN", "KE", "BR", "ID", "EG", "SN", "FR"]


def setup(database: str, var: str) -> None:
    os.environ["EDUBRIDGE_VAR_DIR"] = var
    if database == "postgres":
        os.environ["EDUBRIDGE_DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubridge.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(size: int, rng: random.Random) -> float:
    from django.db import transaction
    from django.utils import timezone

    from edubridge.align.text import tokens
    from edubridge.catalog.models import Facet, Resource, ResourceVersion, SearchEntry
    from edubridge.core.countries import ensure_countries
    from edubridge.core.models import Country, Organisation

    ensure_countries(Country)
    orgs = []
    for n, country in enumerate(COUNTRIES[:5]):
        org, _ = Organisation.objects.get_or_create(
            slug=f"bench-{n}",
            defaults={"name": f"Bench partner {n}", "kind": "university", "country_id": country},
        )
        orgs.append(org)
    started = time.perf_counter()
    now = timezone.now()
    batch = 5000
    for start in range(0, size, batch):
        resources, texts, facets = [], [], []
        for _ in range(start, min(size, start + batch)):
            language = rng.choice(list(WORDS))
            title = " ".join(rng.sample(WORDS[language], 3))
            kind, country, org = rng.choice(KINDS), rng.choice(COUNTRIES), rng.choice(orgs)
            resource = Resource(
                identifier=uuid.uuid4(),
                owner=org,
                kind=kind,
                title={language: title},
                description={language: " ".join(rng.choices(WORDS[language], k=12))},
                languages=[language],
                country_id=country,
                licence="CC-BY-4.0",
                subjects=["AI"],
                education_levels=[f"{rng.randint(1, 12):02d}"],
            )
            resources.append(resource)
        with transaction.atomic():
            Resource.objects.bulk_create(resources)
            ResourceVersion.objects.bulk_create(
                [
                    ResourceVersion(resource=r, number=1, status="published", published_at=now)
                    for r in resources
                ]
            )
            for r in resources:
                body = " ".join(
                    t for text in [*r.title.values(), *r.description.values()] for t in tokens(text)
                )
                texts.append(SearchEntry(resource=r, body=body))
                facets += [
                    Facet(resource=r, name=n, value=v)
                    for n, v in (
                        ("kind", r.kind),
                        ("country", r.country_id),
                        ("licence", r.licence),
                        ("organisation", r.owner.slug),
                        ("language", r.languages[0]),
                        ("subject", "AI"),
                        ("level", r.education_levels[0]),
                    )
                ]
            SearchEntry.objects.bulk_create(texts)
            Facet.objects.bulk_create(facets)
    return time.perf_counter() - started


def queries(count: int, rng: random.Random) -> list[tuple[str, str, dict[str, list[str]]]]:
    out = []
    for n in range(count):
        language = rng.choice(list(WORDS))
        kind = ("one word", "two words", "word and facet", "facets only")[n % 4]
        if kind == "one word":
            out.append((kind, rng.choice(WORDS[language]), {}))
        elif kind == "two words":
            out.append((kind, " ".join(rng.sample(WORDS[language], 2)), {}))
        elif kind == "word and facet":
            out.append((kind, rng.choice(WORDS[language]), {"country": [rng.choice(COUNTRIES)]}))
        else:
            out.append((kind, "", {"kind": [rng.choice(KINDS)], "language": [language]}))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def run(database: str, size: int, count: int) -> dict[str, object]:
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as var:
        setup(database, var)
        from django.db import connection

        from edubridge.catalog import search
        from edubridge.catalog.models import Resource

        if Resource.objects.exists():
            raise SystemExit(f"the {database} benchmark database is not empty; drop it first")
        load_seconds = load(size, rng)
        # The first search builds the process's in-memory index; reported on its own.
        started = time.perf_counter()
        search.search("", {}, limit=20)
        first_ms = (time.perf_counter() - started) * 1000
        timings: dict[str, list[float]] = {}
        for kind, text, filters in queries(count, rng):
            started = time.perf_counter()
            search.search(text, filters, limit=20)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        every = [t for values in timings.values() for t in values]
        result = {
            "database": connection.vendor,
            "resources": size,
            "load_seconds": round(load_seconds, 1),
            "first_search_ms": round(first_ms),
            "p50_ms": round(statistics.median(every), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "by_kind": {
                k: {
                    "p50_ms": round(statistics.median(v), 1),
                    "p95_ms": round(percentile(v, 0.95), 1),
                }
                for k, v in timings.items()
            },
        }
        if database == "postgres":
            connection.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one, args.size, args.queries)))
        return
    results = []
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        if database == "postgres":
            for statement in (
                "DROP DATABASE IF EXISTS edubridge_bench",
                "CREATE DATABASE edubridge_bench",
            ):
                subprocess.run(
                    ["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc", statement], check=True
                )
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                database,
                "--size",
                str(args.size),
                "--queries",
                str(args.queries),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        "| database | resources | load | first search | p50 | p95 | one word p95 | two words p95 "
        "| word+facet p95 | facets only p95 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        k = r["by_kind"]
        print(
            f"| {r['database']} | {r['resources']:,} | {r['load_seconds']} s | "
            f"{r['first_search_ms']} ms | {r['p50_ms']} ms | {r['p95_ms']} ms | "
            f"{k['one word']['p95_ms']} | {k['two words']['p95_ms']} | {k['word and facet']['p95_ms']} | "
            f"{k['facets only']['p95_ms']} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
