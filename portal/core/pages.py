"""A page of rows for the pager macro (templates/macros/lists.html), for lists whose rows
are tuples rather than one model (Flask-SQLAlchemy's paginate returns scalars only)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate_rows(query, page: int, per_page: int) -> Page:
    """Two queries: the count, and one page of rows (``query`` must be ordered)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, min(page, max(1, math.ceil((total or 0) / per_page))))
    items = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all())
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
