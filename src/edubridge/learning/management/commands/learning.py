"""``edubridge learning fit|schedule``: fit knowledge-tracing models on stored answers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.catalog.models import canonical_uuid
from edubridge.core.management.progress import progress_bar
from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.policy import SYSTEM
from edubridge.learning import fitting, tasks
from edubridge.learning.models import ItemBank


class Command(SubcommandCommand):
    help = "Fit knowledge-tracing models on the answers stored for an item bank."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit", help="fit a model on a bank's answers (a BKT then serves it)")
        fit.add_argument("--bank", help="the bank's identifier (not needed when there is one)")
        fit.add_argument("--model", choices=sorted(fitting.KINDS), default="bkt")
        fit.add_argument("--skills", nargs="+", help="skill codes or identifiers (default: all)")
        fit.add_argument("--scheduler", help="a Dask scheduler, tcp://host:port, to fit BKT on")
        fit.add_argument("--random-state", type=int, default=0)
        sub.add_parser("schedule", help="queue the periodic refits (EDUBRIDGE_REFIT_HOURS)")

    def _bank(self, identifier: str | None) -> ItemBank:
        if identifier:
            bank = ItemBank.objects.filter(identifier=canonical_uuid(identifier)).first()
            if bank is None:
                raise CommandError(f"--bank: no item bank {identifier!r}")
            return bank
        banks = list(ItemBank.objects.all()[:2])
        if len(banks) != 1:
            listed = ", ".join(f"{b.identifier} ({b.name})" for b in ItemBank.objects.all()[:20])
            raise CommandError(f"--bank: choose one of: {listed or 'none yet'}")
        return banks[0]

    def _fit(self, options: dict[str, Any]) -> None:
        bank = self._bank(options["bank"])
        scheduler = options["scheduler"]
        if scheduler and not scheduler.startswith(("tcp://", "tls://")):
            raise CommandError(f"--scheduler: {scheduler!r} is not tcp://host:port")
        with progress_bar(self.stdout) as progress:
            task = progress.add_task(f"fitting {options['model']}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                report = fitting.fit_bank(
                    SYSTEM,
                    bank,
                    options["model"],
                    skills=options["skills"],
                    scheduler=scheduler,
                    progress=advance,
                    random_state=options["random_state"],
                )
            except OSError as error:  # the scheduler cannot be reached
                raise CommandError(f"--scheduler: {error}") from error
        held = report.held_out
        self.stdout.write(
            f"{report.kind}: {report.answers} answers of {report.learners} learners on "
            f"{len(report.skills)} skills, fitted in {report.seconds:.1f} s"
        )
        if held.get("auc") is not None:
            self.stdout.write(
                f"held-out learners, {held['folds']} folds ({held['n']} answers): "
                f"AUC {held['auc']:.3f}, "
                f"RMSE {held['rmse']:.3f}, log-loss {held['log_loss']:.3f}"
            )
        if report.by_group is not None:
            for name, found in report.by_group["attributes"].items():
                ratios = ", ".join(f"{m} {r:.2f}" for m, r in found["ratios"].items())
                self.stdout.write(f"by {name}: disparity ratios {ratios or 'not measured'}")
        if report.held_back and report.model is not None and report.by_group:
            flagged = ", ".join(report.by_group["flagged"])
            self.stdout.write(
                f"held back by its bias audit ({flagged}): model {report.model.identifier} "
                "serves only once an auditor overrides"
            )
        elif report.model is not None:
            self.stdout.write(f"serving {bank.name} as model {report.model.identifier}")
        elif report.kind == "bkt":
            self.stdout.write(
                f"not served: {report.learners} learners, fewer than {fitting.MIN_LEARNERS}; "
                "the bank keeps its current parameters"
            )
        else:
            self.stdout.write("compared only: practice is served by BKT")

    def _schedule(self, options: dict[str, Any]) -> None:
        if tasks.schedule():
            self.stdout.write("refits queued; `edubridge db_worker` runs them")
        else:
            self.stdout.write("refits are off (EDUBRIDGE_REFIT_HOURS=0)")
