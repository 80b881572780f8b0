"""Satisfaction surveys: CSAT after a client issue is resolved, NPS per client per quarter.

A survey goes out as a single-use link that needs no sign-in. The link carries a random
32-byte token; only its SHA-256 digest is stored, so a copy of the database cannot answer
surveys. The email leaves after the transaction commits; the answer is recorded once, with a
conditional update, and audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tandem.clients.access import ensure_can_edit_client
from tandem.clients.models import (
    Client,
    ClientIssue,
    ClientStatus,
    Contact,
    IssueStatus,
    Survey,
    SurveyKind,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, NotFound, ValidationError

logger = logging.getLogger("tandem.clients.surveys")

SURVEY_VALID_DAYS = 30
SCORE_RANGE = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}
MAX_COMMENT_LENGTH = 4000
RESOLVED = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})


def quarter_of(moment: dt.datetime | dt.date) -> str:
    """``2026-Q2`` for any day of April to June 2026 (in the installation's time zone)."""
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_link(token: str) -> str:
    base = settings.TANDEM_BASE_URL
    return base.rstrip("/") + reverse("clients:survey_answer", kwargs={"token": token})


def survey_send(
    *,
    actor: Actor,
    client: Client,
    kind: SurveyKind | str,
    contact: Contact | None,
    issue: ClientIssue | None = None,
    period: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Survey, str]:
    """Create a survey for ``contact`` and email them its link; returns the survey and the token
    (which is not stored; the caller only needs it in tests and for the email)."""
    if client.organization_id != actor.organization.pk:
        raise NotFound("Client not found.")
    ensure_can_edit_client(actor, client)
    kind = _clean_kind(kind)
    contact = contact or _primary_contact(client)
    if contact is None or contact.client_id != client.pk:
        raise ValidationError("Choose a contact of this client.", code="invalid_contact")
    if not contact.email:
        raise ValidationError("The contact has no email address to send the survey to.",
                              code="contact_without_email")
    if issue is not None and issue.client_id != client.pk:
        raise ValidationError("The issue belongs to another client.", code="invalid_issue")
    if kind == SurveyKind.NPS:
        if issue is not None:
            raise ValidationError("An NPS survey is about the relationship, not an issue.",
                                  code="invalid_issue")
        period = (period or quarter_of(now or timezone.now())).strip()
        _check_period(period)
    elif period:
        raise ValidationError("Only an NPS survey has a quarter.", code="invalid_period")
    sent_at = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if issue is not None:
            # One CSAT per issue: the row lock serializes two senders of the same issue.
            ClientIssue.objects.select_for_update().filter(pk=issue.pk).first()
            if Survey.objects.filter(issue_id=issue.pk, kind=SurveyKind.CSAT).exists():
                raise Conflict("A CSAT survey was already sent for this issue.",
                               code="survey_already_sent")
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    organization_id=client.organization_id, client=client, contact=contact,
                    kind=kind, issue=issue, period=period or "", token_digest=token_digest(token),
                    sent_at=sent_at, expires_at=sent_at + dt.timedelta(days=SURVEY_VALID_DAYS),
                )
        except IntegrityError:
            raise Conflict(f"An NPS survey for {period} was already sent to this contact.",
                           code="survey_already_sent") from None
        audit.record(actor=actor, action="survey.send", target=survey, changes={
            "kind": [None, kind.value], "contact": [None, contact.email],
            "issue": [None, issue.pk if issue else None], "period": [None, period or ""],
        })
        survey_id = survey.pk
        transaction.on_commit(lambda: email_survey(survey_id, token))
    return survey, token


