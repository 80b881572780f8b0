"""Domain errors with stable codes.

Services raise these; one place per edge maps them: the API (``tandem.config.api``) to a JSON
``{"detail", "code"}`` response with the status below, the web views to form errors or messages,
and the CLI to a message on stderr and the exit code below.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    exit_code: ClassVar[int] = 1
    default_code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details


class BadRequest(DomainError):
    """The request cannot be read at all (not JSON, say), before any field is looked at."""

    status = 400
    exit_code = 2
    default_code = "bad_request"


class ValidationError(DomainError):
    status = 422
    exit_code = 2
    default_code = "invalid"


class NotFound(DomainError):
    """Also raised for objects outside the actor's scope, so both look the same."""

    status = 404
    exit_code = 3
    default_code = "not_found"


class PermissionDenied(DomainError):
    """The object is visible to the actor, but the action is not theirs to take."""

    status = 403
    exit_code = 4
    default_code = "permission_denied"


class NotAuthenticated(DomainError):
    status = 401
    exit_code = 4
    default_code = "not_authenticated"


class Conflict(DomainError):
    status = 409
    exit_code = 5
    default_code = "conflict"


class StaleVersion(Conflict):
    default_code = "stale_version"


class Throttled(DomainError):
    status = 429
    exit_code = 6
    default_code = "throttled"
