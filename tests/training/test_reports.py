"""The cascade's generations, the reports' counts as CSV and XLSX, and calendars read by an
independent iCalendar parser in the right time zone."""

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from openpyxl import load_workbook

from edubridge.core.models import Role
from edubridge.training import cascade, radar, reports, services
from edubridge.training.models import Track
from tests.training.conftest import at_home, complete


@pytest.fixture
def two_generations(cohort, trainer_a, seed, org_b, member):
    complete(cohort, seed, trainer_a, track=Track.TRAINER)
    home = at_home(seed, cohort.programme, org_b, title="Nakuru", started=2)
    colleagues = [member(org_b, Role.TEACHER, username=f"colleague{n}") for n in range(3)]
    for person in colleagues:
        services.enrol(seed, home, person)
    return home, colleagues


@pytest.mark.django_db
def test_the_cascade_counts_each_generation(two_generations, cohort):
    tree = cascade.build(cohort.programme)
    assert [(g.number, g.reached, g.completed, g.credentialed) for g in tree.generations] == [
        (1, 1, 1, 1),
        (2, 3, 0, 0),
    ]
    assert tree.reached == 4 and [n.cohort.title for n in tree.roots[0].children] == ["Nakuru"]
    assert [g.number for g in cascade.build(cohort.programme, "KE").generations] == [2]
    assert set(tree.by_country) == {"CN", "KE"}
    picture = cascade.svg(tree, "Cascade")
    assert picture.count("<rect") == 2 and picture.count("<path") == 1


@pytest.mark.django_db
def test_reports_export_the_same_counts_as_csv_and_xlsx(two_generations, cohort):
    table = reports.rows("programme")
    assert [
        (r.name, r.enrolled, r.completed, r.credentialed, r.generations, r.reached) for r in table
    ] == [(cohort.programme.title, 4, 1, 1, 2, 4)]
    rows = list(csv.reader(io.StringIO(reports.as_csv("country", reports.rows("country")))))
    assert rows[0][:2] == ["country", "enrolled"] and [r[0] for r in rows[1:]] == ["China", "Kenya"]
    sheet = load_workbook(io.BytesIO(reports.as_xlsx("cohort", reports.rows("cohort")))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "cohort" and {v[0] for v in values[1:]} == {cohort.title, "Nakuru"}


def test_a_formula_in_a_name_is_not_run_by_a_spreadsheet():
    row = reports.Row("k", '=HYPERLINK("http://x")', 1, 0, 0, 0, 0)
    assert reports.as_csv("cohort", [row]).splitlines()[1].startswith("\"'=HYPERLINK")


@pytest.mark.django_db
def test_calendars_carry_the_right_instant_for_every_zone(cohort, trainer_a):
    from edubridge.training import ical

    nairobi = services.add_workshop(
        trainer_a,
        cohort,
        title="Warsha; ya kwanza, Nakuru",
        timezone_name="Africa/Nairobi",
        starts_at=datetime(2026, 3, 2, 9, 0),
        ends_at=datetime(2026, 3, 2, 12, 30),
        agenda="Karibu. " * 30,
    )
    text = ical.calendar("Cohort", cohort.workshops.all())
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = icalendar.Calendar.from_ical(text)
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    start = events["Warsha; ya kwanza, Nakuru"].decoded("DTSTART")
    assert start == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 09:00 in Nairobi is 06:00 UTC
    assert start.astimezone(ZoneInfo("Asia/Shanghai")).hour == 14
    assert str(events["Warsha; ya kwanza, Nakuru"]["UID"]).startswith(str(nairobi.uid))
    assert "Karibu. Karibu." in str(events["Warsha; ya kwanza, Nakuru"]["DESCRIPTION"])


def test_the_radar_has_an_axis_per_competency_and_a_title():
    picture = radar.svg(
        [(f"{d}.{lvl}", 0.5) for d in range(1, 6) for lvl in "ADC"], "Profile of Amina"
    )
    assert (
        picture.count("<line") == 15
        and '<title id="radar-title">Profile of Amina</title>' in picture
    )
    assert radar.svg([], "Empty").count("<polygon") == 4  # the rings only
