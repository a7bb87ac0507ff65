from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class NotificationKind(LabelledEnum):
    REQUEST_ASSIGNED = "request_assigned"
    REQUEST_MESSAGE = "request_message"
    REQUEST_RESUBMITTED = "request_resubmitted"

    @classmethod
    def _labels(cls):
        return {
            cls.REQUEST_ASSIGNED: _l("Given to you"),
            cls.REQUEST_MESSAGE: _l("New message"),
            cls.REQUEST_RESUBMITTED: _l("Sent in again"),
        }
