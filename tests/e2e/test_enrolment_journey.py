"""The participant register and course enrolment in a real browser.

- Staff register a participant: a personnummer as case reference is refused at the
  field (error summary, what was typed stays); the corrected form registers them
  (on SQLite too: the refused submission's key is rolled back with it).
- On a 15-seat cleaning course, 13 are enrolled through the services, one by typing
  a case reference and one from the list of matching participants; a participant
  registered through the form, enrolled as the 16th, goes on the waiting list.
  Dropping someone out needs a reason; with one, the seat is offered to the first
  on the waiting list with a reply-by date three working days ahead, and accepting
  enrols them: still 15 of 15 seats.
- The register filters in place (htmx) by name and sector with the filter in the
  URL; an employer gets 403 on the register and the staff course page, and the
  course page of an organisation committed to the course names no participant.

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
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e

PERSONNUMMER = "19811218-9876"  # valid checksum: the register must refuse it
# The live server's database: a SQLite file unless TEST_DATABASE_URL is set.


# --- helpers -------------------------------------------------------------------------

def _sv_format_date(live_server, day: date) -> str:
    """A date as flask_babel.format_date shows it in Swedish (used in flashes)."""
    from flask_babel import format_date

    with in_swedish(live_server):
        return format_date(day)


def _sv_status(live_server, status: str) -> str:
    from portal.training.enums import EnrolmentStatus

    return sv_label(live_server, EnrolmentStatus, status)


def _reply_by(live_server) -> date:
    """The reply-by date of an offer made today: N working days ahead."""
    from portal.core.dates import local_today
    from portal.core.workdays import add_working_days

    with live_server.app.app_context():
        days = live_server.app.config.get("OFFER_REPLY_WORKING_DAYS", 3)
        return add_working_days(local_today(), days)


def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _mark_document(page: Page) -> None:
    """Tag the current document: a full page load loses the tag."""
    page.evaluate("window.__e2eSameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.__e2eSameDocument === true")


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: a suffix without digits (a reference whose digits
    happen to pass a personnummer's checksum would be refused)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


@dataclass
class Person:
    id: int
    name: str
    reference: str


def _people(live_server, staff_id: int, token: str, count: int, *,
            sectors=("cleaning",), first: str = "Deltagare") -> list[Person]:
    """Participants registered through the services, with unique case references."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.participants import services as participants

    made = []
    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        for i in range(1, count + 1):
            person = participants.create(values={
                "first_name": f"{first}{i}", "last_name": f"E2e{token}",
                "case_reference": f"E2E-{token}-{first[:2].upper()}-{_letters(i)}",
                "driving_licence": "none"}, sectors=list(sectors), actor=staff)
            db.session.flush()
            made.append(Person(person.id, person.full_name, person.case_reference))
        db.session.commit()
        db.session.remove()
    return made


def _course(live_server, staff_id: int, title: str, *, seats: int = 15) -> int:
    """A planned 14-week cleaning course, through the services."""
    from portal.accounts.models import User
    from portal.core.dates import local_today
    from portal.extensions import db
    from portal.training import services as training

    with live_server.app.test_request_context("/"):
        cohort = training.create_cohort(values={
            "title": title, "sector": "cleaning", "occupation_code": "9111",
            "provider": "adult_education", "weeks": 14, "seats": seats,
            "start_date": local_today() + timedelta(days=30)},
            actor=db.session.get(User, staff_id))
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
    return cohort_id


def _enrol(live_server, staff_id: int, cohort_id: int, people: list[Person]) -> None:
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.participants.models import Participant
    from portal.training import enrolment
    from portal.training import services as training

    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        cohort = training.get(cohort_id)
        for person in people:
            enrolment.enrol(cohort, db.session.get(Participant, person.id), actor=staff)
        db.session.commit()
        db.session.remove()


def _participants(page: Page):
    return page.locator("section[aria-labelledby='participants-title']")


def _row(page: Page, person_id: int):
    """The enrolment row of a participant on the course page."""
    return _participants(page).locator("table tbody tr").filter(
        has=page.locator(f"th a[href='/staff/participants/{person_id}']"))


