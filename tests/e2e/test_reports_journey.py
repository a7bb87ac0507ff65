"""The results dashboard for staff managers in a real browser.

- Known data is built through the services and factories, all of it for participants
  of a unit of this test's own (so the figures hold whatever the other journeys add to
  the shared database): a cleaning course that started this week, six people who
  completed it today with outcomes at the end (five employed, one still searching), and
  five warehouse internships that ended last month (four hired by the host, one another
  job); an employer's placement request, submitted.
- A staff manager opens "Results" from the main menu and, with JavaScript, chooses the
  unit (the report is swapped in place, the URL pushed, the select keeps focus): 11
  ended, 11 began, 5 into employment, "<5" internships became employment of 5 ended,
  45 % in work or studies at the end (45.5 in the spreadsheet). The Excel file holds the
  period and the figures and no one's name; the rows behind "People who ended a measure"
  name the participants; the printable page shows the same figures. Sector warehouse (5
  ended), then Month chosen from the keyboard (this month: none ended) and last month
  typed in (5 ended) each change the figures. "Custom dates" asks for the days without
  an error; the last day typed while the report for the first is on its way is kept (the
  form is not swapped); an impossible first day: the error in the summary and at the
  field (out of band), focus left where the user is, what was typed kept; corrected, the
  error goes and the figures come back.
- The same without JavaScript: the form is sent with "Show", the page reloads with the
  filters in the URL (cleaning, this month: 6 ended, 83 % at the end); a malformed
  first day is refused at the field. (axe-core cannot run with JavaScript off: those
  URLs are opened and checked in the JavaScript browser.)
- The requests behind "Requests received" list the submitted request.
- An ordinary staff member has no "Results" link, and the pages answer 403.

axe-core runs on every page visited and after each htmx swap. Texts are the live
app's own Swedish (``sv``), not literal Swedish.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    UI,
    ConsoleWatch,
    assert_unique_ids,
    check_a11y,
    in_swedish,
    sv,
    sv_label,
    sv_n,
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e

DASHBOARD = "/staff/reports/"


# --- helpers -------------------------------------------------------------------------

def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _period_label(live_server, start: date, end: date) -> str:
    """A period as the report names it (periods.Period.label), in Swedish."""
    from flask_babel import format_date

    with in_swedish(live_server):
        return f"{format_date(start)} – {format_date(end)}"


def _month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def _param(name: str, value: str) -> str:
    """A regex for one query-string parameter as the browser writes it."""
    return rf"[?&]{name}={re.escape(quote_plus(value))}(&|$)"


def _expect_query(page: Page, **params: str) -> None:
    for name, value in params.items():
        expect(page).to_have_url(re.compile(_param(name, value)))


def _swapped(page: Page, **params: str) -> None:
    """The report came back for these parameters and htmx has settled. htmx 2 pushes the
    URL just before it swaps, and wires the new form up only when it settles (20 ms
    later): a change made before then would be lost, so wait for both."""
    _expect_query(page, **params)
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-added, .htmx-settling")) \
        .to_have_count(0)


def _figure(page: Page, key: str):
    return page.locator(f"#figure-{key}")


def _expect_figure(page: Page, key: str, value, shown: str | None = None) -> None:
    """The figure's data-value (what the spreadsheet gets) and what people read."""
    figure = _figure(page, key)
    expect(figure).to_have_attribute("data-value", str(value))
    expect(figure.locator(".figure-value")).to_have_text(shown if shown is not None
                                                         else str(value))


@dataclass
class Person:
    id: int
    name: str
    reference: str


@dataclass
class Data:
    unit: str
    course_id: int
    course_title: str
    course_people: list[Person]
    interns: list[Person]
    request_reference: str
    last_month: date  # the day the internships ended

    @property
    def everyone(self) -> list[Person]:
        return [*self.course_people, *self.interns]


