"""The results dashboard for staff managers and admins: figures for a period, the rows
behind them, exports (aggregates only) and a printable page for a committee."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_blocks
from sqlalchemy import select

from portal.core import audit
from portal.core.dates import local_today
from portal.core.exports import safe_cell, to_csv
from portal.core.pages import paginate_rows
from portal.core.permissions import Access, access
from portal.employers.enums import Sector
from portal.extensions import db, htmx
from portal.reports import charts, figures, periods, present, rows, tables
from portal.reports.forms import ReportForm

bp = Blueprint("reports", __name__)
COHORT_CHOICES = 300


@functools.lru_cache(maxsize=4096)
def _number(value: int | float, locale: str) -> str:
    # A dashboard has thousands of cells with the same few numbers; Babel parses the
    # pattern on every call, which was a tenth of the page's time.
    from babel.numbers import format_decimal

    return format_decimal(value, None if isinstance(value, int) else "#,##0.#", locale=locale)


@bp.app_template_filter("report_cell")
def report_cell(value) -> str:
    """A table cell: numbers localized (days to one decimal), "<5" as it is, blank as –."""
    from flask_babel import get_locale

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _number(value, str(get_locale()))
    return str(value)


@dataclass
class Selection:
    form: ReportForm
    choice: periods.PeriodChoice
    filters: figures.Filters
    settings: figures.Settings

    @property
    def period(self) -> periods.Period:
        return self.choice.period

    @property
    def whole(self) -> bool:
        """The period and filters are right and complete: there are figures to show."""
        return not self.form.all_errors and not self.choice.incomplete

    def args(self) -> dict:
        """The query string that gives this report again (for links and exports)."""
        f = self.filters
        out = {**self.choice.args(), "sector": f.sector, "type": f.measure_type,
               "cohort": f.cohort_id, "unit": f.unit}
        return {k: v for k, v in out.items() if v not in (None, "")}


def _units() -> list[str]:
    from portal.participants.models import Participant

    found = set(db.session.scalars(select(Participant.unit).where(Participant.unit != "")
                                   .distinct()))
    return sorted(set(current_app.config.get("PORTAL_UNITS") or []) | found)


def _cohorts() -> list[tuple[str, str]]:
    from portal.training.enums import CohortState
    from portal.training.models import Cohort

    found = db.session.execute(
        select(Cohort.id, Cohort.title, Cohort.start_date)
        .where(Cohort.state != CohortState.CANCELLED.value)
        .order_by(Cohort.start_date.desc(), Cohort.id.desc()).limit(COHORT_CHOICES)).all()
    return [(str(i), f"{title} ({format_date(start)})") for i, title, start in found]


def _selection() -> Selection:
    today = local_today()
    form = ReportForm(request.args, sectors=Sector.choices(), types=present.measure_types(),
                      cohorts=_cohorts(), units=[(u, u) for u in _units()])
    form.validate()
    choice = periods.from_args(request.args, today)
    for name, message in choice.errors.items():
        if not form[name].errors:
            form.add_error(name, str(message))

    def ok(field):
        return field.data if field.data and not field.errors else None

    cohort = ok(form.cohort)
    filters = figures.Filters(sector=ok(form.sector), measure_type=ok(form.type),
                              cohort_id=int(cohort) if cohort else None, unit=ok(form.unit))
    return Selection(form, choice, filters, figures.Settings.from_app(today))


# Text fields get a keyboard and an example; the rest are lists.
FIELD_ATTRS = {
    "month": {"inputmode": "numeric", "placeholder": "2026-03", "autocomplete": "off"},
    "start": {"inputmode": "numeric", "placeholder": "2026-01-01", "autocomplete": "off"},
    "end": {"inputmode": "numeric", "placeholder": "2026-06-30", "autocomplete": "off"},
}


def _form_context(sel: Selection) -> dict:
    form = sel.form
    fields = [form.period, form.month, form.start, form.end, form.sector, form.type,
              form.cohort]
    has_units = bool(form.unit.choices[1:])
    if has_units:
        fields.append(form.unit)
    return {"sel": sel, "form": form, "args": sel.args(), "has_units": has_units,
            "report_fields": fields, "field_attrs": FIELD_ATTRS}


def _context(sel: Selection) -> dict:
    if not sel.whole:
        # Figures for a period other than the one typed would mislead: the page shows the
        # form (with its errors) and no figures until the period is whole and right.
        status = (_("Correct the period or filters above to see the figures.")
                  if sel.form.all_errors else
                  _("Enter the first and the last day to see the figures for custom dates."))
        return {**_form_context(sel), "d": None, "filter_labels": [], "status": status}
    d = figures.dashboard(sel.period, sel.filters, sel.settings)
    months = charts.months(figures.trend_period(sel.period).months(), d.by_month)
    labels = _filter_labels(sel)
    status = _("Showing %(period)s.", period=sel.period.label)
    if labels:
        status += " " + _("Filtered by:") + " " + "; ".join(f"{k}: {v}" for k, v in labels) + "."
    return {**_form_context(sel), "d": d,
            "headline": present.headline(d), "months": months,
            "people_chart": charts.people_chart(months),
            "share_chart": charts.share_chart(months, sel.settings.goal_end),
            "tables": {t.key: t for t in tables.all_tables(d, months)},
            "threshold": present.threshold(), "filter_labels": labels, "status": status}


def _filter_labels(sel: Selection) -> list[tuple[str, str]]:
    """The filters in force, as label and chosen text, for the page, print and exports."""
    out = []
    for field in (sel.form.sector, sel.form.type, sel.form.cohort, sel.form.unit):
        if field.data and not field.errors:
            chosen = dict(field.choices).get(field.data, field.data)
            out.append((str(field.label.text), str(chosen)))
    return out


@bp.get("/staff/reports/")
@access(Access.STAFF_MANAGER)
def dashboard():
    sel = _selection()
    context = _context(sel)
    status = 422 if sel.form.all_errors else 200
    if htmx and htmx.target == "report":
        # The report, and out of band the error summary, the status line and each
        # field's error: the form itself is not replaced.
        response = current_app.make_response(
            (render_blocks("reports/dashboard.html", ["report", "oob"], **context), status))
    else:
        response = current_app.make_response(
            (render_template("reports/dashboard.html", **context), status))
    response.vary.add("HX-Request")
    return response


@bp.get("/staff/reports/print")
@access(Access.STAFF_MANAGER)
def printable():
    sel = _selection()
    return render_template("reports/print.html", **_context(sel))


def _export_rows(context: dict) -> list[list]:
    """The dashboard as rows for one CSV sheet: what it covers, the figures with their
    definitions, then each table. Aggregates only: no row names a person."""
    sel = context["sel"]
    out: list[list] = [[_("Results"), current_app.config["PORTAL_NAME"]],
                       [_("Period"), sel.period.label]]
    out += [[label, value] for label, value in context["filter_labels"]]
    out.append([_("Counts under %(num)d are shown as <%(num)d.", num=present.threshold())])
    out.append([])
    out.append([_("Figure"), _("Value"), _("Note"), _("Definition")])
    out += [[f.label, f.value, f.note, f.definition] for f in context["headline"]]
    for table in context["tables"].values():
        out += [[], [table.title], table.headers, *table.rows]
        if table.total:
            out.append(table.total)
    return out


def _filename(sel: Selection, extension: str) -> str:
    return f"results-{sel.period.start.isoformat()}-{sel.period.end.isoformat()}.{extension}"


@bp.get("/staff/reports/results.csv")
@access(Access.STAFF_MANAGER)
def results_csv():
    sel = _selection()
    if not sel.whole:
        abort(400)
    body = to_csv(_export_rows(_context(sel)))
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{_filename(sel, "csv")}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/staff/reports/results.xlsx")
@access(Access.STAFF_MANAGER)
def results_xlsx():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sel = _selection()
    if not sel.whole:
        abort(400)
    context = _context(sel)
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([_("Results"), current_app.config["PORTAL_NAME"]])
    summary.append([_("Period"), sel.period.label])
    for label, value in context["filter_labels"]:
        summary.append([label, value])
    summary.append([_("Counts under %(num)d are shown as <%(num)d.", num=present.threshold())])
    summary.append([])
    summary.append([_("Figure"), _("Value"), _("Note"), _("Definition")])
    summary[summary.max_row][0].font = Font(bold=True)
    for f in context["headline"]:
        summary.append([safe_cell(f.label), _xlsx_value(f.value), safe_cell(f.note),
                        safe_cell(f.definition)])
    for table in context["tables"].values():
        sheet = book.create_sheet(_sheet_title(table.title))
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in [*table.rows, *([table.total] if table.total else [])]:
            sheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{_filename(sel, "xlsx")}"'})


def _xlsx_value(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31]


# --- the rows behind a figure ----------------------------------------------------------------

def _kind(kind: str) -> rows.Kind:
    found = rows.KINDS.get(kind)
    if found is None:
        abort(404)
    return found


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdecimal() and len(raw) < 6 else 1


@bp.get("/staff/reports/rows/<kind>")
@access(Access.STAFF_MANAGER)
def figure_rows(kind: str):
    found = _kind(kind)
    sel = _selection()
    if not sel.whole:
        page, headers, lines = None, [], []
        status = 422 if sel.form.all_errors else 200
    else:
        query = rows.query(kind, sel.period, sel.filters, sel.settings)
        page = paginate_rows(query, _page(), current_app.config["PAGE_SIZE"])
        headers, lines = _rows_table(kind, page.items, html=True)
        status = 200
    return render_template("reports/rows.html", kind=found, sel=sel, form=sel.form,
                           page=page, headers=headers, lines=lines, args=sel.args(),
                           filter_labels=_filter_labels(sel)), status


@bp.get("/staff/reports/rows/<kind>.csv")
@access(Access.STAFF_MANAGER)
def rows_csv(kind: str):
    """Row-level export: a staff manager's deliberate act, audited when it names people."""
    found = _kind(kind)
    sel = _selection()
    if not sel.whole:
        abort(400)
    result = db.session.execute(rows.query(kind, sel.period, sel.filters, sel.settings)).all()
    headers, lines = _rows_table(kind, result, html=False)
    if found.personal:
        audit.record("report.rows_exported", object_type="reports", actor=current_user,
                     changes={"rows": kind, "count": len(lines), **{
                         k: str(v) for k, v in sel.args().items()}})
    body = to_csv([headers, *lines])
    name = f"{kind}-{sel.period.start.isoformat()}-{sel.period.end.isoformat()}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _outcome_label(status):
    from portal.participants.enums import OutcomeStatus

    if status is None:
        return _("Not recorded")
    return OutcomeStatus(status).label if status in set(OutcomeStatus) else status


