"""Needs analyses and the demand overview in a real browser: staff write, the employer answers.

- Staff start an analysis from a tailored-course request's page; the request's hiring
  need is the first line. Making it final with the meeting date empty shows the error
  summary; a line is added without saving (no JavaScript needed), typed values stay;
  the analysis is made final. The demand overview filters in place (htmx), a row
  drills down to the organisations, and the CSV downloads with Swedish headers.
- The employer finds the final analysis on the dashboard, answers it (an empty
  comment first), and keeps seeing the final version while staff draft the next one.

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

from tests.e2e.helpers import assert_unique_ids, check_a11y, sv, unique_email, unique_org_number
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e


# --- helpers -------------------------------------------------------------------------

def _today(live_server) -> date:
    from portal.core.dates import local_today

    with live_server.app.app_context():
        return local_today()


def _mark_document(page: Page) -> None:
    """Tag the current document: a full page load loses the tag."""
    page.evaluate("window.__e2eSameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.__e2eSameDocument === true")


@dataclass
class Setup:
    org_id: int
    org_name: str
    employer_id: int
    employer_email: str
    need_id: int
    request_id: int | None = None
    reference: str | None = None


def _organisation_with_need(live_server, prefix: str, *, course_request: bool) -> Setup:
    """An organisation (cleaning), its employer admin, an open need for 3 cleaners
    (9111, now) and, if asked, a submitted tailored-course request about that need."""
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db
    from tests import factories

    email = unique_email(prefix)
    number = unique_org_number()
    name = f"E2E Analys AB {number[-5:]}"
    with live_server.app.test_request_context("/"):
        org = factories.make_organisation(name=name, org_number=number)
        employer = factories.employer_of(org, email=email, full_name=f"Eva E2E-{prefix}")
        need = factories.make_need(org, employer, occupation_code="9111", headcount=3,
                                   timeframe="now")
        setup = Setup(org.id, name, employer.id, email, need.id)
        if course_request:
            req = factories.make_request(org, employer, "tailored_course", submit=True,
                                         needs=[need])
            setup.request_id, setup.reference = req.id, req.reference
        deliver_after_commit()
        db.session.remove()
    return setup


def _line(page: Page, index: int, *, code: str, headcount: str, timeframe: str,
          other: str = "", requirements: str = "") -> None:
    page.select_option(f"#line-{index}-occupation_code", code)
    if other:
        page.fill(f"#line-{index}-occupation_other", other)
    page.fill(f"#line-{index}-headcount", headcount)
    page.select_option(f"#line-{index}-timeframe", timeframe)
    if requirements:
        page.fill(f"#line-{index}-requirements", requirements)


# --- 1: staff write an analysis and read the demand ----------------------------------

def test_staff_write_a_needs_analysis_and_read_the_demand_overview(ui, page, live_server):
    setup = _organisation_with_need(live_server, "analys-staff", course_request=True)
    staff_email = unique_email("analys-handlaggare")
    live_server.create_staff(email=staff_email, full_name="Omar E2E-Analys")
    today = _today(live_server)
    meeting = (today - timedelta(days=2)).isoformat()
    follow_up = (today + timedelta(days=60)).isoformat()
    # An occupation outside the list, unique to this run: its own row in the overview.
    # (Not "Överhöjdsputsare": on SQLite, whose lower() folds ASCII only, the drill-down
    # of an "other" row with a capital Å/Ä/Ö finds no organisations; see
    # portal/analyses/demand.py, organisations().)
    window_cleaner = f"Fönsterputsare E2E {uuid.uuid4().hex[:8]}"

    ui.log_in(staff_email, PASSWORD)

    # From the request's page to a new analysis with that request ticked.
    ui.visit(f"/staff/requests/{setup.request_id}")
    ui.follow(page.locator(
        f"main a[href$='/staff/organisations/{setup.org_id}/analyses/new"
        f"?request={setup.request_id}']"))
    ui.expect_path(rf"/staff/organisations/{setup.org_id}/analyses/new\?request=\d+$")
    expect(page.locator(
        f"#request_ids input[type=checkbox][value='{setup.request_id}']")).to_be_checked()
    ui.submit("main form button[type=submit]")
    ui.expect_path(r"/staff/analyses/\d+/edit$")
    analysis_id = int(re.search(r"/staff/analyses/(\d+)/edit", page.url).group(1))
    expect(ui.flash()).to_be_visible()

    # The request's need is the first line, marked as needing training (a course
    # request); the course is the suggested action; two blank lines follow.
    expect(page.locator("#line-0-occupation_code")).to_have_value("9111")
    expect(page.locator("#line-0-headcount")).to_have_value("3")
    expect(page.locator("#line-0-timeframe")).to_have_value("now")
    expect(page.locator("#line-0-training_needed")).to_be_checked()
    expect(page.locator("#actions input[value='tailored_course']")).to_be_checked()
    expect(page.locator("#line-2-occupation_code")).to_have_value("")
    expect(page.locator("#line-3-occupation_code")).to_have_count(0)
    assert_unique_ids(page)

    # Make final with no meeting date, nobody named, no follow-up: the draft is
    # saved, the error summary takes focus and links to each field.
    ui.submit("main form button[name=finalise]", status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for field in ("meeting_date", "participants", "follow_up_date"):
        expect(summary.locator(f"a[href='#{field}']")).to_have_count(1)
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}-error")).to_be_visible()
        described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"{field}-error" in described.split(), (field, described)
    summary.locator("a[href='#meeting_date']").click()
    expect(page.locator("#meeting_date")).to_be_focused()
    expect(page.locator("#line-0-occupation_code")).to_have_value("9111")
    assert_unique_ids(page)

    # Fill it in, and one more line than the page offers: "Add a line" keeps what
    # was typed, saves nothing, and puts focus in the new line.
    page.fill("#meeting_date", meeting)
    page.fill("#follow_up_date", follow_up)
    page.fill("#participants", "Eva Ek (HR), Omar Ali (kommunen)")
    page.fill("#skills_gaps", "Hygienrutiner och svenska för yrket.")
    page.check("#actions input[value='recruitment_event']")
    page.fill("#actions_note", "Lokalvårdskurs på 14 veckor, sedan rekryteringsträff.")
    _line(page, 1, code="other", other=window_cleaner, headcount="2",
          timeframe="within_3_months", requirements="Höjdvana")
    _line(page, 2, code="5222", headcount="4", timeframe="months_3_12")
    ui.submit("main form button[name=add_line]")
    ui.expect_path(rf"/staff/analyses/{analysis_id}/edit$")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator("#line-3-occupation_code")).to_be_focused()
    expect(page.locator("#line-3-occupation_code")).to_have_value("")
    expect(page.locator("#line-4-occupation_code")).to_have_count(0)
    expect(page.locator("#meeting_date")).to_have_value(meeting)
    expect(page.locator("#follow_up_date")).to_have_value(follow_up)
    expect(page.locator("#participants")).to_have_value("Eva Ek (HR), Omar Ali (kommunen)")
    expect(page.locator("#skills_gaps")).to_have_value("Hygienrutiner och svenska för yrket.")
    expect(page.locator("#actions input[value='recruitment_event']")).to_be_checked()
    expect(page.locator("#actions input[value='tailored_course']")).to_be_checked()
    expect(page.locator("#line-0-occupation_code")).to_have_value("9111")
    expect(page.locator("#line-0-training_needed")).to_be_checked()
    expect(page.locator("#line-1-occupation_code")).to_have_value("other")
    expect(page.locator("#line-1-occupation_other")).to_have_value(window_cleaner)
    expect(page.locator("#line-1-headcount")).to_have_value("2")
    expect(page.locator("#line-1-timeframe")).to_have_value("within_3_months")
    expect(page.locator("#line-1-requirements")).to_have_value("Höjdvana")
    expect(page.locator("#line-2-occupation_code")).to_have_value("5222")
    assert_unique_ids(page)

    # The added line, then make final.
    _line(page, 3, code="8332", headcount="1", timeframe="now")
    page.check("#line-3-training_needed")
    ui.submit("main form button[name=finalise]")
    ui.expect_path(rf"/staff/analyses/{analysis_id}$")
    expect(ui.flash()).to_be_visible()
    expect(page.locator("main h1 + p strong")).to_have_text(sv(live_server, "Final"))
    expect(page.locator(f"main form[action='/staff/analyses/{analysis_id}/revise']")) \
        .to_have_count(1)
    expect(page.locator("main form[action$='/finalise']")).to_have_count(0)
    expect(page.locator("main form[action$='/discard']")).to_have_count(0)
    lines = page.locator("section[aria-labelledby='content-title'] table tbody tr")
    expect(lines).to_have_count(4)
    expect(lines.filter(has_text=window_cleaner).locator("td.numeric")).to_have_text("2")
    expect(page.locator(
        f"main a[href='/staff/analyses/{analysis_id}/versions/1']")).to_have_count(1)
    expect(page.locator("section[aria-labelledby='history-title'] li").first).to_be_visible()
    assert_unique_ids(page)

    # The demand overview: choosing a sector swaps the table in place and puts the
    # filter in the URL; the live region around it stays.
    ui.visit("/staff/demand")
    demand = page.locator("#demand")
    row_link = demand.locator("tbody th a", has_text=window_cleaner)
    expect(row_link).to_have_count(1)
    expect(demand.locator("tbody th a[href*='occupation=9111']")).to_have_count(1)
    live = page.locator("[aria-live]:has(> #demand)")
    expect(live).to_have_attribute("aria-live", "polite")
    live.evaluate("node => { node.dataset.e2eKept = 'yes'; }")
    _mark_document(page)
    with page.expect_response(lambda r: "/staff/demand?" in r.url
                              and "sector=other" in r.url) as answer:
        page.select_option("#sector", "other")
    assert answer.value.status == 200
    ui.expect_path(r"/staff/demand\?(.*&)?sector=other(&.*)?$")
    expect(demand.locator("tbody th a[href*='occupation=9111']")).to_have_count(0)
    expect(row_link).to_have_count(1)
    row = demand.locator("tbody tr").filter(
        has=page.locator("th a", has_text=window_cleaner))
    expect(row.locator("td.numeric").nth(1)).to_have_text("2")  # within 3 months
    expect(demand.locator("a[href^='/staff/demand.csv']")).to_have_attribute(
        "href", re.compile(r"sector=other"))
    assert _same_document(page), "the filter reloaded the whole page"
    expect(page.locator("[aria-live][data-e2e-kept='yes'] > #demand")).to_have_count(1)
    expect(page.locator("#sector")).to_have_value("other")
    check_a11y(page)

    # The CSV of what is shown: semicolons, Swedish headers, this run's row.
    with page.expect_download() as download_info:
        demand.locator("a[href^='/staff/demand.csv']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    with open(download.path(), encoding="utf-8-sig") as csv_file:
        csv_text = csv_file.read()
    header = csv_text.splitlines()[0]
    assert "Bransch" in header and ";" in header, header
    assert window_cleaner in csv_text
    assert "Städare" not in csv_text and ";9111;" not in csv_text  # the filter applies

    # The row's drill-down: the organisations behind it, with the filter kept.
    ui.follow(row_link)
    ui.expect_path(r"/staff/demand/organisations\?.*occupation=other")
    assert "sector=other" in page.url
    expect(page.locator("main h1")).to_have_text(window_cleaner)
    org_row = page.locator("main tbody tr", has=page.locator(
        f"a[href='/organisations/{setup.org_id}']"))
    expect(org_row).to_have_count(1)
    expect(org_row.locator("td.numeric").nth(3)).to_have_text("2")  # total
    expect(org_row.locator(
        f"a[href='/staff/organisations/{setup.org_id}/analyses/new']")).to_have_count(1)
    back = page.locator("main a[href^='/staff/demand?']")
    expect(back).to_have_attribute("href", re.compile(r"sector=other"))


# --- 2: the employer reads and answers; a new version stays hidden until final -------

def _final_analysis(live_server, setup: Setup, staff_id: int) -> int:
    """An analysis made final through the services, from the organisation's need."""
    from portal.accounts.models import User
    from portal.analyses import services as analyses
    from portal.core.mail import deliver_after_commit
    from portal.employers.models import Organisation
    from portal.extensions import db

    today = _today(live_server)
    with live_server.app.test_request_context("/"):
        org = db.session.get(Organisation, setup.org_id)
        staff = db.session.get(User, staff_id)
        analysis = analyses.start(org, actor=staff, need_ids=[setup.need_id],
                                  meeting_date=today - timedelta(days=1))
        analyses.save_draft(
            analysis, values={"participants": "Eva Ek (HR), Omar Ali (kommunen)",
                              "actions": ["placements"],
                              "follow_up_date": today + timedelta(days=90)},
            lines=analyses.line_values(analysis.draft), actor=staff, expected_version=None)
        analyses.finalise(analysis, actor=staff, expected_version=None)
        db.session.commit()
        deliver_after_commit()
        analysis_id = analysis.id
        db.session.remove()
    return analysis_id


