"""Domain errors raised by services and turned into form errors by views."""


class DomainError(Exception):
    """A rule was broken; ``field`` names the form field to attach it to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the record since this user loaded it."""


class PermissionDenied(Exception):
    pass
