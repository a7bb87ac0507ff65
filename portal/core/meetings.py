"""What recruitment events and mentor training sessions share: a day, a start and an end
time, a place and/or an online link; their checks and their calendar file."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from portal.core.errors import DomainError
from portal.core.models import utcnow


def is_web_link(value: str) -> bool:
    """An http(s) address with a host: what an online meeting's link must be."""
    if not value or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_when_and_where(values: dict, *, date_field: str, ends_message: str) -> None:
    """The day, times, place and link of a meeting, each error on its field.
    ``ends_message`` says, in the meeting's own words, that it must end after it starts."""
    if not isinstance(values.get(date_field), date):
        raise DomainError(_("Enter the date."), date_field)
    start, end = values.get("start_time"), values.get("end_time")
    if not isinstance(start, time):
        raise DomainError(_("Enter the start time."), "start_time")
    if not isinstance(end, time):
        raise DomainError(_("Enter the end time."), "end_time")
    if end <= start:
        raise DomainError(ends_message, "end_time")
    if not values.get("location") and not values.get("online_url"):
        raise DomainError(_("Give the place, the link for taking part online, or both."),
                          "location")
    if values.get("online_url") and not is_web_link(values["online_url"]):
        raise DomainError(_("Enter a web address starting with https:// or http://."),
                          "online_url")


def local_start_end(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The meeting's wall-clock times as aware datetimes in the portal's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone))


def ics(*, product: str, uid: str, title: str, day: date, start: time, end: time,
        location: str, online_url: str, details: list, cancelled: bool) -> bytes:
    """One meeting as an RFC 5545 calendar file in the portal's time zone. Only the
    meeting's own facts go in: never who takes part."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    cal = Calendar()
    cal.add("prodid", f"-//Arbetsgivarportalen//{product}//SV")
    cal.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", datetime.now(tz=utcnow().tzinfo))
    entry.add("summary", title)
    starts, ends = local_start_end(day, start, end)
    entry.add("dtstart", starts)
    entry.add("dtend", ends)
    entry.add("location", " – ".join(p for p in (location, online_url) if p))
    if online_url:
        entry.add("url", online_url)
        details = [*details, _("Online: %(link)s", link=online_url)]
    entry.add("description", "\n".join(str(d) for d in details if d))
    if cancelled:
        entry.add("status", "CANCELLED")
    cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical()
