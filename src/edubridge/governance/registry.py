"""The education data classification registry (docs/specs/data-classification.md).

Each app declares, in its ``data_classification`` module, the level, special categories,
purpose and retention of every field of its models with :func:`classify`. The inventory
joins those declarations with the models Django knows, so a field nobody classified shows
up as a gap instead of slipping through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.db import models


class Level(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


class Category(StrEnum):
    """Special categories: each makes a field sensitive personal data."""

    MINORS = "minors"
    HEALTH = "health"
    DISABILITY = "disability"
    RELIGION = "religion_or_belief"
    ETHNICITY = "ethnicity"
    BIOMETRIC = "biometric"
    PRECISE_LOCATION = "precise_location"


class ClassificationError(ValueError):
    pass


@dataclass(frozen=True)
class FieldClass:
    level: Level
    purpose: str
    categories: frozenset[Category] = frozenset()
    retention: str | None = None

    def __post_init__(self) -> None:
        if not self.purpose.strip():
            raise ClassificationError("every classified field needs a purpose")
        if self.categories and self.level is not Level.SENSITIVE:
            raise ClassificationError("a field with special categories is sensitive personal data")
        if self.level is Level.SENSITIVE and not self.categories:
            raise ClassificationError("sensitive personal data names its special categories")


def public(purpose: str, *, retention: str | None = None) -> FieldClass:
    return FieldClass(Level.PUBLIC, purpose, retention=retention)


def internal(purpose: str, *, retention: str | None = None) -> FieldClass:
    return FieldClass(Level.INTERNAL, purpose, retention=retention)


def personal(purpose: str, *, retention: str | None = None) -> FieldClass:
    return FieldClass(Level.PERSONAL, purpose, retention=retention)


def sensitive(purpose: str, *categories: Category, retention: str | None = None) -> FieldClass:
    return FieldClass(Level.SENSITIVE, purpose, frozenset(categories), retention)


@dataclass(frozen=True)
class Declaration:
    model: str
    retention: str
    fields: dict[str, FieldClass] = field(default_factory=dict)


_declarations: dict[str, Declaration] = {}


def classify(model: str, /, *, retention: str, **fields: FieldClass) -> None:
    """Declare the classification of every field of ``model`` ("app_label.ModelName")."""
    key = model.lower()
    if key in _declarations:
        raise ClassificationError(f"{model} is classified twice")
    _declarations[key] = Declaration(model, retention, fields)


@dataclass(frozen=True)
class Row:
    """One line of the data map."""

    model: str
    field: str
    level: Level | None
    categories: tuple[Category, ...]
    purpose: str
    retention: str

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "field": self.field,
            "level": self.level.value if self.level else None,
            "categories": [c.value for c in self.categories],
            "purpose": self.purpose,
            "retention": self.retention,
        }


def model_fields(model: type[models.Model]) -> list[str]:
    """The stored fields of a model: columns and forward many-to-many relations."""
    meta = model._meta
    return [f.name for f in [*meta.concrete_fields, *meta.many_to_many]]


def inventory() -> list[Row]:
    """Every stored field of every installed model, classified or not (level None)."""
    rows = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label
        declaration = _declarations.get(label.lower())
        for name in model_fields(model):
            fc = declaration.fields.get(name) if declaration else None
            if declaration is None or fc is None:
                rows.append(Row(label, name, None, (), "", ""))
                continue
            retention = fc.retention or declaration.retention
            rows.append(
                Row(label, name, fc.level, tuple(sorted(fc.categories)), fc.purpose, retention)
            )
    return rows


def problems() -> list[str]:
    """Unclassified fields and declarations of fields that do not exist."""
    found = [f"{row.model}.{row.field} is not classified" for row in inventory() if not row.level]
    for key, declaration in sorted(_declarations.items()):
        try:
            model = apps.get_model(key)
        except LookupError:
            found.append(f"{declaration.model} is classified but is not an installed model")
            continue
        stale = set(declaration.fields) - set(model_fields(model))
        found += [
            f"{declaration.model}.{name} is classified but does not exist" for name in sorted(stale)
        ]
    for kind, declared in sorted(_datasets.items()):
        for name in declared.models:
            if name.lower() not in _declarations:
                found.append(f"dataset {kind} names {name}, which is not classified")
        fields = {f"{row.model}.{row.field}".lower() for row in inventory()}
        found += [
            f"dataset {kind} leaves out {name}, which is not a field"
            for name in declared.left_out
            if name.lower() not in fields
        ]
    return found


@dataclass(frozen=True)
class Dataset:
    """A kind of data that can leave an organisation (an export, a share, a harvest): the
    fields it carries decide how the transfer gate treats it."""

    kind: str
    title: str
    models: tuple[str, ...]
    aggregatable: bool = False
    left_out: tuple[str, ...] = ()

    def rows(self) -> list[Row]:
        wanted = {m.lower() for m in self.models}
        dropped = {f.lower() for f in self.left_out}
        return [
            row
            for row in inventory()
            if row.model.lower() in wanted and f"{row.model}.{row.field}".lower() not in dropped
        ]


_datasets: dict[str, Dataset] = {}
_LEVELS = list(Level)


def dataset(
    kind: str,
    title: str,
    *models: str,
    aggregatable: bool = False,
    left_out: tuple[str, ...] = (),
) -> None:
    """Declare a kind of data that flows out of an organisation and the models it carries.

    ``aggregatable``: counts and rates over it are useful without anyone's row.
    ``left_out``: fields ("app.Model.field") of those models that no flow ever sends."""
    if kind in _datasets:
        raise ClassificationError(f"dataset {kind} is declared twice")
    _datasets[kind] = Dataset(kind, title, tuple(models), aggregatable, left_out)


def datasets() -> dict[str, Dataset]:
    return dict(sorted(_datasets.items()))


def highest(levels: list[Level | None]) -> Level:
    """The most protected of ``levels``; an unclassified field counts as sensitive."""
    return max(
        (level or Level.SENSITIVE for level in levels), key=_LEVELS.index, default=Level.PUBLIC
    )
