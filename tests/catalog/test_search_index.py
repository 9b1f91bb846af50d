"""The in-memory search index stays what the database says, however it was kept up to date."""

import pytest
from django.db import transaction

from edubridge.catalog import search, services
from edubridge.catalog.search_index import INDEX, SearchIndex

pytestmark = pytest.mark.django_db


def snapshot(index: SearchIndex, query: str, filters: dict) -> tuple:
    """What a search shows, computed from ``index`` alone (as another process would)."""
    original = search.INDEX
    search.INDEX = index
    try:
        found = search.search(query, filters, limit=50)
    finally:
        search.INDEX = original
    return [r.pk for r in found.resources], found.total, found.facets


QUERIES = [
    ("", {}),
    ("learning", {}),
    ("learning", {"kind": ["course"]}),
    ("", {"country": ["KE"], "language": ["en"]}),
    ("机器", {}),
]


def test_a_patched_index_answers_as_a_fresh_one(org_a, org_b, curator_a, curator_b, publish):
    first = publish(org_a, curator_a, {"en": "Machine learning", "zh-Hans": "机器学习"})
    search.search("")  # the long-lived index is built now, and patched from here on
    second = publish(org_b, curator_b, {"en": "Learning with data"}, kind="course")
    services.update_resource(curator_a, first, subjects=["AI", "Ethics"], kind="course")
    third = publish(org_b, curator_b, {"en": "Deep learning"}, languages=["en", "sw"])
    services.withdraw_resource(curator_b, second)
    # The long-lived index was patched (old positions retired, new ones appended), not rebuilt.
    assert third and len(INDEX.refresh().pks) > 2
    for query, filters in QUERIES:
        fresh = SearchIndex()
        assert snapshot(INDEX, query, filters) == snapshot(fresh, query, filters)
    assert snapshot(INDEX, "learning", {})[1] == 2  # the withdrawn one is gone


def test_changes_rolled_back_are_forgotten(org_a, curator_a, publish):
    publish(org_a, curator_a, {"en": "Kept lesson"})
    assert search.search("lesson").total == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(org_a, curator_a, {"en": "Rolled back lesson"})
        assert search.search("lesson").total == 2  # seen inside the transaction
        raise RuntimeError
    assert search.search("lesson").total == 1


def test_bm25_prefers_more_occurrences_and_shorter_texts(org_a, curator_a, publish):
    once = publish(org_a, curator_a, {"en": "robot lesson about many other things"})
    twice = publish(org_a, curator_a, {"en": "robot robot lesson about many other things"})
    short = publish(org_a, curator_a, {"en": "robot"})
    assert [r.pk for r in search.search("robot").resources] == [short.pk, twice.pk, once.pk]


def test_the_index_arrays_hold_only_findable_resources(org_a, curator_a, publish):
    kept = publish(org_a, curator_a, {"en": "Kept"})
    gone = publish(org_a, curator_a, {"en": "Gone"})
    services.withdraw_resource(curator_a, gone)
    arrays = INDEX.refresh()
    assert set(arrays.pks[arrays.alive].tolist()) == {kept.pk}
    assert search.search("").facets["organisation"] == [(org_a.slug, 1)]


def test_a_change_committed_after_a_later_one_is_still_applied(org_a, curator_a, publish):
    from edubridge.catalog.models import SearchChange

    first = publish(org_a, curator_a, {"en": "Lesson one"})
    second = publish(org_a, curator_a, {"en": "Lesson two"})
    search.search("")
    # On PostgreSQL a transaction can take an id and commit after later ones: here the
    # change of the second lesson arrives with an id far below one already seen.
    late = SearchChange.objects.order_by("-id").first().id + 1
    SearchChange.objects.create(id=late + 900, resource_id=first.pk, stamp="a" * 32)
    search.search("")
    services.update_resource(curator_a, second, kind="course")
    newest = SearchChange.objects.filter(resource_id=second.pk).order_by("-id").first()
    SearchChange.objects.filter(pk=newest.pk).update(id=late)
    assert search.search("", {"kind": ["course"]}).total == 1
