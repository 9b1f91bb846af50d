"""Atom feeds of published joint releases, for the node and for each organisation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from edubridge.catalog.models import Release, ReleaseStatus
from edubridge.core.models import Organisation

LATEST = 50


def releases_feed(request: HttpRequest, organisation: Organisation | None = None) -> str:
    releases = Release.objects.filter(status=ReleaseStatus.PUBLISHED).order_by("-published_at")
    if organisation is not None:
        releases = releases.filter(parties__organisation=organisation)
    title = f"EduBridge releases: {organisation}" if organisation else "EduBridge releases"
    feed = Atom1Feed(
        title=title,
        link=request.build_absolute_uri(reverse("releases")),
        description="Resources released together by partner organisations",
        feed_url=request.build_absolute_uri(request.path),
        language="en",
    )
    for release in releases.prefetch_related("parties__organisation")[:LATEST]:
        signatories = ", ".join(str(p.organisation) for p in release.parties.all())
        feed.add_item(
            title=release.title,
            link=request.build_absolute_uri(reverse("release", args=[release.identifier])),
            # Feed readers render the summary as HTML: the notes are plain text.
            description=escape(f"{release.notes}\n\nReleased by {signatories}."),
            unique_id=f"urn:uuid:{release.identifier}",
            pubdate=release.published_at,
            updateddate=release.published_at,
            author_name=signatories,
        )
    return feed.writeString("utf-8")
