"""Localisation at scale: a 5,000-unit resource extracted and re-imported, and fuzzy
translation-memory lookups against 200,000 segments; on SQLite and PostgreSQL.

    python benchmarks/l10n_bench.py [--units 5000] [--segments 200000] [--lookups 1000]
                                    [--database sqlite|postgres|both] [--json results.json]

Round trip: a published version whose HTML page has ``--units`` paragraphs (a third with
inline markup) is opened as a project (extraction, units, the Kenyan rule pack's scan),
exported as XLIFF 2.1, every unit translated in the file, and imported (every unit checked,
then applied with history, checks, memory and findings in one transaction); the same again
as PO. Memory: ``--segments`` sentences are stored for one organisation, then ``--lookups``
near-duplicates (a word changed, added or dropped) are looked up (sentences of 6 to 16 words
drawn with Zipf frequencies from 5,000 words, the shape of a language's vocabulary): the first lookup builds
the process's index; p50/p95 are of the rest. Beside it, the obvious alternative: scoring
every segment with rapidfuzz's ``process.extract`` (C++), with the same scorer.
Targets (issue 7): extract + re-import under 10 s; lookup p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/edubridge_bench"
WORDS = [
    "model",
    "data",
    "teacher",
    "learner",
    "class",
    "photo",
    "label",
    "train",
    "test",
    "error",
    "bias",
    "fair",
    "privacy",
    "school",
    "farm",
    "market",
    "picture",
    "computer",
    "phone",
    "camera",
    "example",
    "pattern",
    "rule",
    "group",
    "answer",
    "question",
    "lesson",
    "activity",
    "predict",
    "classify",
    "recognise",
    "sort",
    "count",
    "measure",
    "compare",
    "explain",
    "describe",
    "discuss",
    "collect",
    "choose",
    "check",
    "improve",
    "share",
    "build",
    "use",
    "learn",
    "teach",
    "show",
    "find",
    "make",
]


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


SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "na",
    "te",
    "lu",
    "si",
    "po",
    "ve",
    "da",
    "mi",
    "zo",
    "ra",
    "ne",
    "tu",
    "ha",
    "bi",
    "lo",
    "fe",
    "gu",
]


def vocabulary(size: int = 5000) -> list[str]:
    """The common words first, then made-up words, so that a Zipf draw over them has the
    shape of a language: a few words everywhere, most words rare."""
    rng = random.Random(3)
    made = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)
    }
    return WORDS + sorted(made - set(WORDS))[: size - len(WORDS)]


VOCABULARY = vocabulary()
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def sentence(rng: random.Random, n: int | None = None) -> str:
    words = rng.choices(VOCABULARY, WEIGHTS, k=n or rng.randint(6, 16))
    return " ".join(words).capitalize() + "."


def page(rng: random.Random, units: int) -> bytes:
    blocks = []
    for n in range(units - 1):
        text = sentence(rng)
        if n % 3 == 0:
            head, _, tail = text.partition(" ")
            text = f"{head} <strong>{tail.rstrip('.')}</strong> {n}."
        blocks.append(f"<p>{text}</p>")
    body = "\n".join(blocks)
    return (
        f"<!doctype html><html><head><title>Bench</title></head><body>{body}</body></html>".encode()
    )


def round_trip(units: int) -> dict[str, float]:
    from django.contrib.auth.models import User

    from edubridge.catalog import services as catalog
    from edubridge.core import services as core
    from edubridge.core.countries import ensure_countries
    from edubridge.core.models import Country, Organisation, Role
    from edubridge.core.policy import SYSTEM
    from edubridge.localization import services

    ensure_countries(Country)
    source = core.create_organisation(
        SYSTEM, slug="src", name="Src", kind="university", country="CN"
    )
    target = core.create_organisation(SYSTEM, slug="tgt", name="Tgt", kind="ngo", country="KE")
    translator = User.objects.create_user("translator")
    core.add_member(SYSTEM, target, translator, [Role.TRANSLATOR, Role.CURATOR])
    rng = random.Random(7)
    resource = catalog.create_resource(
        SYSTEM, source, kind="lesson", title={"en": "Bench"}, country="CN", licence="CC-BY-4.0"
    )
    version = catalog.create_version(
        SYSTEM, resource, [catalog.Upload("page.html", io.BytesIO(page(rng, units)), "text/html")]
    )
    version = catalog.publish_version(SYSTEM, version)
    out: dict[str, float] = {}
    for fmt in ("xliff", "po"):
        organisation = Organisation.objects.get(slug="tgt")
        started = time.perf_counter()
        project = services.open_project(translator, version, organisation, "sw-KE")
        project = services.advance(translator, project)
        opened = time.perf_counter()
        data = services.export_file(translator, project, fmt).decode()
        exported = time.perf_counter()
        translated = _xliff_translated(data) if fmt == "xliff" else _po_translated(data)
        report = services.import_file(translator, project, translated.encode(), f"bench.{fmt}")
        done = time.perf_counter()
        assert report.updated == project.units.count(), report
        out[f"{fmt}_extract_s"] = round(opened - started, 2)
        out[f"{fmt}_export_s"] = round(exported - opened, 2)
        out[f"{fmt}_import_s"] = round(done - exported, 2)
        out[f"{fmt}_total_s"] = round(done - started, 2)
    out["units"] = units
    return out


def _xliff_translated(data: str) -> str:
    """Each segment's target: its source with a Kiswahili word in front."""
    import re

    def add(match: re.Match[str]) -> str:
        source = match.group(1)
        return f"<source>{source}</source><target>Tafsiri {source}</target>"

    return re.sub(r"<source>(.*?)</source>", add, data, flags=re.DOTALL)


