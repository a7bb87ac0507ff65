"""The dashboard's tables, as values: the page, the CSV and the Excel file show the same
cells. Counts under the threshold are the text "<5"; shares of too few people are blank."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.reports import present
from portal.reports.charts import Month
from portal.reports.figures import Dashboard, OutcomeRow


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    total: list | None = None


def _shares(row: OutcomeRow) -> list:
    c, p = present.count_value, present.percent_value
    return [c(row.ended), c(row.at_end.success), p(row.at_end),
            c(row.follow_up.base), c(row.follow_up.success), p(row.follow_up),
            c(row.late.base), c(row.late.success), p(row.late)]


def _share_headers(d: Dashboard) -> list[str]:
    s = d.settings
    return [_("Ended"), _("In work or studies at the end"), _("Share at the end, %"),
            _("Follow-up due (%(days)d days)", days=s.follow_up_days),
            _("In work or studies at the follow-up"), _("Share at the follow-up, %"),
            _("Later follow-up due (%(days)d days)", days=s.late_follow_up_days),
            _("In work or studies at the later follow-up"),
            _("Share at the later follow-up, %")]


def by_type(d: Dashboard) -> Table:
    c = present.count_value
    rows = [[present.measure_type_label(r.measure_type), c(r.started), c(r.ended),
             c(r.interrupted)] for r in d.types]
    return Table("by_type", _("Participants by measure type"),
                 [_("Measure type"), _("Began"), _("Ended"), _("Of whom broke it off")], rows,
                 [_("All (each person once)"), c(d.people.started), c(d.people.ended),
                  c(d.people.interrupted)])


def by_month(d: Dashboard, months: list[Month]) -> Table:
    c, p = present.count_value, present.percent_value
    rows = [[m.long_label, c(m.row.ended), c(m.row.at_end.success), p(m.row.at_end),
             d.settings.goal_end] for m in months]
    return Table("by_month", _("Outcomes at the end, by month the measure ended"),
                 [_("Month"), _("Ended"), _("In work or studies at the end"),
                  _("Share at the end, %"), _("Goal, %")], rows)


def by_sector(d: Dashboard) -> Table:
    rows = [[present.sector_label(r.key), *_shares(r)] for r in d.by_sector]
    return Table("by_sector", _("Outcomes by sector"), [_("Sector"), *_share_headers(d)], rows)


def by_cohort(d: Dashboard) -> Table:
    from portal.training.models import Cohort

    ids = [r.key for r in d.by_cohort if r.key is not None]
    titles = dict(db.session.execute(select(Cohort.id, Cohort.title)
                                     .where(Cohort.id.in_(ids))).all()) if ids else {}
    rows = [[titles.get(r.key, str(r.key)), *_shares(r)] for r in d.by_cohort
            if r.key is not None]
    return Table("by_cohort", _("Outcomes by course"), [_("Course"), *_share_headers(d)], rows)


def requests(d: Dashboard) -> Table:
    from portal.reports.figures import Share
    from portal.requests.enums import RequestKind

    c = present.count_value

    def days(v):
        return "" if v is None else v

    def line(label, r):
        return [label, c(r.received), c(r.responded), days(r.response_median),
                days(r.response_p90), c(r.committed), days(r.commitment_median),
                days(r.commitment_p90), present.percent_value(Share(r.rule_base, r.rule_met))]

    return Table("requests", _("Requests by kind"),
                 [_("Kind"), _("Received"), _("Responded to"),
                  _("Days to first response, median"), _("Days to first response, 90th percentile"),
                  _("Committed"), _("Days to commitment, median"),
                  _("Days to commitment, 90th percentile"), _("Within four weeks, %")],
                 [line(RequestKind(r.kind).label, r) for r in d.requests],
                 line(_("All"), d.requests_total))


def all_tables(d: Dashboard, months: list[Month]) -> list[Table]:
    return [by_type(d), by_month(d, months), by_sector(d), by_cohort(d), requests(d)]
