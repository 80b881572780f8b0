"""The Account Manager's records: clients, contacts, needs, interactions, client issues with
their SLA clocks, satisfaction surveys and client health."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TenantModel, User


class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    KEY = "key", _("Key")
    STANDARD = "standard", _("Standard")


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    FORMER = "former", _("Former")


class ContactRole(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    BILLING = "billing", _("Billing")
    TECHNICAL = "technical", _("Technical")
    OTHER = "other", _("Other")


class NeedPriority(models.TextChoices):
    MUST = "must", _("Must")
    SHOULD = "should", _("Should")
    COULD = "could", _("Could")


class NeedSource(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    RFP = "rfp", _("RFP")
    CALL = "call", _("Call")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    CAPTURED = "captured", _("Captured")
    AGREED = "agreed", _("Agreed")
    IN_SCOPE = "in_scope", _("In scope")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")
    DROPPED = "dropped", _("Dropped")


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    NOTE = "note", _("Note")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class IssueStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CLIENT = "waiting_on_client", _("Waiting on client")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class IssueChannel(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Logged by the account manager")
    EMAIL = "email", _("From a contact's email")
    PORTAL = "portal", _("Client portal")


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("CSAT")
    NPS = "nps", _("NPS")


class ClientTag(TenantModel):
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="clients_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Client(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=32, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    status = models.CharField(
        _("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.PROSPECT
    )
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_clients",
        verbose_name=_("account manager"),
    )
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(ClientTag, blank=True, related_name="clients")
    language = models.CharField(_("language"), max_length=8, default="en")
    # Days between contacts before the client counts as quiet; empty = the tier's default.
    cadence_days = models.PositiveSmallIntegerField(_("contact cadence (days)"), null=True,
                                                    blank=True)
    # Kept up to date by the interaction services, so lists and the dashboard need no aggregate.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    health_score = models.PositiveSmallIntegerField(null=True, blank=True)
    health_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("client")
        ordering: ClassVar[list[str]] = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tax_code"], condition=~Q(tax_code=""),
                name="clients_client_tax_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(health_score__isnull=True) | Q(health_score__lte=100),
                name="clients_client_health_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "owner"], name="clients_client_owner_idx"),
            models.Index(fields=["organization", "name"], name="clients_client_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=ContactRole.choices, default=ContactRole.OTHER
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("contact")
        ordering: ClassVar[list[str]] = ["-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(is_primary=True),
                name="clients_contact_one_primary",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Need(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=NeedPriority.choices, default=NeedPriority.SHOULD
    )
    source = models.CharField(
        _("source"), max_length=16, choices=NeedSource.choices, default=NeedSource.MEETING
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.CAPTURED
    )
    dropped_reason = models.TextField(_("reason dropped"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("need")
        ordering: ClassVar[list[str]] = ["client_id", "status", "-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="clients_need_dropped_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NeedLink(TenantModel):
    """What serves a need: a scope item, a task, a deliverable... of any later app, named by its
    model label (``projects.task``) and id, so a need can be served by many things."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("need link")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "target_type", "target_id"], name="clients_needlink_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "target_type", "target_id"],
                         name="clients_needlink_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.target_type}#{self.target_id}"


class Interaction(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions")
    participants = models.ManyToManyField(User, blank=True, related_name="client_interactions")
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("interaction")
        ordering: ClassVar[list[str]] = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "client", "-occurred_at"],
                         name="clients_interaction_recent_idx"),
            models.Index(fields=["organization", "follow_up_on"],
                         name="clients_interaction_follow_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class AccountSettings(TenantModel):
    """Per-organization rules of the AM side: contact cadence per tier, business hours for SLAs."""

    strategic_cadence_days = models.PositiveSmallIntegerField(default=7)
    key_cadence_days = models.PositiveSmallIntegerField(default=14)
    standard_cadence_days = models.PositiveSmallIntegerField(default=30)
    business_day_start = models.TimeField(default="08:30")
    business_day_end = models.TimeField(default="17:30")
    holiday_country = models.CharField(max_length=2, default="VN")
    sla_warning_percent = models.PositiveSmallIntegerField(default=80)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("account settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="clients_settings_one_per_org"),
            models.CheckConstraint(condition=Q(business_day_start__lt=models.F("business_day_end")),
                                   name="clients_settings_business_hours_order"),
        ]

    def __str__(self) -> str:
        return f"Account settings of {self.organization_id}"


class SlaTarget(TenantModel):
    """First-response and resolution targets, in business minutes, for a severity and tier."""

    severity = models.CharField(max_length=16, choices=Severity.choices)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("SLA target")
        constraints = [
            models.UniqueConstraint(fields=["organization", "severity", "tier"],
                                    name="clients_sla_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.severity}/{self.tier}"


class ClientIssue(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.NEW
    )
    channel = models.CharField(
        max_length=20, choices=IssueChannel.choices, default=IssueChannel.ACCOUNT_MANAGER
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="owned_client_issues")
    raised_by = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="raised_issues")
    # The affected project, once projects exist: its model label and id.
    project_ref = models.CharField(max_length=64, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA clocks: due dates move later by the business time spent waiting on the client.
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    response_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("client issue")
        ordering: ClassVar[list[str]] = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "client", "status"],
                         name="clients_issue_client_idx"),
            models.Index(fields=["organization", "status", "resolution_due_at"],
                         name="clients_issue_sla_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class IssueEvent(TenantModel):
    """One line of a client issue's timeline: every change, who made it and when."""

    issue = models.ForeignKey(ClientIssue, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("issue event")
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Survey(TenantModel):
    """A CSAT or NPS question sent as a signed, single-use link; answered once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="surveys")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True,
                                related_name="surveys")
    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    issue = models.ForeignKey(ClientIssue, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="surveys")
    period = models.CharField(max_length=8, blank=True, help_text="Quarter of an NPS, 2026-Q4")
    token_digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey")
        ordering: ClassVar[list[str]] = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(kind="csat", score__gte=1, score__lte=5)
                | Q(kind="nps", score__lte=10),
                name="clients_survey_score_range",
            ),
            models.UniqueConstraint(
                fields=["organization", "client", "contact", "period"],
                condition=Q(kind="nps"), name="clients_survey_one_nps_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.client_id}"


class HealthSnapshot(TenantModel):
    """A computed health score with the factors that moved it; history shows the trend."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="health_history")
    computed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField()
    factors = models.JSONField(default=list)

    class Meta:
        verbose_name = _("health snapshot")
        ordering: ClassVar[list[str]] = ["-computed_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "client", "-computed_at"],
                         name="clients_health_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.score} at {self.computed_at:%Y-%m-%d}"
