from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class SessionState(LabelledEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.PLANNED: _l("Planned"),
            cls.HELD: _l("Held"),
            cls.CANCELLED: _l("Cancelled"),
        }


class SeatStatus(LabelledEnum):
    BOOKED = "booked"          # has a place
    WAITLISTED = "waitlisted"  # in line for a place, by position
    CANCELLED = "cancelled"    # withdrew; frees the place for the first in line

    @classmethod
    def _labels(cls):
        return {
            cls.BOOKED: _l("Booked"),
            cls.WAITLISTED: _l("On the waiting list"),
            cls.CANCELLED: _l("Cancelled"),
        }
