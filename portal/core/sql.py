"""SQL expressions that differ between SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.extensions import db


def on_postgresql() -> bool:
    """The session's database is PostgreSQL (else the embedded SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def days_between(later, earlier):
    """``later - earlier`` in days (fractional for timestamps), as SQL, on either database."""
    if on_postgresql():
        return func.extract("epoch", later - earlier) / 86400
    return func.julianday(later) - func.julianday(earlier)


class year_month(FunctionElement):
    """A date's month as 'YYYY-MM' text, for grouping by month."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(year_month)
def _year_month_sqlite(element, compiler, **kw):
    # SQLite's driver uses ? parameters, so the per cent signs go through as written.
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"

