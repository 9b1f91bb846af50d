"""``edubridge lrs client create``: credentials for an xAPI tool that reports to /xapi/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.errors import DomainError
from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.records import export, services
from edubridge.records.models import Scope


class Command(SubcommandCommand):
    help = "Manage the Learning Record Store's clients (HTTP Basic key and secret)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        client = sub.add_parser("client", help="LRS clients")
        what = client.add_subparsers(dest="client_action", required=True)
        create = what.add_parser("create", help="make a client")
        create.add_argument("--key", required=True)
        create.add_argument("--secret", required=True)
        create.add_argument("--org", help="organisation slug (default: the node's first)")
        create.add_argument("--name", default="")
        create.add_argument("--scopes", nargs="+", choices=Scope.values, default=Scope.values)
        sharing = sub.add_parser("share", help="let a partner's clients read our statements")
        sharing.add_argument("--org", required=True, help="organisation whose statements")
        sharing.add_argument("--with", dest="partner", required=True, help="partner's slug")
        sharing.add_argument("--stop", action="store_true", help="stop sharing")
        export = sub.add_parser("export", help="an organisation's statements, as JSON lines")
        export.add_argument("--org", required=True, help="organisation slug")
        export.add_argument("-o", "--output", required=True, help="file to write")
        export.add_argument(
            "--for",
            dest="partner",
            help="a partner's slug: what the transfer gate lets that partner have",
        )
        export.add_argument(
            "--as-stored",
            action="store_true",
            help="keep the learners' identifiers (default: pseudonyms, names left out)",
        )

    def _share(self, options: dict[str, Any]) -> None:
        found = {
            o.slug: o
            for o in Organisation.objects.filter(slug__in=[options["org"], options["partner"]])
        }
        for name in ("org", "partner"):
            if options[name] not in found:
                raise CommandError(
                    f"--{'with' if name == 'partner' else name}: no organisation {options[name]!r}"
                )
        owner, partner = found[options["org"]], found[options["partner"]]
        services.share(SYSTEM, owner, partner, stop=options["stop"])
        verb = "no longer reads" if options["stop"] else "reads, pseudonymised,"
        self.stdout.write(f"{partner.slug} {verb} the statements of {owner.slug}")

    def _export(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"--org: no organisation {options['org']!r}")
        if options["partner"]:
            self._export_for(organisation, options)
            return
        with open(options["output"], "w", encoding="utf-8") as target:
            count = export.write(
                SYSTEM, organisation, target, pseudonymise=not options["as_stored"]
            )
        kind = "as stored" if options["as_stored"] else "pseudonymised"
        self.stdout.write(
            f"{count} statements of {organisation.slug}, {kind}, in {options['output']}"
        )

    def _export_for(self, organisation: Organisation, options: dict[str, Any]) -> None:
        if options["as_stored"]:
            raise CommandError("--as-stored: a partner never gets the learners' identifiers")
        partner = Organisation.objects.filter(slug=options["partner"]).first()
        if partner is None:
            raise CommandError(f"--for: no organisation {options['partner']!r}")
        target = Path(options["output"])
        try:
            with target.open("w", encoding="utf-8") as handle:
                count = export.for_partner(SYSTEM, organisation, partner, handle)
        except DomainError:
            target.unlink(missing_ok=True)  # nothing half-written
            raise
        self.stdout.write(f"{count} lines for {partner.slug} in {target}")

    def _client(self, options: dict[str, Any]) -> None:
        slug = options["org"]
        organisation = (
            Organisation.objects.filter(slug=slug).first()
            if slug
            else Organisation.objects.order_by("id").first()
        )
        if organisation is None:
            raise CommandError(
                f"--org: no organisation {slug!r}" if slug else "make an organisation first"
            )
        made = services.create_client(
            SYSTEM,
            organisation,
            name=options["name"],
            key=options["key"],
            secret=options["secret"],
            scopes=options["scopes"],
        )
        self.stdout.write(
            f"client {made.key} of {organisation.slug} may {', '.join(made.scopes)} at /xapi/"
        )
