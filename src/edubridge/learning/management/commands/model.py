"""``edubridge model conformance URL``: check any model against the model interface."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.learning import conformance


class Command(SubcommandCommand):
    help = "Check an adaptive model's HTTP interface against docs/specs/model-interface.md."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        kit = sub.add_parser("conformance", help="run the conformance kit against a model")
        kit.add_argument("url", help="the model's base URL (where /health and /predict are)")
        kit.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
        kit.add_argument("--json", action="store_true", help="print the report as JSON")

    def _conformance(self, options: dict[str, Any]) -> None:
        url = options["url"]
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"url: {url!r} is not an http(s) URL")
        report = conformance.run(url, timeout=options["timeout"])
        if options["json"]:
            self.stdout.write(json.dumps(report.to_json(), indent=2))
        else:
            for check in report.checks:
                mark = "pass" if check.passed else "FAIL"
                self.stdout.write(f"{mark}  {check.id}  {check.requirement}")
                if check.detail:
                    self.stdout.write(f"        {check.detail}")
            passed = sum(c.passed for c in report.checks)
            self.stdout.write(f"{passed} of {len(report.checks)} requirements met")
        if not report.passed:
            raise CommandError("the model does not conform to the model interface")
