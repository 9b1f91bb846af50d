"""The localisation report: what was translated, re-aligned, adapted and waived, by whom.

It is built once, at sign-off, kept on the project, and travels in the derived version as
``localisation-report.json``, so a node that harvests the version sees its provenance.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from edubridge.localization.models import Project


def _who(user: Any) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _item(item: Any) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "identifier": item.identifier,
        "code": item.human_coding_scheme,
        "statement": item.full_statement,
        "framework": item.framework.title,
    }


def build(project: Project, signed_by: Any, signed_at: Any) -> dict[str, Any]:
    version = project.source_version
    units = list(project.units.select_related("updated_by").order_by("position"))
    mappings = project.mappings.select_related(
        "source_item__framework", "target_item__framework", "crosswalk", "decided_by"
    )
    findings = list(project.findings.select_related("rule", "unit", "resolved_by"))
    statuses = Counter(f.status for f in findings)
    return {
        "project": str(project.identifier),
        "source": {
            "resource": str(version.resource.identifier),
            "version": version.number,
            "title": version.resource.title_in(project.source_language),
            "organisation": project.source_organisation.name,
            "language": project.source_language,
        },
        "target": {
            "organisation": project.organisation.name,
            "language": project.target_language,
            "country": project.country_id,
            "framework": project.target_framework.title if project.target_framework else None,
        },
        "translated": {
            "units": len(units),
            "by_origin": dict(Counter(u.origin for u in units)),
            "translators": sorted({n for u in units if (n := _who(u.updated_by))}),
            "list": [
                {
                    "key": u.key,
                    "context": u.context,
                    "source": u.source,
                    "target": u.target,
                    "origin": u.origin,
                    "by": _who(u.updated_by),
                    "at": _when(u.updated_at),
                    "revision": u.revision,
                    "dismissed_checks": u.dismissed,
                }
                for u in units
            ],
        },
        "realigned": [
            {
                "source_item": _item(m.source_item),
                "alignment_type": m.alignment_type,
                "status": m.status,
                "target_item": _item(m.target_item),
                "relation": m.relation,
                "crosswalk": str(m.crosswalk.identifier) if m.crosswalk else None,
                "note": m.note,
                "by": _who(m.decided_by),
                "at": _when(m.decided_at),
            }
            for m in mappings
        ],
        "cultural_review": {
            "pack": {
                "country": project.country_id,
                "versions": sorted({f.pack_version for f in findings}),
            },
            "adapted": statuses.get("adapted", 0),
            "not_applicable": statuses.get("not_applicable", 0),
            "waived": statuses.get("waived", 0),
            "findings": [
                {
                    "rule": f.rule.key,
                    "category": f.rule.category,
                    "title": f.rule.title,
                    "unit": f.unit.key,
                    "side": f.side,
                    "match": f.match,
                    "suggestion": f.suggestion,
                    "status": f.status,
                    "reason": f.reason,
                    "by": _who(f.resolved_by),
                    "at": _when(f.resolved_at),
                }
                for f in findings
            ],
        },
        "stages": [
            {
                "stage": s.stage,
                "owner": _who(s.owner),
                "due": s.due.isoformat() if s.due else None,
                "started": _when(s.started_at),
                "finished": _when(s.finished_at),
            }
            for s in project.stages.select_related("owner")
        ],
        "signed_off": {"by": _who(signed_by), "at": _when(signed_at)},
    }


def published(report: dict[str, Any]) -> dict[str, Any]:
    """The report as it travels with the published version: what was done and decided, by
    which organisation, but no person's name (those stay with the project)."""
    organisation = report["target"]["organisation"]
    out = json.loads(json.dumps(report))
    rows = out["translated"]["list"] + out["realigned"] + out["cultural_review"]["findings"]
    for row in rows:
        row["by"] = organisation if row.get("by") else None
    for stage in out["stages"]:
        stage["owner"] = None
    out["translated"]["translators"] = len(report["translated"]["translators"])
    out["signed_off"]["by"] = organisation
    return out
