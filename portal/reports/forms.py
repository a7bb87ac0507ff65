"""The dashboard's period and filters: a GET form, so a report is a link to share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from portal.core.forms import BaseForm
from portal.reports.periods import PeriodKind


class ReportForm(BaseForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Period"), choices=[], default=PeriodKind.LAST_12.value)
    month = StringField(_l("Month"), validators=[Optional(), Length(max=7)],
                        description=_l("The period holding this month (year-month, like "
                                       "2026-03). The last 12 months end with it."))
    start = StringField(_l("First day"), validators=[Optional(), Length(max=10)],
                        description=_l("For custom dates, like 2026-01-01."))
    end = StringField(_l("Last day"), validators=[Optional(), Length(max=10)],
                      description=_l("For custom dates, like 2026-06-30."))
    sector = SelectField(_l("Sector"), choices=[], default="")
    type = SelectField(_l("Measure type"), choices=[], default="")
    cohort = SelectField(_l("Course"), choices=[], default="")
    unit = SelectField(_l("Unit"), choices=[], default="")

    def __init__(self, *args, sectors=(), types=(), cohorts=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = PeriodKind.choices()
        self.sector.choices = [("", _l("All sectors")), *sectors]
        self.type.choices = [("", _l("All measure types")), *types]
        self.cohort.choices = [("", _l("All courses")), *cohorts]
        self.unit.choices = [("", _l("All units")), *units]
