"""What a person reads when a service refuses: a translated sentence for each stable error code
the web pages meet, and the service's own message for any other code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tandem.core.errors import DomainError

MESSAGES = {
    "stale_version": _(
        "Someone else changed this while you were editing it. The page now shows their change; "
        "apply yours again if it is still needed."
    ),
    "last_admin": _("An organization keeps at least one active administrator."),
    "permission_denied": _("Your role does not allow this."),
    "not_found": _("This page does not exist, or it is not yours to see."),
}


def message_for(error: DomainError) -> str:
    message = MESSAGES.get(error.code)
    return str(message) if message is not None else error.message
