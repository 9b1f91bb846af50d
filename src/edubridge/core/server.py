"""Serving the node with gunicorn: several worker processes, static files by WhiteNoise, and
one background worker for queued tasks (refits), stopped with the server."""

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.db import connections
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from edubridge.wsgi import application

        return application


def serve(host: str, port: int, workers: int, *, background: bool = True) -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None
    if background:
        call_command("learning", "schedule")
        call_command("retention", "--schedule")
        command = [sys.executable, "-m", "edubridge.cli", "db_worker", "--no-reload"]
        worker = subprocess.Popen(command)  # noqa: S603 (our own interpreter and command)
    # Workers are forked: none may inherit a database connection of this process.
    connections.close_all()
    try:
        _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}).run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
