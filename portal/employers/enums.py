from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Sector(LabelledEnum):
    RETAIL = "retail"
    KITCHEN = "kitchen"
    CLEANING = "cleaning"
    CARE = "care"
    TRANSPORT = "transport"
    MANUFACTURING = "manufacturing"
    WAREHOUSE = "warehouse"
    CONSTRUCTION = "construction"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.RETAIL: _l("Retail"),
            cls.KITCHEN: _l("Kitchen and canteen"),
            cls.CLEANING: _l("Cleaning"),
            cls.CARE: _l("Health and social care"),
            cls.TRANSPORT: _l("Transport"),
            cls.MANUFACTURING: _l("Manufacturing"),
            cls.WAREHOUSE: _l("Warehouse and logistics"),
            cls.CONSTRUCTION: _l("Construction"),
            cls.OTHER: _l("Other"),
        }


class SizeBand(LabelledEnum):
    MICRO = "1-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250+"

    @classmethod
    def _labels(cls):
        return {
            cls.MICRO: _l("1–9 employees"),
            cls.SMALL: _l("10–49 employees"),
            cls.MEDIUM: _l("50–249 employees"),
            cls.LARGE: _l("250 or more employees"),
        }


class Country(LabelledEnum):
    SE = "SE"
    DK = "DK"

    @classmethod
    def _labels(cls):
        return {cls.SE: _l("Sweden"), cls.DK: _l("Denmark")}


class OrgRole(LabelledEnum):
    MEMBER = "member"
    ADMIN = "admin"

    @classmethod
    def _labels(cls):
        return {cls.MEMBER: _l("Member"), cls.ADMIN: _l("Organisation administrator")}


class MembershipStatus(LabelledEnum):
    PENDING = "pending"  # asked to join; the organisation's admin decides
    ACTIVE = "active"
    DECLINED = "declined"
    REMOVED = "removed"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Awaiting approval"),
            cls.ACTIVE: _l("Active"),
            cls.DECLINED: _l("Declined"),
            cls.REMOVED: _l("Removed"),
        }
