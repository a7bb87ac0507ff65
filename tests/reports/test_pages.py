"""The results pages: who sees them, small numbers hidden, bad periods told by field,
exports with aggregates only, the audited row export, and a constant number of queries."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook

from portal.core.dates import local_today
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.reports import periods
from tests.reports.test_figures import course, enrol, outcome, person
from tests.test_query_counts import count_queries


def _ended_people(n: int, *, employed: int = 0, name: str = "Lisa"):
    """``n`` people who finished a course last month, ``employed`` of them in work."""
    today = local_today()
    end = today.replace(day=1) - timedelta(days=3)
    c = course(start=end - timedelta(weeks=14), end=end, title="Lokalvård 14 veckor")
    people = [person(f"{name}{i}") for i in range(n)]
    for i, p in enumerate(people):
        enrol(c, p)
        if i < employed:
            outcome(p, "employed", cohort_id=c.id, recorded_on=end)
    return c, people


@pytest.fixture
def manager(login_as):
    return login_as("staff_manager")


def test_staff_managers_and_admins_see_results_staff_do_not(login_as):
    assert login_as("staff").get("/staff/reports/").status_code == 403
    assert login_as("staff").get("/staff/reports/results.xlsx").status_code == 403
    assert login_as("employer").get("/staff/reports/").status_code == 403
    page = login_as("admin").get("/staff/reports/")
    assert page.status_code == 200
    assert "Nyckeltal" in page.get_data(as_text=True) or "Key figures" in page.get_data(
        as_text=True)


def test_the_menu_links_results_for_managers_only(login_as):
    assert "/staff/reports/" in login_as("staff_manager").get("/staff/").get_data(as_text=True)
    assert "/staff/reports/" not in login_as("staff").get("/staff/").get_data(as_text=True)


def test_small_counts_show_as_under_five_on_the_page_and_in_exports(manager):
    _ended_people(3, employed=2)
    html = manager.get("/staff/reports/").get_data(as_text=True)
    ended = html.split('id="figure-ended"', 1)[1].split("</div>", 1)[0]
    assert "&lt;5" in ended and 'data-value="&lt;5"' in ended
    share = html.split('id="figure-share_end"', 1)[1].split("</div>", 1)[0]
    assert "%" not in share.split("figure-value", 1)[1].split("</dd>", 1)[0]

    csv = manager.get("/staff/reports/results.csv").get_data(as_text=True)
    ended_line = next(line for line in csv.splitlines() if line.startswith(
        ("People who ended", "Personer som avslutade")))
    assert ended_line.split(";")[1] == "<5"

    book = load_workbook(io.BytesIO(manager.get("/staff/reports/results.xlsx").data))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "<5" in values and 3 not in values


def test_figures_at_or_over_the_threshold_are_shown_with_their_share(manager):
    _ended_people(6, employed=3)
    html = manager.get("/staff/reports/").get_data(as_text=True)
    assert 'id="figure-ended" data-value="6"' in html
    assert 'id="figure-share_end" data-value="50.0"' in html
    assert 'id="figure-employed" data-value="<5"' in html.replace("&lt;", "<")


def test_exports_hold_no_personal_data(manager):
    _, people = _ended_people(6, employed=5, name="Zarah")
    book = load_workbook(io.BytesIO(manager.get("/staff/reports/results.xlsx").data))
    assert {"Summary", "Sammanfattning"} & set(book.sheetnames)
    text = " ".join(str(c.value) for sheet in book.worksheets
                    for row in sheet.iter_rows() for c in row if c.value is not None)
    csv = manager.get("/staff/reports/results.csv").get_data(as_text=True)
    for p in people:
        assert p.first_name not in text and p.first_name not in csv
        assert p.case_reference not in text and p.case_reference not in csv
    assert "Lokalvård 14 veckor" in text  # the course, by name, in the table by course


def test_the_rows_behind_a_figure_name_people_and_their_export_is_audited(manager):
    _, people = _ended_people(2, employed=1, name="Noor")
    page = manager.get("/staff/reports/rows/ended")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert all(p.first_name in html for p in people)

    before = db.session.query(AuditEvent).filter_by(action="report.rows_exported").count()
    csv = manager.get("/staff/reports/rows/ended.csv")
    assert csv.status_code == 200 and people[0].case_reference in csv.get_data(as_text=True)
    events = db.session.query(AuditEvent).filter_by(action="report.rows_exported").all()
    assert len(events) == before + 1
    assert events[-1].actor_id == manager.user.id
    assert events[-1].changes["rows"] == "ended" and events[-1].changes["count"] == 2
    # Aggregate exports are not personal and are not logged as row exports.
    manager.get("/staff/reports/results.csv")
    assert db.session.query(AuditEvent).filter_by(
        action="report.rows_exported").count() == before + 1


@pytest.mark.parametrize("kind", ["started", "ended", "converted", "requests",
                                  "employers_new", "employers_active",
                                  "supervisors_trained"])
def test_every_rows_page_opens(manager, kind):
    _ended_people(1)
    assert manager.get(f"/staff/reports/rows/{kind}").status_code == 200
    assert manager.get(f"/staff/reports/rows/{kind}.csv").status_code == 200


def test_an_unknown_rows_kind_is_not_found(manager):
    assert manager.get("/staff/reports/rows/salaries").status_code == 404


def test_a_malformed_period_is_told_next_to_the_field_and_kept(manager):
    response = manager.get("/staff/reports/?period=custom&start=2026-13-01&end=2026-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#start"' in html
    assert 'id="start-error"' in html and 'value="2026-13-01"' in html
    assert 'aria-invalid="true"' in html
    # Exports refuse rather than export a period nobody asked for.
    assert manager.get("/staff/reports/results.xlsx?period=custom&start=x").status_code == 400


@pytest.mark.parametrize("query", [
    "period=nonsense", "period=month&month=2026-99", "period=month&month=%00",
    "period=custom&start=2026-06-01&end=2026-01-01",
    "period=custom&start=2000-01-01&end=2099-01-01",
    "sector=nope", "cohort=99999999999999999999", "cohort=-1", "type=<script>", "unit=x" * 50,
    "page=99999", "period=year&month=1900-01",
])
def test_hostile_filters_never_fail(manager, query):
    for url in ("/staff/reports/", "/staff/reports/rows/ended", "/staff/reports/print"):
        assert manager.get(f"{url}?{query}").status_code in (200, 422)
    assert manager.get(f"/staff/reports/results.csv?{query}").status_code in (200, 400)


HTMX = {"HX-Request": "true", "HX-Target": "report"}


def test_htmx_gets_the_report_region_only(manager):
    response = manager.get("/staff/reports/?period=year", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="report"')
    assert "<html" not in html and "HX-Request" in response.headers.get("Vary", "")
    # The form is not sent again (the user may be typing in it): its errors, the summary
    # and the status line come out of band, here all empty but the status.
    assert "<form" not in html
    assert re.search(r'<div id="report-summary" hx-swap-oob="innerHTML">\s*</div>', html)
    assert re.search(r'<div id="start-error-slot" hx-swap-oob="innerHTML">\s*</div>', html)
    assert re.search(r'<p id="report-status" hx-swap-oob="innerHTML">[^<]+</p>', html)


def test_htmx_errors_come_out_of_band_next_to_the_field_and_in_the_summary(manager):
    response = manager.get("/staff/reports/?period=custom&start=2026-02-30&end=2026-06-30",
                           headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<form" not in html
    summary = html[html.index('<div id="report-summary"'):html.index('<p id="report-status"')]
    assert 'class="error-summary"' in summary and 'href="#start"' in summary
    slot = re.search(r'<div id="start-error-slot" hx-swap-oob="innerHTML">(.*?)</div>', html,
                     re.S)
    assert slot and 'id="start-error"' in slot.group(1)
    assert re.search(r'<div id="end-error-slot" hx-swap-oob="innerHTML">\s*</div>', html)
    assert 'class="figure"' not in html


def test_choosing_custom_dates_asks_for_the_days_without_errors(manager):
    """Choosing "Custom dates", or typing the first day before the last, is not a
    mistake: a hint, no error summary, no figures for a period nobody chose."""
    for query in ("period=custom", "period=custom&start=2026-01-01",
                  "period=custom&end=2026-06-30"):
        page = manager.get(f"/staff/reports/?{query}")
        assert page.status_code == 200, query
        html = page.get_data(as_text=True)
        assert 'class="error-summary"' not in html and 'aria-invalid' not in html
        assert 'class="figure"' not in html
        with manager.application.test_request_context(), force_locale("sv"):
            hint = gettext("Enter the first and the last day to see the figures for "
                           "custom dates.")
        assert hint in html, query
        assert manager.get(f"/staff/reports/results.csv?{query}").status_code == 400
        partial = manager.get(f"/staff/reports/?{query}", headers=HTMX)
        assert partial.status_code == 200 and 'class="error-summary"' not in partial.text
    # The form keeps what was typed.
    kept = manager.get("/staff/reports/?period=custom&start=2026-01-01").text
    assert 'value="2026-01-01"' in kept


def test_the_printable_page_and_the_period_kinds(manager):
    assert manager.get("/staff/reports/print?period=quarter&month=2026-05").status_code == 200
    today = date(2026, 5, 17)
    assert periods.containing(periods.PeriodKind.QUARTER, today) == periods.Period(
        periods.PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 6, 30))
    assert periods.containing(periods.PeriodKind.HALF, today).end == date(2026, 6, 30)
    last12 = periods.containing(periods.PeriodKind.LAST_12, today)
    assert (last12.start, last12.end) == (date(2025, 6, 1), date(2026, 5, 31))
    assert len(last12.months()) == 12


def test_the_dashboard_runs_a_constant_number_of_queries(manager):
    _ended_people(1, name="Ett")
    manager.get("/staff/reports/")  # warm up: the app's first-request queries
    with count_queries() as few:
        assert manager.get("/staff/reports/").status_code == 200
    _ended_people(25, employed=10)
    with count_queries() as many:
        assert manager.get("/staff/reports/").status_code == 200
    assert many["n"] == few["n"]
