from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class SupervisorStatus(LabelledEnum):
    """A supervisor profile's life cycle: the person confirms their e-mail, staff decide."""

    UNCONFIRMED = "unconfirmed"  # signed up (or registered by a colleague); mail not confirmed
    PENDING = "pending"          # confirmed; waiting for staff to approve or decline
    APPROVED = "approved"        # may log in and take placements
    DECLINED = "declined"        # staff said no, with a reason
    DEACTIVATED = "deactivated"  # was approved; no longer takes placements

    @classmethod
    def _labels(cls):
        return {
            cls.UNCONFIRMED: _l("E-mail not confirmed"),
            cls.PENDING: _l("Waiting for approval"),
            cls.APPROVED: _l("Approved"),
            cls.DECLINED: _l("Declined"),
            cls.DEACTIVATED: _l("Deactivated"),
        }


OPEN_STATUSES = frozenset({SupervisorStatus.UNCONFIRMED, SupervisorStatus.PENDING})