def _table(page: Page, live_server, status: str):
    """The table of enrolments with this status (its caption is the status' label)."""
    label = _sv_status(live_server, status)
    return _participants(page).locator("table").filter(
        has=page.locator(f"caption:text-is('{label}')"))


def _moves(row) -> list[str]:
    """The values the row's "what happened" select offers."""
    return row.locator("select[id^='action-']").locator("option").evaluate_all(
        "els => els.map(e => e.value)")


def _enrolment_id(row) -> int:
    return int(row.locator("select[id^='action-']").get_attribute("id").split("-", 1)[1])


def _seats_text(live_server, taken: int, seats: int, waiting: int) -> str:
    return sv(live_server, "%(taken)d of %(seats)d seats taken; %(waiting)d on the waiting "
              "list.", taken=taken, seats=seats, waiting=waiting)


# --- 1: a personnummer is refused; the corrected form registers -------------------

def _fill_registration(page: Page, *, first: str, last: str, reference: str,
                       email: str) -> None:
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    page.fill("#case_reference", reference)
    page.fill("#email", email)
    page.fill("#phone", "070-123 45 67")
    page.fill("#languages", "Somaliska, svenska (grund)")
    page.select_option("#driving_licence", "B")
    page.check("#sectors input[value='cleaning']")
    page.fill("#profile_note", "Kan arbeta tidiga morgnar.")


def _registered(ui: UI, page: Page, name: str, reference: str) -> Person:
    """On the new participant's page (after a registration): who it is."""
    # (the fragment from the error summary's link survives the redirect)
    ui.expect_path(r"/staff/participants/\d+(#case_reference)?$")
    expect(ui.flash()).to_be_visible()
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator("main dl.summary-list")).to_contain_text(reference)
    expect(page.locator("main dl.summary-list")).not_to_contain_text(PERSONNUMMER)
    return Person(int(re.search(r"/staff/participants/(\d+)", page.url).group(1)), name,
                  reference)


