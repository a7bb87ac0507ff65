"""Which answers each kind of request asks for, and how to show them.

One table drives the forms' "required" marks, the completeness check on
submission, the detail pages and the "what changed since last submission" diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from portal.requests.enums import (
    MentorTopic,
    PlacementType,
    RequestKind,
    SupervisorStatus,
    Venue,
)

LABELS = {
    "roles": _l("Roles"),
    "headcount": _l("Number of people"),
    "period_start": _l("From"),
    "period_end": _l("To"),
    "venue": _l("Where"),
    "languages": _l("Languages"),
    "employer_contribution": _l("What you will do at the event"),
    "skill": _l("Skill or occupation to train for"),
    "max_weeks": _l("Acceptable course length (weeks)"),
    "guaranteed_interviews": _l("We guarantee interviews"),
    "hires": _l("Number of people we intend to hire"),
    "hosts_practical": _l("We can host the practical part"),
    "preferred_start": _l("Preferred start"),
    "placement_type": _l("Type of placement"),
    "tasks": _l("Tasks"),
    "hours_per_week": _l("Hours per week"),
    "workplace_address": _l("Workplace address"),
    "supervisor_status": _l("Supervisor at the workplace"),
    "supervisor_name": _l("Supervisor's name and role"),
    "topics": _l("Topics"),
    "details": _l("Anything else"),
    "needs": _l("Hiring needs this request is about"),
}

# Per-kind labels where the general one would mislead.
KIND_LABELS = {
    RequestKind.RECRUITMENT_EVENT: {
        "roles": _l("Roles to recruit for"),
        "headcount": _l("Number of vacancies"),
        "period_start": _l("Preferred period, from"),
        "period_end": _l("Preferred period, to"),
        "languages": _l("Languages that are useful in the job"),
    },
    RequestKind.TAILORED_COURSE: {
        "roles": _l("Roles the course leads to"),
        "headcount": _l("Number of people you want trained"),
    },
    RequestKind.PLACEMENT: {
        "roles": _l("Role"),
        "headcount": _l("Number of places"),
        "period_start": _l("Period, from"),
        "period_end": _l("Period, to"),
    },
    RequestKind.MENTOR_TRAINING: {
        "headcount": _l("How many of your staff"),
        "period_start": _l("Preferred dates, from"),
        "period_end": _l("Preferred dates, to"),
    },
}


@dataclass(frozen=True)
class Spec:
    name: str
    required: bool = False


KIND_FIELDS: dict[RequestKind, tuple[Spec, ...]] = {
    RequestKind.RECRUITMENT_EVENT: (
        Spec("roles", True), Spec("headcount", True), Spec("period_start", True),
        Spec("period_end"), Spec("venue", True), Spec("languages"),
        Spec("employer_contribution", True), Spec("details"),
    ),
    RequestKind.TAILORED_COURSE: (
        Spec("skill", True), Spec("roles"), Spec("headcount", True), Spec("max_weeks", True),
        Spec("guaranteed_interviews"), Spec("hires"), Spec("hosts_practical"),
        Spec("preferred_start", True), Spec("details"),
    ),
    RequestKind.PLACEMENT: (
        Spec("placement_type", True), Spec("roles", True), Spec("tasks", True),
        Spec("headcount", True), Spec("period_start", True), Spec("period_end", True),
        Spec("hours_per_week", True), Spec("workplace_address", True),
        Spec("supervisor_status", True), Spec("supervisor_name"), Spec("details"),
    ),
    RequestKind.MENTOR_TRAINING: (
        Spec("headcount", True), Spec("period_start", True), Spec("period_end"),
        Spec("venue", True), Spec("topics", True), Spec("details"),
    ),
}

ENUMS = {"venue": Venue, "placement_type": PlacementType,
         "supervisor_status": SupervisorStatus}

# Every column any kind may set, for copying form data onto a request.
ALL_FIELDS = tuple(dict.fromkeys(s.name for specs in KIND_FIELDS.values() for s in specs))
BOOLEAN_FIELDS = frozenset({"guaranteed_interviews", "hosts_practical"})
TEXT_FIELDS = frozenset({"roles", "languages", "employer_contribution", "skill", "tasks",
                         "workplace_address", "supervisor_name", "details"})


def names(kind: RequestKind) -> tuple[str, ...]:
    return tuple(s.name for s in KIND_FIELDS[kind])


def required(kind: RequestKind) -> frozenset[str]:
    return frozenset(s.name for s in KIND_FIELDS[kind] if s.required)


def label(kind: RequestKind, name: str) -> str:
    return str(KIND_LABELS.get(kind, {}).get(name) or LABELS[name])


def plain(value):
    """A JSON-friendly form of a column value (for snapshots and audit)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def display(name: str, value) -> str:
    """A column value as a person reads it, in the current language."""
    if value is None or value == "" or value == []:
        return "–"
    if name in BOOLEAN_FIELDS:
        return str(_l("Yes")) if value else str(_l("No"))
    if name in ENUMS:
        try:
            return ENUMS[name](value).label
        except ValueError:
            return str(value)
    if name == "topics":
        out = []
        for v in value:
            try:
                out.append(MentorTopic(v).label)
            except ValueError:
                out.append(str(v))
        return ", ".join(out)
    if isinstance(value, str) and name in ("period_start", "period_end", "preferred_start"):
        value = date.fromisoformat(value)
    if isinstance(value, date):
        return format_date(value, "long")
    return str(value)


def rows(req) -> list[tuple[str, str, str]]:
    """(field name, label, shown value) for the request's kind, in form order."""
    kind = req.kind_enum
    return [(n, label(kind, n), display(n, getattr(req, n))) for n in names(kind)]
