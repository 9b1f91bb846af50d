"""``edubridge org create|list|add-member``: manage partner organisations from the shell."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core import services
from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation, OrganisationKind, Role
from edubridge.core.policy import SYSTEM


class Command(SubcommandCommand):
    help = "Create and list partner organisations; add members."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a partner organisation")
        create.add_argument("--slug", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=OrganisationKind.values)
        create.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. KE")
        create.add_argument("--language", action="append", default=[], dest="languages")
        create.add_argument("--website", default="")
        create.add_argument("--description", default="")
        create.add_argument("--contact-email", default="")
        listing = sub.add_parser("list", help="list organisations")
        listing.add_argument("--json", action="store_true")
        member = sub.add_parser("add-member", help="give a user roles in an organisation")
        member.add_argument("slug")
        member.add_argument("username")
        member.add_argument("--role", action="append", required=True, choices=Role.values)

    def _create(self, options: dict[str, Any]) -> None:
        fields = [f for f in services.ORGANISATION_FIELDS if f != "is_active"]
        org = services.create_organisation(SYSTEM, **{k: options[k] for k in fields})
        self.stdout.write(f"created {org.slug}: {org.name} ({org.country_id})")

    def _list(self, options: dict[str, Any]) -> None:
        orgs = Organisation.objects.all()
        if options["json"]:
            rows = [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "kind": o.kind,
                    "country": o.country_id,
                    "languages": o.languages,
                    "is_active": o.is_active,
                }
                for o in orgs
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for o in orgs:
            self.stdout.write(f"{o.slug:<20} {o.country_id}  {o.kind:<16} {o.name}")

    def _add_member(self, options: dict[str, Any]) -> None:
        org = Organisation.objects.filter(slug=options["slug"]).first()
        if org is None:
            raise CommandError(f"no organisation {options['slug']!r}")
        user = services.find_user(options["username"])
        services.add_member(SYSTEM, org, user, options["role"])
        self.stdout.write(f"{user} is now {', '.join(options['role'])} of {org.slug}")
