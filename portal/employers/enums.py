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


# --- hiring needs --------------------------------------------------------------------

class NeedTimeframe(LabelledEnum):
    NOW = "now"
    WITHIN_3_MONTHS = "within_3_months"
    MONTHS_3_12 = "months_3_12"

    @classmethod
    def _labels(cls):
        return {
            cls.NOW: _l("Now"),
            cls.WITHIN_3_MONTHS: _l("Within 3 months"),
            cls.MONTHS_3_12: _l("In 3–12 months"),
        }


class EmploymentForm(LabelledEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    HOURLY = "hourly"
    SUBSIDISED = "subsidised"

    @classmethod
    def _labels(cls):
        return {
            cls.PERMANENT: _l("Permanent"),
            cls.FIXED_TERM: _l("Fixed-term"),
            cls.HOURLY: _l("Hourly, as needed"),
            cls.SUBSIDISED: _l("Subsidised employment"),
        }


class SwedishLevel(LabelledEnum):
    NONE = "none"
    BASIC = "basic"
    GOOD = "good"
    FLUENT = "fluent"

    @classmethod
    def _labels(cls):
        return {
            cls.NONE: _l("Not needed"),
            cls.BASIC: _l("Basic: simple instructions and everyday phrases"),
            cls.GOOD: _l("Good: talks with customers or colleagues"),
            cls.FLUENT: _l("Fluent: writes reports or documentation"),
        }


class DrivingLicence(LabelledEnum):
    NONE = "none"
    B = "B"
    BE = "BE"
    C = "C"
    CE = "CE"
    D = "D"

    @classmethod
    def _labels(cls):
        return {
            cls.NONE: _l("Not needed"),
            cls.B: _l("B (car)"),
            cls.BE: _l("BE (car with trailer)"),
            cls.C: _l("C (heavy lorry)"),
            cls.CE: _l("CE (heavy lorry with trailer)"),
            cls.D: _l("D (bus)"),
        }


class PhysicalDemands(LabelledEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    HEAVY = "heavy"

    @classmethod
    def _labels(cls):
        return {
            cls.LIGHT: _l("Light: mostly sitting or walking"),
            cls.MODERATE: _l("Moderate: on one's feet, some lifting"),
            cls.HEAVY: _l("Heavy: heavy lifting or strain"),
        }


class NeedStatus(LabelledEnum):
    OPEN = "open"
    FILLED = "filled"
    ARCHIVED = "archived"

    @classmethod
    def _labels(cls):
        return {cls.OPEN: _l("Open"), cls.FILLED: _l("Filled"), cls.ARCHIVED: _l("Archived")}
