"""``edubridge privacy export|erase USER``: one person's data, out or gone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.policy import SYSTEM
from edubridge.governance import personal_data


class Command(SubcommandCommand):
    help = "Export or erase everything this node holds about one person."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="a JSON archive, each field with its class")
        export.add_argument("user", help="username")
        export.add_argument("-o", "--output", required=True, help="file to write")
        erase = sub.add_parser("erase", help="erase or irreversibly pseudonymise, all apps")
        erase.add_argument("user", help="username")
        erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def _user(self, options: dict[str, Any]) -> User:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"user: no account {options['user']!r}")
        return user

    def _export(self, options: dict[str, Any]) -> None:
        archive = personal_data.export(SYSTEM, self._user(options))
        target = Path(options["output"])
        target.write_text(json.dumps(archive, ensure_ascii=False, indent=1), encoding="utf-8")
        rows = sum(len(m["rows"]) for app in archive["apps"].values() for m in app.values())
        self.stdout.write(f"{rows} rows from {len(archive['apps'])} apps written to {target}")

    def _erase(self, options: dict[str, Any]) -> None:
        user = self._user(options)
        if not options["yes"]:
            raise CommandError("erasure cannot be undone: add --yes to confirm")
        done = personal_data.erase(SYSTEM, user)
        for app, counts in done.items():
            for label, n in counts.items():
                self.stdout.write(f"{app}: {label} {n}")
        self.stdout.write(f"erased; the account is now {user.username}")
