"""How the figures are shown and exported: small numbers suppressed, each with its
definition. The page, the CSV and the Excel file read the same list, so they agree."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.reports.figures import COURSE, EVENT, Dashboard, OutcomeRow, Share


def threshold() -> int:
    return int(current_app.config["REPORT_SMALL_NUMBER_THRESHOLD"])


def suppressed(n: int | None) -> bool:
    return n is not None and 0 < n < threshold()


def count(n: int | None) -> str:
    """A count for people to read: fewer than the threshold (but not none) as "<5"."""
    if n is None:
        return "–"
    if suppressed(n):
        return f"<{threshold()}"
    return format_decimal(n)


def count_value(n: int | None):
    """The same for a spreadsheet cell: the number, or the "<5" text."""
    if n is None:
        return ""
    return f"<{threshold()}" if suppressed(n) else n


def share_shown(share: Share) -> bool:
    """A share of fewer people than the threshold could point at one person: not shown."""
    return share.base >= threshold()


def percent(share: Share) -> str:
    if share.base == 0:
        return "–"
    if not share_shown(share):
        return _("too few to show")
    return format_percent(share.success / share.base, "#,##0 %")


def percent_value(share: Share):
    if share.base == 0 or not share_shown(share):
        return ""
    return round(100.0 * share.success / share.base, 1)


def days(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.#")


def money(amount: int) -> str:
    return format_decimal(amount, "#,##0") + " " + current_app.config["REPORT_CURRENCY"]


def measure_types() -> list[tuple[str, str]]:
    from portal.requests.enums import PlacementType

    return [(COURSE, _("Course")), *[(t.value, t.label) for t in PlacementType],
            (EVENT, _("Recruitment event"))]


def measure_type_label(value: str) -> str:
    return dict(measure_types()).get(value, value)


def sector_label(value: str | None) -> str:
    from portal.employers.enums import Sector

    if not value:
        return _("Sector not stated")
    return Sector(value).label if value in set(Sector) else value


# --- the headline figures --------------------------------------------------------------------

DEFINITIONS = {
    "started": _l("People who began a measure in the period: a course place (from the course's "
                  "start, or the day they joined it later), a placement that became active, "
                  "or a recruitment event they attended. A person counts once, however many "
                  "measures they began. Places on courses not yet started, cancelled "
                  "courses and placements never started are not counted."),
    "ended": _l("People who left a measure in the period, whether they completed it or "
                "broke it off (dropped out of a course, placement interrupted; shown "
                "separately). A person who ended several measures counts once, by the one "
                "that ended last."),
    "share_end": _l("Of the people who ended a measure in the period, the share in work "
                    "(employed or a subsidised job) or studies when it ended, by the outcome "
                    "recorded for that measure at its end, whenever it was recorded. "
                    "People with no outcome recorded, or recorded as unknown, are counted "
                    "as not in work or studies, and their number is shown. A recruitment "
                    "event counts here only when an outcome was recorded for it (a hire "
                    "recorded for the event): attending one is not a measure with a result."),
    "share_follow_up": _l("The same people, at the follow-up %(days)d days after the end. Only "
                          "people whose follow-up day has come count; missing or unknown "
                          "follow-ups count as not in work or studies."),
    "share_late": _l("The same people, at the later follow-up %(days)d days after the end, "
                     "counted in the same way."),
    "employed": _l("People whose latest measure in the period ended with them employed "
                   "(not a subsidised job, not studies), against the forecast for the "
                   "period (%(per_year)d a year, pro-rated by days)."),
    "converted": _l("Internships that ended in the period, and how many ended with the "
                    "host hiring the person (ended as “hired by the host”). Counts "
                    "internships, not people."),
    "requests": _l("Requests employers (or staff on their behalf) first submitted in the "
                   "period, by kind. Drafts are not counted."),
    "response": _l("Calendar days from the first submission to staff's first response "
                   "(taking the request into review, asking for information, or deciding "
                   "it); the median and the 90th percentile (nearest rank). Requests "
                   "still without a response are left out of the times and counted apart."),
    "commitment": _l("Calendar days from the first submission to the commitment (a "
                     "placement, event, course or session agreed), time waiting for the "
                     "employer included; median and 90th percentile."),
    "rule": _l("Placement requests with a placement commitment within %(days)d days of the "
               "first submission (Helsingør's four-week rule), of those that got one or "
               "whose %(days)d days have passed; declined and withdrawn requests without "
               "a commitment are left out."),
    "employers_new": _l("Organisations registered in the portal in the period."),
    "employers_active": _l("Organisations that sent a request, hosted a placement that ran, "
                           "took part in a recruitment event held, or committed to a course "
                           "that ran, in the period. Each counts once."),
    "supervisors_trained": _l("Supervisors who attended a mentor training in the period "
                              "(the day they were marked trained)."),
    "savings": _l("An estimate, not a measurement. The portal does not record who receives "
                  "assistance: each person in work or studies at the end of their latest "
                  "measure in the period is counted as one household that no longer needs "
                  "assistance, for one year, at %(cost)s a year (the average cost of a "
                  "household on assistance). It overstates when people return to "
                  "assistance or several people share a household, and understates when "
                  "a job lasts longer than a year."),
}


def definition(key: str) -> str:
    c = current_app.config
    text = DEFINITIONS[key]
    values = {"share_follow_up": {"days": int(c.get("OUTCOME_FOLLOW_UP_DAYS", 90))},
              "share_late": {"days": int(c.get("OUTCOME_LATE_FOLLOW_UP_DAYS", 180))},
              "employed": {"per_year": int(c["REPORT_FORECAST_PER_YEAR"])},
              "rule": {"days": int(c.get("PLACEMENT_COMMITMENT_DAYS", 28))},
              "savings": {"cost": money(int(c["REPORT_COST_PER_HOUSEHOLD"]))}}.get(key)
    return str(text) % values if values else str(text)


@dataclass
class Figure:
    key: str
    label: str
    shown: str  # for people, with suppression
    value: object  # for a spreadsheet, with the same suppression
    note: str = ""  # e.g. the goal, or how many are unknown
    rows: str | None = None  # the figure whose rows are behind it

    @property
    def definition(self) -> str:
        return definition(self.key)


def _share_note(share: Share, goal: int | None) -> str:
    parts = []
    if goal is not None:
        parts.append(_("goal %(goal)d %%", goal=goal))
    if share.base:
        parts.append(_("%(success)s of %(base)s; %(unknown)s unknown",
                       success=count(share.success), base=count(share.base),
                       unknown=count(share.unknown)))
    return "; ".join(parts)


def headline(d: Dashboard) -> list[Figure]:
    t: OutcomeRow = d.total
    s = d.settings
    r = d.requests_total
    return [
        Figure("started", _("People who began a measure"), count(d.people.started),
               count_value(d.people.started), rows="started"),
        Figure("ended", _("People who ended a measure"), count(d.people.ended),
               count_value(d.people.ended),
               _("of whom %(num)s broke it off", num=count(d.people.interrupted)),
               rows="ended"),
        Figure("share_end", _("In work or studies at the end"), percent(t.at_end),
               percent_value(t.at_end), _share_note(t.at_end, s.goal_end), rows="ended"),
        Figure("share_follow_up",
               _("In work or studies at the %(days)d-day follow-up", days=s.follow_up_days),
               percent(t.follow_up), percent_value(t.follow_up),
               _share_note(t.follow_up, s.goal_follow_up), rows="ended"),
        Figure("share_late",
               _("In work or studies at the %(days)d-day follow-up",
                 days=s.late_follow_up_days),
               percent(t.late), percent_value(t.late), _share_note(t.late, None),
               rows="ended"),
        Figure("employed", _("People into employment"), count(t.employed),
               count_value(t.employed), _("forecast %(num)d", num=d.forecast), rows="ended"),
        Figure("converted", _("Internships that became employment"),
               count(d.conversion.hired_by_host), count_value(d.conversion.hired_by_host),
               _("of %(num)s ended internships", num=count(d.conversion.ended)),
               rows="converted"),
        Figure("requests", _("Requests received"), count(r.received), count_value(r.received),
               rows="requests"),
        Figure("response", _("Days to first response (median)"), days(r.response_median),
               r.response_median if r.response_median is not None else "",
               _("90th percentile %(days)s; %(num)s without a response yet",
                 days=days(r.response_p90), num=count(r.received - r.responded)),
               rows="requests"),
        Figure("commitment", _("Days to commitment (median)"), days(r.commitment_median),
               r.commitment_median if r.commitment_median is not None else "",
               _("90th percentile %(days)s", days=days(r.commitment_p90)), rows="requests"),
        Figure("rule", _("Placement requests committed within four weeks"),
               percent(Share(r.rule_base, r.rule_met)),
               percent_value(Share(r.rule_base, r.rule_met)),
               _("%(met)s of %(base)s", met=count(r.rule_met), base=count(r.rule_base)),
               rows="requests"),
        Figure("employers_new", _("New employers"), count(d.engagement.new_employers),
               count_value(d.engagement.new_employers), rows="employers_new"),
        Figure("employers_active", _("Active employers"),
               count(d.engagement.active_employers),
               count_value(d.engagement.active_employers), rows="employers_active"),
        Figure("supervisors_trained", _("Supervisors trained"),
               count(d.engagement.supervisors_trained),
               count_value(d.engagement.supervisors_trained), rows="supervisors_trained"),
        Figure("savings", _("Estimated yearly savings in assistance"),
               money(d.savings) if not suppressed(t.at_end.success) else _("too few to show"),
               d.savings if not suppressed(t.at_end.success) else "",
               _("%(num)s people × %(cost)s", num=count(t.at_end.success),
                 cost=money(s.cost_per_household)), rows="ended"),
    ]
