"""``edubridge align eval``: how well the aligner finds a gold standard's pairs."""

import io
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from edubridge.align import FEATURE_GROUPS, Aligner, evaluate
from edubridge.align.gold import GoldError, read_gold
from edubridge.standards.case import CaseError, parse_json, read_package
from edubridge.standards.case.nodes import nodes_from_package

MAX_BYTES = 200_000_000


class Command(BaseCommand):
    help = "Evaluate framework alignment against a gold standard: P@1, R@5, MRR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("eval", help="rank the target framework's items for each source item")
        run.add_argument("--source", required=True, help="CASE package of the source framework")
        run.add_argument("--target", required=True, help="CASE package of the target framework")
        run.add_argument("--gold", required=True, help="CSV: source_identifier,target_identifier")
        run.add_argument(
            "--features",
            default=",".join(FEATURE_GROUPS),
            help="comma-separated feature groups (default: all)",
        )
        run.add_argument("-k", type=int, default=5)
        run.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def _package(self, path: str) -> Any:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no file {path}")
        try:
            return read_package(parse_json(file.read_bytes(), MAX_BYTES))
        except CaseError as error:
            raise CommandError(f"{path}: {error}") from error

    def handle(self, *args: Any, **options: Any) -> None:
        sources = nodes_from_package(self._package(options["source"]))
        targets = nodes_from_package(self._package(options["target"]))
        try:
            gold = read_gold(Path(options["gold"]).read_text(encoding="utf-8"))
        except (OSError, GoldError) as error:
            raise CommandError(f"{options['gold']}: {error}") from error
        known = {n.identifier for n in sources}
        missing = sorted(set(gold) - known)
        if missing:
            raise CommandError(
                f"{options['gold']}: source {missing[0]} is not in {options['source']}"
            )
        features = tuple(f.strip() for f in options["features"].split(",") if f.strip())
        started = time.perf_counter()
        try:
            ranking = Aligner(features=features).rank(sources, targets, k=options["k"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        ranked = {
            s.identifier: [c.identifier for c in row]
            for s, row in zip(sources, ranking, strict=True)
        }
        scores = evaluate(ranked, gold, k=options["k"])
        result = {
            **scores,
            "seconds": round(seconds, 3),
            "sources_total": len(sources),
            "targets_total": len(targets),
            "features": list(features),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        table = Table("metric", "value", title="alignment against the gold standard")
        table.add_row("P@1", f"{scores['p_at_1']:.3f}")
        recall = scores[f"r_at_{options['k']}"]
        table.add_row(f"R@{options['k']}", f"{recall:.3f}")
        table.add_row("MRR", f"{scores['mrr']:.3f}")
        table.add_row("gold sources", str(int(scores["sources"])))
        table.add_row("items", f"{len(sources)} -> {len(targets)}")
        table.add_row("time", f"{seconds:.2f} s")
        buffer = io.StringIO()
        Console(file=buffer, width=100).print(table)
        self.stdout.write(buffer.getvalue(), ending="")
