"""A recruitment event in a real browser, from an employer's request to recorded hires.

- A cleaning organisation's admin has asked for a recruitment event about three
  cleaners (9111); four cleaning participants are registered (all through the
  services). Staff follow "Plan a recruitment event" on the 9111 row of the demand
  overview: the request is ticked; an end time before the start time shows the error
  summary (focused, leading to the field) with what was typed kept; once planned for
  3 job seekers, the request is in progress and the organisation is mailed a link.
- Staff invite two people from the list of those who fit and one by case reference;
  a fourth is refused at the case-reference field (the event is full), nothing added.
- The employer follows the mail's link, logs in, reads the event (date, time, place,
  "3" job seekers invited as a number only, no one's name or case reference on the
  page, the dashboard, the list or the .ics) and confirms; staff are mailed.
- The day comes (the event's date is moved back in the database): staff mark it held,
  record who came (two came, one did not) and the organisation's results (2
  interviews, 1 offer, 1 hire; ticking two people for one hire is refused first).
  The hired person's page shows "employed" linked to the event; the employer sees
  their own counts, and still no one's name.

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
    ConsoleWatch,
    assert_unique_ids,
    sv,
    sv_date,
    sv_label,
    sv_n,
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD, mail_text, path_of

pytestmark = pytest.mark.e2e


# --- helpers -------------------------------------------------------------------------

def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _watched_ui(new_context, live_server, smtp) -> tuple[UI, ConsoleWatch]:
    """A second browser (its own cookies), watched like the ``page`` fixture."""
    context = new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = ConsoleWatch()
    watch.attach(page)
    return UI(page, live_server.url, smtp, watch), watch


def _ics_text(path) -> str:
    """An .ics file's text with folded lines (RFC 5545, 3.1) unfolded."""
    with open(path, encoding="utf-8") as ics_file:
        return re.sub(r"\r?\n[ \t]", "", ics_file.read())


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    reference: str


@dataclass
class Setup:
    org_id: int
    org_name: str
    employer_email: str
    request_id: int
    request_ref: str
    people: list[Person]


def _seed(live_server, staff_id: int, token: str) -> Setup:
    """A cleaning organisation whose admin has submitted a recruitment-event request
    about a need for 3 cleaners (9111), for 2 of them at the event; and four
    participants with a cleaning sector profile. All through the services."""
    from portal.accounts.models import User
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db
    from portal.participants import services as participants
    from tests import factories

    email = unique_email("traff-arb")
    number = unique_org_number()
    name = f"E2E Städ AB {number[-5:]}"
    people = []
    with live_server.app.test_request_context("/"):
        org = factories.make_organisation(name=name, org_number=number,
                                          sectors=["cleaning"])
        employer = factories.employer_of(org, email=email, full_name="Eva E2E-Träff")
        need = factories.make_need(org, employer, occupation_code="9111", headcount=3,
                                   timeframe="now")
        req = factories.make_request(org, employer, "recruitment_event", submit=True,
                                     needs=[need], headcount=2)
        staff = db.session.get(User, staff_id)
        # Letters only in the references' last part: digits could pass a personnummer
        # checksum.
        for first, suffix in (("Amal", "A"), ("Bilal", "B"), ("Cecilia", "C"),
                              ("Dawit", "D")):
            person = participants.create(values={
                "first_name": first, "last_name": f"E2e{token}",
                "case_reference": f"E2E-{token}-EV-{suffix}",
                "driving_licence": "none"}, sectors=["cleaning"], actor=staff)
            db.session.flush()
            people.append(Person(person.id, person.full_name, person.case_reference))
        db.session.commit()
        made = Setup(org.id, name, email, req.id, req.reference, people)
        deliver_after_commit()
        db.session.remove()
    return made


def _request_state(live_server, request_id: int) -> str:
    from portal.extensions import db
    from portal.requests.models import ServiceRequest

    with live_server.app.app_context():
        state = db.session.get(ServiceRequest, request_id).state
        db.session.remove()
    return state


