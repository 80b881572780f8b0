"""The daily reminders of the AM side: quiet clients and follow-ups that are due.

A client is *quiet* when its last interaction (or, never contacted, its creation) is more than
its cadence in days ago; prospects and former clients are left alone. A follow-up is *due* when
its date has come and it is not done. Each raises a notification for the client's owner AM,
once per thing per day (``dedupe_key``), however often the job runs.

The work costs a fixed number of queries: the organizations' settings, the clients with an owner,
the due follow-ups, the notifications already raised today and one insert."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.clients.models import Client, ClientStatus, Interaction
from tandem.clients.services.settings import settings_by_organization, tier_cadence
from tandem.notifications.services import Message, notify_many

QUIET_KIND = "client_quiet"
FOLLOW_UP_KIND = "follow_up_due"


def raise_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Raise today's reminders in every organization; return how many are new."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    messages = [*_quiet_client_messages(now, today), *_follow_up_messages(today)]
    return notify_many(messages, now=now)


def _quiet_client_messages(now: dt.datetime, today: dt.date) -> list[Message]:
    clients = list(
        Client.objects.filter(status=ClientStatus.ACTIVE, owner__isnull=False,
                              owner__is_active=True)
        .values("pk", "organization_id", "name", "tier", "cadence_days", "last_contact_at",
                "created_at", "owner_id", "owner__language")
    )
    account_settings = settings_by_organization({c["organization_id"] for c in clients})
    messages = []
    for client in clients:
        settings_row = account_settings[client["organization_id"]]
        override: Any = client["cadence_days"]
        cadence = int(override or tier_cadence(client["tier"], settings_row))
        since = client["last_contact_at"] or client["created_at"]
        quiet_days = (now - since).days
        if quiet_days <= cadence:
            continue
        with translation.override(client["owner__language"] or None):
            if client["last_contact_at"] is None:
                title = _("%(client)s has never been contacted") % {"client": client["name"]}
            else:
                title = ngettext(
                    "%(client)s has been quiet for %(days)d day",
                    "%(client)s has been quiet for %(days)d days", quiet_days,
                ) % {"client": client["name"], "days": quiet_days}
            body = ngettext(
                "Its contact cadence is %(cadence)d day. Call, meet or write, and log it.",
                "Its contact cadence is %(cadence)d days. Call, meet or write, and log it.",
                cadence,
            ) % {"cadence": cadence}
        messages.append(Message(
            organization_id=client["organization_id"], recipient_id=client["owner_id"],
            kind=QUIET_KIND, title=title, body=body,
            url=f"{reverse('clients:interaction_create')}?client={client['pk']}",
            target_type="clients.client", target_id=str(client["pk"]),
            dedupe_key=f"{QUIET_KIND}:{client['pk']}:{today.isoformat()}",
        ))
    return messages


def _follow_up_messages(today: dt.date) -> list[Message]:
    due: Any = (
        Interaction.objects.filter(
            follow_up_on__lte=today, follow_up_done_at__isnull=True,
            client__owner__isnull=False, client__owner__is_active=True,
        )
        .exclude(client__status=ClientStatus.FORMER)
        .values("pk", "organization_id", "follow_up_on", "next_step", "summary",
                "client__name", "client__owner_id", "client__owner__language")
        .order_by("follow_up_on", "pk")
    )
    messages = []
    for item in due:
        with translation.override(item["client__owner__language"] or None):
            if item["follow_up_on"] == today:
                title = _("Follow up with %(client)s today") % {"client": item["client__name"]}
            else:
                title = _("Follow-up with %(client)s is overdue since %(date)s") % {
                    "client": item["client__name"], "date": item["follow_up_on"].isoformat()}
        messages.append(Message(
            organization_id=item["organization_id"], recipient_id=item["client__owner_id"],
            kind=FOLLOW_UP_KIND, title=title, body=item["next_step"] or item["summary"],
            url=reverse("clients:interaction_edit", args=[item["pk"]]),
            target_type="clients.interaction", target_id=str(item["pk"]),
            dedupe_key=f"{FOLLOW_UP_KIND}:{item['pk']}:{today.isoformat()}",
        ))
    return messages
