"""``edubridge transfer check``: may one organisation's data go to another, and why."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.governance import services
from edubridge.governance.registry import datasets


class Command(SubcommandCommand):
    help = "Ask the transfer gate whether data may flow between two organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="decide, with reasons, and log the decision")
        check.add_argument("--from", dest="source", required=True, help="organisation slug")
        check.add_argument("--to", dest="destination", required=True, help="organisation slug")
        check.add_argument("--dataset", required=True, help=", ".join(datasets()))
        check.add_argument("--json", action="store_true", help="the decision as JSON")

    def _check(self, options: dict[str, Any]) -> None:
        found = {
            o.slug: o
            for o in Organisation.objects.select_related("country").filter(
                slug__in=[options["source"], options["destination"]]
            )
        }
        for flag, name in (("--from", "source"), ("--to", "destination")):
            if options[name] not in found:
                raise CommandError(f"{flag}: no organisation {options[name]!r}")
        source, destination = found[options["source"]], found[options["destination"]]
        decision = services.check(SYSTEM, source, destination, options["dataset"])
        if options["json"]:
            out = {"from": source.slug, "to": destination.slug, **decision.as_dict()}
            self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{decision.outcome.label}: {decision.dataset.kind} from {source.slug} "
            f"({source.country_id}) to {destination.slug} ({destination.country_id})"
        )
        if decision.conditions:
            self.stdout.write("conditions: " + ", ".join(decision.conditions))
        for reason in decision.reasons:
            self.stdout.write(f"  - {reason}")
        for remedy in decision.remedies:
            self.stdout.write(f"  would allow: {remedy}")
