"""``edubridge credential export|verify``: issued credentials as files, checked offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.training import credentials, keys, offline, verify
from edubridge.training.models import Credential


class Command(SubcommandCommand):
    help = "Export issued Open Badges 3.0 credentials, or verify one offline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="one .jwt file per credential, with the keys and status lists"
        )
        which = export.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every credential of the node")
        which.add_argument("--org", help="the credentials one organisation issued")
        export.add_argument("-o", "--output", required=True, help="directory to write into")
        export.add_argument(
            "--for",
            dest="partner",
            help="with --org: the credentials the transfer gate lets this partner have",
        )
        check = sub.add_parser("verify", help="verify a VC-JWT file; exit 1 if it fails")
        check.add_argument("file")
        check.add_argument("--jwks", help="trust the keys of this JWKS file, not the node's")
        check.add_argument(
            "--status-list", action="append", default=[], help="a saved status list (.jwt)"
        )
        check.add_argument("--json", action="store_true", help="print the result as JSON")

    def _export(self, options: dict[str, Any]) -> None:
        chosen = Credential.objects.select_related("organisation").order_by("issued_at", "id")
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"--org: no organisation {options['org']!r}")
            chosen = chosen.filter(organisation=organisation)
            if options["partner"]:
                partner = Organisation.objects.filter(slug=options["partner"]).first()
                if partner is None:
                    raise CommandError(f"--for: no organisation {options['partner']!r}")
                chosen = credentials.for_partner(SYSTEM, organisation, partner).select_related(
                    "organisation"
                )
        elif options["partner"]:
            raise CommandError("--for: name the issuing organisation with --org")
        target = Path(options["output"])
        target.mkdir(parents=True, exist_ok=True)
        issuers = {}
        count = 0
        for credential in chosen.iterator():
            (target / f"{credential.identifier}.jwt").write_text(credential.jwt + "\n")
            issuers[credential.organisation_id] = credential.organisation
            count += 1
        for organisation in issuers.values():
            (target / f"status-{organisation.slug}.jwt").write_text(
                credentials.status_list_jwt(organisation) + "\n"
            )
        (target / "jwks.json").write_text(json.dumps(keys.jwks(), indent=2) + "\n")
        self.stdout.write(
            f"{count} credentials, {len(issuers)} status lists and jwks.json in {target}"
        )

    def _verify(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read it ({error})") from error
        find_key: offline.KeyLookup = credentials.node_key
        status: verify.StatusLookup = credentials.node_status
        try:
            if options["jwks"]:
                find_key = offline.keys_from_jwks(Path(options["jwks"]).read_text("utf-8"))
            if options["status_list"]:
                lists = [Path(p) for p in options["status_list"]]
                status = offline.status_from_lists(lists, find_key)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        try:
            result = verify.verify(token, find_key, status, timezone.now())
        except DatabaseError as error:
            raise CommandError(
                f"this node's keys cannot be read ({error}); give the issuer's --jwks FILE"
            ) from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        else:
            for c in result.checks:
                mark = {True: "ok  ", False: "FAIL", None: "--  "}[c.passed]
                self.stdout.write(f"{mark} {c.name:<10} {c.detail}")
        if not result.verified:
            failed = result.failed
            raise CommandError(f"not verified: the {failed.name if failed else '?'} check failed")
        self.stdout.write(f"verified: {path}")