def _invited_ids(live_server, event_id: int) -> set[int]:
    from sqlalchemy import select

    from portal.events.models import EventInvitation
    from portal.extensions import db

    with live_server.app.app_context():
        found = set(db.session.scalars(select(EventInvitation.participant_id).where(
            EventInvitation.event_id == event_id)))
        db.session.remove()
    return found


def _move_event_to(live_server, event_id: int, day: date) -> None:
    """The day comes: the event's date, moved in the database (only the date)."""
    from portal.events.models import RecruitmentEvent
    from portal.extensions import db

    with live_server.app.app_context():
        db.session.get(RecruitmentEvent, event_id).event_date = day
        db.session.commit()
        db.session.remove()


def _exactly(text: str) -> re.Pattern:
    """A pattern for an element's whole text (safe whatever quotes a translation has)."""
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def _fact(page: Page, live_server, label_msgid: str, scope: str = "main"):
    """The <dd> beside the <dt> with this (translated) label in a summary list."""
    label = sv(live_server, label_msgid)
    return page.locator(f"{scope} dl.summary-list > div").filter(
        has=page.locator("dt", has_text=_exactly(label))).locator("dd")


# --- the journey -----------------------------------------------------------------------

def test_recruitment_event_from_request_to_recorded_hires(ui: UI, page, live_server, smtp,
                                                           new_context):
    from portal.events.enums import Attendance, EventState, Response
    from portal.participants.enums import Checkpoint, OutcomeStatus
    from portal.requests.enums import RequestState

    token = uuid.uuid4().hex[:8]
    staff_email = unique_email("traff-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Omar E2E-Träff")
    setup = _seed(live_server, staff_id, token)
    amal, bilal, cecilia, dawit = setup.people
    today = _today(live_server)
    day = today + timedelta(days=5)
    title = f"Rekryteringsträff lokalvård {token}"
    place = f"Medborgarhuset Osby sal {token[:4]}"
    secrets = [f"E2e{token}", f"E2E-{token}", *(p.name for p in setup.people),
               *(p.reference for p in setup.people)]

    ui.log_in(staff_email, PASSWORD)

    # --- 2: plan the event from the demand overview's 9111 row ------------------------------
    ui.visit("/staff/demand")
    plan = page.locator("#demand tbody a[href^='/staff/events/new?']"
                        "[href*='occupation=9111'][href*='sector=cleaning']")
    expect(plan).to_have_count(1)
    ui.follow(plan)
    ui.expect_path(r"/staff/events/new\?.*occupation=9111")
    expect(page.locator("#sector")).to_have_value("cleaning")
    expect(page.locator("#occupation_code")).to_have_value("9111")
    mine = page.locator(f"#request_ids input[type=checkbox][value='{setup.request_id}']")
    expect(mine).to_be_checked()
    # Requests of other tests' organisations (the database is shared) are left out.
    boxes = page.locator("#request_ids input[type=checkbox]")
    for value in boxes.evaluate_all("els => els.filter(e => e.checked).map(e => e.value)"):
        if value != str(setup.request_id):
            page.uncheck(f"#request_ids input[type=checkbox][value='{value}']")
    assert_unique_ids(page)

    # It ends before it starts: the error summary takes focus and leads to the end time;
    # what was typed stays.
    page.fill("#title", title)
    page.fill("#event_date", day.isoformat())
    page.fill("#start_time", "13:00")
    page.fill("#end_time", "12:00")
    page.fill("#location", place)
    page.fill("#capacity", "3")
    ui.submit("main form button[type=submit]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator("a[href='#end_time']")).to_have_text(
        sv(live_server, "The event must end after it starts."))
    expect(page.locator("#end_time")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#end_time-error")).to_be_visible()
    described = page.locator("#end_time").get_attribute("aria-describedby") or ""
    assert "end_time-error" in described.split(), described
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#event_date")).to_have_value(day.isoformat())
    expect(page.locator("#start_time")).to_have_value("13:00")
    expect(page.locator("#end_time")).to_have_value("12:00")
    expect(page.locator("#location")).to_have_value(place)
    expect(page.locator("#capacity")).to_have_value("3")
    checked = boxes.evaluate_all("els => els.filter(e => e.checked).map(e => e.value)")
    assert checked == [str(setup.request_id)], checked
    summary.locator("a[href='#end_time']").click()
    expect(page.locator("#end_time")).to_be_focused()
    assert_unique_ids(page)

    page.fill("#end_time", "15:30")
    ui.submit("main form button[type=submit]")
    # (the fragment from the error summary's link survives the redirect)
    ui.expect_path(r"/staff/events/\d+(#end_time)?$")
    event_id = int(re.search(r"/staff/events/(\d+)", page.url).group(1))
    detail = f"/staff/events/{event_id}"
    view = f"/organisations/{setup.org_id}/events/{event_id}"
    expect(ui.flash()).to_have_text(sv(
        live_server, "The recruitment event “%(title)s” is planned.", title=title))
    expect(page.locator("main h1")).to_have_text(title)
    when = sv(live_server, "%(date)s, %(start)s–%(end)s",
              date=sv_date(live_server, day, "full"), start="13:00", end="15:30")
    expect(_fact(page, live_server, "When")).to_have_text(when)
    expect(_fact(page, live_server, "Place")).to_have_text(place)
    expect(_fact(page, live_server, "Places for job seekers")).to_have_text("3")
    # The organisation recruits at it, for as many as its request asked for.
    orgs = page.locator("section[aria-labelledby='organisations-title'] tbody tr")
    expect(orgs).to_have_count(1)
    org_row = orgs.filter(has=page.locator(f"th a[href='/organisations/{setup.org_id}']"))
    expect(org_row.locator("td").nth(1)).to_have_text("2")
    expect(org_row.locator("td").nth(2)).to_have_text(
        sv_label(live_server, Response, "invited"))
    # The request is in progress, and the event says it answers it.
    assert _request_state(live_server, setup.request_id) == RequestState.IN_PROGRESS
    answers = page.locator("section[aria-labelledby='answers-title'] li")
    expect(answers).to_have_count(1)
    expect(answers.locator(f"a[href='/staff/requests/{setup.request_id}']")).to_have_text(
        setup.request_ref)
    expect(answers).to_contain_text(sv_label(live_server, RequestState, "in_progress"))
    assert_unique_ids(page)

    # The organisation is mailed the invitation, with a link to its page of the event.
    invitation, link = ui.mail_to(setup.employer_email, view)
    assert path_of(link) == view
    assert sv(live_server, "You are invited to the recruitment event “%(title)s”",
              title=title) in str(invitation["Subject"])
    assert place in mail_text(invitation)

    # --- 3: invite job seekers -----------------------------------------------------------
    invited = page.locator("section[aria-labelledby='invited-title']")
    action = f"{detail}/invitations"

    def invite_button(person: Person):
        return invited.locator(
            f"form[action='{action}']:has(input[type=hidden][name=case_reference]"
            f"[value='{person.reference}']) button[type=submit]")

    invited_table = invited.locator("table").filter(has=page.locator(
        "caption", has_text=_exactly(sv(live_server, "Job seekers invited"))))

    def invited_row(person: Person):
        return invited_table.locator("tbody tr").filter(
            has=page.locator(f"th a[href='/staff/participants/{person.id}']"))

    taken = sv(live_server, "%(invited)d of %(capacity)d places taken.", invited=0,
               capacity=3)
    expect(invited.locator("p").first).to_have_text(taken)
    for person in (amal, bilal):  # from the list of those who fit the sector
        expect(invite_button(person)).to_have_count(1)
        ui.submit(invite_button(person))
        ui.expect_path(re.escape(detail) + "(#invited-title)?$")
        expect(ui.flash()).to_have_text(sv(live_server, "%(name)s is invited.",
                                           name=person.name))
        expect(invited_row(person)).to_have_count(1)
        expect(invite_button(person)).to_have_count(0)  # no longer offered
    # By case reference.
    page.fill("#case_reference", cecilia.reference)
    ui.submit(invited.locator(f"form[action='{action}']:has(#case_reference) "
                              "button[type=submit]"))
    expect(ui.flash()).to_have_text(sv(live_server, "%(name)s is invited.",
                                       name=cecilia.name))
    expect(invited_table.locator("tbody tr")).to_have_count(3)
    expect(invited_row(cecilia).locator("td").nth(0)).to_have_text(cecilia.reference)
    expect(invited.locator("p").first).to_have_text(sv(
        live_server, "%(invited)d of %(capacity)d places taken.", invited=3, capacity=3))

    # A fourth: the event is full. The error is at the case-reference field (and in
    # the summary, which takes focus); no one is added.
    ui.submit(invite_button(dawit), status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    full = sv(live_server, "The event is full: all %(num)d places are taken.", num=3)
    expect(summary.locator("a[href='#case_reference']")).to_have_text(full)
    expect(page.locator("#case_reference")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#case_reference-error")).to_contain_text(full)
    expect(page.locator("#case_reference")).to_have_value(dawit.reference)
    expect(invited_table.locator("tbody tr")).to_have_count(3)
    expect(invited_row(dawit)).to_have_count(0)
    assert _invited_ids(live_server, event_id) == {amal.id, bilal.id, cecilia.id}
    assert_unique_ids(page)

    # The list of events: this one, with its places taken.
    ui.visit("/staff/events/")
    listed = page.locator("#events tbody tr").filter(
        has=page.locator(f"th a[href='{detail}']"))
    expect(listed).to_have_count(1)
    expect(listed.locator("td").nth(2)).to_have_text(
        f"{sv_date(live_server, day)} 13:00")
    expect(listed.locator("td").nth(5)).to_have_text(
        sv(live_server, "%(invited)s of %(capacity)s", invited="3", capacity="3"))

    # --- 4: the employer follows the mail's link, reads the event, and confirms -------------
    emp, emp_watch = _watched_ui(new_context, live_server, smtp)
    ep = emp.page

    def nothing_about_job_seekers() -> None:
        html = ep.content()
        for secret in secrets:
            assert secret not in html, f"{secret!r} on {ep.url}"
        expect(ep.locator("a[href^='/staff/']")).to_have_count(0)

    emp.visit(link)
    emp.expect_path(r"/login\?")
    ep.fill("#email", setup.employer_email)
    ep.fill("#password", PASSWORD)
    emp.submit()
    emp.expect_path(re.escape(view) + "$")
    expect(ep.locator("main h1")).to_have_text(title)
    expect(_fact(ep, live_server, "When")).to_have_text(when)
    expect(_fact(ep, live_server, "Place")).to_have_text(place)
    expect(_fact(ep, live_server, "Job seekers invited",
                 "section[aria-labelledby='part-title']")).to_have_text("3")
    expect(_fact(ep, live_server, "Your answer")).to_have_text(
        sv_label(live_server, Response, "invited"))
    nothing_about_job_seekers()
    assert_unique_ids(ep)

    # The calendar file: the event's own facts, no one invited.
    with ep.expect_download() as download_info:
        ep.locator(f"main a[href='{view}.ics']").click()
    ics = _ics_text(download_info.value.path())
    assert f"SUMMARY:{title}" in ics, ics
    assert re.search(rf"DTSTART;TZID=[^:]+:{day:%Y%m%d}T130000", ics), ics
    assert place in ics, ics
    for secret in secrets:
        assert secret not in ics, f"{secret!r} in the .ics"

    # The dashboard and the list of events show it, and no one's name.
    emp.visit("/organisation")
    expect(ep.locator(f"main a[href='{view}']")).to_have_count(1)
    nothing_about_job_seekers()
    emp.visit(f"/organisations/{setup.org_id}/events")
    upcoming = ep.locator("section[aria-labelledby='upcoming-title']")
    expect(upcoming.locator(f"a[href='{view}']")).to_have_text(title)
    nothing_about_job_seekers()
    emp.follow(upcoming.locator(f"a[href='{view}']"))

    # We will come.
    emp.submit(f"main form#answer button[name=answer][value={Response.CONFIRMED.value}]")
    emp.expect_path(re.escape(view) + "$")
    expect(emp.flash()).to_have_text(sv(live_server,
                                        "Thank you: you are registered as coming."))
    expect(_fact(ep, live_server, "Your answer")).to_have_text(
        sv_label(live_server, Response, "confirmed"))
    expect(ep.locator(f"main form#answer button[value={Response.CONFIRMED.value}]")
           ).to_have_count(0)
    nothing_about_job_seekers()
    assert_unique_ids(ep)

    # Staff hear of it by mail, with a link to the event.
    answer, staff_link = ui.mail_to(staff_email, detail)
    assert path_of(staff_link) == detail
    assert sv(live_server, "%(org)s will come to “%(title)s”", org=setup.org_name,
              title=title) in str(answer["Subject"])

    # --- 5: the day comes; staff mark it held, who came, and the results ------------------
    _move_event_to(live_server, event_id, today - timedelta(days=1))
    ui.visit(staff_link)
    expect(org_row.locator("td").nth(2)).to_contain_text(
        sv_label(live_server, Response, "confirmed"))
    expect(page.locator(f"main a[href='{detail}/attendance']")).to_have_count(0)
    page.select_option("#to", EventState.HELD.value)
    ui.submit(f"main form[action='{detail}/transition'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_have_text(sv(live_server, "The event is now “%(state)s”.",
                                       state=sv_label(live_server, EventState, "held")))
    expect(_fact(page, live_server, "Status")).to_have_text(
        sv_label(live_server, EventState, "held"))
    expect(page.locator("#to")).to_have_count(0)
    expect(invite_button(dawit)).to_have_count(0)  # no more invitations
    assert_unique_ids(page)

    # Who came: Amal and Bilal came, Cecilia did not.
    ui.follow(page.locator(f"main a[href='{detail}/attendance']"))
    ui.expect_path(re.escape(detail) + "/attendance$")
    sheet = page.locator(f"main form[action='{detail}/attendance']")
    rows = sheet.locator("tbody tr")
    expect(rows).to_have_count(3)
    marks = {amal: Attendance.ATTENDED, bilal: Attendance.ATTENDED,
             cecilia: Attendance.ABSENT}
    for person, mark in marks.items():
        rows.filter(has_text=person.reference).locator("select").select_option(mark.value)
    assert_unique_ids(page)
    ui.submit(sheet.locator("button[type=submit]"))
    ui.expect_path(re.escape(detail) + "/attendance$")
    expect(ui.flash()).to_have_text(sv_n(
        live_server, "Attendance saved: %(num)d row changed.",
        "Attendance saved: %(num)d rows changed.", 3))
    for person, mark in marks.items():
        expect(rows.filter(has_text=person.reference).locator("select")).to_have_value(
            mark.value)
    ui.follow(sheet.locator(f"a[href='{detail}']"))

    # The organisation's results: two ticked for one hire is refused first.
    results = f"{detail}/results?org={setup.org_id}"
    ui.follow(org_row.locator(f"a[href='{results}']"))
    ui.expect_path(re.escape(results) + "$")
    hired = page.locator("#hired input[type=checkbox]")
    expect(hired).to_have_count(2)  # those who came, not Cecilia
    for person in (amal, bilal):
        expect(page.locator(f"#hired input[type=checkbox][value='{person.id}']")
               ).not_to_be_checked()
    page.fill("#interviews", "2")
    page.fill("#offers", "1")
    page.fill("#hires", "1")
    page.check(f"#hired input[type=checkbox][value='{amal.id}']")
    page.check(f"#hired input[type=checkbox][value='{bilal.id}']")
    assert_unique_ids(page)
    ui.submit("main form button[type=submit]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    too_many = sv(live_server, "More people are ticked as hired than the number of hires.")
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator("a[href='#hired']")).to_have_text(too_many)
    expect(page.locator("#hired-error")).to_contain_text(too_many)
    described = page.locator("#hired").get_attribute("aria-describedby") or ""
    assert "hired-error" in described.split(), described
    expect(page.locator("#interviews")).to_have_value("2")
    expect(page.locator("#offers")).to_have_value("1")
    expect(page.locator("#hires")).to_have_value("1")
    for person in (amal, bilal):
        expect(page.locator(f"#hired input[type=checkbox][value='{person.id}']")
               ).to_be_checked()
    summary.locator("a[href='#hired']").click()
    expect(page.locator("#hired")).to_be_focused()
    assert_unique_ids(page)
    page.uncheck(f"#hired input[type=checkbox][value='{bilal.id}']")
    ui.submit("main form button[type=submit]")
    ui.expect_path(re.escape(detail) + "(#organisations-title)?$")
    expect(ui.flash()).to_have_text(sv(live_server, "The results of %(org)s are saved.",
                                       org=setup.org_name))
    counts = org_row.locator("td.numeric")
    expect(counts).to_have_count(4)  # vacancies, interviews, offers, hires
    expect(counts).to_have_text(["2", "2", "1", "1"])
    came = sv_label(live_server, Attendance, "attended")
    expect(invited_row(amal).locator("td").nth(1)).to_have_text(
        f"{came} – {sv(live_server, 'hired')}")
    expect(invited_row(bilal).locator("td").nth(1)).to_have_text(came)
    expect(invited_row(cecilia).locator("td").nth(1)).to_have_text(
        sv_label(live_server, Attendance, "absent"))

    # Amal's page: employed at the organisation, at the event.
    ui.follow(invited_row(amal).locator(f"th a[href='/staff/participants/{amal.id}']"))
    ui.expect_path(rf"/staff/participants/{amal.id}$")
    outcomes = page.locator("section[aria-labelledby='outcomes-title'] tbody tr")
    expect(outcomes).to_have_count(1)
    cells = outcomes.first.locator("td")
    expect(cells.nth(0).locator(f"a[href='{detail}']")).to_have_text(title)
    expect(cells.nth(1)).to_have_text(sv_label(live_server, Checkpoint, "end"))
    expect(cells.nth(2)).to_contain_text(
        f"{sv_label(live_server, OutcomeStatus, 'employed')}, {setup.org_name}")
    events = page.locator("section[aria-labelledby='events-title'] li")
    expect(events.filter(has=page.locator(f"a[href='{detail}']"))).to_contain_text(
        came.lower())
    assert_unique_ids(page)
    ui.console.assert_clean()

    # The employer sees their own results, as counts, and still no one's name.
    emp.visit(view)
    expect(_fact(ep, live_server, "Status")).to_have_text(
        sv_label(live_server, EventState, "held"))
    own = "section[aria-labelledby='results-title']"
    expect(_fact(ep, live_server, "Interviews held", own)).to_have_text("2")
    expect(_fact(ep, live_server, "Job offers", own)).to_have_text("1")
    expect(_fact(ep, live_server, "Hires", own)).to_have_text("1")
    expect(ep.locator("main form#answer")).to_have_count(0)
    nothing_about_job_seekers()
    assert_unique_ids(ep)
    emp.visit(f"/organisations/{setup.org_id}/events")
    expect(ep.locator(f"section[aria-labelledby='past-title'] a[href='{view}']")
           ).to_have_text(title)
    expect(ep.locator(f"section[aria-labelledby='upcoming-title'] a[href='{view}']")
           ).to_have_count(0)
    nothing_about_job_seekers()
    emp.visit("/organisation")
    nothing_about_job_seekers()
    # The staff pages stay closed.
    emp.visit(f"{detail}/attendance", status=403)
    emp.visit(results, status=403)
    emp_watch.assert_clean()