def _build(live_server, staff_id: int, token: str) -> Data:
    """The known data, through the services (the placements through their factory, as
    the placement tests build ended ones). Every participant belongs to this test's own
    unit: PORTAL_UNITS is set to it only while they are registered, so the services
    check the unit as they would in a department with units."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.participants import outcomes
    from portal.participants import services as participants
    from portal.training import enrolment
    from portal.training import services as training
    from portal.training.enums import CohortState
    from tests import factories

    app = live_server.app
    today = _today(live_server)
    unit = f"E2E-enhet-{token}"
    first_of_month = today.replace(day=1)
    last_month = first_of_month - timedelta(days=10)
    course_title = f"Lokalvård Resultat {token}"
    saved_units = app.config.get("PORTAL_UNITS")
    app.config["PORTAL_UNITS"] = [unit]
    try:
        with app.test_request_context("/"):
            staff = db.session.get(User, staff_id)

            def person(first: str, suffix: str, sector: str):
                # Letters only in the references: digits could pass a personnummer check.
                made = participants.create(values={
                    "first_name": first, "last_name": f"Rapport{token}",
                    "case_reference": f"E2E-{token}-RES-{suffix}", "driving_licence": "none",
                    "unit": unit}, sectors=[sector], actor=staff)
                db.session.flush()
                return made

            # A cleaning course from this week's Monday; six complete it today.
            cohort = training.create_cohort(values={
                "title": course_title, "sector": "cleaning", "occupation_code": "9111",
                "provider": "adult_education", "provider_name": "Komvux Osby", "weeks": 14,
                "seats": 15, "weekly_hours": 30,
                "start_date": today - timedelta(days=today.weekday())}, actor=staff)
            training.transition(cohort, CohortState.RECRUITING, actor=staff)
            training.transition(cohort, CohortState.RUNNING, actor=staff)
            course_people = []
            for i, first in enumerate(("Agnes", "Birk", "Cyrus", "Dilan", "Elsa", "Fanny")):
                p = person(first, "ABCDEF"[i], "cleaning")
                enrolment.change(enrolment.enrol(cohort, p, actor=staff), "complete",
                                 actor=staff, on=today)
                status = "employed" if i < 5 else "continued_search"
                outcomes.record(p, outcomes.Values(
                    status=status, employer_name="Städbolaget i Osby" if i < 5 else "",
                    employment_form="permanent" if i < 5 else "",
                    weekly_hours=30 if i < 5 else None),
                    checkpoint="end", actor=staff, cohort_id=cohort.id)
                course_people.append(Person(p.id, p.full_name, p.case_reference))
            training.transition(cohort, CohortState.COMPLETED, actor=staff)
            db.session.commit()
            course_id = cohort.id

            # Five warehouse internships that ended last month: four hired by the host.
            number = unique_org_number()
            host = factories.make_organisation(name=f"E2E Lager AB {number[-5:]}",
                                               org_number=number, sectors=["warehouse"])
            supervisor = factories.make_supervisor(host, with_account=False,
                                                   sectors=("warehouse",))
            interns = []
            for i, first in enumerate(("Gustav", "Hanna", "Ivar", "Jamila", "Karim")):
                p = person(first, "GHIJK"[i], "warehouse")
                db.session.commit()
                factories.make_placement(
                    p, host, supervisor, state="ended", placement_type="internship",
                    sector="warehouse", starts_on=last_month - timedelta(days=56),
                    ends_on=last_month, ended_on=last_month,
                    end_outcome="hired_by_host" if i < 4 else "other_job")
                interns.append(Person(p.id, p.full_name, p.case_reference))

            # An employer's placement request, submitted (requests are counted for the
            # whole unit, not by the participant filters).
            number = unique_org_number()
            org = factories.make_organisation(name=f"E2E Butik AB {number[-5:]}",
                                              org_number=number, sectors=["retail"])
            employer = factories.employer_of(org, email=unique_email("resultat-arb"),
                                             full_name="Eja E2E-Resultat")
            req = factories.make_request(org, employer, "placement", submit=True)
            reference = req.reference
            db.session.remove()
    finally:
        app.config["PORTAL_UNITS"] = saved_units
    return Data(unit, course_id, course_title, course_people, interns, reference, last_month)


class NoScriptUI(UI):
    """Navigation for a browser with JavaScript off. axe-core cannot run there (its
    promise never settles: axe-playwright-python hangs), so each page it lands on is
    checked by the test in the JavaScript browser at the same URL instead."""

    def visit(self, path: str, status: int = 200):
        if status >= 400:
            self.console.allow_status(status)
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, f"GET {path}"
        return response

    def submit(self, selector_or_locator="main form button[type=submit]",
               status: int = 200):
        button = (self.page.locator(selector_or_locator)
                  if isinstance(selector_or_locator, str) else selector_or_locator)
        if status >= 400:
            self.console.allow_status(status)
        with self.page.expect_navigation() as nav:
            button.click()
        response = nav.value
        assert response is not None and response.status == status, (
            f"{response.request.method} {response.url}: {response.status}")
        return response


def _no_script_ui(new_context, live_server, smtp) -> NoScriptUI:
    """A second browser with JavaScript off (its own cookies), watched for console
    errors like the ``page`` fixture."""
    context = new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = ConsoleWatch()
    watch.attach(page)
    return NoScriptUI(page, live_server.url, smtp, watch)


# --- the journey ---------------------------------------------------------------------

def test_staff_manager_reads_filters_exports_and_checks_the_results(
        ui: UI, page: Page, live_server, smtp, new_context, tmp_path):
    from openpyxl import load_workbook

    from portal.participants.enums import OutcomeStatus

    token = uuid.uuid4().hex[:8]
    manager_email = unique_email("resultat-chef")
    manager_id = live_server.create_staff(email=manager_email, full_name="Maja E2E-Chef",
                                          role="staff_manager")
    config = live_server.app.config
    assert config["REPORT_SMALL_NUMBER_THRESHOLD"] == 5  # the "<5" below
    data = _build(live_server, manager_id, token)
    today = _today(live_server)
    this_month = today.strftime("%Y-%m")
    last_month = data.last_month.strftime("%Y-%m")
    # The last 12 months: from the first of the month eleven months back to this month's end.
    y, m = divmod(today.year * 12 + today.month - 1 - 11, 12)
    twelve_start = date(y, m + 1, 1)
    twelve = _period_label(live_server, twelve_start, _month_end(today))
    scope = page.locator("#report-scope")
    report = page.locator("#report")

    # --- 1: "Results" in the main menu --------------------------------------------------
    ui.log_in(manager_email, PASSWORD)
    menu_link = page.locator(f"header nav.main-nav a[href='{DASHBOARD}']")
    expect(menu_link).to_have_text(sv(live_server, "Results"))
    ui.follow(menu_link)
    ui.expect_path(re.escape(DASHBOARD) + "$")
    expect(page.locator("main h1")).to_have_text(sv(live_server, "Results"))
    expect(scope).to_have_text(twelve)
    expect(page.locator(f"#unit option[value='{data.unit}']")).to_have_count(1)
    assert_unique_ids(page)

    # --- 2: the unit, with JavaScript: the report is swapped, the URL pushed -------------
    page.focus("#unit")
    page.select_option("#unit", data.unit)
    _swapped(page, unit=data.unit)
    _expect_figure(page, "ended", 11)
    _expect_figure(page, "started", 11)
    _expect_figure(page, "employed", 5)
    _expect_figure(page, "converted", "<5")
    expect(_figure(page, "converted").locator(".figure-note")).to_have_text(
        sv(live_server, "of %(num)s ended internships", num="5"))
    _expect_figure(page, "share_end", 45.5, re.compile(r"^45\s?%$"))
    expect(_figure(page, "share_end").locator(".figure-note")).to_have_text(
        sv(live_server, "goal %(goal)d %%", goal=config["REPORT_GOAL_END_PERCENT"]) + "; "
        + sv(live_server, "%(success)s of %(base)s; %(unknown)s unknown",
             success="5", base="11", unknown="5"))
    expect(report).to_have_count(1)
    expect(page.locator("#unit")).to_be_focused()
    expect(page.locator("#unit")).to_have_value(data.unit)
    # The keyboard goes on from the swapped select to the next control.
    page.keyboard.press("Tab")
    expect(page.locator("#report-form button[type=submit]")).to_be_focused()
    check_a11y(page)
    assert_unique_ids(page)

    # --- 3: the Excel file: the period and the figures, no one's name -------------------
    xlsx = page.locator(f"#report a[href^='{DASHBOARD}results.xlsx']")
    expect(xlsx).to_have_text(sv(live_server, "Download as Excel"))
    with page.expect_download() as download:
        xlsx.click()
    assert download.value.suggested_filename == (
        f"results-{twelve_start.isoformat()}-{_month_end(today).isoformat()}.xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    summary_title = sv(live_server, "Summary")[:31]
    assert book.sheetnames[0] == summary_title, book.sheetnames
    summary = {row[0]: row[1:] for row in book[summary_title].iter_rows(values_only=True)
               if row and row[0] is not None}
    assert summary[sv(live_server, "Period")][0] == twelve
    assert summary[sv(live_server, "People who ended a measure")][0] == 11
    assert summary[sv(live_server, "People who began a measure")][0] == 11
    assert summary[sv(live_server, "People into employment")][0] == 5
    assert summary[sv(live_server, "Internships that became employment")][0] == "<5"
    assert summary[sv(live_server, "In work or studies at the end")][0] == 45.5
    secrets = [f"Rapport{token}", *(p.reference for p in data.everyone)]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                text = str(cell or "")
                for secret in secrets:
                    assert secret not in text, f"{secret!r} in sheet {sheet.title!r}"
    book.close()

    # --- 4: the rows behind "People who ended a measure" name the people ----------------
    rows_link = _figure(page, "ended").locator("a[href^='/staff/reports/rows/ended']")
    ui.follow(rows_link)
    ui.expect_path(r"/staff/reports/rows/ended\?.*")
    _expect_query(page, unit=data.unit)
    expect(page.locator("main h1")).to_have_text(
        sv(live_server, "People who ended a measure, with their outcomes"))
    expect(page.locator("main")).to_contain_text(
        sv_n(live_server, "%(num)d row", "%(num)d rows", 11))
    body = page.locator("main table tbody tr")
    expect(body).to_have_count(11)
    agnes = data.course_people[0]
    row = body.filter(has=page.locator(f"th a[href='/staff/participants/{agnes.id}']"))
    expect(row.locator("th a")).to_have_text(agnes.name)
    expect(row).to_contain_text(agnes.reference)
    expect(row).to_contain_text(data.course_title)
    expect(row).to_contain_text(sv_label(live_server, OutcomeStatus, "employed"))
    for who in data.everyone:
        expect(body.locator(f"th a[href='/staff/participants/{who.id}']")).to_have_text(
            who.name)
    assert_unique_ids(page)
    ui.follow(page.locator("main a[href^='/staff/reports/?']"))
    _expect_query(page, unit=data.unit)
    _expect_figure(page, "ended", 11)

    # --- 5: the printable page shows the same ------------------------------------------
    ui.follow(page.locator("#report a[href^='/staff/reports/print']"))
    expect(page.locator("main h1")).to_have_text(f"{sv(live_server, 'Results')}, {twelve}")
    _expect_figure(page, "ended", 11)
    _expect_figure(page, "employed", 5)
    expect(page.locator("main form")).to_have_count(0)
    assert_unique_ids(page)
    ui.follow(page.locator("main a[href^='/staff/reports/?']"))

    # --- 6: sector, then Month from the keyboard, then last month typed in ---------------
    page.focus("#sector")
    page.select_option("#sector", "warehouse")
    _swapped(page, sector="warehouse", unit=data.unit)
    _expect_figure(page, "ended", 5)
    _expect_figure(page, "started", 5)
    _expect_figure(page, "employed", 0)
    expect(page.locator("#sector")).to_be_focused()
    check_a11y(page)

    page.focus("#period")
    expect(page.locator("#period")).to_have_value("last12")
    page.keyboard.press("ArrowDown")  # the next option: "Month"
    _swapped(page, period="month", month=this_month, sector="warehouse")
    expect(scope).to_have_text(_period_label(live_server, today.replace(day=1),
                                             _month_end(today)))
    _expect_figure(page, "ended", 0)
    _expect_figure(page, "started", 0)
    expect(page.locator("#period")).to_be_focused()
    expect(page.locator("#period")).to_have_value("month")
    check_a11y(page)

    page.fill("#month", last_month)
    page.keyboard.press("Tab")  # leaving the field sends the change
    _swapped(page, period="month", month=last_month)
    expect(scope).to_have_text(_period_label(live_server, data.last_month.replace(day=1),
                                             _month_end(data.last_month)))
    _expect_figure(page, "ended", 5)
    _expect_figure(page, "started", 0)
    expect(page.locator("#month")).to_have_value(last_month)
    check_a11y(page)
    assert_unique_ids(page)

    # --- 7: custom dates: asked for, typed while a report is on its way, one impossible --
    # Choosing "Custom dates" asks for the days: no errors, focus stays on the list.
    page.focus("#period")
    page.select_option("#period", "custom")
    _swapped(page, period="custom")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(report).to_contain_text(sv(
        live_server, "Enter the first and the last day to see the figures for custom dates."))
    expect(page.locator("#report .figure")).to_have_count(0)
    expect(page.locator("#period")).to_be_focused()
    # The first day is sent when left; the last is typed at once, while that report is
    # on its way: the form is not replaced, so nothing typed is lost, and the last
    # change wins.
    ui.console.allow_status(422)
    page.eval_on_selector("#end", "el => { el.keptAcrossSwaps = true; }")
    page.fill("#start", "2026-02-30")
    page.keyboard.press("Tab")
    page.keyboard.type("2026-06-30")
    expect(page.locator("#end")).to_have_value("2026-06-30")
    page.keyboard.press("Tab")
    _swapped(page, period="custom", start="2026-02-30", end="2026-06-30")
    error_summary = page.locator("#error-summary")
    expect(error_summary).to_be_visible()
    expect(error_summary.locator("a")).to_have_count(1)
    start_error = sv(live_server, "Enter the first day as a date, like 2026-01-31.")
    expect(error_summary.locator("a[href='#start']")).to_have_text(start_error)
    # Changing a field is not a request to be moved (WCAG 3.2.2): focus goes on from
    # the last day to the next control, and the summary (role=alert) is announced.
    expect(page.locator("#sector")).to_be_focused()
    expect(page.locator("#start")).to_have_value("2026-02-30")
    expect(page.locator("#start")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#start-error")).to_contain_text(start_error)
    described = page.locator("#start").get_attribute("aria-describedby") or ""
    assert "start-error-slot" in described.split(), described
    expect(page.locator("#end")).to_have_value("2026-06-30")
    expect(page.locator("#end")).not_to_have_attribute("aria-invalid", "true")
    # The very field typed in: the answers did not replace the form.
    assert page.eval_on_selector("#end", "el => el.keptAcrossSwaps === true")
    # No figures for a period other than the one typed, and so no exports of them.
    expect(report).to_contain_text(
        sv(live_server, "Correct the period or filters above to see the figures."))
    expect(page.locator("#report .figure")).to_have_count(0)
    expect(page.locator("#report a[href*='results.']")).to_have_count(0)
    check_a11y(page)
    assert_unique_ids(page)
    error_summary.locator("a[href='#start']").click()
    expect(page.locator("#start")).to_be_focused()
    # Corrected: the error leaves the field and the summary, the figures come back.
    page.fill("#start", "2026-02-28")
    page.keyboard.press("Tab")
    _swapped(page, period="custom", start="2026-02-28", end="2026-06-30")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator("#start")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#start-error")).to_have_count(0)
    expect(scope).to_have_text(_period_label(live_server, date(2026, 2, 28),
                                             date(2026, 6, 30)))
    check_a11y(page)

    # --- 8: without JavaScript: "Show" sends the form, the page reloads -----------------
    plain = _no_script_ui(new_context, live_server, smtp)
    plain.log_in(manager_email, PASSWORD)
    plain.visit(DASHBOARD)
    p = plain.page
    expect(p.locator("#report-scope")).to_have_text(twelve)
    p.select_option("#period", "month")
    p.fill("#month", this_month)
    p.select_option("#sector", "cleaning")
    p.select_option("#unit", data.unit)
    plain.submit("#report-form button[type=submit]")
    _expect_query(p, period="month", month=this_month, sector="cleaning", unit=data.unit)
    _expect_figure(p, "ended", 6)
    _expect_figure(p, "started", 6)
    _expect_figure(p, "employed", 5)
    _expect_figure(p, "share_end", 83.3, re.compile(r"^83\s?%$"))
    expect(p.locator("#sector")).to_have_value("cleaning")
    # The same URL in the JavaScript browser: a link to share, and axe on the page.
    ui.visit(p.url)
    _expect_figure(page, "ended", 6)
    # A malformed first day: refused at the field, what was typed kept.
    p.select_option("#period", "custom")
    p.fill("#start", "1 mars")
    p.fill("#end", "2026-06-30")
    plain.submit("#report-form button[type=submit]", status=422)
    summary_plain = p.locator("#error-summary")
    expect(summary_plain.locator("a")).to_have_count(1)
    expect(summary_plain.locator("a[href='#start']")).to_have_text(start_error)
    expect(p.locator("#start")).to_have_value("1 mars")
    expect(p.locator("#start-error")).to_contain_text(start_error)
    expect(p.locator("#sector")).to_have_value("cleaning")
    expect(p.locator("#report .figure")).to_have_count(0)
    plain.console.assert_clean()
    ui.visit(p.url, status=422)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#start")).to_have_value("1 mars")

    # --- 9: the requests behind "Requests received" -------------------------------------
    ui.visit(f"/staff/reports/rows/requests?unit={quote_plus(data.unit)}")
    expect(page.locator("main h1")).to_have_text(sv(live_server, "Requests received"))
    expect(page.locator("main table tbody")).to_contain_text(data.request_reference)
    ui.log_out()

    # --- 10: an ordinary staff member: no link, 403 -------------------------------------
    staff_email = unique_email("resultat-handlaggare")
    live_server.create_staff(email=staff_email, full_name="Sam E2E-Handläggare", role="staff")
    ui.log_in(staff_email, PASSWORD)
    expect(page.locator(f"header a[href='{DASHBOARD}']")).to_have_count(0)
    ui.visit(DASHBOARD, status=403)
    ui.visit("/staff/reports/rows/ended", status=403)
