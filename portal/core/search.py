"""Free-text search helpers shared by the lists."""

from __future__ import annotations


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE/ILIKE with ``escape="\\"``: a typed % or _ matches itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
