"""A StrEnum with translated labels, the base of every enum shown to users."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """Subclasses define ``_labels()`` returning {member: lazy_gettext(...)}."""

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @property
    def label(self) -> str:
        return str(self._labels().get(self, self.value))

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
