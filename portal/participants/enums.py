from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum
from portal.employers.enums import EmploymentForm


class OutcomeStatus(LabelledEnum):
    """Where a participant stands after a measure: the basis of "8 of 10 went on to work or
    studies". Unknown is recorded, not left out, so reports can say how it was treated."""

    EMPLOYED = "employed"
    SUBSIDISED = "subsidised"
    STUDIES = "studies"
    CONTINUED_SEARCH = "continued_search"
    OTHER = "other"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {
            cls.EMPLOYED: _l("Employed"),
            cls.SUBSIDISED: _l("Subsidised job"),
            cls.STUDIES: _l("Studies"),
            cls.CONTINUED_SEARCH: _l("Still looking for work"),
            cls.OTHER: _l("Other"),
            cls.UNKNOWN: _l("Unknown"),
        }


# Outcomes that name an employer (and may say the form of employment and the hours).
WITH_EMPLOYER = frozenset({OutcomeStatus.EMPLOYED, OutcomeStatus.SUBSIDISED})
# What the goals count as success ("work or studies").
WORK_OR_STUDIES = frozenset({OutcomeStatus.EMPLOYED, OutcomeStatus.SUBSIDISED,
                             OutcomeStatus.STUDIES})


# The forms of employment an outcome can name; a subsidised job is its own outcome.
JOB_FORMS = (EmploymentForm.PERMANENT, EmploymentForm.FIXED_TERM, EmploymentForm.HOURLY)


class Checkpoint(LabelledEnum):
    END = "end"
    FOLLOW_UP = "follow_up"  # OUTCOME_FOLLOW_UP_DAYS after the end (90)
    LATE = "late"  # OUTCOME_LATE_FOLLOW_UP_DAYS after the end (180)

    @classmethod
    def _labels(cls):
        return {
            cls.END: _l("At the end"),
            cls.FOLLOW_UP: _l("At follow-up"),
            cls.LATE: _l("At the later follow-up"),
        }
