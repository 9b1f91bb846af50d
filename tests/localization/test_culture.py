"""The shipped rule packs, how they match, how operators change them, and the detectors."""

import tomllib

import pytest

from edubridge.core.models import Country
from edubridge.localization import culture, detectors
from edubridge.localization.models import Category, Rule, RulePack
from tests.conftest import client_for

COUNTRIES = ["KE", "EG", "ID", "BR", "SN", "CN"]
RULE = (
    'country = "KE"\nversion = 1\ntitle = "x"\n[[rules]]\nid = "ke-a"\ncategory = "food"\n'
    'title = "t"\nwhy = "w"\naction = "a"'
)


@pytest.mark.parametrize("country", COUNTRIES)
def test_each_shipped_pack_covers_every_category_and_detector(countries, country):
    pack = culture.load_pack(culture.PACKS / f"{country}.toml")
    rules = list(pack.rules.all())
    assert {r.category for r in rules} == set(Category.values)
    assert sorted(r.detector for r in rules if r.detector) == sorted(detectors.DETECTORS)
    assert all(r.why and r.action and r.key.startswith(country.lower() + "-") for r in rules)
    assert pack.version >= 1 and pack.languages


def test_keywords_match_whole_words_in_each_language(countries):
    pack = culture.pack_for(Country.objects.get(code="EG"))
    rules = culture.RuleSet(list(pack.rules.all()))

    def categories(text, language, side="source"):
        hits = rules.scan(text, language, side=side, target_language="ar-EG", country="EG")
        return {h.rule.category for h in hits}

    assert "food" in categories("The class shares pork dumplings.", "en")
    assert "food" not in categories("The class shares a porky joke and a sporkful of rice.", "en")
    assert "food" in categories("يتشارك الطلاب فطائر لحم الخنزير.", "ar", side="target")
    found = rules.scan(
        "It is 3 miles away and costs ¥15.",
        "en",
        side="source",
        target_language="ar-EG",
        country="EG",
    )
    suggestions = {h.rule.detector: h.suggestion for h in found if h.rule.detector}
    assert "كم" in suggestions["imperial_units"]
    assert "EGP" in suggestions["foreign_currency"]


def test_a_newer_file_replaces_the_rules_and_keeps_retired_ones_inactive(countries, tmp_path):
    data = (culture.PACKS / "KE.toml").read_text()
    first = culture.load_pack(culture.PACKS / "KE.toml")
    assert culture.load_pack(culture.PACKS / "KE.toml") is None  # not newer
    parsed = tomllib.loads(data)
    gone = parsed["rules"][0]["id"]
    newer = data.replace(f"version = {parsed['version']}", f"version = {parsed['version'] + 1}", 1)
    newer = newer.replace(f'id = "{gone}"', 'id = "ke-renamed-rule"', 1)
    (tmp_path / "KE.toml").write_text(newer)
    second = culture.load_pack(tmp_path / "KE.toml")
    assert second.pk == first.pk and second.version == parsed["version"] + 1
    assert not Rule.objects.get(pack=second, key=gone).active
    assert Rule.objects.get(pack=second, key="ke-renamed-rule").active


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('country = "KE"\ntitle = "x"\nrules = []', "'version' is missing"),
        (RULE.replace("food", "weather"), "category must be one of"),
        (
            RULE + '\npatterns = { en = ["(unclosed"] }',
            "pattern '(unclosed'",
        ),
        ('country = "KE"\nversion = 1\ntitle = "x"\nrules = [', "KE.toml"),
    ],
)
def test_a_broken_pack_file_is_refused_by_name(countries, tmp_path, text, problem):
    (tmp_path / "KE.toml").write_text(text)
    with pytest.raises(culture.PackError, match=problem.replace("(", r"\(")):
        culture.load_pack(tmp_path / "KE.toml")
    assert not RulePack.objects.exists()


def test_an_operator_edits_a_rule_in_the_admin_and_the_version_rises(operator, countries):
    pack = culture.pack_for(Country.objects.get(code="KE"))
    rule = pack.rules.order_by("pk").first()
    client = client_for(operator)
    page = client.get(f"/admin/localization/rulepack/{pack.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    inline = page.context["inline_admin_formsets"][0].formset
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["country"] = pack.country_id
    data["languages"] = '["sw", "en"]'
    management = inline.management_form
    prefix = inline.prefix
    data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
    for n, f in enumerate(inline.forms):
        for name, field in f.fields.items():
            value = f.initial.get(name)
            if name in ("keywords", "patterns"):
                value = field.prepare_value(value)
            if value is not None and value is not False:
                data[f"{prefix}-{n}-{name}"] = value
        data[f"{prefix}-{n}-id"] = f.instance.pk
        data[f"{prefix}-{n}-pack"] = pack.pk
    index = [f.instance.pk for f in inline.forms].index(rule.pk)
    data[f"{prefix}-{index}-why"] = "Rewritten by the operator."
    response = client.post(f"/admin/localization/rulepack/{pack.pk}/change/", data)
    assert response.status_code == 302
    pack.refresh_from_db()
    rule.refresh_from_db()
    assert rule.why == "Rewritten by the operator." and pack.version == 2


def test_a_staff_member_who_is_not_an_operator_cannot_edit_packs(admin_b, countries):
    culture.pack_for(Country.objects.get(code="KE"))
    assert client_for(admin_b).get("/admin/localization/rulepack/").status_code == 403


def test_dates_read_both_ways_in_the_target_locale():
    found = detectors.numeric_dates("Taught on 03/04/2026 and 25/12/2026.", "sw-KE", "KE")
    assert [d.text for d in found] == ["03/04/2026", "25/12/2026"]
    assert found[0].suggestion == "4 Machi 2026 / 3 Aprili 2026"
    assert found[1].suggestion == "25 Desemba 2026"


def test_a_local_currency_is_not_flagged():
    assert (
        detectors.foreign_currency("It costs 300 KES or 2 dollars.", "sw", "KE")[0].text
        == "2 dollars"
    )
