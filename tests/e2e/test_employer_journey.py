"""An employer in a real browser: register, confirm, log in, edit, invite; forgotten password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check_a11y, unique_email, unique_org_number
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Blå-cykel-under-lind-2027"


def test_employer_registers_confirms_edits_and_invites_a_colleague(ui, page):
    org_name = f"E2E Kök och Städ AB {unique_org_number()[-4:]}"
    org_number = unique_org_number()
    email = unique_email("admin")
    colleague = unique_email("colleague")

    # The start page links to the registration form.
    ui.visit("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("main h1")).to_be_visible()
    ui.follow(page.locator("main a[href='/register']"))
    ui.expect_path(r"/register$")

    # The inline check answers while the number is typed, in a live region.
    check = page.locator("#org-number-check")
    expect(check).to_have_attribute("aria-live", "polite")
    page.locator("#org_number").press_sequentially("55", delay=20)
    expect(check.locator(".check-invalid")).to_be_visible()
    page.locator("#org_number").press_sequentially(
        f"{org_number[2:6]}-{org_number[6:]}", delay=20)
    expect(check.locator(".check-ok")).to_be_visible()
    expect(check.locator(".check-invalid")).to_have_count(0)
    expect(page.locator("#org_number")).to_be_focused()  # the swap does not steal focus
    check_a11y(page)

    # The rest of the form, with passwords that do not match.
    page.fill("#name", org_name)
    page.fill("#street_address", "Storgatan 7")
    page.fill("#postal_code", "283 31")
    page.fill("#city", "Osby")
    page.fill("#municipality", "Osby")
    page.check("#sectors input[value='kitchen']")
    page.check("#sectors input[value='cleaning']")
    page.select_option("#size_band", "10-49")
    page.fill("#full_name", "Fatima E2E-Ali")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_repeat", PASSWORD + "x")
    page.check("#accept_terms")
    ui.submit(status=422)

    # The error summary comes first, takes focus and links to the field ...
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(1)
    expect(summary.locator("a[href='#password_repeat']")).to_be_visible()
    # ... the error also stands next to the field, tied to it ...
    field_error = page.locator("#password_repeat-error")
    expect(field_error).to_be_visible()
    repeat = page.locator("#password_repeat")
    expect(repeat).to_have_attribute("aria-invalid", "true")
    assert "password_repeat-error" in repeat.get_attribute("aria-describedby").split()
    # ... and what was typed is still there (except the passwords).
    expect(page.locator("#name")).to_have_value(org_name)
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#org_number")).to_have_value(f"55{org_number[2:6]}-{org_number[6:]}")
    expect(page.locator("#sectors input[value='kitchen']")).to_be_checked()
    expect(page.locator("#size_band")).to_have_value("10-49")
    expect(page.locator("#accept_terms")).to_be_checked()
    expect(page.locator("#password")).to_have_value("")

    # The summary's link leads to the field.
    summary.locator("a[href='#password_repeat']").click()
    ui.expect_path(r"/register#password_repeat$")
    expect(repeat).to_be_focused()

    page.fill("#password", PASSWORD)
    page.fill("#password_repeat", PASSWORD)
    ui.submit()
    ui.expect_path(r"/register/done(\?.*)?$")
    expect(page.locator("main")).to_contain_text(email)

    # The confirmation link from the mail confirms the address.
    _msg, link = ui.mail_to(email, "/confirm/")
    ui.visit(link)
    ui.expect_path(r"/login$")
    expect(ui.flash()).to_contain_text(email)

    # Log in: the dashboard shows the organisation.
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    ui.submit()
    ui.expect_path(r"/organisation$")
    expect(page.locator("main h1")).to_have_text(org_name)
    expect(page.locator("main")).to_contain_text("Fatima E2E-Ali")

    # Edit the profile: change the city and the phone number, then see them.
    ui.follow(page.locator("main a[href$='/edit']"))
    expect(page.locator("#name")).to_have_value(org_name)
    expect(page.locator("#sectors input[value='cleaning']")).to_be_checked()
    page.fill("#city", "Lönsboda")
    page.fill("#phone", "0479-123 45")
    ui.submit()
    ui.expect_path(r"/organisations/\d+$")
    expect(ui.flash()).to_be_visible()
    details = page.locator("main dl.details")
    expect(details).to_contain_text("283 31 Lönsboda")
    expect(details).to_contain_text("0479-123 45")

    # Invite a colleague: the members page lists the open invitation; a mail goes out.
    ui.follow(page.locator("header a[href='/organisation']"))
    ui.follow(page.locator("main a[href$='/invite']"))
    page.fill("#email", colleague)
    page.select_option("#role", "member")
    page.select_option("#locale", "sv")
    ui.submit()
    ui.expect_path(r"/organisations/\d+/members$")
    expect(ui.flash()).to_contain_text(colleague)
    expect(page.locator("main")).to_contain_text(colleague)
    _msg, invitation_link = ui.mail_to(colleague, "/invitations/")

    ui.log_out()

    # The colleague follows the invitation and creates an account.
    ui.visit(invitation_link)
    expect(page.locator("main h1")).to_contain_text(org_name)
    expect(page.locator("main")).to_contain_text(colleague)
    page.fill("#full_name", "Omar E2E-Kollega")
    page.fill("#password", PASSWORD)
    page.fill("#password_repeat", PASSWORD)
    ui.submit()
    ui.expect_path(r"/login$")
    expect(ui.flash()).to_be_visible()

    # The colleague logs in and works for the organisation.
    page.fill("#email", colleague)
    page.fill("#password", PASSWORD)
    ui.submit()
    ui.expect_path(r"/organisation$")
    expect(page.locator("main h1")).to_have_text(org_name)
    # A member can see but not manage the colleagues.
    expect(page.locator("main a[href$='/invite']")).to_have_count(0)
    ui.follow(page.locator("main a[href$='/members']"))
    expect(page.locator("main table")).to_contain_text(email)
    expect(page.locator("main table")).to_contain_text(colleague)
    ui.log_out()


def test_forgotten_password_is_reset_through_the_mailed_link(ui, page, live_server):
    email = unique_email("forgot")
    org_name = f"E2E Glömska AB {unique_org_number()[-4:]}"
    live_server.create_employer(email=email, full_name="Karin E2E-Nilsson",
                                org_name=org_name, org_number=unique_org_number())

    ui.visit("/login")
    ui.follow(page.locator("main a[href='/password/forgot']"))
    page.fill("#email", email)
    ui.submit()
    ui.expect_path(r"/login$")
    expect(ui.flash()).to_be_visible()

    _msg, link = ui.mail_to(email, "/password/reset/")
    ui.visit(link)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_repeat", NEW_PASSWORD)
    ui.submit()
    ui.expect_path(r"/login$")
    expect(ui.flash()).to_be_visible()
    ui.mail_to(email)  # the "your password was changed" notice

    # The link works once only.
    page.goto(link)
    ui.expect_path(r"/password/forgot$")
    expect(ui.flash("error")).to_be_visible()
    check_a11y(page)

    # The old password no longer works; the new one does.
    ui.visit("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    ui.submit(status=422)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#email")).to_have_value(email)
    page.fill("#password", NEW_PASSWORD)
    ui.submit()
    ui.expect_path(r"/organisation$")
    expect(page.locator("main h1")).to_have_text(org_name)


def test_known_org_number_leads_to_a_join_request_the_admin_approves(ui, page, live_server):
    admin = unique_email("orgadmin")
    requester = unique_email("joiner")
    org_number = unique_org_number()
    org_name = f"E2E Lager AB {org_number[-4:]}"
    live_server.create_employer(email=admin, full_name="Sofia E2E-Berg", org_name=org_name,
                                org_number=org_number)

    # The inline check says the number is taken.
    ui.visit("/register")
    page.locator("#org_number").press_sequentially(org_number, delay=10)
    expect(page.locator("#org-number-check .check-taken")).to_be_visible()
    check_a11y(page)

    # Sending the form anyway offers to ask to join, keeping name and e-mail.
    page.fill("#full_name", "Per E2E-Andersson")
    page.fill("#email", requester)
    ui.submit(status=409)
    expect(page.locator("main h1")).to_contain_text(org_name)
    expect(page.locator("#full_name")).to_have_value("Per E2E-Andersson")
    expect(page.locator("#email")).to_have_value(requester)
    page.fill("#password", PASSWORD)
    page.fill("#password_repeat", PASSWORD)
    ui.submit()
    ui.expect_path(r"/register/done\?(.*&)?joined=1")
    expect(page.locator("main")).to_contain_text(requester)

    # The requester confirms the address; the organisation's admin is told.
    _msg, confirm = ui.mail_to(requester, "/confirm/")
    _msg, members_link = ui.mail_to(admin, "/members")
    ui.visit(confirm)
    ui.log_in(requester, PASSWORD)
    ui.expect_path(r"/organisation$")  # the "awaiting approval" page
    expect(page.locator("main")).to_contain_text(org_name)
    expect(page.locator("main a[href$='/invite']")).to_have_count(0)
    ui.log_out()

    # The admin approves the request from the members page.
    ui.log_in(admin, PASSWORD)
    ui.visit(members_link)
    row = page.locator("main table tr", has_text=requester)
    ui.submit(row.locator("button[value='approve']"))
    expect(ui.flash()).to_contain_text("Per E2E-Andersson")
    expect(row.locator("button")).to_have_count(0)
    expect(row.locator(".badge-active")).to_be_visible()
    ui.mail_to(requester, None)
    ui.log_out()

    # Now the requester works for the organisation.
    ui.log_in(requester, PASSWORD)
    expect(page.locator("main h1")).to_have_text(org_name)
