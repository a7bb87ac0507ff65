from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Role(LabelledEnum):
    """Site-wide role. Employer users get their per-organisation role from Membership."""

    EMPLOYER = "employer"
    SUPERVISOR = "supervisor"  # an account made for an approved workplace supervisor
    STAFF = "staff"
    STAFF_MANAGER = "staff_manager"
    ADMIN = "admin"

    @classmethod
    def _labels(cls):
        return {
            cls.EMPLOYER: _l("Employer user"),
            cls.SUPERVISOR: _l("Supervisor"),
            cls.STAFF: _l("Staff"),
            cls.STAFF_MANAGER: _l("Staff manager"),
            cls.ADMIN: _l("Administrator"),
        }


STAFF_ROLES = frozenset({Role.STAFF, Role.STAFF_MANAGER, Role.ADMIN})


class NotifyByMail(LabelledEnum):
    """Staff: whether notifications (a request given to you, an employer writing)
    also come by mail. They always show in the portal."""

    EACH = "each"  # a mail each time (the default)
    NONE = "none"  # only in the portal

    @classmethod
    def _labels(cls):
        return {
            cls.EACH: _l("A mail each time, and in the portal"),
            cls.NONE: _l("Only in the portal, no mail"),
        }
