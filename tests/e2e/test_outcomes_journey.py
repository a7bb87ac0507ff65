"""Running a course and recording its outcomes in a real browser.

- A planned cleaning course with four enrolled people and one committed employer is
  set up through the services. Staff move it planned → recruiting → running with
  "Move the course on", open "Attendance" and save the first week's hours (a typed
  word is refused at its field, with what was typed kept), mark three people
  "Completed the course" and one "Dropped out" with a reason on their rows, and move
  the course to completed: the rows' forms are gone, "Outcomes" is offered.
- On the outcomes overview staff record at the end: one employed at the committed
  employer (permanent, 30 h/week), one in studies, and one employed with no employer
  at all first (the error summary takes focus and leads to the employer field, what
  was typed stays), then with the employer's name written in. The overview shows
  the three, "3 of 3 ... went on to work or studies", 4 who left, and each
  follow-up due 90 days after leaving; the participant's page lists the outcome.
- The committed employer's admin sees the course and their commitment on their
  course page, and no participant's name, case reference or outcome on it, on
  their list of courses or on their dashboard; the staff outcomes page is 403.

Every page the tests land on is checked with axe-core (``ui.visit``/``submit``/
``follow``). Text is compared with what the live app's own catalogs render
(``sv``), not with literal Swedish.
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
    sv,
    sv_date,
    sv_label,
    sv_n,
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e


# --- helpers -------------------------------------------------------------------------

def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _follow_up_days(live_server) -> int:
    from portal.participants import outcomes

    with live_server.app.app_context():
        return outcomes.follow_up_days()


@dataclass
class Person:
    id: int
    name: str
    reference: str


@dataclass
class Course:
    id: int
    title: str
    start: date
    people: list[Person]
    org_id: int
    org_name: str
    employer_email: str


def _running_course_setup(live_server, staff_id: int, token: str) -> Course:
    """A planned 14-week cleaning course from this week's Monday, four cleaning
    participants enrolled (today) and one cleaning organisation committed to it,
    all through the services."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.participants import services as participants
    from portal.training import enrolment
    from portal.training import services as training
    from tests import factories

    today = _today(live_server)
    start = today - timedelta(days=today.weekday())
    title = f"Lokalvård E2E {token}"
    email = unique_email("utfall-arb")
    number = unique_org_number()
    org_name = f"E2E Städ AB {number[-5:]}"
    people = []
    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        cohort = training.create_cohort(values={
            "title": title, "sector": "cleaning", "occupation_code": "9111",
            "provider": "adult_education", "provider_name": "Komvux Osby", "weeks": 14,
            "seats": 15, "weekly_hours": 30, "start_date": start}, actor=staff)
        org = factories.make_organisation(name=org_name, org_number=number,
                                          sectors=["cleaning"])
        factories.employer_of(org, email=email, full_name="Eva E2E-Utfall")
        training.set_commitment(cohort, org, actor=staff, interviews=True, hires=2,
                                hosts_practical=True)
        # Letters only in the references: digits could pass a personnummer checksum.
        for first, suffix in (("Amal", "A"), ("Bilal", "B"), ("Cecilia", "C"),
                              ("Dawit", "D")):
            person = participants.create(values={
                "first_name": first, "last_name": f"E2e{token}",
                "case_reference": f"E2E-{token}-UT-{suffix}",
                "driving_licence": "none"}, sectors=["cleaning"], actor=staff)
            db.session.flush()
            enrolment.enrol(cohort, person, actor=staff)
            people.append(Person(person.id, person.full_name, person.case_reference))
        db.session.commit()
        made = Course(cohort.id, title, start, people, org.id, org_name, email)
        db.session.remove()
    return made


def _participants(page: Page):
    return page.locator("section[aria-labelledby='participants-title']")


def _row(page: Page, person_id: int):
    """The enrolment row of a participant on the course page."""
    return _participants(page).locator("table tbody tr").filter(
        has=page.locator(f"th a[href='/staff/participants/{person_id}']"))


def _table(page: Page, live_server, status: str):
    """The course page's table of enrolments with this status (caption = its label)."""
    from portal.training.enums import EnrolmentStatus

    label = sv_label(live_server, EnrolmentStatus, status)
    return _participants(page).locator("table").filter(
        has=page.locator(f"caption:text-is('{label}')"))


def _enrolment_id(row) -> int:
    return int(row.locator("select[id^='action-']").get_attribute("id").split("-", 1)[1])


def _outcome_row(page: Page, person_id: int):
    """A participant's row on the outcomes overview."""
    return page.locator("main table tbody tr").filter(
        has=page.locator(f"th a[href='/staff/participants/{person_id}']"))


