"""Cohort trainings ("courses") in a real browser: staff plan one, employers take part.

- Staff plan the 14-week cleaning course for 15 from the 9111 row of the demand
  overview: the form is prefilled from the row, with the three organisations'
  course requests ticked; an empty start date shows the error summary; once
  saved, the course page lists a commitment per organisation (prefilled from its
  request) and the end date, the requests are in progress and the employers are
  mailed. Cancelling without a reason is refused; the course moves to recruiting;
  staff record one organisation's commitment, download the .ics, and filter the
  list of courses in place (htmx).
- An employer behind one of the requests finds the course on the dashboard and
  reads its part; a fourth cleaning organisation finds it among the planned
  courses in its sectors, says it is interested, and then sees its part.

Every page the tests land on is checked with axe-core (``ui.visit``/``submit``/
``follow``, or ``check_a11y`` after an htmx swap). Text is compared with what the
live app's own catalogs render (``sv``), not with literal Swedish.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    UI,
    assert_unique_ids,
    check_a11y,
    in_swedish,
    sv,
    sv_date,
    sv_label,
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD, path_of

pytestmark = pytest.mark.e2e


# --- helpers -------------------------------------------------------------------------

def _sv_occupation(live_server, code: str) -> str:
    from portal.employers import occupations

    with in_swedish(live_server):
        return str(occupations.label(code))


def _sv_commitment(live_server, status: str) -> str:
    from portal.training.enums import CommitmentStatus

    return sv_label(live_server, CommitmentStatus, status)


def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _mark_document(page: Page) -> None:
    """Tag the current document: a full page load loses the tag."""
    page.evaluate("window.__e2eSameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.__e2eSameDocument === true")


def _ics_text(path) -> str:
    """An .ics file's text with folded lines (RFC 5545, 3.1) unfolded."""
    with open(path, encoding="utf-8") as ics_file:
        return re.sub(r"\r?\n[ \t]", "", ics_file.read())


@dataclass
class Org:
    id: int
    name: str
    employer_id: int
    employer_email: str
    request_id: int | None = None
    reference: str | None = None
    hires: int | None = None


def _cleaning_org(live_server, prefix: str, *, hires: int | None = None) -> Org:
    """A cleaning organisation and its employer admin; with ``hires``, also an open
    hiring need for 3 cleaners (9111) and a submitted tailored-course request about
    it that promises interviews, that many hires and the practical part."""
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db
    from tests import factories

    email = unique_email(prefix)
    number = unique_org_number()
    name = f"E2E Städ AB {number[-5:]}"
    with live_server.app.test_request_context("/"):
        org = factories.make_organisation(name=name, org_number=number,
                                          sectors=["cleaning"])
        employer = factories.employer_of(org, email=email, full_name=f"Eva E2E-{prefix}")
        made = Org(org.id, name, employer.id, email)
        if hires is not None:
            need = factories.make_need(org, employer, occupation_code="9111", headcount=3,
                                       timeframe="now")
            req = factories.make_request(org, employer, "tailored_course", submit=True,
                                         needs=[need], hires=hires,
                                         guaranteed_interviews=True, hosts_practical=True)
            made.request_id, made.reference, made.hires = req.id, req.reference, hires
        deliver_after_commit()
        db.session.remove()
    return made


def _request_states(live_server, orgs: list[Org]) -> set[str]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.requests.models import ServiceRequest

    with live_server.app.app_context():
        states = set(db.session.scalars(select(ServiceRequest.state).where(
            ServiceRequest.id.in_([o.request_id for o in orgs]))))
        db.session.remove()
    return states


# --- 1: staff plan the course from the demand overview -------------------------------

