"""Organisation numbers: Swedish organisationsnummer, a sole trader's
personnummer, and Danish CVR, validated with python-stdnum."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.dk import cvr
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr, personnummer


class InvalidNumber(ValueError):
    pass


@dataclass(frozen=True)
class OrgNumber:
    country: str
    number: str  # normalised digits
    sole_trader: bool = False


def parse(country: str, raw: str) -> OrgNumber:
    raw = (raw or "").strip()
    if not raw or len(raw) > 20:
        raise InvalidNumber(raw)
    if country == "DK":
        try:
            return OrgNumber("DK", cvr.validate(raw))
        except ValidationError as exc:
            raise InvalidNumber(raw) from exc
    if country != "SE":
        raise InvalidNumber(raw)
    compact = raw.replace("-", "").replace(" ", "").replace("+", "")
    # A legal entity's number has 20 or more as its middle pair; anything
    # else that validates is a sole trader's personnummer.
    if len(compact) == 10 and compact.isdigit() and int(compact[2:4]) >= 20:
        try:
            return OrgNumber("SE", orgnr.validate(compact))
        except ValidationError as exc:
            raise InvalidNumber(raw) from exc
    try:
        personnummer.validate(raw)
        birth = personnummer.get_birth_date(raw)
    except (ValidationError, ValueError) as exc:
        raise InvalidNumber(raw) from exc
    # Keep the century, so the number never drifts as python-stdnum guesses it.
    digits = personnummer.compact(raw).replace("-", "").replace("+", "")
    return OrgNumber("SE", f"{birth.year:04d}{digits[-8:]}", sole_trader=True)


def format_number(country: str, number: str) -> str:
    if country == "DK":
        return number
    if len(number) == 12:
        return f"{number[:8]}-{number[8:]}"
    return f"{number[:6]}-{number[6:]}"
