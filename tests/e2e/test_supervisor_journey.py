"""A workplace supervisor in a real browser, from the public sign-up to a hire.

- A cleaning organisation, its employer admin and its submitted request for an intern
  (kind "placement", from today), an open mentor-training session next week and a
  cleaning participant are set up through the services.
- A person follows the start page's link to the supervisor sign-up and sends the form
  without ticking the consent box: the error summary takes focus and leads to the box,
  and everything typed stays. Ticked, they are signed up at the organisation (chosen
  by its organisation number) for cleaning, one person at a time, from today.
- The confirmation mail arrives through the real SMTP server; its link confirms them.
- Staff find the pending supervisor in the register (status filter, an htmx swap) and
  approve them; the supervisor is mailed a link, chooses a password, logs in and lands
  on their supervisor page, where they sign up for the mentor training.
- The day comes (the session's date is moved back in the database): staff mark the
  session held and record that the supervisor came; the staff profile and the
  supervisor's page say trained.
- Staff open the request's matching page: the supervisor is listed as at the
  organisation, in the sector, with 1 of 1 places free, available and trained. Staff
  propose a placement from that row for the participant, agree it (the checks find
  nothing) and mark it started. The supervisor is mailed (first name only), follows
  the mail's link, logs in, sees the placement with the participant's first name and
  never their last name or case reference, and files this week's check-in, which
  staff then see on the placement.
- Staff end the placement "hired by the host": the participant's page shows the
  outcome "employed" at the organisation, linked to the placement.

Every page the tests land on is checked with axe-core (``ui.visit``/``submit``/
``follow``, and ``check_a11y`` after the register's htmx swap). Text is compared
with what the live app's own catalogs render (``sv``), not with literal Swedish.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    UI,
    ConsoleWatch,
    assert_unique_ids,
    check_a11y,
    sv,
    sv_date,
    sv_label,
    sv_n,
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD, mail_link, mail_text, path_of

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Grå-skottkärra-vid-sjö-2027"


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


def _mail_with_subject(ui: UI, address: str, subject: str, link_part: str):
    """The newest mail to ``address`` whose subject contains ``subject`` (waits for it),
    and its link containing ``link_part``."""
    deadline = time.monotonic() + 5
    while True:
        for msg in reversed(ui.smtp.to(address)):
            if subject in str(msg["Subject"]):
                return msg, mail_link(msg, link_part)
        if time.monotonic() > deadline:
            got = [str(m["Subject"]) for m in ui.smtp.to(address)]
            raise AssertionError(f"no mail to {address} about {subject!r}; got {got}")
        time.sleep(0.05)


@dataclass(frozen=True)
class Setup:
    org_id: int
    org_name: str
    org_number: str
    request_id: int
    participant_id: int
    first_name: str
    last_name: str
    case_reference: str
    session_id: int
    session_title: str


def _seed(live_server, staff_id: int, token: str, today: date) -> Setup:
    """A cleaning organisation (Härryda), its employer admin and their submitted request
    for an intern from today; a cleaning participant; an open mentor-training session
    in a week. All through the services and the test factories."""
    from portal.accounts.models import User
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db
    from portal.mentor_training import services as mentor_training
    from portal.participants import services as participants
    from tests import factories

    number = unique_org_number()
    name = f"E2E Handledarstäd AB {number[-5:]}"
    title = f"Mentorsutbildning E2E {token}"
    last_name = f"E2e{token}"
    # Letters only in the reference's last part: digits could pass a personnummer checksum.
    reference = f"E2E-{token}-HL-A"
    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        org = factories.make_organisation(name=name, org_number=number,
                                          sectors=["cleaning"])
        employer = factories.employer_of(org, email=unique_email("handledare-arb"),
                                         full_name="Eva E2E-Handledning")
        req = factories.make_request(
            org, employer, "placement", submit=True, period_start=today,
            period_end=today + timedelta(days=59), roles="Lokalvårdare",
            tasks=f"Städning av kontor och trapphus ({token})", headcount=1)
        person = participants.create(values={
            "first_name": "Amal", "last_name": last_name, "case_reference": reference,
            "driving_licence": "none"}, sectors=["cleaning"], actor=staff)
        session = mentor_training.create_session(
            values=factories.mentor_session_values(
                title=title, session_date=today + timedelta(days=7),
                location=f"Kommunhuset Härryda, sal {token[:3]}"),
            actor=staff)
        db.session.commit()
        made = Setup(org.id, name, number, req.id, person.id, "Amal", last_name,
                     reference, session.id, title)
        deliver_after_commit()
        db.session.remove()
    return made


def _supervisor(live_server, email: str):
    """(id, status, trained_on) of the supervisor profile with this address."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.supervisors.models import Supervisor

    with live_server.app.app_context():
        found = db.session.scalar(select(Supervisor).where(Supervisor.email == email))
        result = (found.id, found.status, found.trained_on) if found else None
        db.session.remove()
    return result


