from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum

# The placement types are the ones employers ask for: portal.requests.enums.PlacementType
# (internship = "praktik"/"virksomhedspraktik", subsidised job = "beredskapsjobb"/"løntilskud",
# labour-market employment = "arbetsmarknadspolitisk anställning").


class PlacementState(LabelledEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"  # a proposal or agreement that never started

    @classmethod
    def _labels(cls):
        return {
            cls.PROPOSED: _l("Proposed"),
            cls.AGREED: _l("Agreed"),
            cls.ACTIVE: _l("Active"),
            cls.ENDED: _l("Ended"),
            cls.CANCELLED: _l("Cancelled"),
        }


# Placements that hold a supervisor's place and count toward the host's ratio.
COMMITTED_STATES = frozenset({PlacementState.AGREED, PlacementState.ACTIVE})
OPEN_STATES = frozenset({PlacementState.PROPOSED, PlacementState.AGREED,
                         PlacementState.ACTIVE})


class EndOutcome(LabelledEnum):
    HIRED_BY_HOST = "hired_by_host"
    OTHER_JOB = "other_job"
    STUDIES = "studies"
    CONTINUED_SEARCH = "continued_search"
    INTERRUPTED = "interrupted"  # needs a reason

    @classmethod
    def _labels(cls):
        return {
            cls.HIRED_BY_HOST: _l("Hired by the host"),
            cls.OTHER_JOB: _l("Another job"),
            cls.STUDIES: _l("Studies"),
            cls.CONTINUED_SEARCH: _l("Still looking for work"),
            cls.INTERRUPTED: _l("Interrupted"),
        }


class FollowUpKind(LabelledEnum):
    CHECK_IN = "check_in"   # two weeks after the start
    MIDWAY = "midway"       # halfway through the period
    OUTCOME = "outcome"     # three months after the end: where did they go?

    @classmethod
    def _labels(cls):
        return {
            cls.CHECK_IN: _l("Check-in after the start"),
            cls.MIDWAY: _l("Midway follow-up"),
            cls.OUTCOME: _l("Outcome check after the end"),
        }


class CheckInRating(LabelledEnum):
    GOOD = "good"
    MIXED = "mixed"
    DIFFICULT = "difficult"

    @classmethod
    def _labels(cls):
        return {
            cls.GOOD: _l("It goes well"),
            cls.MIXED: _l("Partly well"),
            cls.DIFFICULT: _l("It is difficult"),
        }
