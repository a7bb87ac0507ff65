from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class CohortState(LabelledEnum):
    PLANNED = "planned"
    RECRUITING = "recruiting"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.PLANNED: _l("Planned"),
            cls.RECRUITING: _l("Recruiting participants"),
            cls.RUNNING: _l("Running"),
            cls.COMPLETED: _l("Completed"),
            cls.CANCELLED: _l("Cancelled"),
        }


OPEN_COHORT_STATES = frozenset({CohortState.PLANNED, CohortState.RECRUITING,
                                CohortState.RUNNING})
# Employers may say they are interested while participants are still to be found.
INTEREST_STATES = frozenset({CohortState.PLANNED, CohortState.RECRUITING})


class Provider(LabelledEnum):
    ADULT_EDUCATION = "adult_education"
    VOCATIONAL_COLLEGE = "vocational_college"
    EXTERNAL = "external"

    @classmethod
    def _labels(cls):
        return {
            cls.ADULT_EDUCATION: _l("Municipal adult education"),
            cls.VOCATIONAL_COLLEGE: _l("Vocational college"),
            cls.EXTERNAL: _l("External provider"),
        }


class CommitmentStatus(LabelledEnum):
    INTERESTED = "interested"   # the employer said so; staff have not agreed terms yet
    COMMITTED = "committed"

    @classmethod
    def _labels(cls):
        return {
            cls.INTERESTED: _l("Interested"),
            cls.COMMITTED: _l("Committed"),
        }


class EnrolmentStatus(LabelledEnum):
    WAITING = "waiting"          # on the waiting list, in order of joining it
    OFFERED = "offered"          # a freed seat is held for them until the reply-by date
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    DECLINED = "declined"        # said no to an offer, or let it lapse
    WITHDRAWN = "withdrawn"      # left the waiting list

    @classmethod
    def _labels(cls):
        return {
            cls.WAITING: _l("On the waiting list"),
            cls.OFFERED: _l("Offered a seat"),
            cls.ENROLLED: _l("Enrolled"),
            cls.COMPLETED: _l("Completed the course"),
            cls.DROPPED_OUT: _l("Dropped out"),
            cls.DECLINED: _l("Declined the offer"),
            cls.WITHDRAWN: _l("Left the waiting list"),
        }


# Statuses that hold a seat (capacity counts these) and that are still in the course's queue.
SEAT_HOLDING = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED})
ACTIVE_ENROLMENT = SEAT_HOLDING | {EnrolmentStatus.WAITING}
