"""The ``edubridge`` command: EduBridge's own subcommands and every Django command.

``edubridge data-map`` runs the ``data_map`` management command, ``edubridge migrate`` runs
Django's; ``demo`` turns DEBUG on for its own process only.
"""

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args[:1] == ["demo"]:
        os.environ.setdefault("EDUBRIDGE_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubridge.settings")
    execute_from_command_line(["edubridge", *args])


if __name__ == "__main__":
    main()
