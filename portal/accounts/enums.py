from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Role(LabelledEnum):
    """Site-wide role. Employer users get their per-organisation role from Membership."""

    EMPLOYER = "employer"
    STAFF = "staff"
    STAFF_MANAGER = "staff_manager"
    ADMIN = "admin"

    @classmethod
    def _labels(cls):
        return {
            cls.EMPLOYER: _l("Employer user"),
            cls.STAFF: _l("Staff"),
            cls.STAFF_MANAGER: _l("Staff manager"),
            cls.ADMIN: _l("Administrator"),
        }


STAFF_ROLES = frozenset({Role.STAFF, Role.STAFF_MANAGER, Role.ADMIN})
