"""The demand overview: open needs and analysis lines, added up in SQL."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from portal.analyses import demand, services
from portal.core.dates import local_today
from portal.extensions import db
from tests import factories


def _final(org, staff, lines, *, needs=(), meeting_days_ago=5):
    analysis = services.start(org, actor=staff, need_ids=[n.id for n in needs])
    today = local_today()
    services.save_draft(analysis, values={
        "meeting_date": today - timedelta(days=meeting_days_ago), "participants": "HR",
        "actions": ["tailored_course"], "follow_up_date": today + timedelta(days=60)},
        lines=lines, actor=staff, expected_version=None)
    services.finalise(analysis, actor=staff, expected_version=None)
    db.session.commit()
    return analysis


def _line(code="9111", headcount=1, timeframe="now", training=False, other=""):
    return {"occupation_code": code, "occupation_other": other, "headcount": headcount,
            "timeframe": timeframe, "requirements": "", "training_needed": training}


def _world():
    staff = factories.make_user("staff")
    a = factories.make_organisation(name="Alfa Städ AB")
    b = factories.make_organisation(name="Beta Service AB")
    c = factories.make_organisation(name="Gamma Kök AB")
    ea = factories.employer_of(a)
    # Alfa: a need covered by its final analysis (counted once, as the analysis says)
    covered = factories.make_need(a, ea, headcount=4, timeframe="now")
    _final(a, staff, [_line("9111", 5, "now", training=True),
                      _line("9111", 2, "months_3_12")], needs=[covered])
    # Beta: open needs only; one asked about in a tailored-course request (training)
    eb = factories.employer_of(b)
    taught = factories.make_need(b, eb, headcount=3, timeframe="within_3_months")
    factories.make_request(b, eb, "tailored_course", submit=True, needs=[taught])
    factories.make_need(b, eb, headcount=1, timeframe="now")
    filled = factories.make_need(b, eb, headcount=50)
    from portal.employers import needs as need_services
    from portal.employers.enums import NeedStatus

    need_services.set_status(filled, NeedStatus.FILLED, actor=eb)  # not counted
    # Gamma: kitchen, and an analysis too old to count
    ec = factories.employer_of(c)
    factories.make_need(c, ec, occupation_code="9412", headcount=2, timeframe="now")
    _final(c, staff, [_line("9111", 40)], meeting_days_ago=400)
    db.session.commit()
    return a, b, c


def test_overview_adds_up_needs_and_analysis_lines_per_occupation():
    _world()
    rows = {(r.sector, r.code): r for r in demand.overview(demand.Filters())}
    cleaners = rows[("cleaning", "9111")]
    # Alfa 5 now + 2 later (its covered need is not counted twice); Beta 1 now + 3 soon.
    assert (cleaners.now, cleaners.within_3_months, cleaners.months_3_12) == (6, 3, 2)
    assert cleaners.total == 11 and cleaners.employers == 2
    assert cleaners.training == 5 + 3
    kitchen = rows[("kitchen", "9412")]
    assert (kitchen.total, kitchen.employers, kitchen.training) == (2, 1, 0)
    assert len(rows) == 2


def test_filters_and_drill_down_to_the_organisations():
    _world()
    soon = demand.overview(demand.Filters(timeframe="within_3_months"))
    assert [(r.code, r.total) for r in soon] == [("9111", 3)]
    only_analyses = demand.overview(demand.Filters(source="analyses"))
    assert [(r.code, r.total) for r in only_analyses] == [("9111", 7)]
    training = demand.overview(demand.Filters(training=True))
    assert [(r.code, r.total) for r in training] == [("9111", 8)]
    assert demand.overview(demand.Filters(sector="care")) == []
    behind = demand.organisations(demand.Filters(), "9111")
    assert [(o.name, o.total, o.from_needs, o.from_analyses) for o in behind] == [
        ("Alfa Städ AB", 7, 0, 7), ("Beta Service AB", 4, 4, 0)]
    assert demand.employer_count(demand.Filters()) == 3


def test_the_pages_and_the_csv_file(login_as):
    _world()
    client = login_as("staff")
    html = client.get("/staff/demand").get_data(as_text=True)
    assert "(9111)" in html and "(9412)" in html
    assert "/staff/demand/organisations?sector=cleaning&amp;occupation=9111" in html
    drill = client.get("/staff/demand/organisations?sector=cleaning&occupation=9111")
    assert drill.status_code == 200 and "Alfa Städ AB" in drill.get_data(as_text=True)
    assert "Gamma Kök AB" not in drill.get_data(as_text=True)
    response = client.get("/staff/demand.csv?sector=cleaning")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][0] == "Bransch" and len(table) == 2
    assert table[1][2:] == ["9111", "6", "3", "2", "11", "2", "8"]
    fragment = client.get("/staff/demand?sector=kitchen",
                          headers={"HX-Request": "true", "HX-Target": "demand"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="demand"') and "9412" in body


def test_free_text_occupations_cannot_inject_formulas_into_the_csv():
    org = factories.make_organisation()
    factories.make_need(org, occupation_code="other", occupation_other="=HYPERLINK(\"x\")")
    text = demand.to_csv(demand.overview(demand.Filters()))
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text


def test_bad_drill_down_parameters_go_back_to_the_overview(login_as):
    client = login_as("staff")
    response = client.get("/staff/demand/organisations?occupation=%00%ff&sector=x")
    assert response.status_code == 302
    assert client.get("/staff/demand?sector=nonsense&timeframe=%00&training=2"
                      ).status_code == 200


def test_employers_cannot_see_the_demand(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    for url in ("/staff/demand", "/staff/demand.csv", "/staff/demand/organisations"):
        assert client.get(url).status_code == 403


def test_a_free_text_occupation_with_a_capital_a_ring_drills_down_on_every_database():
    org = factories.make_organisation(name="Öland Fasad AB")
    factories.make_need(org, occupation_code="other", occupation_other="Överhöjdsputsare")
    [row] = [r for r in demand.overview(demand.Filters()) if r.code == "other"]
    behind = demand.organisations(demand.Filters(), "other", row.other)
    assert [o.name for o in behind] == ["Öland Fasad AB"]