def _rows_table(kind: str, found, *, html: bool) -> tuple[list[str], list[list]]:
    """Headers and cells; with html, a cell may be (text, link)."""
    from portal.placements.enums import EndOutcome
    from portal.requests.enums import RequestKind, RequestState

    def d(value):
        return format_date(value) if value else ""

    def link(text, endpoint, **values):
        return (text, url_for(endpoint, **values)) if html else text

    if kind in ("started", "ended", "converted"):
        headers = [_("Participant"), _("Case reference"), _("Unit"), _("Measure type"),
                   _("Sector"), _("Measure"), _("Began"), _("Ended")]
        if kind != "started":
            headers += [_("Outcome at the end"), _("At follow-up"), _("At the later follow-up")]
        if kind == "converted":
            headers.append(_("How it ended"))
        lines = []
        for r in found:
            what = r[7] or r[8] or r[9] or ""
            line = [link(f"{r[1]} {r[2]}", "participants.detail", participant_id=r[0]), r[3],
                    r[4], present.measure_type_label(r[5]), present.sector_label(r[6]), what,
                    d(r[10]), _("%(date)s (broke it off)", date=d(r[11]))
                    if r[12] and r[11] else d(r[11])]
            if kind != "started":
                line += [_outcome_label(r[13]), _outcome_label(r[14]), _outcome_label(r[15])]
            if kind == "converted":
                line.append(EndOutcome(r[16]).label if r[16] in set(EndOutcome) else "")
            lines.append(line)
        return headers, lines
    if kind == "requests":
        headers = [_("Reference"), _("Organisation"), _("Kind"), _("Status"), _("Submitted"),
                   _("First response"), _("Committed")]
        return headers, [
            [link(r[1] or str(r[0]), "staff_requests.detail", request_id=r[0]), r[2],
             RequestKind(r[3]).label, RequestState(r[4]).label, _dt(r[5]), _dt(r[6]),
             _dt(r[7])] for r in found]
    if kind in ("employers_new", "employers_active"):
        headers = [_("Organisation"), _("Organisation number"), _("Municipality"),
                   _("Registered")]
        return headers, [[r[1], r[2], r[3], _dt(r[4])] for r in found]
    headers = [_("Supervisor"), _("Organisation"), _("Department"), _("Trained")]
    return headers, [[link(r[1], "supervisors.detail", supervisor_id=r[0]), r[2] or "",
                      r[3], d(r[4])] for r in found]


def _dt(value) -> str:
    return format_datetime(value, "short") if value else ""
