from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class EventState(LabelledEnum):
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


class EventRole(LabelledEnum):
    """What an organisation does at the event."""

    RECRUITER = "recruiter"   # recruits: meets the job seekers, has vacancies
    HOST = "host"             # lends the premises (and may recruit too)
    PARTNER = "partner"       # e.g. a staffing agency or union presenting

    @classmethod
    def _labels(cls):
        return {
            cls.RECRUITER: _l("Recruiting employer"),
            cls.HOST: _l("Host"),
            cls.PARTNER: _l("Partner"),
        }


class Response(LabelledEnum):
    """The organisation's answer to taking part."""

    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @classmethod
    def _labels(cls):
        return {
            cls.INVITED: _l("Not answered yet"),
            cls.CONFIRMED: _l("Confirmed"),
            cls.DECLINED: _l("Cannot come"),
        }


class Attendance(LabelledEnum):
    INVITED = "invited"
    ATTENDED = "attended"
    ABSENT = "absent"

    @classmethod
    def _labels(cls):
        return {
            cls.INVITED: _l("Invited"),
            cls.ATTENDED: _l("Came"),
            cls.ABSENT: _l("Did not come"),
        }