def email_survey(survey_id: int, token: str) -> None:
    """Email the survey's link to its contact, in the client's language."""
    survey = Survey.objects.select_related("client", "contact", "issue").get(pk=survey_id)
    if survey.contact is None or not survey.contact.email:
        return
    language = survey.client.language if survey.client.language in {"en", "vi"} else "en"
    context = {
        "survey": survey, "client": survey.client, "contact": survey.contact,
        "issue": survey.issue, "link": survey_link(token), "days": SURVEY_VALID_DAYS,
        "is_nps": survey.kind == SurveyKind.NPS,
    }
    with translation.override(language):
        subject = render_to_string("clients/emails/survey_subject.txt", context).strip()
        body = render_to_string("clients/emails/survey_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [survey.contact.email])


def send_csat_for_issue(issue_id: int, *, now: dt.datetime | None = None) -> Survey | None:
    """After an issue is resolved: a CSAT to whoever raised it (or the primary contact), once.

    Returns None when there is nothing to do: the issue is not resolved, a CSAT went out
    already, or the client has no contact with an email address."""
    issue = ClientIssue.objects.select_related("client", "raised_by").filter(pk=issue_id).first()
    if issue is None or issue.status not in RESOLVED:
        return None
    if Survey.objects.filter(issue_id=issue.pk, kind=SurveyKind.CSAT).exists():
        return None
    contact = issue.raised_by if issue.raised_by and issue.raised_by.email else None
    contact = contact or _primary_contact(issue.client)
    if contact is None or not contact.email:
        return None
    actor = Actor.system(issue.client.organization, label="csat")
    try:
        survey, _token = survey_send(actor=actor, client=issue.client, kind=SurveyKind.CSAT,
                                     contact=contact, issue=issue, now=now)
    except Conflict:
        return None
    return survey


def send_quarterly_nps(*, now: dt.datetime | None = None) -> int:
    """Once a quarter: an NPS to the primary contact of every active client that has none yet
    for this quarter. Safe to run daily; returns how many went out."""
    now = now or timezone.now()
    period = quarter_of(now)
    already = Survey.objects.filter(kind=SurveyKind.NPS, period=period).values("client_id")
    contacts = (
        Contact.objects.filter(is_primary=True, client__status=ClientStatus.ACTIVE)
        .exclude(email="")
        .exclude(client_id__in=already)
        .select_related("client__organization", "client")
        .order_by("organization_id", "client_id")
    )
    sent = 0
    for contact in contacts.iterator(chunk_size=500):
        actor = Actor.system(contact.client.organization, label="nps")
        try:
            survey_send(actor=actor, client=contact.client, kind=SurveyKind.NPS,
                        contact=contact, period=period, now=now)
        except (Conflict, ValidationError) as refusal:
            logger.info("NPS not sent to client %s: %s", contact.client_id, refusal.message)
            continue
        sent += 1
    return sent


def survey_for_token(token: str) -> Survey:
    """The survey a link names, or NotFound (a wrong, truncated or forged token)."""
    survey = (
        Survey.objects.select_related("client", "contact", "issue", "organization")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if survey is None:
        raise NotFound("This survey link is not valid.", code="survey_not_found")
    return survey


def ensure_answerable(survey: Survey, *, now: dt.datetime | None = None) -> None:
    if survey.answered_at is not None:
        raise Conflict("This survey was already answered. Thank you!",
                       code="survey_already_answered")
    if survey.expires_at <= (now or timezone.now()):
        raise ValidationError("This survey link has expired.", code="survey_expired")


def survey_answer(
    *, token: str, score: int, comment: str = "", now: dt.datetime | None = None
) -> Survey:
    """Record the contact's answer, once. A second answer is a Conflict, a late one refused."""
    now = now or timezone.now()
    survey = survey_for_token(token)
    ensure_answerable(survey, now=now)
    low, high = SCORE_RANGE[SurveyKind(survey.kind)]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ValidationError(f"Choose a score from {low} to {high}.", code="invalid_score")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT_LENGTH} characters.",
                              code="comment_too_long")
    with transaction.atomic():
        changed = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
            answered_at=now, score=score, comment=comment
        )
        if changed != 1:
            raise Conflict("This survey was already answered. Thank you!",
                           code="survey_already_answered")
        survey.answered_at, survey.score, survey.comment = now, score, comment
        who = survey.contact.email if survey.contact else "contact"
        actor = Actor.system(survey.organization, label=f"survey:{who}"[:120])
        audit.record(actor=actor, action="survey.answer", target=survey,
                     changes={"score": [None, score], "comment": [None, comment[:200]]})
        client_id = survey.client_id
        transaction.on_commit(lambda: _recompute_health(client_id))
    return survey


def _recompute_health(client_id: int) -> None:
    from tandem.clients.tasks import recompute_health

    try:
        recompute_health.delay(client_id=client_id)
    except Exception:  # a broker hiccup must not fail the contact's answer
        logger.exception("Could not queue the health recompute of client %s", client_id)


def _primary_contact(client: Client) -> Contact | None:
    contacts: Iterable[Contact] = Contact.objects.filter(client=client).exclude(email="")
    return next(iter(contacts), None)  # primary first, by the model's ordering


def _clean_kind(kind: SurveyKind | str) -> SurveyKind:
    try:
        return SurveyKind(kind)
    except ValueError:
        raise ValidationError("The kind is csat or nps.", code="invalid_kind") from None


def _check_period(period: str) -> None:
    year, _, quarter = period.partition("-Q")
    if not (len(period) == 7 and year.isdigit() and quarter in {"1", "2", "3", "4"}):
        raise ValidationError("The quarter looks like 2026-Q2.", code="invalid_period")

