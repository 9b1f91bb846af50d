"""The progress bar of long commands (harvests, fits): rich, written to the command's stdout,
gone when the work is done."""

from typing import IO, cast

from django.core.management.base import OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(stdout: OutputWrapper) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=cast("IO[str]", stdout)),
        transient=True,
    )