def test_a_personnummer_is_refused_and_the_corrected_form_registers(
        ui: UI, page, live_server):
    token = uuid.uuid4().hex[:8]
    staff_email = unique_email("pnr-handlaggare")
    live_server.create_staff(email=staff_email, full_name="Omar E2E-Pnr")
    first, last, reference = "Amina", f"E2e{token}", f"E2E-{token}"

    ui.log_in(staff_email, PASSWORD)
    ui.visit("/staff/participants/")
    ui.follow(page.locator("main a[href='/staff/participants/new']"))
    ui.expect_path(r"/staff/participants/new$")
    _fill_registration(page, first=first, last=last, reference=PERSONNUMMER,
                       email=f"amina-{token}@e2e.example.se")

    # A personnummer as case reference: refused at the field, what was typed stays.
    ui.submit("main form button[type=submit]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator("a[href='#case_reference']")).to_have_count(1)
    expect(page.locator("#case_reference")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#case_reference-error")).to_be_visible()
    described = page.locator("#case_reference").get_attribute("aria-describedby") or ""
    assert "case_reference-error" in described.split(), described
    expect(page.locator("#case_reference")).to_have_value(PERSONNUMMER)
    expect(page.locator("#first_name")).to_have_value(first)
    expect(page.locator("#last_name")).to_have_value(last)
    expect(page.locator("#phone")).to_have_value("070-123 45 67")
    expect(page.locator("#driving_licence")).to_have_value("B")
    expect(page.locator("#sectors input[value='cleaning']")).to_be_checked()
    expect(page.locator("#profile_note")).to_have_value("Kan arbeta tidiga morgnar.")
    summary.locator("a[href='#case_reference']").click()
    expect(page.locator("#case_reference")).to_be_focused()
    assert_unique_ids(page)

    # The case reference from the case system instead: registered.
    page.fill("#case_reference", reference)
    ui.submit("main form button[type=submit]")
    _registered(ui, page, f"{first} {last}", reference)


# --- 2: enrol sixteen for fifteen seats; a drop-out moves the first waiting up ------

def test_staff_register_a_participant_and_fill_a_course_with_a_waiting_list(
        ui: UI, page, live_server):
    token = uuid.uuid4().hex[:8]
    staff_email = unique_email("deltagare-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Omar E2E-Deltagare")
    reference = f"E2E-{token}"
    first, last = "Amina", f"E2e{token}"

    ui.log_in(staff_email, PASSWORD)

    # The registered participant, through the form.
    ui.visit("/staff/participants/new")
    _fill_registration(page, first=first, last=last, reference=reference,
                       email=f"amina-{token}@e2e.example.se")
    # The screening questions are folded away until asked for.
    guide = page.locator("details.screening-guide")
    expect(guide.locator("ul").first).to_be_hidden()
    guide.locator("summary").click()
    expect(guide.locator("ul").first).to_be_visible()
    assert_unique_ids(page)
    ui.submit("main form button[type=submit]")
    registered = _registered(ui, page, f"{first} {last}", reference)

    # A 15-seat cleaning course and fifteen more cleaning participants; 13 enrolled.
    others = _people(live_server, staff_id, token, 15)
    cohort_id = _course(live_server, staff_id, f"Lokalvård E2E {token}")
    detail = f"/staff/cohorts/{cohort_id}"
    _enrol(live_server, staff_id, cohort_id, others[:13])
    typed, listed = others[13], others[14]

    ui.visit(detail)
    seats = page.locator("#participants-title + p")
    expect(seats).to_have_text(_seats_text(live_server, 13, 15, 0))
    expect(_table(page, live_server, "enrolled").locator("tbody tr")).to_have_count(13)
    matching = _participants(page).locator("ul form")
    for person in (registered, typed, listed):
        expect(matching.filter(has=page.locator(
            f"input[name=case_reference][value='{person.reference}']"))).to_have_count(1)
    for person in others[:13]:  # already on this (open) course
        expect(matching.filter(has=page.locator(
            f"input[name=case_reference][value='{person.reference}']"))).to_have_count(0)
    assert_unique_ids(page)

    # The 14th by typing the case reference (in lower case).
    enrol_button = f"main form[action='{detail}/enrolments']:has(#case_reference) " \
                   "button[type=submit]"
    page.fill("#case_reference", typed.reference.lower())
    ui.submit(enrol_button)
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash()).to_be_visible()
    expect(_row(page, typed.id)).to_have_count(1)
    expect(_table(page, live_server, "enrolled").locator(
        f"th a[href='/staff/participants/{typed.id}']")).to_have_count(1)
    assert _moves(_row(page, typed.id)) == ["complete", "drop_out"]

    # The 15th with one click in the list of matching participants.
    ui.submit(matching.filter(has=page.locator(
        f"input[name=case_reference][value='{listed.reference}']")).locator(
        "button[type=submit]"))
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash()).to_be_visible()
    expect(_table(page, live_server, "enrolled").locator(
        f"th a[href='/staff/participants/{listed.id}']")).to_have_count(1)
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 0))
    expect(matching.filter(has=page.locator(
        f"input[name=case_reference][value='{listed.reference}']"))).to_have_count(0)

    # The 16th, the registered participant: the course is full, they wait.
    page.fill("#case_reference", registered.reference)
    ui.submit(enrol_button)
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash()).to_be_visible()
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 1))
    waiting = _table(page, live_server, "waiting")
    expect(waiting.locator("tbody tr")).to_have_count(1)
    expect(waiting.locator(f"th a[href='/staff/participants/{registered.id}']")) \
        .to_have_count(1)
    expect(_row(page, registered.id).locator("td").first).to_have_text(reference)
    assert _moves(_row(page, registered.id)) == ["withdraw"]
    expect(_table(page, live_server, "enrolled").locator("tbody tr")).to_have_count(15)
    assert_unique_ids(page)

    # Enrolling them again is refused at the field.
    page.fill("#case_reference", registered.reference)
    ui.submit(enrol_button, status=422)
    summary = page.locator("#error-summary")
    expect(summary.locator("a[href='#case_reference']")).to_have_count(1)
    expect(page.locator("#case_reference")).to_have_attribute("aria-invalid", "true")
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 1))

    # The first enrolled drops out, without a reason: refused, nothing changes.
    leaver = others[0]
    row = _row(page, leaver.id)
    eid = _enrolment_id(row)
    change_button = f"main form[action='{detail}/enrolments/{eid}'] button[type=submit]"
    page.select_option(f"#action-{eid}", "drop_out")
    ui.submit(change_button)
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash("error")).to_have_count(1)
    expect(ui.flash()).to_have_count(0)
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 1))
    expect(_table(page, live_server, "enrolled").locator(
        f"th a[href='/staff/participants/{leaver.id}']")).to_have_count(1)
    expect(waiting.locator(f"th a[href='/staff/participants/{registered.id}']")) \
        .to_have_count(1)
    expect(_table(page, live_server, "offered")).to_have_count(0)

    # With a reason: the seat is offered to the one waiting, who has three working days.
    reply_by = _reply_by(live_server)
    reason = f"Fick jobb på lager ({token})."
    page.select_option(f"#action-{eid}", "drop_out")
    page.fill(f"#reason-{eid}", reason)
    ui.submit(change_button)
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash("error")).to_have_count(0)
    expect(ui.flash()).to_have_count(2)
    expect(ui.flash().nth(1)).to_have_text(sv(
        live_server, "The free seat is offered to %(name)s, who has until %(date)s to "
        "answer.", name=registered.name, date=_sv_format_date(live_server, reply_by)))
    dropped = _table(page, live_server, "dropped_out")
    expect(dropped.locator(f"th a[href='/staff/participants/{leaver.id}']")).to_have_count(1)
    expect(_row(page, leaver.id).locator("td").nth(1)).to_contain_text(reason)
    offered = _table(page, live_server, "offered")
    expect(offered.locator("tbody tr")).to_have_count(1)
    expect(offered.locator(f"th a[href='/staff/participants/{registered.id}']")) \
        .to_have_count(1)
    expect(_row(page, registered.id).locator("td").nth(1)).to_have_text(
        sv(live_server, "answer by %(date)s", date=sv_date(live_server, reply_by)))
    assert _moves(_row(page, registered.id)) == ["accept", "decline", "drop_out"]
    expect(_table(page, live_server, "waiting")).to_have_count(0)
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 0))  # the offer holds it
    assert_unique_ids(page)

    # They accept: enrolled, since today; still 15 of 15.
    offer_id = _enrolment_id(_row(page, registered.id))
    page.select_option(f"#action-{offer_id}", "accept")
    ui.submit(f"main form[action='{detail}/enrolments/{offer_id}'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "(#participants-title)?$")
    expect(ui.flash()).to_have_count(1)
    expect(_table(page, live_server, "enrolled").locator(
        f"th a[href='/staff/participants/{registered.id}']")).to_have_count(1)
    expect(_table(page, live_server, "enrolled").locator("tbody tr")).to_have_count(15)
    expect(_table(page, live_server, "offered")).to_have_count(0)
    expect(_row(page, registered.id).locator("td").nth(1)).to_have_text(
        sv(live_server, "since %(date)s", date=sv_date(live_server, _today(live_server))))
    expect(seats).to_have_text(_seats_text(live_server, 15, 15, 0))
    assert_unique_ids(page)


# --- 3: the register filters in place; employers see no participant ----------------

def _committed_org(live_server, cohort_id: int, staff_id: int, prefix: str):
    """A cleaning organisation and its employer admin, committed to the course."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.training import services as training
    from tests import factories

    email = unique_email(prefix)
    number = unique_org_number()
    with live_server.app.test_request_context("/"):
        org = factories.make_organisation(name=f"E2E Städ AB {number[-5:]}",
                                          org_number=number, sectors=["cleaning"])
        factories.employer_of(org, email=email, full_name=f"Eva E2E-{prefix}")
        training.set_commitment(training.get(cohort_id), org,
                                actor=db.session.get(User, staff_id), interviews=True,
                                hires=2, hosts_practical=True)
        db.session.commit()
        org_id = org.id
        db.session.remove()
    return org_id, email


def test_the_register_filters_in_place_and_employers_see_no_participant(
        ui: UI, page, live_server):
    token = uuid.uuid4().hex[:8]
    staff_email = unique_email("register-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Alva E2E-Register")
    carers = _people(live_server, staff_id, token, 2, sectors=("care",), first="Vardare")
    drivers = _people(live_server, staff_id, token, 1, sectors=("transport",),
                      first="Forare")
    # A course with one enrolled and one waiting (so none of them is "matching" for
    # another test's cleaning course), and an organisation committed to it.
    cleaners = _people(live_server, staff_id, token, 2, first="Stadare")
    cohort_id = _course(live_server, staff_id, f"Lokalvård E2E {token}", seats=1)
    _enrol(live_server, staff_id, cohort_id, cleaners)
    org_id, employer_email = _committed_org(live_server, cohort_id, staff_id, "register-arb")

    ui.log_in(staff_email, PASSWORD)

    # Typing a name filters the register in place; the live region around it stays.
    ui.visit("/staff/participants/")
    table = page.locator("#participants")
    live = page.locator("[aria-live]:has(> #participants)")
    expect(live).to_have_attribute("aria-live", "polite")
    live.evaluate("node => { node.dataset.e2eKept = 'yes'; }")
    _mark_document(page)
    page.locator("#q").focus()
    surname = f"E2e{token}"
    with page.expect_response(lambda r: "/staff/participants/?" in r.url
                              and f"q={surname}" in r.url) as answer:
        page.locator("#q").press_sequentially(surname)
    assert answer.value.status == 200
    ui.expect_path(rf"/staff/participants/\?(.*&)?q={surname}(&.*)?$")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#q")).to_be_focused()  # the swap leaves the search field be
    check_a11y(page)

    # Choosing a sector narrows it further; the filter is in the URL.
    with page.expect_response(lambda r: "/staff/participants/?" in r.url
                              and "sector=care" in r.url) as answer:
        page.locator("#sector").focus()
        page.select_option("#sector", "care")
    assert answer.value.status == 200
    ui.expect_path(r"/staff/participants/\?(.*&)?sector=care(&.*)?$")
    assert f"q={surname}" in page.url, page.url
    expect(rows).to_have_count(2)
    for person in carers:
        expect(table.locator(f"tbody th a[href='/staff/participants/{person.id}']")) \
            .to_have_count(1)
    for person in drivers + cleaners:
        expect(table.locator(f"tbody th a[href='/staff/participants/{person.id}']")) \
            .to_have_count(0)
    assert _same_document(page), "the filter reloaded the whole page"
    expect(page.locator("[aria-live][data-e2e-kept='yes'] > #participants")) \
        .to_have_count(1)
    expect(page.locator("#sector")).to_be_focused()
    check_a11y(page)

    # The filtered URL, loaded afresh, shows the same.
    ui.visit(page.url.removeprefix(ui.base_url))
    expect(page.locator("#sector")).to_have_value("care")
    expect(page.locator("#q")).to_have_value(surname)
    expect(rows).to_have_count(2)

    # Staff see who is on the course.
    ui.visit(f"/staff/cohorts/{cohort_id}")
    for person in cleaners:
        expect(_row(page, person.id)).to_have_count(1)
    ui.log_out()

    # An employer: no register, no participant, no staff course page.
    ui.log_in(employer_email, PASSWORD)
    ui.expect_path(r"/organisation$")
    ui.visit("/staff/participants/", status=403)
    ui.visit(f"/staff/participants/?q={surname}", status=403)
    ui.visit(f"/staff/participants/{cleaners[0].id}", status=403)
    ui.visit("/staff/participants/new", status=403)
    ui.visit(f"/staff/cohorts/{cohort_id}", status=403)

    # Its own course page: the course and its part, never a participant.
    view = f"/organisations/{org_id}/cohorts/{cohort_id}"
    ui.visit(view)
    expect(page.locator("main h1")).to_have_text(f"Lokalvård E2E {token}")
    expect(page.locator("section[aria-labelledby='commitment-title'] dl")).to_have_count(1)
    expect(page.locator("a[href^='/staff/participants']")).to_have_count(0)
    expect(page.locator("#participants-title")).to_have_count(0)
    html = page.content()
    assert surname not in html, "a participant's name on the employer's page"
    for person in cleaners:
        assert person.reference not in html, person.reference
        assert person.name not in html, person.name