def _move_session_to(live_server, session_id: int, day: date) -> None:
    """The day comes: the session's date, moved in the database (only the date)."""
    from portal.extensions import db
    from portal.mentor_training.models import MentorSession

    with live_server.app.app_context():
        db.session.get(MentorSession, session_id).session_date = day
        db.session.commit()
        db.session.remove()


def _request_state(live_server, request_id: int) -> str:
    from portal.extensions import db
    from portal.requests.models import ServiceRequest

    with live_server.app.app_context():
        state = db.session.get(ServiceRequest, request_id).state
        db.session.remove()
    return state


def _expect_error_summary_for(page: Page, field_id: str, message: str) -> None:
    """The error summary has focus, one link to the field, the field says what is wrong."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator(f"a[href='#{field_id}']")).to_have_text(message)
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    assert f"{field_id}-error" in described.split(), described


# --- the journey -----------------------------------------------------------------------

def test_supervisor_signs_up_is_trained_supervises_a_placement_that_ends_in_a_hire(
        ui: UI, page, live_server, smtp, new_context):
    from portal.mentor_training.enums import SessionState
    from portal.participants.enums import Checkpoint, OutcomeStatus
    from portal.placements.enums import CheckInRating
    from portal.requests.enums import RequestState
    from portal.supervisors.enums import SupervisorStatus

    token = uuid.uuid4().hex[:8]
    today = _today(live_server)
    staff_email = unique_email("handledare-handlaggare")
    staff_id = live_server.create_staff(email=staff_email, full_name="Omar E2E-Handledning")
    setup = _seed(live_server, staff_id, token, today)
    sup_email = unique_email("handledare")
    sup_name = f"Sofia Handledare-{token}"
    typed = {"#full_name": sup_name, "#email": sup_email, "#phone": "070-123 45 67",
             "#job_title": "Arbetsledare lokalvård",
             "#tasks": f"Städning av kontor och trapphus, maskinskurning ({token})",
             "#languages": "svenska, arabiska", "#capacity": "1",
             "#period1_from": today.isoformat(),
             "#org_number": f"{setup.org_number[:6]}-{setup.org_number[6:]}"}
    secrets = [setup.last_name, setup.case_reference]

    # The person who signs up has a browser of their own.
    sup, sup_watch = _watched_ui(new_context, live_server, smtp)
    sp = sup.page

    # --- 1: the start page leads to the sign-up; no consent, then signed up ------------------
    sup.visit("/")
    expect(sp.locator("main h1")).to_be_visible()
    sup.follow(sp.locator("main a#supervisor-sign-up-link[href='/supervisors/sign-up']"))
    sup.expect_path(r"/supervisors/sign-up$")
    expect(sp.locator("main h1")).to_have_text(sv(live_server, "Become a supervisor"))
    expect(sp.locator("#capacity")).to_have_value("1")  # one at a time, to begin with
    for selector, value in typed.items():
        sp.fill(selector, value)
    sp.check("#sectors input[value='cleaning']")
    sp.check("#workplace input[value='organisation']")
    assert_unique_ids(sp)
    sup.submit("#sign-up-form button[type=submit]", status=422)
    _expect_error_summary_for(
        sp, "consent", sv(live_server, "Tick the box to agree to how your details are used."))
    for selector, value in typed.items():
        expect(sp.locator(selector)).to_have_value(value)
    expect(sp.locator("#sectors input[value='cleaning']")).to_be_checked()
    expect(sp.locator("#sectors input:checked")).to_have_count(1)
    expect(sp.locator("#workplace input[value='organisation']")).to_be_checked()
    expect(sp.locator("#consent")).not_to_be_checked()
    sp.locator("#error-summary a[href='#consent']").click()
    expect(sp.locator("#consent")).to_be_focused()
    assert_unique_ids(sp)
    assert _supervisor(live_server, sup_email) is None  # nothing stored yet

    sp.check("#consent")
    sup.submit("#sign-up-form button[type=submit]")
    sup.expect_path(r"/supervisors/sign-up/done$")
    expect(sp.locator("#signed-up .lead")).to_have_text(sv(
        live_server, "We have sent a mail to %(email)s. Follow the link in it to confirm "
        "your address; then the labour-market unit looks at your sign-up.",
        email=sup_email))
    sup_id, status, _trained = _supervisor(live_server, sup_email)
    assert status == SupervisorStatus.UNCONFIRMED

    # --- 2: the confirmation mail's link confirms the address --------------------------------
    confirm_mail, confirm_link = ui.mail_to(sup_email, "/supervisors/confirm/")
    assert sv(live_server, "Confirm your sign-up as a supervisor") in str(
        confirm_mail["Subject"])
    assert sup_name in mail_text(confirm_mail)
    sup.visit(confirm_link)
    sup.expect_path(r"/supervisors/confirmed$")
    expect(sp.locator("#confirmed h1")).to_have_text(
        sv(live_server, "Thank you, your address is confirmed"))
    assert _supervisor(live_server, sup_email)[1] == SupervisorStatus.PENDING

    # --- 3: staff approve; the supervisor chooses a password and logs in ---------------------
    ui.log_in(staff_email, PASSWORD)
    ui.follow(page.locator("header a[href='/staff/supervisors/']"))
    ui.expect_path(r"/staff/supervisors/$")
    with page.expect_response(lambda r: "/staff/supervisors/?" in r.url
                              and "status=pending" in r.url):
        page.select_option("#status", SupervisorStatus.PENDING.value)
    ui.expect_path(r"/staff/supervisors/\?.*status=pending")
    row = page.locator(f"#supervisors tbody tr#row-{sup_id}")
    expect(row).to_have_attribute("data-status", SupervisorStatus.PENDING.value)
    expect(page.locator("#supervisors tbody tr:not([data-status='pending'])")).to_have_count(0)
    expect(row.locator("td").nth(0)).to_have_text(setup.org_name)
    expect(row.locator("td").nth(3)).to_have_text(
        sv_label(live_server, SupervisorStatus, "pending"))
    expect(row.locator("td[data-free]")).to_have_attribute("data-free", "1")
    check_a11y(page)  # after the swap
    assert_unique_ids(page)
    ui.follow(row.locator(f"th a[href='/staff/supervisors/{sup_id}']"))
    profile = f"/staff/supervisors/{sup_id}"
    ui.expect_path(re.escape(profile) + "$")
    expect(page.locator("main h1")).to_have_text(sup_name)
    expect(page.locator("#supervisor-status")).to_have_attribute("data-status", "pending")
    expect(page.locator("#supervisor-trained")).to_have_attribute("data-trained", "no")
    expect(page.locator("#supervisor-summary")).to_contain_text(setup.org_name)
    assert_unique_ids(page)
    ui.submit("#approve-form button[type=submit]")
    ui.expect_path(re.escape(profile) + "$")
    expect(ui.flash()).to_have_text(sv(
        live_server, "%(name)s is approved and has been mailed a link to their page.",
        name=sup_name))
    expect(page.locator("#supervisor-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("#supervisor-status")).to_have_text(
        sv_label(live_server, SupervisorStatus, "approved"))
    expect(page.locator("#approve-form")).to_have_count(0)

    welcome, welcome_link = ui.mail_to(sup_email, "/password/reset/")
    assert sv(live_server, "You are approved as a supervisor") in str(welcome["Subject"])
    sup.visit(welcome_link)
    sp.fill("#password", NEW_PASSWORD)
    sp.fill("#password_repeat", NEW_PASSWORD)
    sup.submit()
    sup.expect_path(r"/login$")
    expect(sup.flash()).to_have_text(
        sv(live_server, "Your new password is saved. Log in with it."))
    sp.fill("#email", sup_email)
    sp.fill("#password", NEW_PASSWORD)
    sup.submit()
    sup.expect_path(r"/supervisor/$")
    home = sp.locator("#supervisor-home")
    expect(home.locator("h1")).to_have_text(sv(live_server, "My supervisor page"))
    expect(sp.locator("#home-workplace")).to_have_text(setup.org_name)
    expect(sp.locator("#home-trained")).to_have_attribute("data-trained", "no")
    expect(sp.locator("#mentor-trained-on")).to_have_attribute("data-date", "")
    expect(sp.locator("#my-placements article")).to_have_count(0)
    expect(sp.locator("header a[href='/supervisor/']")).to_have_count(1)
    expect(sp.locator("header a[href='/organisation']")).to_have_count(0)
    assert_unique_ids(sp)

    # --- 4: the supervisor signs up for the mentor training ----------------------------------
    offered = sp.locator(f"#mentor-open-sessions li[data-session='{setup.session_id}']")
    expect(offered).to_contain_text(setup.session_title)
    expect(offered).to_contain_text(sv_n(live_server, "%(num)d place left.",
                                         "%(num)d places left.", 12))
    sup.submit(offered.locator("button[type=submit]"))
    sup.expect_path(r"/supervisor/$")
    expect(sup.flash()).to_have_text(sv(
        live_server, "You have a place at “%(title)s”. A confirmation is on its way by mail.",
        title=setup.session_title))
    mine = sp.locator(f"#mentor-my-sessions li[data-session='{setup.session_id}']")
    expect(mine).to_have_attribute("data-status", "booked")
    expect(mine).to_contain_text(sv(live_server, "You have a place."))
    expect(offered).to_have_count(0)
    assert_unique_ids(sp)
    _mail_with_subject(ui, sup_email, sv(
        live_server, "You have a place at the mentor training “%(title)s”",
        title=setup.session_title), "/supervisor/")
    sup.log_out()

    # --- 5: the day comes; staff mark the session held and that the supervisor came ---------
    day = today - timedelta(days=1)
    _move_session_to(live_server, setup.session_id, day)
    session_page = f"/staff/mentor-training/{setup.session_id}"
    ui.visit("/staff/mentor-training/?when=past")
    listed_session = page.locator(f"#sessions tr#session-{setup.session_id}")
    expect(listed_session.locator("td[data-booked]")).to_have_attribute("data-booked", "1")
    ui.follow(listed_session.locator(f"th a[href='{session_page}']"))
    ui.expect_path(re.escape(session_page) + "$")
    booked = page.locator(f"#booked tbody tr[data-supervisor='{sup_id}']")
    expect(booked.locator("th")).to_have_text(sup_name)
    expect(page.locator("#attendance-link")).to_have_count(1)  # the day has come
    assert_unique_ids(page)
    ui.submit("#held-form button[type=submit]")
    ui.expect_path(re.escape(session_page) + "$")
    held = sv_label(live_server, SessionState, "held")
    expect(ui.flash()).to_have_text(sv(live_server, "The session is now “%(state)s”.",
                                       state=held))
    expect(page.locator("#held-form")).to_have_count(0)
    ui.follow(page.locator("#attendance-link"))
    ui.expect_path(re.escape(session_page) + "/attendance$")
    sheet = page.locator(f"main form[action='{session_page}/attendance']")
    rows = sheet.locator("tbody tr")
    expect(rows).to_have_count(1)
    came = rows.filter(has=page.locator("th", has_text=sup_name)).locator(
        "select[name=attended]")
    expect(came).to_have_value("")
    came.select_option("yes")
    assert_unique_ids(page)
    ui.submit(sheet.locator("button[type=submit]"))
    ui.expect_path(re.escape(session_page) + "/attendance$")
    expect(ui.flash()).to_have_text(sv_n(
        live_server, "Attendance saved: %(num)d row changed.",
        "Attendance saved: %(num)d rows changed.", 1))
    expect(came).to_have_value("yes")
    assert _supervisor(live_server, sup_email)[2] == day

    trained_text = sv(live_server, "Trained %(date)s", date=sv_date(live_server, day))
    ui.visit(profile)
    expect(page.locator("#supervisor-trained")).to_have_attribute("data-trained", "yes")
    expect(page.locator("#supervisor-trained")).to_have_text(trained_text)

    # --- 6: matching for the request; propose, agree and start the placement -----------------
    ui.visit(f"/staff/requests/{setup.request_id}")
    matching = f"/staff/placements/for-request/{setup.request_id}"
    ui.follow(page.locator(f"main a[href='{matching}']"))
    ui.expect_path(re.escape(matching) + "$")
    match = page.locator(f"tr.supervisor-match[data-supervisor-id='{sup_id}']")
    expect(match).to_have_count(1)
    expect(match.locator("th")).to_contain_text(sup_name)
    reasons = match.locator("td ul li")
    expect(reasons).to_have_count(5)
    for why in (sv(live_server, "At the organisation that asked"),
                sv(live_server, "Takes people in the request's sector"),
                sv(live_server, "%(free)d of %(capacity)d places free in the period",
                   free=1, capacity=1),
                sv(live_server, "Available from the requested start"),
                sv(live_server, "Has attended mentor training")):
        expect(reasons.filter(has_text=why).locator(".check-ok")).to_have_count(1)
    expect(match.locator(".check-invalid")).to_have_count(0)
    assert_unique_ids(page)

    # The participant, from those whose sector profile fits (the list shows the 30
    # registered first: in a full run other tests' cleaning participants may fill it).
    person_link = f"/staff/participants/{setup.participant_id}"
    listed = page.locator("tr.participant-match").filter(
        has=page.locator(f"th a[href='{person_link}']"))
    chosen = listed.count() == 1
    if chosen:
        expect(listed.locator("td").nth(0)).to_have_text(setup.case_reference)
        ui.follow(listed.locator("a[href*='participant_id=']"))
        ui.expect_path(re.escape(matching) + r"\?.*participant_id="
                       + str(setup.participant_id))
        expect(page.locator("#chosen-participant")).to_contain_text(setup.case_reference)
    propose = page.locator(f"tr.supervisor-match[data-supervisor-id='{sup_id}'] "
                           f"a[href^='/staff/placements/new?'][href*='supervisor_id={sup_id}']"
                           f"[href*='request_id={setup.request_id}']")
    expect(propose).to_have_count(1)
    ui.follow(propose)
    ui.expect_path(r"/staff/placements/new\?")
    # Filled in from the request and the matching row.
    expect(page.locator("#organisation_id")).to_have_value(str(setup.org_id))
    expect(page.locator("#supervisor_id")).to_have_value(str(sup_id))
    expect(page.locator("#placement_type")).to_have_value("internship")
    expect(page.locator("#starts_on")).to_have_value(today.isoformat())
    expect(page.locator("#ends_on")).to_have_value((today + timedelta(days=59)).isoformat())
    expect(page.locator("#tasks")).to_have_value(
        f"Städning av kontor och trapphus ({token})")
    if chosen:
        expect(page.locator("#case_reference")).to_have_value(setup.case_reference)
    else:
        page.fill("#case_reference", setup.case_reference)
    expect(page.locator("#weekly_hours")).to_have_value("30")
    assert_unique_ids(page)
    ui.submit("main form button[type=submit]")
    ui.expect_path(r"/staff/placements/\d+$")
    placement_id = int(re.search(r"/staff/placements/(\d+)$", page.url).group(1))
    detail = f"/staff/placements/{placement_id}"
    full_name = f"{setup.first_name} {setup.last_name}"
    expect(ui.flash()).to_have_text(sv(live_server, "The placement for %(name)s is proposed.",
                                       name=full_name))
    state = page.locator("#placement-state")
    expect(state).to_have_attribute("data-state", "proposed")
    expect(page.locator("#checks")).to_have_attribute("data-check", "none")
    assert _request_state(live_server, setup.request_id) == RequestState.IN_PROGRESS
    assert_unique_ids(page)

    ui.follow(page.locator(f"main a[href='{detail}/agree']"))
    ui.expect_path(re.escape(detail) + "/agree$")
    expect(page.locator("#checks")).to_have_attribute("data-check", "none")
    expect(page.locator("#checks")).to_have_text(sv(
        live_server, "No problems found: the supervisor has room, the participant has no "
        "other placement at the time, and the rules are kept."))
    expect(page.locator("#agree-blocked")).to_have_count(0)
    expect(page.locator("#agree-form #confirm")).to_have_count(0)  # no warning to confirm
    assert_unique_ids(page)
    ui.submit("#agree-form button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_have_text(
        sv(live_server, "The placement is agreed; its follow-ups are scheduled."))
    expect(state).to_have_attribute("data-state", "agreed")
    ui.submit(f"main form[action='{detail}/activate'] button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_have_text(sv(live_server, "The placement is active."))
    expect(state).to_have_attribute("data-state", "active")
    expect(page.locator("tr.check-in")).to_have_count(0)
    assert_unique_ids(page)

    # --- 7: the supervisor follows the mail, logs in, and files this week's check-in ---------
    agreed_mail, page_link = _mail_with_subject(ui, sup_email, sv(
        live_server, "A placement with you: %(name)s at %(host)s", name=setup.first_name,
        host=setup.org_name), "/supervisor/")
    assert path_of(page_link) == "/supervisor/"
    for secret in secrets:
        assert secret not in mail_text(agreed_mail), f"{secret!r} in the mail to the supervisor"
    sup.visit(page_link)
    sup.expect_path(r"/login\?")
    sp.fill("#email", sup_email)
    sp.fill("#password", NEW_PASSWORD)
    sup.submit()
    sup.expect_path(r"/supervisor/$")
    expect(sp.locator("#home-trained")).to_have_attribute("data-trained", "yes")
    expect(sp.locator("#home-trained")).to_have_text(trained_text)
    expect(sp.locator("#mentor-trained-on")).to_have_attribute("data-date", day.isoformat())
    card = sp.locator(f"#my-placement-{placement_id}")
    expect(card.locator("h3")).to_have_text(sv(
        live_server, "%(name)s at %(host)s", name=setup.first_name, host=setup.org_name))

    def nothing_but_the_first_name() -> None:
        html = sp.content()
        for secret in secrets:
            assert secret not in html, f"{secret!r} on {sp.url}"
        expect(sp.locator("a[href^='/staff/']")).to_have_count(0)

    nothing_but_the_first_name()
    assert_unique_ids(sp)
    concerns = f"Kommer i tid varje dag ({token})."
    check_in = f"/supervisor/placements/{placement_id}/check-in"
    expect(card.locator(f"form[action='{check_in}']")).to_have_count(1)
    # The hours forgotten: the check-in's own page, with the error summary; what was
    # chosen and typed stays.
    card.locator(f"#rating-{placement_id}-{CheckInRating.GOOD.value}").check()
    card.locator(f"#concerns-{placement_id}").fill(concerns)
    sup.submit(card.locator("button[type=submit]"), status=422)
    sup.expect_path(re.escape(check_in) + "$")
    _expect_error_summary_for(sp, "hours",
                              sv(live_server, "Enter the hours worked this week."))
    expect(sp.locator(f"#rating input[value='{CheckInRating.GOOD.value}']")).to_be_checked()
    expect(sp.locator("#concerns")).to_have_value(concerns)
    sp.locator("#error-summary a[href='#hours']").click()
    expect(sp.locator("#hours")).to_be_focused()
    nothing_but_the_first_name()
    assert_unique_ids(sp)
    sp.fill("#hours", "28")
    sup.submit("main form button[type=submit]")
    # (the fragment from the error summary's link survives the redirect)
    sup.expect_path(r"/supervisor/(#hours)?$")
    expect(sup.flash()).to_have_text(
        sv(live_server, "Thank you: your check-in for the week is saved."))
    expect(card.locator(f"#rating-{placement_id}-{CheckInRating.GOOD.value}")).to_be_checked()
    expect(card.locator(f"#hours-{placement_id}")).to_have_value("28")
    expect(card.locator(f"#concerns-{placement_id}")).to_have_value(concerns)
    nothing_but_the_first_name()
    assert_unique_ids(sp)

    # Staff see it on the placement.
    ui.visit(detail)
    check_ins = page.locator("tr.check-in")
    expect(check_ins).to_have_count(1)
    monday = today - timedelta(days=today.weekday())
    expect(check_ins.locator("th")).to_have_text(sv_date(live_server, monday))
    cells = check_ins.locator("td")
    expect(cells.nth(0)).to_have_text(sv_label(live_server, CheckInRating, "good"))
    expect(cells.nth(1)).to_have_text("28")
    expect(cells.nth(2)).to_have_text(concerns)

    # --- 8: staff end it: hired by the host; the participant's outcome is "employed" ---------
    ui.follow(page.locator(f"main a[href='{detail}/end']"))
    ui.expect_path(re.escape(detail) + "/end$")
    expect(page.locator("#ended_on")).to_have_value(today.isoformat())
    page.check("#outcome input[value='hired_by_host']")
    assert_unique_ids(page)
    ui.submit("main form button[type=submit]")
    ui.expect_path(re.escape(detail) + "$")
    expect(ui.flash()).to_have_text(sv(
        live_server, "The placement has ended; the participant's outcome is recorded."))
    expect(state).to_have_attribute("data-state", "ended")
    employed = sv_label(live_server, OutcomeStatus, "employed")
    ended = page.locator("#end-outcome")
    expect(ended).to_have_attribute("data-outcome", "hired_by_host")
    expect(ended).to_contain_text(sv(live_server, "recorded as the outcome: %(status)s",
                                     status=employed.lower()))
    assert_unique_ids(page)

    ui.follow(page.locator(f"main dl a[href='{person_link}']"))
    ui.expect_path(re.escape(person_link) + "$")
    placements = page.locator(f"#participant-placements a[href='{detail}']")
    expect(placements).to_have_text(setup.org_name)
    outcomes = page.locator("section[aria-labelledby='outcomes-title'] table tbody tr")
    expect(outcomes).to_have_count(1)
    cells = outcomes.first.locator("td")
    expect(cells.nth(0).locator(f"a[href='{detail}']")).to_have_text(
        sv(live_server, "Placement at %(org)s", org=setup.org_name))
    expect(cells.nth(1)).to_have_text(sv_label(live_server, Checkpoint, "end"))
    expect(cells.nth(2)).to_contain_text(f"{employed}, {setup.org_name}")
    expect(cells.nth(3)).to_have_text(sv_date(live_server, today))
    assert_unique_ids(page)

    # The supervisor's page: the placement is over, among the earlier ones.
    sup.visit("/supervisor/")
    expect(sp.locator(f"#my-placement-{placement_id}")).to_have_count(0)
    earlier = sp.locator("#my-placements > ul > li")
    expect(earlier).to_have_count(1)
    expect(earlier).to_contain_text(sv(live_server, "%(name)s at %(host)s",
                                       name=setup.first_name, host=setup.org_name))
    nothing_but_the_first_name()
    sup_watch.assert_clean()
