"""Framework alignment: quality by feature group, and speed and memory at 10,000 x 10,000 items.

    python benchmarks/align_bench.py [--size 10000] [--repeat 3] [--json results.json]

Quality is measured on the shipped gold set (two AI-literacy frameworks, 16 pairs) and on a
synthetic pair of frameworks where each target statement is a noisy paraphrase of a source
statement (synonyms, dropped and reordered words, unrelated codes). Speed runs in a fresh
process per repetition so that peak memory (max RSS) is the aligner's own; the median is
reported. Target: under 60 s and under 2 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from edubridge.align import Aligner, Node, evaluate
from edubridge.align.gold import read_gold
from edubridge.standards.case import parse_json, read_package
from edubridge.standards.case.nodes import nodes_from_package

DEMO = ROOT / "src" / "edubridge" / "standards" / "demo"
GROUPS = [
    ("word",),
    ("char",),
    ("context",),
    ("code",),
    ("level",),
    ("word", "char", "context", "code", "level"),
]
VERBS = [
    "explain",
    "describe",
    "identify",
    "compare",
    "evaluate",
    "design",
    "use",
    "analyse",
    "apply",
    "create",
]
SYNONYMS = {
    "explain": "clarify",
    "describe": "outline",
    "identify": "recognise",
    "compare": "contrast",
    "evaluate": "assess",
    "design": "plan",
    "use": "apply",
    "analyse": "examine",
    "apply": "employ",
    "create": "build",
}
TOPICS = [
    "data",
    "model",
    "algorithm",
    "bias",
    "privacy",
    "network",
    "image",
    "text",
    "sensor",
    "robot",
    "prediction",
    "training",
    "fairness",
    "error",
    "pattern",
    "decision",
    "chart",
    "table",
    "code",
    "ethics",
    "agent",
    "search",
    "game",
    "map",
    "language",
    "sound",
    "health",
    "farming",
    "energy",
    "water",
]
QUALIFIERS = [
    "simple",
    "local",
    "everyday",
    "large",
    "small",
    "public",
    "personal",
    "digital",
    "shared",
    "new",
]


def synthetic(n: int, seed: int = 7) -> tuple[list[Node], list[Node], dict[str, set[str]]]:
    rng = np.random.default_rng(seed)
    sources, targets, gold = [], [], {}
    for i in range(n):
        verb = VERBS[rng.integers(len(VERBS))]
        words = [
            *rng.choice(TOPICS, size=3, replace=False),
            QUALIFIERS[rng.integers(len(QUALIFIERS))],
        ]
        level = f"{rng.integers(1, 13):02d}"
        strand = TOPICS[i % len(TOPICS)]
        statement = f"{verb} how {words[3]} {words[0]} affects {words[1]} and {words[2]}"
        paraphrase_words = [w for w in words if rng.random() > 0.2]
        rng.shuffle(paraphrase_words)
        target = f"students {SYNONYMS[verb]} the {' '.join(paraphrase_words)} relationship"
        sources.append(
            Node(f"s{i}", statement, f"S.{i // 50}.{i % 50}", (level,), (f"working with {strand}",))
        )
        targets.append(Node(f"t{i}", target, f"T-{i:05d}", (level,), (f"{strand} strand",)))
        gold[f"s{i}"] = {f"t{i}"}
    order = rng.permutation(n)
    return sources, [targets[k] for k in order], gold


def read_package_nodes(name: str) -> list[Node]:
    return nodes_from_package(read_package(parse_json((DEMO / name).read_bytes(), 10**8)))


def quality() -> list[dict[str, object]]:
    ke, idn = (
        read_package_nodes("ke-ai-literacy.json"),
        read_package_nodes("id-ai-informatics.json"),
    )
    gold_set = read_gold((DEMO / "ke-id-gold.csv").read_text())
    syn_sources, syn_targets, syn_gold = synthetic(2000)
    rows = []
    for features in GROUPS:
        aligner = Aligner(features=features)
        for name, (src, tgt, gold) in {
            "gold set": (ke, idn, gold_set),
            "synthetic 2k": (syn_sources, syn_targets, syn_gold),
        }.items():
            ranking = aligner.rank(src, tgt, k=5)
            scores = evaluate(
                {
                    s.identifier: [c.identifier for c in r]
                    for s, r in zip(src, ranking, strict=True)
                },
                gold,
            )
            rows.append(
                {
                    "features": "+".join(features),
                    "data": name,
                    **{k: round(v, 3) for k, v in scores.items()},
                }
            )
    return rows


def one_speed_run(size: int) -> dict[str, float]:
    sources, targets, gold = synthetic(size)
    started = time.perf_counter()
    ranking = Aligner().rank(sources, targets, k=5)
    seconds = time.perf_counter() - started
    scores = evaluate(
        {s.identifier: [c.identifier for c in r] for s, r in zip(sources, ranking, strict=True)},
        gold,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "p_at_1": scores["p_at_1"],
        "mrr": scores["mrr"],
    }


def speed(size: int, repeat: int) -> dict[str, object]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--speed-run", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    return {
        "size": f"{size} x {size}",
        "runs": repeat,
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "median_peak_mb": round(statistics.median(r["peak_mb"] for r in runs)),
        "p_at_1": round(runs[0]["p_at_1"], 3),
        "mrr": round(runs[0]["mrr"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--speed-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_run:
        print(json.dumps(one_speed_run(args.speed_run)))
        return
    results = {"quality": quality(), "speed": speed(args.size, args.repeat)}
    print("| features | data | P@1 | R@5 | MRR |\n| --- | --- | --- | --- | --- |")
    for r in results["quality"]:
        print(f"| {r['features']} | {r['data']} | {r['p_at_1']} | {r['r_at_5']} | {r['mrr']} |")
    s = results["speed"]
    print(
        f"\n{s['size']} items: median {s['median_seconds']} s over {s['runs']} runs, "
        f"median peak memory {s['median_peak_mb']} MB (P@1 {s['p_at_1']}, MRR {s['mrr']})"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
