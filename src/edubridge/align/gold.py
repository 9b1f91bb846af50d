"""Reading a gold standard of correspondences: ``source_identifier,target_identifier`` pairs."""

from __future__ import annotations

import csv
import io


class GoldError(ValueError):
    pass


def read_gold(text: str) -> dict[str, set[str]]:
    """A header ``source_identifier,target_identifier``, then one pair a line."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or [h.strip() for h in header[:2]] != [
        "source_identifier",
        "target_identifier",
    ]:
        raise GoldError("line 1: the header must be source_identifier,target_identifier")
    gold: dict[str, set[str]] = {}
    for number, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise GoldError(f"line {number}: give a source and a target identifier")
        gold.setdefault(row[0].strip().lower(), set()).add(row[1].strip().lower())
    if not gold:
        raise GoldError("the gold file has no pairs")
    return gold
