"""Sign-off: a reviewer of the target organisation approves, and the localised version is
published as a version of the target organisation's own resource, derived from the source.

The catalog writes are made on the organisation's behalf (``SYSTEM``): the reviewer's act
is the sign-off, which the policy checks and the audit log records under their name.
"""

from __future__ import annotations

import io
import json

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from edubridge.catalog import services as catalog
from edubridge.catalog.models import MadeWith, Resource, ResourceVersion
from edubridge.catalog.packages import qti
from edubridge.catalog.services import Upload, metadata_of
from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.policy import SYSTEM, Action, Actor, require
from edubridge.localization import extract, mt, report
from edubridge.localization.models import MappingStatus, Origin, Project, Stage
from edubridge.localization.services import blockers, refresh_checks

REPORT = "localisation-report.json"


def _files(project: Project, targets: dict[str, str]) -> list[Upload]:
    uploads = []
    for file in project.source_version.files.all():
        with default_storage.open(file.storage_name) as handle:
            data = handle.read()
        if extract.localisable(file):
            data = extract.rebuild_page(
                file.path, data, targets, project.target_language, project.rtl
            )
        if file.path != REPORT:
            uploads.append(Upload(file.path, io.BytesIO(data), file.media_type))
    return uploads


def _resource(project: Project, targets: dict[str, str]) -> Resource:
    """The target organisation's localised resource: the one an earlier project made, or new."""
    source = project.source_version.resource
    language = project.target_language
    values = metadata_of(source)
    values.update(
        title={language: targets.get("title") or source.title_in(project.source_language)},
        description={language: d} if (d := targets.get("description")) else {},
        languages=[language],
        country=project.country_id,
    )
    earlier = (
        Project.objects.filter(
            organisation=project.organisation,
            source_version__resource=source,
            target_language=language,
            target_resource__isnull=False,
        )
        .exclude(pk=project.pk)
        .order_by("-signed_off_at")
        .first()
    )
    if earlier is not None and earlier.target_resource is not None:
        return catalog.update_resource(SYSTEM, earlier.target_resource, **values)
    return catalog.create_resource(SYSTEM, project.organisation, **values)


def sign_off(by: Actor, project: Project) -> ResourceVersion:
    require(by, Action.L10N_REVIEW, project)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.stage != Stage.SIGNOFF:
            raise DomainError(ErrorCode.CONFLICT, "Finish the cultural review before signing off.")
        refresh_checks(locked)
        if problems := blockers(locked, Stage.SIGNOFF):
            raise DomainError(ErrorCode.CONFLICT, "Not yet: " + "; ".join(problems) + ".")
        now = timezone.now()
        person = by if isinstance(by, User) else None
        locked.stages.filter(stage=Stage.SIGNOFF).update(finished_at=now, owner=person)
        built = report.build(locked, person, now)
        targets = dict(locked.units.values_list("key", "target"))
        resource = _resource(locked, targets)
        uploads = _files(locked, targets)
        uploads.append(
            Upload(
                REPORT,
                io.BytesIO(
                    json.dumps(report.published(built), ensure_ascii=False, indent=2).encode()
                ),
                "application/json",
            )
        )
        source = locked.source_version
        version = catalog.create_version(
            SYSTEM,
            resource,
            uploads,
            changelog=(
                f"Localised for {locked.target_language} ({locked.country_id}) from"
                f" {source.resource.title_in('en')} v{source.number}"
                f" of {locked.source_organisation}"
            )[:4000],
            derived_from=source,
            **_ai_use(locked),
        )
        items = [
            extract.rebuild_item(qti.Item.from_json(row.data), targets, locked.target_language)
            for row in source.items.all()
        ]
        if items:
            catalog.add_items(SYSTEM, version, items)
        for mapping in locked.mappings.filter(
            status__in=[MappingStatus.MAPPED, MappingStatus.CHOSEN], target_item__isnull=False
        ).select_related("target_item"):
            assert mapping.target_item is not None
            catalog.align(SYSTEM, version, mapping.target_item, mapping.alignment_type)
        version = catalog.publish_version(SYSTEM, version)
        built["result"] = {"resource": str(resource.identifier), "version": version.number}
        locked.report = built
        locked.stage = Stage.DONE
        locked.target_resource, locked.result_version = resource, version
        locked.signed_off_by, locked.signed_off_at = person, now
        locked.save()
        audit.record(
            by,
            "l10n.signoff",
            locked,
            organisation=locked.organisation,
            summary=f"{locked} → {resource} v{version.number}"[:300],
        )
    return version


def _ai_use(project: Project) -> dict[str, str]:
    """How the localised version was made: AI-assisted when its source was made with AI (the
    source's model named) or a translator took machine suggestions (the engines named)."""
    models = []
    source = project.source_version
    if source.made_with != MadeWith.HUMAN:
        models.append(f"source: {source.ai_model}")
    if project.units.filter(origin=Origin.MACHINE).exists():
        engines = [b.name for b in mt.backends() if not isinstance(b, mt.MemoryBackend)]
        models.append("Machine translation: " + (", ".join(engines) or "engine not recorded"))
    if not models:
        return {}
    return {"made_with": MadeWith.AI_ASSISTED, "ai_model": "; ".join(models)[:200]}