def _move(ui: UI, page: Page, detail: str, to: str) -> None:
    """"Move the course on" to ``to``; back on the course page."""
    page.select_option("#to", to)
    ui.submit(f"main form[action='{detail}/transition'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(0)


def _change(ui: UI, page: Page, detail: str, eid: int, action: str, on: date,
            reason: str = "") -> None:
    """What happened to one enrolment, through its row's form."""
    page.select_option(f"#action-{eid}", action)
    page.fill(f"#on-{eid}", on.isoformat())
    if reason:
        page.fill(f"#reason-{eid}", reason)
    ui.submit(f"main form[action='{detail}/enrolments/{eid}'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash("error")).to_have_count(0)
    expect(ui.flash()).to_have_count(1)


# --- run the course, record the outcomes; the employer sees none of them -------------

def test_staff_run_a_course_and_record_outcomes_the_employer_sees_none(
        ui: UI, page, live_server):
    from portal.employers.enums import EmploymentForm
    from portal.participants.enums import Checkpoint, OutcomeStatus
    from portal.training.enums import CohortState, CommitmentStatus, EnrolmentStatus

    token = uuid.uuid4().hex[:8]
    staff_email = unique_email("utfall-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Omar E2E-Utfall")
    course = _running_course_setup(live_server, staff_id, token)
    amal, bilal, cecilia, dawit = course.people
    detail = f"/staff/cohorts/{course.id}"
    today = _today(live_server)
    due = today + timedelta(days=_follow_up_days(live_server))
    assert _follow_up_days(live_server) == 90
    state = page.locator("main dl.summary-list > div").first.locator("dd")

    ui.log_in(staff_email, PASSWORD)

    # --- 1: planned → recruiting → running ---------------------------------------------
    ui.visit(detail)
    expect(state).to_have_text(sv_label(live_server, CohortState, "planned"))
    expect(page.locator(f"main a[href='{detail}/attendance']")).to_have_count(0)
    expect(page.locator(f"main a[href='{detail}/outcomes']")).to_have_count(0)
    _move(ui, page, detail, "recruiting")
    expect(state).to_have_text(sv_label(live_server, CohortState, "recruiting"))
    _move(ui, page, detail, "running")
    expect(state).to_have_text(sv_label(live_server, CohortState, "running"))
    expect(page.locator("#to option[value='completed']")).to_have_count(1)
    eids = {p.id: _enrolment_id(_row(page, p.id)) for p in course.people}
    assert_unique_ids(page)

    # --- Attendance: the first week's hours ---------------------------------------------
    ui.follow(page.locator(f"main a[href='{detail}/attendance']"))
    ui.expect_path(re.escape(detail) + r"/attendance$")
    expect(page.locator("#week")).to_have_value(course.start.isoformat())
    sheet = page.locator(f"main form[method=post][action^='{detail}/attendance']")
    expect(sheet.locator("tbody tr")).to_have_count(4)
    hours = {amal.id: ("30", "0"), bilal.id: ("28", "2"), cecilia.id: ("26", "4"),
             dawit.id: ("12", "18")}
    for person_id, (present, absent) in hours.items():
        page.fill(f"#present-{eids[person_id]}", present)
        page.fill(f"#absent-{eids[person_id]}", absent)
    # Half hours: refused at the field (whole hours only), what was typed stays.
    wrong = f"present-{eids[dawit.id]}"
    page.fill(f"#{wrong}", "1,5")
    ui.submit(sheet.locator("button[type=submit]"), status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator(f"a[href='#{wrong}']")).to_have_count(1)
    expect(page.locator(f"#{wrong}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{wrong}-error")).to_be_visible()
    expect(page.locator(f"#{wrong}")).to_have_value("1,5")
    expect(page.locator(f"#present-{eids[amal.id]}")).to_have_value("30")
    expect(page.locator(f"#absent-{eids[dawit.id]}")).to_have_value("18")
    assert_unique_ids(page)
    page.fill(f"#{wrong}", "12")
    ui.submit(sheet.locator("button[type=submit]"))
    ui.expect_path(re.escape(detail) + rf"/attendance\?week={course.start.isoformat()}$")
    expect(ui.flash()).to_have_text(sv_n(
        live_server, "Attendance saved: %(num)d row changed.",
        "Attendance saved: %(num)d rows changed.", 4))
    for person_id, (present, absent) in hours.items():
        expect(page.locator(f"#present-{eids[person_id]}")).to_have_value(present)
        expect(page.locator(f"#absent-{eids[person_id]}")).to_have_value(absent)
    assert_unique_ids(page)
    ui.follow(page.locator(f"main a[href='{detail}']"))

    # --- Three completed, one dropped out with a reason -----------------------------------
    for person in (amal, bilal, cecilia):
        _change(ui, page, detail, eids[person.id], "complete", today)
    reason = f"Flyttade till Malmö ({token})."
    _change(ui, page, detail, eids[dawit.id], "drop_out", today, reason)
    completed = _table(page, live_server, "completed")
    expect(completed.locator("tbody tr")).to_have_count(3)
    for person in (amal, bilal, cecilia):
        expect(completed.locator(f"th a[href='/staff/participants/{person.id}']")) \
            .to_have_count(1)
    dropped = _table(page, live_server, "dropped_out")
    expect(dropped.locator(f"th a[href='/staff/participants/{dawit.id}']")).to_have_count(1)
    expect(_row(page, dawit.id).locator("td").nth(1)).to_have_text(
        f"{sv_date(live_server, today)}: {reason}")
    expect(_table(page, live_server, "enrolled")).to_have_count(0)

    # The course is over: no more moves on the rows, outcomes are offered.
    _move(ui, page, detail, "completed")
    expect(state).to_have_text(sv_label(live_server, CohortState, "completed"))
    expect(page.locator("#to")).to_have_count(0)
    expect(_participants(page).locator("select[id^='action-']")).to_have_count(0)
    expect(page.locator(f"main a[href='{detail}/attendance']")).to_have_count(1)
    assert_unique_ids(page)

    # --- 2: the outcomes overview: everyone who left, nothing recorded yet ---------------
    overview = f"{detail}/outcomes"
    ui.follow(page.locator(f"main a[href='{overview}']"))
    ui.expect_path(re.escape(overview) + "$")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(4)
    summary_text = page.locator("#outcome-summary")
    left = sv_n(live_server, "%(num)d person has left the course.",
                "%(num)d people have left the course.", 4)

    def summary_says(num: int, known: int) -> str:
        return sv(live_server, "%(num)d of %(known)d with a recorded outcome at the end "
                  "went on to work or studies.", num=num, known=known) + " " + left

    expect(summary_text).to_have_text(summary_says(0, 0))
    completed_label = sv_label(live_server, EnrolmentStatus, "completed")
    for person in (amal, bilal, cecilia):
        expect(_outcome_row(page, person.id).locator("td").nth(0)).to_have_text(
            f"{sv_date(live_server, today)} – {completed_label}")
    expect(_outcome_row(page, dawit.id).locator("td").nth(0)).to_have_text(
        f"{sv_date(live_server, today)} – "
        f"{sv_label(live_server, EnrolmentStatus, 'dropped_out')}")
    assert_unique_ids(page)

    def record(person: Person) -> None:
        link = _outcome_row(page, person.id).locator(
            f"a[href='{overview}/{eids[person.id]}/end']")
        expect(link).to_have_count(1)
        ui.follow(link)
        ui.expect_path(re.escape(f"{overview}/{eids[person.id]}/end") + "$")
        expect(page.locator("main h1")).to_contain_text(person.name)
        assert_unique_ids(page)

    def save_outcome(person: Person, status: int = 200) -> None:
        ui.submit("main form button[type=submit]", status=status)
        if status == 200:
            # (the fragment from the error summary's link survives the redirect)
            ui.expect_path(re.escape(overview) + "(#organisation_id)?$")
            expect(ui.flash()).to_have_text(sv(
                live_server, "The outcome for %(name)s is saved.", name=person.name))

    # Amal: employed, permanently, 30 h/week, at the committed employer.
    note = f"Börjar måndag ({token})"
    record(amal)
    # Only the course's committed employer is offered.
    expect(page.locator("#organisation_id option:not([value=''])")).to_have_count(1)
    page.check("input[name=status][value=employed]")
    page.select_option("#organisation_id", str(course.org_id))
    page.select_option("#employment_form", "permanent")
    page.fill("#weekly_hours", "30")
    page.fill("#note", note)
    save_outcome(amal)

    # Bilal: studies.
    record(bilal)
    page.check("input[name=status][value=studies]")
    save_outcome(bilal)

    # Cecilia: employed, but no employer named: the error summary, what was typed stays.
    record(cecilia)
    page.check("input[name=status][value=employed]")
    page.select_option("#employment_form", "fixed_term")
    page.fill("#weekly_hours", "20")
    save_outcome(cecilia, status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator("a[href='#organisation_id']")).to_have_count(1)
    expect(page.locator("#organisation_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#organisation_id-error")).to_be_visible()
    described = page.locator("#organisation_id").get_attribute("aria-describedby") or ""
    assert "organisation_id-error" in described.split(), described
    expect(page.locator("input[name=status][value=employed]")).to_be_checked()
    expect(page.locator("#employment_form")).to_have_value("fixed_term")
    expect(page.locator("#weekly_hours")).to_have_value("20")
    expect(page.locator("#organisation_id")).to_have_value("")
    summary.locator("a[href='#organisation_id']").click()
    expect(page.locator("#organisation_id")).to_be_focused()
    assert_unique_ids(page)
    # The employer is not in the list: its name, written in.
    other_employer = f"Lokalvårdarna i Osby {token}"
    page.fill("#employer_name", other_employer)
    save_outcome(cecilia)

    # The overview: three recorded, all in work or studies; four left.
    expect(summary_text).to_have_text(summary_says(3, 3))
    employed = sv_label(live_server, OutcomeStatus, "employed")
    permanent = sv_label(live_server, EmploymentForm, "permanent").lower()
    fixed_term = sv_label(live_server, EmploymentForm, "fixed_term").lower()
    at_end = [
        (amal, f"{employed}, {course.org_name} ({permanent})"),
        (bilal, sv_label(live_server, OutcomeStatus, "studies")),
        (cecilia, f"{employed}, {other_employer} ({fixed_term})"),
    ]
    change = sv(live_server, "Change")
    end_label = sv_label(live_server, Checkpoint, "end")
    for who, text in at_end:
        cell = _outcome_row(page, who.id).locator("td").nth(1)
        expect(cell).to_contain_text(text)
        expect(cell.locator(f"a[href='{overview}/{eids[who.id]}/end']")).to_have_text(
            f"{change} – {end_label}, {who.name}")
    expect(_outcome_row(page, dawit.id).locator("td").nth(1).locator(
        f"a[href='{overview}/{eids[dawit.id]}/end']")).to_have_text(
        f"{sv(live_server, 'Record')} – {end_label}, {dawit.name}")
    # Each follow-up is due 90 days after leaving: not yet, so no link to record it.
    due_text = sv(live_server, "Due on %(date)s", date=sv_date(live_server, due))
    for who in course.people:
        cell = _outcome_row(page, who.id).locator("td").nth(2)
        expect(cell).to_have_text(due_text)
        expect(cell.locator("a")).to_have_count(0)

    # Amal's own page lists the outcome.
    ui.follow(_outcome_row(page, amal.id).locator(f"th a[href='/staff/participants/{amal.id}']"))
    ui.expect_path(rf"/staff/participants/{amal.id}$")
    outcomes = page.locator("section[aria-labelledby='outcomes-title'] table tbody tr")
    expect(outcomes).to_have_count(1)
    cells = outcomes.first.locator("td")
    expect(cells.nth(0).locator(f"a[href='{overview}']")).to_have_text(course.title)
    expect(cells.nth(1)).to_have_text(end_label)
    hours_text = sv(live_server, "%(hours)d h/week", hours=30)
    expect(cells.nth(2)).to_contain_text(f"{employed}, {course.org_name} ({permanent}, "
                                         f"{hours_text})")
    expect(cells.nth(2)).to_contain_text(note)
    expect(cells.nth(3)).to_have_text(sv_date(live_server, today))
    assert_unique_ids(page)
    ui.log_out()

    # --- 3: the committed employer: the course and its part, no one on it ---------------
    ui.log_in(course.employer_email, PASSWORD)
    ui.expect_path(r"/organisation$")
    secrets = [f"E2e{token}", other_employer, note, reason,
               *(p.name for p in course.people), *(p.reference for p in course.people)]

    def nothing_about_participants() -> None:
        html = page.content()
        for secret in secrets:
            assert secret not in html, f"{secret!r} on {page.url}"
        expect(page.locator("a[href^='/staff/']")).to_have_count(0)
        expect(page.locator("#outcome-summary")).to_have_count(0)

    nothing_about_participants()
    view = f"/organisations/{course.org_id}/cohorts/{course.id}"
    ui.visit(f"/organisations/{course.org_id}/cohorts")
    expect(page.locator(f"main a[href='{view}']")).to_have_count(1)
    nothing_about_participants()
    ui.follow(page.locator(f"main a[href='{view}']"))
    ui.expect_path(re.escape(view) + "$")
    expect(page.locator("main h1")).to_have_text(course.title)
    expect(state).to_have_text(sv_label(live_server, CohortState, "completed"))
    part = page.locator("section[aria-labelledby='commitment-title'] dl.summary-list > div")
    expect(part.first.locator("dd")).to_have_text(
        sv_label(live_server, CommitmentStatus, "committed"))
    expect(part.nth(2).locator("dd")).to_have_text("2")  # hires
    expect(page.locator("#participants-title")).to_have_count(0)
    nothing_about_participants()
    assert_unique_ids(page)
    # The staff pages stay closed.
    ui.visit(overview, status=403)
    ui.visit(f"{overview}/{eids[amal.id]}/end", status=403)
    ui.visit(f"{detail}/attendance", status=403)