def _revise_headcount(live_server, analysis_id: int, staff_id: int, headcount: int, *,
                      finalise: bool) -> None:
    """Staff start a new version (or reuse the draft), change the first line's number,
    and make it final if asked."""
    from portal.accounts.models import User
    from portal.analyses import services as analyses
    from portal.core.mail import deliver_after_commit
    from portal.extensions import db

    with live_server.app.test_request_context("/"):
        staff = db.session.get(User, staff_id)
        analysis = analyses.get(analysis_id)
        draft = analyses.revise(analysis, actor=staff, expected_version=None)
        lines = analyses.line_values(draft)
        lines[0]["headcount"] = headcount
        analyses.save_draft(analysis, values={}, lines=lines, actor=staff,
                            expected_version=None)
        if finalise:
            analyses.finalise(analysis, actor=staff, expected_version=None)
        db.session.commit()
        deliver_after_commit()
        db.session.remove()


def test_employer_reads_and_answers_a_final_needs_analysis(ui, page, live_server):
    setup = _organisation_with_need(live_server, "analys-arbetsgivare", course_request=False)
    staff_id = live_server.create_staff(email=unique_email("analys-staff2"),
                                        full_name="Alva E2E-Analys")
    analysis_id = _final_analysis(live_server, setup, staff_id)
    view = f"/organisations/{setup.org_id}/analyses/{analysis_id}"
    comment = f"Vi behöver fyra städare, inte tre ({uuid.uuid4().hex[:6]})."

    # The dashboard lists the final analysis.
    ui.log_in(setup.employer_email, PASSWORD)
    ui.expect_path(r"/organisation$")
    section = page.locator("section[aria-labelledby='analyses-title']")
    expect(section.locator("#analyses-title")).to_be_visible()
    ui.follow(section.locator(f"a[href='{view}']"))
    ui.expect_path(re.escape(view) + "$")
    first_line = page.locator("main section.card table tbody tr").first
    expect(first_line.locator("td.numeric")).to_have_text("3")
    expect(page.locator("section[aria-labelledby='answers-title'] .timeline")).to_have_count(0)
    assert_unique_ids(page)

    # A comment with no text: the error summary takes focus and leads to the comment.
    page.check("#kind input[value='commented']")
    ui.submit("section[aria-labelledby='answers-title'] form button[type=submit]",
              status=422)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#comment']")).to_have_count(1)
    expect(page.locator("#comment")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#kind input[value='commented']")).to_be_checked()
    summary.locator("a[href='#comment']").click()
    expect(page.locator("#comment")).to_be_focused()
    assert_unique_ids(page)

    # With text it is sent and listed.
    page.fill("#comment", comment)
    ui.submit("section[aria-labelledby='answers-title'] form button[type=submit]")
    # (the fragment from the error summary's link survives the redirect)
    ui.expect_path(re.escape(view) + "(#comment)?$")
    expect(ui.flash()).to_be_visible()
    answers = page.locator("section[aria-labelledby='answers-title'] .timeline li")
    expect(answers).to_have_count(1)
    expect(answers.first).to_contain_text(comment)
    expect(answers.first).to_contain_text(sv(live_server, "Commented"))

    # Staff start a new version and change the number: the employer still sees the
    # final version, and nothing about a draft.
    _revise_headcount(live_server, analysis_id, staff_id, 4, finalise=False)
    ui.visit(view)
    expect(first_line.locator("td.numeric")).to_have_text("3")
    expect(page.locator("section[aria-labelledby='versions-title']")).to_have_count(0)
    ui.visit("/organisation")
    expect(section.locator(f"a[href='{view}']")).to_have_count(1)

    # Once that version is final, the employer sees the new number and can open the
    # earlier version; the earlier answer stays, tied to version 1.
    _revise_headcount(live_server, analysis_id, staff_id, 4, finalise=True)
    ui.visit(view)
    expect(first_line.locator("td.numeric")).to_have_text("4")
    versions = page.locator("section[aria-labelledby='versions-title']")
    expect(versions.locator(f"a[href='{view}?version=1']")).to_have_count(1)
    expect(answers).to_have_count(1)
    ui.follow(versions.locator(f"a[href='{view}?version=1']"))
    expect(first_line.locator("td.numeric")).to_have_text("3")
    # An earlier version is read only.
    expect(page.locator("section[aria-labelledby='answers-title'] form")).to_have_count(0)
