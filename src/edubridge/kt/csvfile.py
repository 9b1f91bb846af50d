"""Reading a large CSV file of responses fast and in little memory.

A numba kernel reads the bytes once: text fields become codes through an open-addressing
table of 64-bit FNV-1a hashes (only the distinct labels ever become Python strings), number
fields are parsed where they stand. A file this reader cannot take as it is (quoted
fields, numbers written otherwise) comes back as ``None``, and the caller reads it with
the csv module.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

COMMA, NEWLINE, RETURN, QUOTE = 44, 10, 13, 34


@dataclass(frozen=True)
class Labels:
    """A column of text: ``labels`` sorted, ``codes`` indexing them row by row."""

    codes: np.ndarray
    labels: np.ndarray


Column = Labels | np.ndarray  # text, or float64 numbers


@njit(cache=True)
def _fnv(buf, start, end):  # type: ignore[no-untyped-def]
    h = np.uint64(14695981039346656037)
    prime = np.uint64(1099511628211)
    for i in range(start, end):
        h = (h ^ np.uint64(buf[i])) * prime
    return h if h != np.uint64(0) else np.uint64(1)  # 0 marks an empty slot


@njit(cache=True)
def _number(buf, start, end):  # type: ignore[no-untyped-def]
    """The number in buf[start:end] (digits, a sign, a decimal point), NaN if it is not one."""
    if start == end:
        return np.nan
    i, sign = start, 1.0
    if buf[i] == 45:  # "-"
        sign, i = -1.0, i + 1
    value, scale, digits, point = 0.0, 1.0, 0, False
    while i < end:
        b = buf[i]
        if 48 <= b <= 57:
            digits += 1
            if point:
                scale /= 10.0
                value += (b - 48) * scale
            else:
                value = value * 10.0 + (b - 48)
        elif b == 46 and not point:  # "."
            point = True
        else:
            return np.nan
        i += 1
    return sign * value if digits else np.nan


@njit(cache=True)
def _read(buf, start, n_rows, text):  # type: ignore[no-untyped-def]
    """Codes (for text columns) or numbers of every field; first offsets of each code.

    Returns (codes, numbers, firsts, counts, bad): ``bad`` is -1, else the data line
    (0-based) whose fields are not ``len(text)`` or whose number does not parse.
    """
    n_cols = len(text)
    codes = np.zeros((n_cols, n_rows), dtype=np.int64)
    numbers = np.zeros((n_cols, n_rows))
    size = 1024
    keys = np.zeros((n_cols, size), dtype=np.uint64)
    values = np.zeros((n_cols, size), dtype=np.int64)
    firsts = np.zeros((n_cols, 1024), dtype=np.int64)
    counts = np.zeros(n_cols, dtype=np.int64)
    row, pos, end = 0, start, len(buf)
    while pos < end and row < n_rows:
        for col in range(n_cols):
            field = pos
            while pos < end and buf[pos] != COMMA and buf[pos] != NEWLINE:
                pos += 1
            stop = pos
            if stop > field and buf[stop - 1] == RETURN:
                stop -= 1
            last = col == n_cols - 1
            if last != (pos >= end or buf[pos] == NEWLINE):
                return codes, numbers, firsts, counts, row
            pos += 1
            if not text[col]:
                numbers[col, row] = _number(buf, field, stop)
                if np.isnan(numbers[col, row]):
                    return codes, numbers, firsts, counts, row
                continue
            if 2 * counts[col] >= size:  # grow every table, then rehash
                size *= 2
                grown_keys = np.zeros((n_cols, size), dtype=np.uint64)
                grown_values = np.zeros((n_cols, size), dtype=np.int64)
                for c in range(n_cols):
                    for slot in range(size // 2):
                        if keys[c, slot] != 0:
                            at = keys[c, slot] & np.uint64(size - 1)
                            while grown_keys[c, at] != 0:
                                at = (at + np.uint64(1)) & np.uint64(size - 1)
                            grown_keys[c, at] = keys[c, slot]
                            grown_values[c, at] = values[c, slot]
                keys, values = grown_keys, grown_values
            if counts[col] >= firsts.shape[1]:
                grown = np.zeros((n_cols, 2 * firsts.shape[1]), dtype=np.int64)
                grown[:, : firsts.shape[1]] = firsts
                firsts = grown
            h = _fnv(buf, field, stop)
            at = h & np.uint64(size - 1)
            while keys[col, at] != 0 and keys[col, at] != h:
                at = (at + np.uint64(1)) & np.uint64(size - 1)
            if keys[col, at] == 0:
                keys[col, at] = h
                values[col, at] = counts[col]
                firsts[col, counts[col]] = field
                counts[col] += 1
            codes[col, row] = values[col, at]
        row += 1
    return codes, numbers, firsts, counts, -1 if row == n_rows else row


def _label(buf: np.ndarray, start: int) -> str:
    stop = start
    while stop < len(buf) and buf[stop] not in (COMMA, NEWLINE):
        stop += 1
    return bytes(buf[start:stop]).decode("utf-8").rstrip("\r")


def read_csv(path: str | Path, numeric: AbstractSet[str]) -> dict[str, Column] | None:
    """The columns of a CSV file with a header row; those named in ``numeric`` as numbers.

    ``None`` when the file quotes fields or writes a number otherwise than plainly: the
    caller then reads it with the csv module, which also says which row is at fault.
    """
    buf = np.fromfile(path, dtype=np.uint8)
    if (buf == QUOTE).any():
        return None
    newline = np.flatnonzero(buf == NEWLINE)
    header_end = int(newline[0]) if len(newline) else len(buf)
    names = [n.strip() for n in bytes(buf[:header_end]).decode("utf-8").split(",")]
    body = header_end + 1
    n_rows = int(np.count_nonzero(newline > header_end))
    if len(buf) > body and buf[-1] != NEWLINE:
        n_rows += 1  # a last line without its newline
    if len(buf) > body and n_rows and buf[-1] == NEWLINE and len(newline) >= 2:
        blank = newline[-1] - newline[-2] == 1 or (
            newline[-1] - newline[-2] == 2 and buf[newline[-1] - 1] == RETURN
        )
        n_rows -= int(blank)  # a blank last line
    text = np.array([name not in numeric for name in names])
    codes, numbers, firsts, counts, bad = _read(buf, body, n_rows, text)
    if bad >= 0:
        return None
    columns: dict[str, Column] = {}
    for col, name in enumerate(names):
        if not text[col]:
            columns[name] = numbers[col]
            continue
        found = [_label(buf, int(first)) for first in firsts[col, : counts[col]]]
        labels = np.array(found, dtype=str)
        order = np.argsort(labels, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        columns[name] = Labels(rank[codes[col]], labels[order])
    return columns
