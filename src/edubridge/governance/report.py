"""The data map as text: a table for terminals, JSON for programs, Markdown for documents."""

import json

from edubridge.governance.registry import Row


def as_json(rows: list[Row]) -> str:
    return json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False)


def as_markdown(rows: list[Row]) -> str:
    lines = [
        "| model | field | level | categories | purpose | retention |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        level = r.level.value if r.level else "**unclassified**"
        categories = ", ".join(c.value for c in r.categories)
        lines.append(
            f"| {r.model} | {r.field} | {level} | {categories} | {r.purpose} | {r.retention} |"
        )
    return "\n".join(lines) + "\n"
