"""The demand overview: what employers need, by sector, occupation and time horizon.

Two sources, added up in SQL:
- open hiring needs that employers registered (or staff took by phone), and
- the lines of final needs analyses whose meeting was within the last year.
A hiring need that a counted analysis was made from is not counted again: the
analysis line replaces it. The sector is the occupation's sector (an
organisation may work in several); "other" occupations count under "Other".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, literal, select, union_all

from portal.analyses.models import (
    AnalysisLine,
    AnalysisVersion,
    NeedsAnalysis,
    analysis_needs,
)
from portal.core.dates import local_today
from portal.core.exports import safe_cell
from portal.employers import occupations
from portal.employers.enums import NeedStatus, NeedTimeframe, Sector
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db
from portal.requests.enums import FINAL_STATES, RequestKind, RequestState
from portal.requests.models import ServiceRequest, request_needs

ANALYSIS_VALID_DAYS = 365
SOURCES = ("needs", "analyses")


@dataclass
class Filters:
    sector: str | None = None
    timeframe: str | None = None
    source: str | None = None
    training: bool = False

    @classmethod
    def from_args(cls, args) -> Filters:
        sector = args.get("sector") or None
        timeframe = args.get("timeframe") or None
        source = args.get("source") or None
        return cls(sector=sector if sector in set(Sector) else None,
                   timeframe=timeframe if timeframe in set(NeedTimeframe) else None,
                   source=source if source in SOURCES else None,
                   training=args.get("training") == "1")

    def args(self) -> dict:
        out = {"sector": self.sector, "timeframe": self.timeframe, "source": self.source,
               "training": "1" if self.training else None}
        return {k: v for k, v in out.items() if v}


def _sector(code_column):
    whens = {code: o.sector.value for code, o in occupations.BY_CODE.items()}
    return case(whens, value=code_column, else_=literal(Sector.OTHER.value))


def _counted_analysis(today):
    """Final versions from a meeting within the last year: join condition and filter."""
    since = today - timedelta(days=ANALYSIS_VALID_DAYS)
    return and_(AnalysisVersion.analysis_id == NeedsAnalysis.id,
                AnalysisVersion.number == NeedsAnalysis.final_number,
                AnalysisVersion.meeting_date >= since)


def _rows(today):
    """Every counted need and line as one row: sector, code, other, timeframe, headcount,
    organisation, training (0/1), source."""
    in_counted_analysis = exists(
        select(analysis_needs.c.need_id)
        .join(NeedsAnalysis, NeedsAnalysis.id == analysis_needs.c.analysis_id)
        .join(AnalysisVersion, _counted_analysis(today))
        .where(analysis_needs.c.need_id == HiringNeed.id))
    # For a hiring need, training is needed when an open tailored-course request asks for it.
    in_course_request = exists(
        select(request_needs.c.need_id)
        .join(ServiceRequest, ServiceRequest.id == request_needs.c.request_id)
        .where(request_needs.c.need_id == HiringNeed.id,
               ServiceRequest.kind == RequestKind.TAILORED_COURSE,
               ServiceRequest.state != RequestState.DRAFT,
               ServiceRequest.state.not_in(list(FINAL_STATES))))
    needs = (select(
        _sector(HiringNeed.occupation_code).label("sector"),
        HiringNeed.occupation_code.label("code"),
        HiringNeed.occupation_other.label("other"),
        HiringNeed.timeframe.label("timeframe"),
        HiringNeed.headcount.label("headcount"),
        HiringNeed.organisation_id.label("organisation_id"),
        case((in_course_request, 1), else_=0).label("training"),
        literal("needs").label("source"))
        .where(HiringNeed.status == NeedStatus.OPEN, ~in_counted_analysis))
    lines = (select(
        _sector(AnalysisLine.occupation_code).label("sector"),
        AnalysisLine.occupation_code.label("code"),
        AnalysisLine.occupation_other.label("other"),
        AnalysisLine.timeframe.label("timeframe"),
        AnalysisLine.headcount.label("headcount"),
        NeedsAnalysis.organisation_id.label("organisation_id"),
        case((AnalysisLine.training_needed, 1), else_=0).label("training"),
        literal("analyses").label("source"))
        .join(AnalysisVersion, AnalysisVersion.id == AnalysisLine.version_id)
        .join(NeedsAnalysis, _counted_analysis(today)))
    return union_all(needs, lines).subquery("demand")


def _filtered(rows, filters: Filters):
    conditions = []
    if filters.sector:
        conditions.append(rows.c.sector == filters.sector)
    if filters.timeframe:
        conditions.append(rows.c.timeframe == filters.timeframe)
    if filters.source:
        conditions.append(rows.c.source == filters.source)
    if filters.training:
        conditions.append(rows.c.training == 1)
    return conditions


def _sums(rows):
    def people(timeframe):
        return func.sum(case((rows.c.timeframe == timeframe, rows.c.headcount), else_=0))

    return (people(NeedTimeframe.NOW).label("now"),
            people(NeedTimeframe.WITHIN_3_MONTHS).label("within_3_months"),
            people(NeedTimeframe.MONTHS_3_12).label("months_3_12"),
            func.sum(rows.c.headcount).label("total"),
            func.sum(case((rows.c.training == 1, rows.c.headcount), else_=0)).label("training"))


@dataclass
class Row:
    sector: str
    code: str
    other: str
    now: int
    within_3_months: int
    months_3_12: int
    total: int
    employers: int
    training: int

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label if self.sector in set(Sector) else self.sector

    @property
    def occupation_label(self) -> str:
        return occupations.label(self.code, self.other)

    def args(self, filters: Filters | None = None) -> dict:
        """The drill-down's query: the overview's filters and this row."""
        out = {**(filters.args() if filters else {}), "sector": self.sector,
               "occupation": self.code}
        if self.code == occupations.OTHER:
            out["other"] = self.other
        return out


def overview(filters: Filters, today=None) -> list[Row]:
    """One row per sector and occupation, most people wanted first within each sector."""
    rows = _rows(today or local_today())
    other_key = func.lower(rows.c.other)
    query = (select(rows.c.sector, rows.c.code, func.min(rows.c.other), *_sums(rows),
                    func.count(rows.c.organisation_id.distinct()).label("employers"))
             .where(*_filtered(rows, filters))
             .group_by(rows.c.sector, rows.c.code, other_key)
             .order_by(rows.c.sector, func.sum(rows.c.headcount).desc(), rows.c.code,
                       other_key))
    out = []
    for sector, code, other, now, w3, m3, total, training, employers in \
            db.session.execute(query):
        out.append(Row(sector, code, other or "", int(now or 0), int(w3 or 0), int(m3 or 0),
                       int(total or 0), int(employers), int(training or 0)))
    return out


def totals(found: list[Row], employers: int) -> Row:
    return Row("", "", "", sum(r.now for r in found), sum(r.within_3_months for r in found),
               sum(r.months_3_12 for r in found), sum(r.total for r in found), employers,
               sum(r.training for r in found))


def employer_count(filters: Filters, today=None) -> int:
    """Distinct employers behind the filtered overview (a sum of rows would count twice)."""
    rows = _rows(today or local_today())
    return db.session.scalar(select(func.count(rows.c.organisation_id.distinct()))
                             .where(*_filtered(rows, filters))) or 0


@dataclass
class OrganisationRow:
    id: int
    name: str
    org_number: str
    now: int
    within_3_months: int
    months_3_12: int
    total: int
    training: int
    from_needs: int
    from_analyses: int


def organisations(filters: Filters, code: str, other: str = "", today=None
                  ) -> list[OrganisationRow]:
    """The organisations behind one overview row (drill-down)."""
    rows = _rows(today or local_today())
    conditions = [*_filtered(rows, filters), rows.c.code == code]
    if code == occupations.OTHER:
        # lower() on both sides in SQL: SQLite's lower() folds A–Z only, so a Python
        # lower() would miss "Ö…" there.
        conditions.append(func.lower(rows.c.other) == func.lower(literal(other)))
    query = (select(Organisation.id, Organisation.name, Organisation.org_number, *_sums(rows),
                    func.sum(case((rows.c.source == "needs", rows.c.headcount), else_=0)),
                    func.sum(case((rows.c.source == "analyses", rows.c.headcount), else_=0)))
             .join(Organisation, Organisation.id == rows.c.organisation_id)
             .where(*conditions)
             .group_by(Organisation.id, Organisation.name, Organisation.org_number)
             .order_by(func.sum(rows.c.headcount).desc(), Organisation.name))
    return [OrganisationRow(i, name, number, *(int(v or 0) for v in sums))
            for i, name, number, *sums in db.session.execute(query)]


def to_csv(found: list[Row]) -> str:
    """Semicolon separated with a byte-order mark: opens as columns in Swedish and Danish
    Excel, where the comma is the decimal sign."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Sector"), _("Occupation"), _("SSYK code"), NeedTimeframe.NOW.label,
                     NeedTimeframe.WITHIN_3_MONTHS.label, NeedTimeframe.MONTHS_3_12.label,
                     _("Total"), _("Employers"), _("Need training")])
    for row in found:
        code = "" if row.code == occupations.OTHER else row.code
        name = occupations.BY_CODE[row.code].label if row.code in occupations.BY_CODE \
            else row.occupation_label
        writer.writerow([safe_cell(row.sector_label), safe_cell(name), code, row.now,
                         row.within_3_months, row.months_3_12, row.total, row.employers,
                         row.training])
    return out.getvalue()

