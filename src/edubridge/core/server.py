"""Serving the node with gunicorn: several worker processes, static files by WhiteNoise."""

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


def serve(host: str, port: int, workers: int) -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    # Workers are forked: none may inherit a database connection of this process.
    connections.close_all()
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}).run()
