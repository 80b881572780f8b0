"""The in-app inbox: reminders and alerts addressed to one person."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TenantModel, User


class Notification(TenantModel):
    """One message in a person's inbox. ``dedupe_key`` makes a daily job idempotent: the same
    reminder for the same thing on the same day is raised once, however often the job runs."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "dedupe_key"],
                name="notifications_dedupe_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "read_at", "-created_at"],
                name="notifications_inbox_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title
