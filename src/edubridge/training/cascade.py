"""How far a seed-teacher cascade reaches: cohorts linked to the cohort that trained their
lead trainer, counted by generation (and country), and drawn as a tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from django.db.models import Count, Q

from edubridge.training.models import Cohort, EnrolmentStatus, Programme


@dataclass
class Node:
    cohort: Cohort
    generation: int
    enrolled: int
    completed: int
    credentialed: int
    participants: set[int]
    children: list[Node] = field(default_factory=list)


@dataclass
class Generation:
    number: int
    cohorts: int = 0
    countries: set[str] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    enrolled: int = 0
    completed: int = 0
    credentialed: int = 0

    @property
    def reached(self) -> int:
        return len(self.participants)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.enrolled if self.enrolled else 0.0

    @property
    def credential_rate(self) -> float:
        return self.credentialed / self.enrolled if self.enrolled else 0.0


@dataclass
class Cascade:
    programme: Programme
    roots: list[Node]
    generations: list[Generation]
    by_country: dict[str, list[Generation]]

    @property
    def reached(self) -> int:
        return len(set().union(*(g.participants for g in self.generations)))


def build(programme: Programme, country: str | None = None) -> Cascade:
    """The programme's cascade; with ``country``, the generations count that country's
    cohorts only (the tree stays whole so the links show)."""
    active = ~Q(enrolments__status=EnrolmentStatus.WITHDRAWN)
    cohorts = list(
        Cohort.objects.filter(programme=programme)
        .select_related("country", "organisation")
        .annotate(
            n_enrolled=Count("enrolments", filter=active, distinct=True),
            n_completed=Count(
                "enrolments",
                filter=Q(enrolments__status=EnrolmentStatus.COMPLETED),
                distinct=True,
            ),
            n_credentialed=Count(
                "enrolments__credential",
                filter=Q(enrolments__credential__revoked_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("starts_on", "id")
    )
    people: dict[int, set[int]] = defaultdict(set)
    for cohort_id, user_id, status in Cohort.objects.filter(programme=programme).values_list(
        "id", "enrolments__participant_id", "enrolments__status"
    ):
        if user_id is not None and status != EnrolmentStatus.WITHDRAWN:
            people[cohort_id].add(user_id)
    nodes = {
        c.pk: Node(c, 0, c.n_enrolled, c.n_completed, c.n_credentialed, people[c.pk])
        for c in cohorts
    }
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.cohort.parent_id) if node.cohort.parent_id else None
        (parent.children if parent else roots).append(node)
    generations: dict[int, Generation] = {}
    countries: dict[str, dict[int, Generation]] = defaultdict(dict)

    def walk(node: Node, depth: int) -> None:
        node.generation = depth
        code = node.cohort.country_id
        tables = [countries[code]] + ([generations] if country in (None, code) else [])
        for table in tables:
            row = table.setdefault(depth, Generation(depth))
            row.cohorts += 1
            row.countries.add(code)
            row.participants |= node.participants
            row.enrolled += node.enrolled
            row.completed += node.completed
            row.credentialed += node.credentialed
        for child in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 1)
    return Cascade(
        programme=programme,
        roots=roots,
        generations=[generations[k] for k in sorted(generations)],
        by_country={
            code: [rows[k] for k in sorted(rows)] for code, rows in sorted(countries.items())
        },
    )


BOX_W, BOX_H, GAP_X, GAP_Y = 220, 54, 40, 14


def svg(cascade: Cascade, title: str) -> str:
    """The cascade as a left-to-right tree: a box per cohort, generation by column."""
    placed: list[tuple[Node, int, int]] = []
    links: list[tuple[int, int, int, int]] = []
    row = 0

    def place(node: Node) -> int:
        nonlocal row
        x = (node.generation - 1) * (BOX_W + GAP_X)
        if not node.children:
            y = row * (BOX_H + GAP_Y)
            row += 1
        else:
            ys = [place(child) for child in node.children]
            y = (ys[0] + ys[-1]) // 2
            for child_y in ys:
                links.append((x + BOX_W, y + BOX_H // 2, x + BOX_W + GAP_X, child_y + BOX_H // 2))
        placed.append((node, x, y))
        return y

    for root in cascade.roots:
        place(root)
    depth = max((n.generation for n, _, _ in placed), default=1)
    width = depth * (BOX_W + GAP_X) - GAP_X + 2
    height = max(row, 1) * (BOX_H + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="cascade-title" '
        f'class="cascade" direction="ltr" font-family="sans-serif" font-size="12">',
        f'<title id="cascade-title">{escape(title)}</title>',
    ]
    for x1, y1, x2, y2 in links:
        mid = (x1 + x2) // 2
        parts.append(f'<path d="M{x1} {y1} H{mid} V{y2} H{x2}" fill="none" stroke="#8a96a3"/>')
    for node, x, y in placed:
        cohort = node.cohort
        label = f"{cohort.country.name} · {len(node.participants)} · G{node.generation}"
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4" '
            f'fill="#eef4fb" stroke="#0b5cad"/>'
            f'<text x="{x + 8}" y="{y + 20}" fill="#1d2733">{escape(cohort.title[:32])}</text>'
            f'<text x="{x + 8}" y="{y + 40}" fill="#5b6775">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