def _po_translated(data: str) -> str:
    lines, out = data.splitlines(), []
    for n, line in enumerate(lines):
        if (
            line == 'msgstr ""'
            and n
            and lines[n - 1].startswith("msgid ")
            and lines[n - 1] != 'msgid ""'
        ):
            out.append("msgstr " + '"Tafsiri ' + lines[n - 1][len('msgid "') :])
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def memory_lookups(segments: int, lookups: int) -> dict[str, float]:
    from rapidfuzz import fuzz, process

    from edubridge.core.models import Organisation
    from edubridge.localization import memory

    organisation = Organisation.objects.get(slug="tgt")
    rng = random.Random(11)
    sources = list(dict.fromkeys(sentence(rng) for _ in range(int(segments * 1.05))))[:segments]
    started = time.perf_counter()
    for start in range(0, len(sources), 20_000):
        chunk = sources[start : start + 20_000]
        memory.remember(organisation, "en", "sw-KE", [(s, "Tafsiri " + s) for s in chunk], "bench")
    stored = time.perf_counter() - started
    queries = []
    for _ in range(lookups):
        words = rng.choice(sources).rstrip(".").split()
        change = rng.randrange(3)
        position = rng.randrange(len(words))
        if change == 0:
            words[position] = rng.choices(VOCABULARY, WEIGHTS)[0]
        elif change == 1:
            words.insert(position, rng.choices(VOCABULARY, WEIGHTS)[0])
        elif len(words) > 3:
            del words[position]
        queries.append(" ".join(words).capitalize() + ".")
    started = time.perf_counter()
    memory.lookup(organisation, "en", "sw-KE", queries[0])
    build = time.perf_counter() - started
    # The index's memory, measured on a second build (tracing slows the first one down).
    memory.forget()
    tracemalloc.start()
    memory.lookup(organisation, "en", "sw-KE", queries[0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times, hits = [], 0
    for query in queries[1:]:
        started = time.perf_counter()
        found = memory.lookup(organisation, "en", "sw-KE", query)
        times.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    texts = [memory.normalise(s) for s in sources]
    scan, agree = [], 0
    for query in queries[1:201]:
        started = time.perf_counter()
        best = process.extractOne(memory.normalise(query), texts, scorer=fuzz.ratio)
        scan.append((time.perf_counter() - started) * 1000)
        found = memory.lookup(organisation, "en", "sw-KE", query)
        agree += bool(found) and best is not None and min(round(best[1]), 99) == found[0].score
    quantiles = statistics.quantiles(times, n=20)
    return {
        "segments": len(sources),
        "store_s": round(stored, 1),
        "index_build_s": round(build, 2),
        "index_peak_mb": round(peak / 1e6, 1),
        "lookup_p50_ms": round(statistics.median(times), 2),
        "lookup_p95_ms": round(quantiles[18], 2),
        "found_share": round(hits / len(times), 3),
        "full_scan_p50_ms": round(statistics.median(scan), 1),
        "full_scan_p95_ms": round(statistics.quantiles(scan, n=20)[18], 1),
        "best_score_agrees_with_full_scan": round(agree / len(scan), 3),
    }


def run(database: str, units: int, segments: int, lookups: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as var:
        setup(database, var)
        return {
            "database": database,
            **round_trip(units),
            **memory_lookups(segments, lookups),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one, args.units, args.segments, args.lookups)))
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
        command = [sys.executable, __file__, "--one", database, "--units", str(args.units)]
        command += ["--segments", str(args.segments), "--lookups", str(args.lookups)]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| database | units | XLIFF extract | export | import | total | PO total |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['database']} | {r['units']:,} | {r['xliff_extract_s']} s | {r['xliff_export_s']} s"
            f" | {r['xliff_import_s']} s | {r['xliff_total_s']} s | {r['po_total_s']} s |"
        )
    print()
    print(
        "| database | segments | index build | index peak | lookup p50 | lookup p95 | found |"
        " full scan p50 | full scan p95 | same best score |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['database']} | {r['segments']:,} | {r['index_build_s']} s | {r['index_peak_mb']} MB"
            f" | {r['lookup_p50_ms']} ms | {r['lookup_p95_ms']} ms | {r['found_share']:.0%}"
            f" | {r['full_scan_p50_ms']} ms | {r['full_scan_p95_ms']} ms"
            f" | {r['best_score_agrees_with_full_scan']:.0%} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
