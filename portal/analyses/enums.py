from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class AnalysisState(LabelledEnum):
    """Where an analysis stands, derived from its versions (see NeedsAnalysis.state)."""

    DRAFT = "draft"          # never finalised; the employer sees nothing yet
    FINAL = "final"          # the latest version is final
    REVISING = "revising"    # final, and staff are drafting the next version

    @classmethod
    def _labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.FINAL: _l("Final"),
            cls.REVISING: _l("Final, new version in draft"),
        }


class RecommendedAction(LabelledEnum):
    """The unit's offers an analysis can recommend (the request kinds, as measures)."""

    RECRUITMENT_EVENT = "recruitment_event"
    TAILORED_COURSE = "tailored_course"
    PLACEMENTS = "placements"
    MENTOR_TRAINING = "mentor_training"

    @classmethod
    def _labels(cls):
        return {
            cls.RECRUITMENT_EVENT: _l("Recruitment event"),
            cls.TAILORED_COURSE: _l("Tailored short course"),
            cls.PLACEMENTS: _l("Placements"),
            cls.MENTOR_TRAINING: _l("Mentor training"),
        }


# A request of this kind suggests this action when an analysis is started from it.
ACTION_FOR_KIND = {
    "recruitment_event": RecommendedAction.RECRUITMENT_EVENT,
    "tailored_course": RecommendedAction.TAILORED_COURSE,
    "placement": RecommendedAction.PLACEMENTS,
    "mentor_training": RecommendedAction.MENTOR_TRAINING,
}


class ResponseKind(LabelledEnum):
    CONFIRMED = "confirmed"
    COMMENTED = "commented"

    @classmethod
    def _labels(cls):
        return {
            cls.CONFIRMED: _l("Confirmed"),
            cls.COMMENTED: _l("Commented"),
        }
