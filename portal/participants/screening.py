"""The screening conversation guide: a few questions per sector, asked at the first meeting
to make the participant's sector profile ("brancheprofil", Helsingør's practice).

Shipped for the five sectors Helsingør recruits for; the answers are not stored, only
the sectors the person fits and a short note (collect only what the work needs).
"""

from __future__ import annotations

import zlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.employers.enums import Sector
from portal.extensions import db
from portal.participants.models import ScreeningQuestion

MAX_QUESTIONS = 10
MAX_LENGTH = 300

GUIDE: dict[Sector, list] = {
    Sector.RETAIL: [
        _l("Are you comfortable talking with customers all day, also in Swedish?"),
        _l("Can you stand and walk most of the shift and lift goods up to 15 kg?"),
        _l("Can you work evenings and weekends?"),
    ],
    Sector.KITCHEN: [
        _l("Have you worked in a kitchen or canteen, at home or in another country?"),
        _l("Can you keep up a fast pace and work standing, with heat and wet floors?"),
        _l("Do you know, or want to learn, the basic rules of food hygiene?"),
    ],
    Sector.CLEANING: [
        _l("Can you work early mornings or evenings, alone or in a small team?"),
        _l("Can you handle cleaning chemicals (no allergies or skin problems)?"),
        _l("Can you follow a written or pictured work order?"),
    ],
    Sector.CARE: [
        _l("Do you want to help people with personal care: washing, dressing, meals?"),
        _l("Can you lift and move people with the help of aids?"),
        _l("Can you talk with the people you care for and write short notes in Swedish?"),
    ],
    Sector.TRANSPORT: [
        _l("Which driving licence do you have, and for how long?"),
        _l("Can you work early, late or irregular hours?"),
        _l("Can you load and unload goods?"),
    ],
}


def stored() -> dict[str, list[str]]:
    rows = db.session.scalars(select(ScreeningQuestion)
                              .order_by(ScreeningQuestion.sector, ScreeningQuestion.position))
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.sector, []).append(row.text)
    return found


def guide() -> dict[Sector, list[str]]:
    """The questions per sector as staff see them: an admin's own wording where a sector
    has been edited, else the shipped questions in the reader's language."""
    own = stored()
    result: dict[Sector, list[str]] = {}
    for sector in Sector:
        questions = own.get(sector.value) or [str(q) for q in GUIDE.get(sector, [])]
        if questions:
            result[sector] = questions
    return result


def fingerprint(sector: Sector) -> str:
    """A short number that changes whenever the sector's questions change, so an admin
    saving over someone else's newer wording is told (as a record's version would)."""
    text = "\n".join(stored().get(sector.value, []))
    return str(zlib.crc32(text.encode()) % 1_000_000_000)


def parse(raw: str) -> list[str]:
    """One question per line; blank lines skipped."""
    return [line.strip() for line in (raw or "").splitlines() if line.strip()]


def save(sector: Sector, questions: list[str], *, actor: User,
         expected: str | None = None) -> None:
    if expected is not None and expected != fingerprint(sector):
        raise ConflictError(_("Someone else changed these questions while you had the page "
                              "open. Look at them again, then make your change."))
    if not questions:
        raise DomainError(_("Write at least one question, one per line."), "questions")
    if len(questions) > MAX_QUESTIONS:
        raise DomainError(_("Use at most %(max)d questions.", max=MAX_QUESTIONS), "questions")
    if any(len(q) > MAX_LENGTH for q in questions):
        raise DomainError(_("Keep each question to at most %(max)d characters.",
                            max=MAX_LENGTH), "questions")
    before = guide().get(sector, [])
    db.session.execute(delete(ScreeningQuestion).where(ScreeningQuestion.sector == sector))
    db.session.add_all(ScreeningQuestion(sector=sector.value, position=i, text=q,
                                         updated_by_id=actor.id)
                       for i, q in enumerate(questions))
    db.session.flush()
    audit.record("screening.changed", object_type="screening_questions", actor=actor,
                 changes={"sector": sector.value, "questions": (before, questions)})


def restore(sector: Sector, *, actor: User) -> None:
    """Back to the shipped questions (translated again for each reader)."""
    before = stored().get(sector.value, [])
    if not before:
        return
    db.session.execute(delete(ScreeningQuestion).where(ScreeningQuestion.sector == sector))
    audit.record("screening.restored", object_type="screening_questions", actor=actor,
                 changes={"sector": sector.value, "questions": (before, None)})
