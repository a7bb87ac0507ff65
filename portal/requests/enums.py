from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class RequestKind(LabelledEnum):
    """Härryda's four offers to employers, in their order."""

    RECRUITMENT_EVENT = "recruitment_event"
    TAILORED_COURSE = "tailored_course"
    PLACEMENT = "placement"
    MENTOR_TRAINING = "mentor_training"

    @classmethod
    def _labels(cls):
        return {
            cls.RECRUITMENT_EVENT: _l("Recruitment event"),
            cls.TAILORED_COURSE: _l("Tailored short course"),
            cls.PLACEMENT: _l("Intern or placement"),
            cls.MENTOR_TRAINING: _l("Mentor training"),
        }

    @property
    def question(self) -> str:
        return str({
            self.RECRUITMENT_EVENT: _l("Need to recruit? We arrange a recruitment event."),
            self.TAILORED_COURSE: _l("Need a skill that takes a short course? We start a "
                                     "tailored course."),
            self.PLACEMENT: _l("Want future staff? We arrange an intern: you test, train and "
                               "gain a resource."),
            self.MENTOR_TRAINING: _l("Unsure how to receive someone from another background? "
                                     "We arrange mentor training."),
        }[self])


class RequestState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.SUBMITTED: _l("Submitted"),
            cls.IN_REVIEW: _l("In review"),
            cls.NEEDS_INFO: _l("Needs more information"),
            cls.IN_PROGRESS: _l("In progress"),
            cls.COMPLETED: _l("Completed"),
            cls.DECLINED: _l("Declined"),
            cls.WITHDRAWN: _l("Withdrawn"),
        }

    @property
    def next_step(self) -> str:
        """What happens next, as the employer should read it."""
        return str({
            self.DRAFT: _l("Complete the request and submit it."),
            self.SUBMITTED: _l("We will look at your request and get back to you."),
            self.IN_REVIEW: _l("A coordinator is reviewing your request."),
            self.NEEDS_INFO: _l("Complete the fields we commented on and submit again."),
            self.IN_PROGRESS: _l("We are working on it together with you."),
            self.COMPLETED: _l("Done."),
            self.DECLINED: _l("The request was declined; the reason is on the request."),
            self.WITHDRAWN: _l("You withdrew the request."),
        }[self])


# Named groups, so code never lists states by hand.
OPEN_STATES = frozenset({RequestState.SUBMITTED, RequestState.IN_REVIEW,
                         RequestState.NEEDS_INFO, RequestState.IN_PROGRESS})
FINAL_STATES = frozenset({RequestState.COMPLETED, RequestState.DECLINED,
                          RequestState.WITHDRAWN})
EDITABLE_STATES = frozenset({RequestState.DRAFT, RequestState.NEEDS_INFO})


class Venue(LabelledEnum):
    WORKPLACE = "workplace"
    MUNICIPALITY = "municipality"

    @classmethod
    def _labels(cls):
        return {cls.WORKPLACE: _l("At our workplace"),
                cls.MUNICIPALITY: _l("At the municipality")}


class PlacementType(LabelledEnum):
    INTERNSHIP = "internship"
    SUBSIDISED_JOB = "subsidised_job"
    LABOUR_MARKET_EMPLOYMENT = "labour_market_employment"

    @classmethod
    def _labels(cls):
        return {
            cls.INTERNSHIP: _l("Internship (praktik)"),
            cls.SUBSIDISED_JOB: _l("Subsidised job (beredskapsjobb, lönebidrag)"),
            cls.LABOUR_MARKET_EMPLOYMENT: _l("Labour-market employment"),
        }


class SupervisorStatus(LabelledEnum):
    TRAINED = "trained"
    UNTRAINED = "untrained"
    WANTED = "wanted"

    @classmethod
    def _labels(cls):
        return {
            cls.TRAINED: _l("Yes, we have a trained supervisor"),
            cls.UNTRAINED: _l("We have someone who would need supervisor training"),
            cls.WANTED: _l("No, we want help to find or train one"),
        }


class MentorTopic(LabelledEnum):
    RECEIVING_NEWCOMERS = "receiving_newcomers"
    LANGUAGE_SUPPORT = "language_support"
    SUPERVISING_INTERN = "supervising_intern"

    @classmethod
    def _labels(cls):
        return {
            cls.RECEIVING_NEWCOMERS: _l("Receiving newcomers at the workplace"),
            cls.LANGUAGE_SUPPORT: _l("Language support at work"),
            cls.SUPERVISING_INTERN: _l("Supervising an intern"),
        }
