"""Hiring needs and service requests in a real browser: employer, staff and mail.

- An employer records hiring needs and submits one request of each kind through
  the forms (one after an error round trip); receipts and receipt mail.
- Staff reply, note and ask for more information; the employer reads the mail,
  marks the message read (htmx), completes and resubmits; staff see the changes.
  The internal note reaches no employer page and no mail.
- The dashboard's filter with htmx and without JavaScript; withdrawing a request.

Every page the tests land on is checked with axe-core (``ui.visit``/``submit``/
``follow``, or ``check_a11y`` after an htmx swap). Text is compared with what
the live app's own catalogs render (``sv``), not with literal Swedish.
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
    unique_email,
    unique_org_number,
)
from tests.support import PASSWORD, mail_link, mail_text, path_of

pytestmark = pytest.mark.e2e


# --- helpers -------------------------------------------------------------------------

def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


@dataclass
class Employer:
    email: str
    name: str
    org_id: int
    org_name: str
    user_id: int


def _employer(live_server, prefix: str) -> Employer:
    from sqlalchemy import select

    from portal.employers.models import Membership
    from portal.extensions import db

    email = unique_email(prefix)
    org_number = unique_org_number()
    org_name = f"E2E Förfrågan AB {org_number[-5:]}"
    name = f"Lina E2E-{prefix.title()}"
    user_id = live_server.create_employer(email=email, full_name=name, org_name=org_name,
                                          org_number=org_number)
    with live_server.app.app_context():
        org_id = db.session.scalar(select(Membership.organisation_id)
                                   .where(Membership.user_id == user_id))
        db.session.remove()
    return Employer(email, name, org_id, org_name, user_id)


def _seed_requests(live_server, employer: Employer, *specs) -> list[tuple[int, str | None]]:
    """Requests made through the services (factories): (id, reference) per spec.

    A spec is (kind, submit). Receipt mail for submitted ones goes out as after a
    web request.
    """
    from portal.accounts.models import User
    from portal.core.mail import deliver_after_commit
    from portal.employers.models import Organisation
    from portal.extensions import db
    from tests import factories

    made = []
    with live_server.app.test_request_context("/"):
        org = db.session.get(Organisation, employer.org_id)
        user = db.session.get(User, employer.user_id)
        for kind, submit in specs:
            req = factories.make_request(org, user, kind, submit=submit)
            made.append((req.id, req.reference))
        deliver_after_commit()
        db.session.remove()
    return made


def _watched_ui(new_context, live_server, smtp, **context_args) -> tuple[UI, ConsoleWatch]:
    """A second browser (its own cookies), watched like the ``page`` fixture."""
    context = new_context(**context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = ConsoleWatch()
    watch.attach(page)
    return UI(page, live_server.url, smtp, watch), watch


def _mark_document(page: Page) -> None:
    """Tag the current document: a full page load loses the tag."""
    page.evaluate("window.__e2eSameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.__e2eSameDocument === true")


def _request_id(page: Page) -> int:
    found = re.search(r"/requests/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _mail_about(ui: UI, address: str, subject_part: str, link_part: str,
                timeout: float = 5.0):
    """The newest mail to ``address`` whose subject has ``subject_part`` and whose
    text links to ``link_part`` (waits for it): (message, link)."""
    deadline = time.monotonic() + timeout
    while True:
        for msg in reversed(ui.smtp.to(address)):
            if subject_part in str(msg["Subject"]):
                try:
                    return msg, mail_link(msg, link_part)
                except AssertionError:
                    continue
        if time.monotonic() > deadline:
            got = [str(m["Subject"]) for m in ui.smtp.to(address)]
            raise AssertionError(f"no mail to {address} with {subject_part!r} and a link "
                                 f"to {link_part!r}; got {got}")
        time.sleep(0.05)


def _whole_mail(msg) -> str:
    return msg.as_string() + mail_text(msg)


# --- 1 and 2: needs, four kinds of request, one error round trip ---------------------

def _fill_need(page: Page, *, code: str, headcount: str, other: str = "") -> None:
    page.select_option("#occupation_code", code)
    if other:
        page.fill("#occupation_other", other)
    page.fill("#headcount", headcount)
    page.check("#timeframe input[value='within_3_months']")
    page.select_option("#employment_form", "permanent")
    page.fill("#hours_per_week", "30")
    page.select_option("#swedish_level", "basic")
    page.select_option("#driving_licence", "none")
    page.select_option("#physical_demands", "moderate")


def test_employer_records_a_need_and_submits_each_kind_of_request(ui, page, live_server):
    emp = _employer(live_server, "behov")
    today = _today(live_server)
    start = (today + timedelta(days=30)).isoformat()
    end = (today + timedelta(days=90)).isoformat()
    past = (today - timedelta(days=3)).isoformat()

    ui.log_in(emp.email, PASSWORD)
    ui.expect_path(r"/organisation$")
    expect(page.locator("main h1")).to_have_text(emp.org_name)

    # A hiring need from the occupation list (SSYK codes, grouped by sector).
    ui.follow(page.locator(f"main a[href='/organisations/{emp.org_id}/needs/new']"))
    occupation = page.locator("#occupation_code")
    assert occupation.locator("optgroup").count() > 3
    expect(occupation.locator("optgroup option[value='5222']")).to_have_count(1)
    expect(occupation.locator("option[value='other']")).to_have_count(1)
    _fill_need(page, code="5222", headcount="3")
    ui.submit()
    ui.expect_path(rf"/organisations/{emp.org_id}/needs$")
    expect(ui.flash()).to_contain_text("5222")
    shop_row = page.locator("main table tbody tr", has_text="(5222)")
    expect(shop_row.locator(".badge-open")).to_be_visible()

    # A second one, "other" with free text, which the employer archives.
    ui.follow(page.locator(f"main a[href='/organisations/{emp.org_id}/needs/new']"))
    _fill_need(page, code="other", headcount="1", other="Fönsterputsare på hög höjd")
    ui.submit()
    other_row = page.locator("main table tbody tr", has_text="Fönsterputsare på hög höjd")
    ui.submit(other_row.locator("button[value='archived']"))
    expect(other_row.locator(".badge-archived")).to_be_visible()
    expect(shop_row.locator(".badge-open")).to_be_visible()

    # "Ask for help with it" leads to the four kinds of request.
    ui.follow(shop_row.locator(f"a[href^='/organisations/{emp.org_id}/requests/new']"))
    cards = page.locator("main .cards .card")
    expect(cards).to_have_count(4)

    submitted: dict[str, tuple[int, str]] = {}

    def receipt(kind: str) -> None:
        # (a fragment from the error summary's link may survive the redirect)
        ui.expect_path(rf"/organisations/{emp.org_id}/requests/\d+/receipt(#\w+)?$")
        ref = page.locator("main .big-number").inner_text().strip()
        assert re.fullmatch(rf"REQ-{today.year}-\d{{5}}", ref), ref
        expect(page.locator("main")).to_contain_text(emp.email)  # where the receipt went
        submitted[kind] = (_request_id(page), ref)

    # 2. The recruitment event, first with a missing required field and a past date.
    ui.follow(page.locator(
        f"main a[href^='/organisations/{emp.org_id}/requests/new/recruitment_event']"))
    needs = page.locator("#needs input[type=checkbox]")
    expect(needs).to_have_count(1)  # the archived need cannot be chosen
    expect(needs.first).to_be_checked()  # came from the need's "ask for help" link
    page.fill("#roles", "Lokalvårdare till kontor")
    page.fill("#period_start", past)
    page.fill("#period_end", end)
    page.check("#venue input[value='workplace']")
    page.fill("#languages", "svenska, arabiska")
    page.fill("#employer_contribution", "Presenterar företaget och intervjuar på plats.")
    ui.submit("main form button[name=action][value=submit]", status=422)
    assert_unique_ids(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(2)
    expect(summary.locator("a[href='#headcount']")).to_be_visible()
    expect(summary.locator("a[href='#period_start']")).to_be_visible()
    for field in ("headcount", "period_start"):
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}-error")).to_be_visible()
        described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"{field}-error" in described.split()
    # What was typed is kept.
    expect(page.locator("#roles")).to_have_value("Lokalvårdare till kontor")
    expect(page.locator("#period_start")).to_have_value(past)
    expect(page.locator("#period_end")).to_have_value(end)
    expect(page.locator("#venue input[value='workplace']")).to_be_checked()
    expect(page.locator("#languages")).to_have_value("svenska, arabiska")
    expect(page.locator("#employer_contribution")).to_have_value(
        "Presenterar företaget och intervjuar på plats.")
    expect(needs.first).to_be_checked()
    # The summary's link leads to the field; fix both and submit.
    summary.locator("a[href='#headcount']").click()
    expect(page.locator("#headcount")).to_be_focused()
    page.fill("#headcount", "4")
    page.fill("#period_start", start)
    ui.submit("main form button[name=action][value=submit]")
    receipt("recruitment_event")
    # The linked need is on the receipt.
    expect(page.locator("main dl.details-list")).to_contain_text("(5222)")

    # The other three kinds.
    def new_form(kind: str) -> None:
        ui.visit(f"/organisations/{emp.org_id}/requests/new")
        ui.follow(page.locator(
            f"main a[href^='/organisations/{emp.org_id}/requests/new/{kind}']"))

    new_form("tailored_course")
    page.fill("#skill", "Lokalvård")
    page.fill("#roles", "Lokalvårdare")
    page.fill("#headcount", "12")
    page.fill("#max_weeks", "14")
    page.check("#guaranteed_interviews")
    page.fill("#hires", "6")
    page.fill("#preferred_start", start)
    ui.submit("main form button[name=action][value=submit]")
    receipt("tailored_course")

    new_form("placement")
    page.check("#placement_type input[value='internship']")
    page.fill("#roles", "Butiksbiträde i delikatessdisken")
    page.fill("#tasks", "Plocka fram varor, väga upp och sälja.")
    page.fill("#headcount", "2")
    page.fill("#period_start", start)
    page.fill("#period_end", end)
    page.fill("#hours_per_week", "30")
    page.fill("#workplace_address", "Storgatan 1, Osby")
    page.check("#supervisor_status input[value='trained']")
    page.fill("#supervisor_name", "Sofia Berg, butikschef")
    page.locator("#needs input[type=checkbox]").first.check()
    ui.submit("main form button[name=action][value=submit]")
    receipt("placement")
    expect(page.locator("main dl.details-list")).to_contain_text("(5222)")

    new_form("mentor_training")
    page.fill("#headcount", "3")
    page.fill("#period_start", start)
    page.check("#venue input[value='municipality']")
    page.check("#topics input[value='receiving_newcomers']")
    page.check("#topics input[value='language_support']")
    ui.submit("main form button[name=action][value=submit]")
    receipt("mentor_training")

    refs = [ref for _id, ref in submitted.values()]
    assert len(set(refs)) == 4, refs

    # Each receipt mail names the reference and links to the request's page, which
    # lists the mail.
    for request_id, ref in submitted.values():
        view = f"/organisations/{emp.org_id}/requests/{request_id}"
        msg, link = _mail_about(
            ui, emp.email, sv(live_server, "We have received your request %(ref)s", ref=ref),
            view)
        assert str(msg["To"]) == emp.email
        assert path_of(link) == view
        ui.visit(link)
        ui.expect_path(re.escape(view) + "$")
        expect(page.locator("main h1")).to_contain_text(ref)
        expect(page.locator("main h1 + p .badge-submitted")).to_be_visible()
        expect(page.locator("section[aria-labelledby='mails-title']")).to_contain_text(
            emp.email)

    # The dashboard lists the four open requests and the open need.
    ui.visit("/organisation")
    for _id, ref in submitted.values():
        expect(page.locator("#request-list")).to_contain_text(ref)
    expect(page.locator("section[aria-labelledby='needs-title']")).to_contain_text("(5222)")
    assert_unique_ids(page)


# --- 3 and 6: staff send a request back; the employer completes it ------------------

def test_staff_ask_for_more_information_and_the_employer_resubmits(
        ui, page, live_server, smtp, new_context):
    emp = _employer(live_server, "komplettera")
    staff_email = unique_email("handlaggare")
    live_server.create_staff(email=staff_email, full_name="Omar E2E-Handläggare")
    (req_id, ref), (other_id, other_ref) = _seed_requests(
        live_server, emp, ("placement", True), ("mentor_training", True))
    secret = f"INTERN-{uuid.uuid4().hex[:10]} kunden verkar osäker på handledaren"
    message = f"Hej! Vi behöver veta mer om arbetsuppgifterna ({uuid.uuid4().hex[:6]})."
    comment = "Beskriv en vanlig arbetsdag: vilka uppgifter och vilka tider?"
    new_tasks = "Plock och pack 08–16, inventering på fredagar."
    reply = f"Vi har fyllt i arbetsdagen nu ({uuid.uuid4().hex[:6]})."

    # Staff, in their own browser, open the request from the list.
    staff, staff_watch = _watched_ui(new_context, live_server, smtp)
    sp = staff.page
    staff.log_in(staff_email, PASSWORD)
    staff.visit("/staff/requests/")
    staff.follow(sp.locator(f"main a[href='/staff/requests/{req_id}']"))
    expect(sp.locator("main h1")).to_contain_text(ref)

    # An internal note, a message to the employer, then "needs more information".
    sp.fill("form[action$='/notes'] textarea", secret)
    staff.submit("form[action$='/notes'] button[type=submit]")
    expect(sp.locator("main .note-list")).to_contain_text(secret)
    sp.fill("form[action$='/messages'] textarea", message)
    staff.submit("form[action$='/messages'] button[type=submit]")
    expect(sp.locator("main .thread:not(.note-list)")).to_contain_text(message)

    sp.check("#to-needs_info")
    sp.locator("main details summary").click()
    sp.fill("#comment-tasks", comment)
    check_a11y(sp)  # with the comments open
    staff.submit("form[action$='/transition'] button[type=submit]:not([name=then])")
    expect(sp.locator("main h1 + p .badge-needs_info")).to_be_visible()
    expect(sp.locator("section[aria-labelledby='open-comments-title']")).to_contain_text(comment)

    # The employer hears of both by mail: a link, never the message itself.
    view = f"/organisations/{emp.org_id}/requests/{req_id}"
    msg_mail, msg_link = _mail_about(
        ui, emp.email, sv(live_server, "New message about %(ref)s", ref=ref), view)
    status_mail, _status_link = _mail_about(
        ui, emp.email, sv(live_server, "%(ref)s: %(state)s", ref=ref,
                          state=sv(live_server, "Needs more information")), view)
    for mail in (msg_mail, status_mail):
        assert emp.email in str(mail["To"])
        assert message not in _whole_mail(mail), "the message text is in the mail"
    assert path_of(msg_link) == view

    # The dashboard shows the unread message; marking it read swaps only that region.
    ui.log_in(emp.email, PASSWORD)
    ui.expect_path(r"/organisation$")
    unread = page.locator("#unread-messages")
    expect(unread.locator(f"a[href='{view}#conversation']")).to_be_visible()
    expect(unread).to_have_attribute("aria-live", "polite")
    _mark_document(page)
    with page.expect_response(lambda r: r.url.endswith(
            f"/organisations/{emp.org_id}/messages/read")) as answer:
        # by keyboard, as the focus check below is about keyboard users
        unread.locator(f"form:has(input[name=request_id][value='{req_id}']) button").focus()
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(unread.locator(f"a[href='{view}#conversation']")).to_have_count(0)
    expect(unread).to_contain_text(sv(live_server, "No unread messages."))
    assert _same_document(page), "marking as read reloaded the page"
    ui.expect_path(r"/organisation$")
    # The button is gone with the message: focus goes to the region, not to <body>.
    expect(page.locator("#unread-messages")).to_be_focused()
    check_a11y(page)

    # The link in the mail leads to the request: the message, the comment, the way on.
    ui.visit(msg_link)
    ui.expect_path(re.escape(view) + "$")
    expect(page.locator("main .thread")).to_contain_text(message)
    expect(page.locator("main .badge-needs_info").first).to_be_visible()
    expect(page.locator("main .field-comment").first).to_contain_text(comment)
    assert_unique_ids(page)

    # The employer answers in the thread (an empty message first: the error summary
    # takes focus); staff get a link by mail, not the text.
    send = "main form[action*='/messages'] button[type=submit]"
    ui.submit(send, status=422)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a[href='#body']")).to_be_visible()
    page.fill("#body", reply)
    ui.submit(send)
    ui.expect_path(re.escape(view) + "#conversation$")
    expect(ui.flash()).to_be_visible()
    expect(page.locator("main .thread li").last).to_contain_text(reply)
    reply_mail, _link = _mail_about(
        staff, staff_email, sv(live_server, "%(org)s wrote about %(ref)s", org=emp.org_name,
                               ref=ref), f"/staff/requests/{req_id}")
    assert reply not in _whole_mail(reply_mail)
    ui.follow(page.locator(f"main a[href='{view}/edit']"))

    # The comment stands beside its field, tied to it; the employer completes it.
    tasks = page.locator("#tasks")
    expect(page.locator("#tasks-comment")).to_contain_text(comment)
    assert "tasks-comment" in (tasks.get_attribute("aria-describedby") or "").split()
    expect(page.locator("#roles-comment")).to_have_count(0)
    assert_unique_ids(page)
    tasks.fill(new_tasks)
    ui.submit("main form button[name=action][value=submit]")
    ui.expect_path(re.escape(view) + "/receipt$")
    expect(page.locator("main .big-number")).to_have_text(ref)

    # Staff hear of it and see what changed since the last submission.
    _resubmitted, staff_link = _mail_about(staff, staff_email, ref,
                                           f"/staff/requests/{req_id}")
    staff.visit(staff_link)
    changes = sp.locator("section[aria-labelledby='changes-title']")
    expect(changes).to_be_visible()
    changed_row = changes.locator("tbody tr")
    expect(changed_row).to_have_count(1)
    expect(changed_row.locator("td").nth(1)).to_have_text("Plock och pack")  # before
    expect(changed_row.locator("td").nth(2)).to_have_text(new_tasks)
    expect(sp.locator("main h1 + p .badge-submitted")).to_be_visible()
    expect(sp.locator("main .thread:not(.note-list)")).to_contain_text(reply)
    staff_watch.assert_clean()

    # 6. The internal note is on no page the employer can open, and in no mail.
    employer_pages = [view, f"{view}/receipt", f"{view}/edit", f"{view}/withdraw",
                      f"/organisations/{emp.org_id}/requests/{other_id}",
                      "/organisation", "/organisation?group=all",
                      f"/organisations/{emp.org_id}/requests?group=all",
                      f"/organisations/{emp.org_id}/needs"]
    for path in employer_pages:
        ui.visit(path)
        html = page.content()
        assert secret not in html and "INTERN-" not in html, f"the internal note is on {path}"
        if "requests" in path or path.startswith("/organisation?"):
            assert ref in html or other_ref in html, f"{path} shows no request at all"
    for mail in smtp.messages:
        assert secret not in _whole_mail(mail), f"the internal note is in {mail['Subject']}"


# --- 4 and 5: withdrawing, and the dashboard's filter with and without JavaScript ---

def test_dashboard_filter_and_withdrawing_a_request(ui, page, live_server, smtp, new_context):
    emp = _employer(live_server, "filter")
    (placement_id, placement_ref), (mentor_id, _mentor_ref), (draft_id, _none) = _seed_requests(
        live_server, emp, ("placement", True), ("mentor_training", True),
        ("recruitment_event", False))
    placement = f"/organisations/{emp.org_id}/requests/{placement_id}"
    mentor = f"/organisations/{emp.org_id}/requests/{mentor_id}"
    draft = f"/organisations/{emp.org_id}/requests/{draft_id}"

    ui.log_in(emp.email, PASSWORD)
    ui.expect_path(r"/organisation$")
    listing = page.locator("#request-list")
    for path in (placement, mentor, draft):
        expect(listing.locator(f"a[href='{path}']")).to_have_count(1)

    # 5. Choosing a kind swaps the list in place and puts the filter in the URL; the
    # live region around it stays (a replaced live region is not announced).
    live = page.locator("[aria-live]:has(> #request-list)")
    expect(live).to_have_attribute("aria-live", "polite")
    live.evaluate("node => { node.dataset.e2eKept = 'yes'; }")
    _mark_document(page)
    page.locator("#filter-kind").focus()
    with page.expect_response(lambda r: "kind=placement" in r.url) as answer:
        page.select_option("#filter-kind", "placement")
    assert answer.value.status == 200
    expect(listing.locator(f"a[href='{placement}']")).to_have_count(1)
    expect(listing.locator(f"a[href='{mentor}']")).to_have_count(0)
    expect(listing.locator(f"a[href='{draft}']")).to_have_count(0)
    ui.expect_path(r"/organisation\?(.*&)?kind=placement(&.*)?$")
    assert _same_document(page), "the filter reloaded the whole page"
    expect(page.locator("[aria-live][data-e2e-kept='yes'] > #request-list")).to_have_count(1)
    expect(page.locator("#filter-kind")).to_be_focused()  # the swap leaves focus alone
    expect(page.locator("#filter-kind")).to_have_count(1)
    check_a11y(page)

    # 4. Withdraw the placement, with a reason.
    reason = "Vi har redan hittat en praktikant via Arbetsförmedlingen."
    ui.follow(listing.locator(f"a[href='{placement}']"))
    ui.follow(page.locator(f"main a[href='{placement}/withdraw']"))
    page.fill("#reason", reason)
    ui.submit("main form button[type=submit]")
    ui.expect_path(re.escape(placement) + "$")
    expect(ui.flash()).to_contain_text(placement_ref)
    withdrawn = sv(live_server, "Withdrawn")
    expect(page.locator("main h1 + p .badge-withdrawn")).to_have_text(withdrawn)
    last = page.locator("main ol.timeline > li").last
    expect(last.locator(".badge-withdrawn")).to_have_text(withdrawn)
    expect(last).to_contain_text(reason)
    expect(last).to_contain_text(emp.name)
    expect(page.locator(f"main a[href='{placement}/withdraw']")).to_have_count(0)
    expect(page.locator(f"main a[href='{placement}/edit']")).to_have_count(0)
    _mail_about(ui, emp.email, sv(live_server, "%(ref)s: %(state)s", ref=placement_ref,
                                  state=withdrawn), placement)

    # Closed requests: the withdrawn one is there, the open ones are not.
    ui.visit("/organisation")
    with page.expect_response(lambda r: "group=closed" in r.url):
        page.select_option("#filter-group", "closed")
    expect(listing.locator(f"a[href='{placement}']")).to_have_count(1)
    expect(listing.locator(".badge-withdrawn")).to_have_text(withdrawn)
    expect(listing.locator(f"a[href='{mentor}']")).to_have_count(0)
    ui.expect_path(r"/organisation\?(.*&)?group=closed(&.*)?$")
    check_a11y(page)
    # Back in history: the URL and the list go back to the open ones.
    page.go_back()
    ui.expect_path(r"/organisation$")
    expect(listing.locator(f"a[href='{mentor}']")).to_have_count(1)

    # 5, without JavaScript: the same filter is a plain GET form. (axe-core is a
    # script, so it cannot run in this browser: the JavaScript browser checks the
    # very same URLs, whose HTML does not depend on JavaScript.)
    nojs_context = new_context(java_script_enabled=False)
    nojs_context.set_default_timeout(10_000)
    nojs = nojs_context.new_page()
    nojs_watch = ConsoleWatch()
    nojs_watch.attach(nojs)

    def nojs_submit(selector: str) -> None:
        with nojs.expect_navigation() as nav:
            nojs.locator(selector).click()
        assert nav.value is not None and nav.value.status == 200, nav.value

    assert nojs.goto(ui.url("/login")).status == 200
    nojs.fill("#email", emp.email)
    nojs.fill("#password", PASSWORD)
    nojs_submit("main form button[type=submit]")
    assert path_of(nojs.url) == "/organisation"
    nojs.select_option("#filter-kind", "mentor_training")
    assert path_of(nojs.url) == "/organisation"  # nothing happens until the button
    nojs_submit("form.filter-bar button[type=submit]")
    assert re.fullmatch(r"/organisation\?(.*&)?kind=mentor_training(&.*)?", path_of(nojs.url))
    nojs_list = nojs.locator("#request-list")
    expect(nojs_list.locator(f"a[href='{mentor}']")).to_have_count(1)
    expect(nojs_list.locator(f"a[href='{placement}']")).to_have_count(0)
    expect(nojs_list.locator(f"a[href='{draft}']")).to_have_count(0)
    expect(nojs.locator("#filter-kind")).to_have_value("mentor_training")
    nojs_watch.assert_clean()
    ui.visit(path_of(nojs.url))  # axe on the same page
    expect(listing.locator(f"a[href='{mentor}']")).to_have_count(1)


def test_staff_request_page_gives_each_field_its_own_id(live_server, smtp, new_context):
    emp = _employer(live_server, "ids")
    staff_email = unique_email("ids-staff")
    live_server.create_staff(email=staff_email, full_name="Alva E2E-Id")
    [(req_id, _ref)] = _seed_requests(live_server, emp, ("mentor_training", True))
    staff, watch = _watched_ui(new_context, live_server, smtp)
    staff.log_in(staff_email, PASSWORD)
    staff.visit(f"/staff/requests/{req_id}")
    watch.assert_clean()
    assert_unique_ids(staff.page)


def test_staff_inbox_filters_in_place_takes_a_request_and_shows_my_day(live_server, smtp,
                                                                       new_context):
    emp = _employer(live_server, "inbox")
    staff_email = unique_email("inbox-staff")
    live_server.create_staff(email=staff_email, full_name="Omar E2E-Inbox")
    [(course_id, course_ref), (event_id, event_ref)] = _seed_requests(
        live_server, emp, ("tailored_course", True), ("recruitment_event", True))
    staff, watch = _watched_ui(new_context, live_server, smtp)
    page = staff.page
    staff.log_in(staff_email, PASSWORD)
    staff.visit("/staff/requests/")
    inbox = page.locator("#inbox")
    expect(inbox.get_by_role("link", name=course_ref)).to_be_visible()
    # Filtering by kind swaps the list in place and keeps the filter in the URL.
    _mark_document(page)
    page.locator("#kind").select_option("recruitment_event")
    expect(inbox.get_by_role("link", name=course_ref)).to_have_count(0)
    expect(inbox.get_by_role("link", name=event_ref)).to_be_visible()
    assert _same_document(page)
    assert "kind=recruitment_event" in page.url
    check_a11y(page)
    # Searching by the organisation's name narrows it the same way.
    page.locator("#kind").select_option("")
    page.locator("#q").fill(emp.org_name)
    page.locator("#q").press("Enter")
    # The searched list is in place (its URL pushed) before a row is acted on; otherwise
    # a late list response could replace the row the click below just changed.
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(inbox.get_by_role("link", name=course_ref)).to_be_visible()
    # Take the course request from the list: its row is swapped in place (htmx).
    _mark_document(page)
    inbox.get_by_role("button", name=sv(live_server, "Take %(ref)s", ref=course_ref),
                      exact=True).click()
    expect(page.locator(f"#row-{course_id}")).to_contain_text("Omar E2E-Inbox")
    assert _same_document(page)
    check_a11y(page)
    staff.visit("/staff/requests/?assignee=me")
    expect(page.locator("#inbox").get_by_role("link", name=course_ref)).to_be_visible()
    expect(page.locator("#inbox").get_by_role("link", name=event_ref)).to_have_count(0)
    # Moving the event on from the list swaps just its row (htmx).
    staff.visit("/staff/requests/")
    _mark_document(page)
    row = page.locator(f"#row-{event_id}")
    row.get_by_role("button", name=sv(live_server, "Move %(ref)s to “%(state)s”",
                                       ref=event_ref,
                                       state=sv(live_server, "In review"))).click()
    expect(row.locator(".badge-in_review")).to_be_visible()
    assert _same_document(page)
    check_a11y(page)
    # Bulk: select both, give them to me, confirm on the next page.
    page.locator(f"#select-{course_id}").check()
    page.locator(f"#select-{event_id}").check()
    page.locator("#bulk_action").select_option("assign:me")
    with page.expect_navigation():
        page.locator("#bulk-form button[type=submit]").click()
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name=sv(live_server, "Yes, change them")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    # My day lists the event among the open requests no one handles.
    staff.visit("/staff/requests/my-day")
    mine = page.locator("section", has=page.locator("#soon-title"))
    overdue = page.locator("section", has=page.locator("#overdue-title"))
    unassigned = page.locator("section", has=page.locator("#unassigned-title"))
    expect(unassigned.get_by_role("link", name=event_ref)).to_have_count(0)  # now mine
    assert mine.count() == 1 and overdue.count() == 1
    watch.assert_clean()
    assert course_id and event_id
