"""Commands with subcommands (``edubridge org create``): dispatch, and refusals as CLI errors."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edubridge.core.errors import DomainError


class SubcommandCommand(BaseCommand):
    """Runs ``self._<subcommand>(options)``; a DomainError exits non-zero with its message."""

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(error.message) from error