def test_staff_plan_a_course_from_the_demand_overview(ui, page, live_server):
    orgs = [_cleaning_org(live_server, f"kurs-{i}", hires=hires)
            for i, hires in enumerate((4, 5, 6), start=1)]
    mine = {str(o.request_id) for o in orgs}
    staff_email = unique_email("kurs-handlaggare")
    live_server.create_staff(email=staff_email, full_name="Omar E2E-Kurs")
    today = _today(live_server)
    start = _monday_after(today + timedelta(days=42))
    end = start + timedelta(weeks=14) - timedelta(days=1)  # the Sunday of the 14th week
    title = _sv_occupation(live_server, "9111")
    location = f"Komvux Mölnlycke, sal {uuid.uuid4().hex[:4]}"

    ui.log_in(staff_email, PASSWORD)

    # The 9111 row's "Plan a course" link.
    ui.visit("/staff/demand")
    plan = page.locator("#demand tbody a[href^='/staff/cohorts/new?']"
                        "[href*='occupation=9111'][href*='sector=cleaning']")
    expect(plan).to_have_count(1)
    ui.follow(plan)
    ui.expect_path(r"/staff/cohorts/new\?.*occupation=9111")

    # Prefilled from the row: title, sector, occupation, 15 seats, 14 weeks, and the
    # open course requests about cleaners ticked (this test's three among them).
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#sector")).to_have_value("cleaning")
    expect(page.locator("#occupation_code")).to_have_value("9111")
    expect(page.locator("#seats")).to_have_value("15")
    expect(page.locator("#weeks")).to_have_value("14")
    expect(page.locator("#start_date")).to_have_attribute("type", "date")
    boxes = page.locator("#request_ids input[type=checkbox]")
    for org in orgs:
        expect(page.locator(f"#request_ids input[type=checkbox][value='{org.request_id}']")
               ).to_be_checked()
    # Requests of other tests' organisations (the database is shared) are left out.
    for value in boxes.evaluate_all("els => els.map(e => e.value)"):
        if value not in mine:
            page.uncheck(f"#request_ids input[type=checkbox][value='{value}']")
    assert_unique_ids(page)

    # No provider and no start date: the error summary takes focus and leads to both;
    # what was typed stays.
    page.fill("#weekly_hours", "30")
    page.fill("#language_support", "Svenska för yrket, tolk på arabiska")
    ui.submit("main form button[type=submit]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(2)
    for field in ("provider", "start_date"):
        expect(summary.locator(f"a[href='#{field}']")).to_have_count(1)
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}-error")).to_be_visible()
        described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"{field}-error" in described.split(), (field, described)
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#seats")).to_have_value("15")
    expect(page.locator("#weeks")).to_have_value("14")
    expect(page.locator("#weekly_hours")).to_have_value("30")
    expect(page.locator("#language_support")).to_have_value(
        "Svenska för yrket, tolk på arabiska")
    checked = boxes.evaluate_all("els => els.filter(e => e.checked).map(e => e.value)")
    assert set(checked) == mine, checked
    summary.locator("a[href='#start_date']").click()
    expect(page.locator("#start_date")).to_be_focused()
    assert_unique_ids(page)

    # Fill them in and plan it.
    page.select_option("#provider", "adult_education")
    page.fill("#provider_name", "Komvux Härryda")
    page.fill("#start_date", start.isoformat())
    page.fill("#location", location)
    ui.submit("main form button[type=submit]")
    ui.expect_path(r"/staff/cohorts/\d+(#\w+)?$")
    cohort_id = int(re.search(r"/staff/cohorts/(\d+)", page.url).group(1))
    detail = f"/staff/cohorts/{cohort_id}"
    expect(ui.flash()).to_be_visible()
    expect(page.locator("main h1")).to_have_text(title)
    facts = page.locator("main dl.summary-list")
    expect(facts).to_contain_text(sv_date(live_server, start))
    expect(facts).to_contain_text(sv_date(live_server, end))
    expect(facts).to_contain_text(location)
    assert_unique_ids(page)

    # A commitment per organisation, prefilled from its request.
    commitments = page.locator("section[aria-labelledby='commitments-title']")
    rows = commitments.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for org in orgs:
        row = rows.filter(has=page.locator(f"th a[href='/organisations/{org.id}']"))
        expect(row).to_have_count(1)
        expect(row.locator("td.numeric")).to_have_text(str(org.hires))
        expect(row.locator("td").nth(0)).to_have_text(
            _sv_commitment(live_server, "interested"))
    answers = page.locator("section[aria-labelledby='answers-title']")
    for org in orgs:
        expect(answers.locator(f"a[href='/staff/requests/{org.request_id}']")).to_have_count(1)

    # The requests are in progress, and each organisation's user is told.
    assert _request_states(live_server, orgs) == {"in_progress"}
    for org in orgs:
        view = f"/organisations/{org.id}/cohorts/{cohort_id}"
        _msg, link = ui.mail_to(org.employer_email, view)
        assert path_of(link) == view

    # Cancelling needs a reason: refused with the error summary, nothing changes.
    page.select_option("#to", "cancelled")
    ui.submit(f"main form[action='{detail}/transition'] button[type=submit]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#reason']")).to_have_count(1)
    expect(page.locator("#reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#to option[value='recruiting']")).to_have_count(1)
    assert_unique_ids(page)

    # On to recruiting: the moves offered change.
    page.select_option("#to", "recruiting")
    ui.submit(f"main form[action='{detail}/transition'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator("#to option[value='recruiting']")).to_have_count(0)
    expect(page.locator("#to option[value='running']")).to_have_count(1)
    expect(page.locator("#to option[value='planned']")).to_have_count(1)

    # Staff agree the first organisation's terms and record them.
    first = orgs[0]
    note = f"Intervjuar alla, anställer fyra ({uuid.uuid4().hex[:6]})"
    page.select_option("#organisation_id", str(first.id))
    page.check("#interviews")
    page.fill("#hires", "4")
    page.check("#hosts_practical")
    page.fill("#note", note)
    ui.submit(f"main form[action='{detail}/commitments'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "(#commitments-title)?$")
    expect(ui.flash()).to_be_visible()
    expect(rows).to_have_count(3)
    first_row = rows.filter(has=page.locator(f"th a[href='/organisations/{first.id}']"))
    expect(first_row.locator("td").nth(0)).to_have_text(
        _sv_commitment(live_server, "committed"))
    expect(first_row).to_contain_text(note)

    # The calendar file.
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{detail}.ics']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics"), download.suggested_filename
    ics = _ics_text(download.path())
    assert "BEGIN:VEVENT" in ics, ics
    assert f"SUMMARY:{title}" in ics, ics
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in ics, ics
    assert f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}" in ics, ics  # exclusive

    # The list of courses filters in place (htmx); the live region around it stays.
    ui.visit("/staff/cohorts/")
    listed = page.locator(f"#cohorts tbody a[href='{detail}']")
    expect(listed).to_have_count(1)
    live = page.locator("[aria-live]:has(> #cohorts)")
    expect(live).to_have_attribute("aria-live", "polite")
    live.evaluate("node => { node.dataset.e2eKept = 'yes'; }")
    _mark_document(page)
    with page.expect_response(lambda r: "/staff/cohorts/?" in r.url
                              and "state=recruiting" in r.url) as answer:
        page.select_option("#state", "recruiting")
    assert answer.value.status == 200
    ui.expect_path(r"/staff/cohorts/\?(.*&)?state=recruiting(&.*)?$")
    expect(listed).to_have_count(1)
    check_a11y(page)
    with page.expect_response(lambda r: "/staff/cohorts/?" in r.url
                              and "state=planned" in r.url) as answer:
        page.select_option("#state", "planned")
    assert answer.value.status == 200
    ui.expect_path(r"/staff/cohorts/\?(.*&)?state=planned(&.*)?$")
    expect(listed).to_have_count(0)
    assert _same_document(page), "the filter reloaded the whole page"
    expect(page.locator("[aria-live][data-e2e-kept='yes'] > #cohorts")).to_have_count(1)
    expect(page.locator("#state")).to_have_value("planned")
    check_a11y(page)


# --- 2: employers see their part and say they are interested -------------------------

def _plan_course(live_server, staff_id: int, orgs: list[Org], start: date,
                 title: str) -> int:
    """A 14-week cleaning course for 15 answering the organisations' requests, planned
    through the services (mail goes out as after a web request)."""
    from portal.accounts.models import User
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db
    from portal.training import services as training

    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        cohort = training.create_cohort(
            values={"title": title, "sector": "cleaning", "occupation_code": "9111",
                    "provider": "adult_education", "provider_name": "Komvux Härryda",
                    "weeks": 14, "start_date": start, "weekly_hours": 30,
                    "location": "Komvux Mölnlycke", "seats": 15},
            actor=staff, request_ids=[o.request_id for o in orgs])
        db.session.commit()
        deliver_after_commit()
        cohort_id = cohort.id
        db.session.remove()
    return cohort_id


def _agree_terms(live_server, cohort_id: int, org: Org, staff_id: int) -> None:
    """Staff agree the terms the organisation's request offered (committed)."""
    from portal.accounts.models import User
    from portal.employers.models import Organisation
    from portal.extensions import db
    from portal.training import services as training
    from portal.training.enums import CommitmentStatus

    with live_server.app.test_request_context("/"):
        cohort = training.get(cohort_id)
        organisation = db.session.get(Organisation, org.id)
        current = training.commitment_for(cohort, organisation)
        training.set_commitment(cohort, organisation,
                                actor=db.session.get(User, staff_id),
                                interviews=current.interviews, hires=current.hires,
                                hosts_practical=current.hosts_practical,
                                status=CommitmentStatus.COMMITTED)
        db.session.commit()
        db.session.remove()


def _your_part(page: Page):
    """The rows (dt/dd pairs) of "Your part"."""
    return page.locator("section[aria-labelledby='commitment-title'] dl.summary-list > div")


def test_employers_see_their_part_and_say_they_are_interested(ui: UI, page, live_server):
    orgs = [_cleaning_org(live_server, f"kursdel-{i}", hires=hires)
            for i, hires in enumerate((7, 2, 3), start=1)]
    fourth = _cleaning_org(live_server, "kursdel-ny")
    staff_email = unique_email("kursdel-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Alva E2E-Kurs")
    today = _today(live_server)
    # Sooner than the other test's course: first among the planned ones on the dashboard.
    start = _monday_after(today + timedelta(days=28))
    end = start + timedelta(weeks=14) - timedelta(days=1)
    title = f"Lokalvård E2E {uuid.uuid4().hex[:8]}"
    cohort_id = _plan_course(live_server, staff_id, orgs, start, title)
    org = orgs[0]
    view = f"/organisations/{org.id}/cohorts/{cohort_id}"

    # An organisation behind a request finds the course among its upcoming ones.
    ui.log_in(org.employer_email, PASSWORD)
    ui.expect_path(r"/organisation$")
    upcoming = page.locator("section[aria-labelledby='upcoming-title']")
    expect(upcoming.locator("#upcoming-title")).to_be_visible()
    ui.follow(upcoming.locator(f"h2 + ul a[href='{view}']"))
    ui.expect_path(re.escape(view) + "$")
    expect(page.locator("main h1")).to_have_text(title)
    facts = page.locator("main dl.summary-list").first
    expect(facts).to_contain_text(sv_date(live_server, start))
    expect(facts).to_contain_text(sv_date(live_server, end))
    # Its part: interested, from the request; no interest form (it is already in).
    rows = _your_part(page)
    expect(rows.first.locator("dd")).to_have_text(_sv_commitment(live_server, "interested"))
    expect(page.locator("section[aria-labelledby='commitment-title'] form")).to_have_count(0)
    assert_unique_ids(page)

    # Once staff agree the terms the request offered, the employer sees them.
    _agree_terms(live_server, cohort_id, org, staff_id)
    ui.visit(view)
    expect(rows.first.locator("dd")).to_have_text(_sv_commitment(live_server, "committed"))
    expect(rows).to_have_count(4)
    expect(rows.nth(1).locator("dd")).to_have_text(sv(live_server, "Yes"))  # interviews
    expect(rows.nth(2).locator("dd")).to_have_text(str(org.hires))  # hires
    expect(rows.nth(3).locator("dd")).to_have_text(sv(live_server, "Yes"))  # practical

    # Its calendar file.
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{view}.ics']").click()
    ics = _ics_text(download_info.value.path())
    assert "BEGIN:VEVENT" in ics and f"SUMMARY:{title}" in ics, ics
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in ics, ics
    ui.log_out()

    # A fourth cleaning organisation sees it among the planned courses in its sectors.
    other_view = f"/organisations/{fourth.id}/cohorts/{cohort_id}"
    ui.log_in(fourth.employer_email, PASSWORD)
    ui.expect_path(r"/organisation$")
    expect(upcoming.locator(f"h2 + ul a[href='{other_view}']")).to_have_count(0)
    ui.follow(upcoming.locator(f"h3 + ul a[href='{other_view}']"))
    ui.expect_path(re.escape(other_view) + "$")
    expect(page.locator("main h1")).to_have_text(title)
    expect(_your_part(page)).to_have_count(0)
    expect(page.locator(f"main a[href='{other_view}.ics']")).to_have_count(1)
    assert_unique_ids(page)

    # It says it is interested, with what it could offer.
    offer = f"Vi kan ta emot två praktikanter ({uuid.uuid4().hex[:6]})."
    page.fill("#note", offer)
    ui.submit("section[aria-labelledby='commitment-title'] form button[type=submit]")
    ui.expect_path(re.escape(other_view) + "$")
    expect(ui.flash()).to_be_visible()
    rows = _your_part(page)
    expect(rows.first.locator("dd")).to_have_text(_sv_commitment(live_server, "interested"))
    expect(rows.last.locator("dd")).to_have_text(offer)
    expect(page.locator("section[aria-labelledby='commitment-title'] form")).to_have_count(0)

    # The staff member who planned it hears so, with a link to the course.
    _msg, link = ui.mail_to(staff_email, f"/staff/cohorts/{cohort_id}")
    assert path_of(link) == f"/staff/cohorts/{cohort_id}"

    # On the dashboard it has moved from the planned courses to its own.
    ui.visit("/organisation")
    expect(upcoming.locator(f"h2 + ul a[href='{other_view}']")).to_have_count(1)
    expect(upcoming.locator(f"h3 + ul a[href='{other_view}']")).to_have_count(0)
