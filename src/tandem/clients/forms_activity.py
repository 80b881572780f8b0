"""Forms of the interaction and client-issue pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.clients import selectors_activity as selectors
from tandem.clients.models import (
    Client,
    Contact,
    InteractionKind,
    IssueStatus,
    Severity,
)
from tandem.core.actor import Actor
from tandem.core.models import User
from tandem.core.roles import Role

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.client.name})" if self.show_client else str(obj.name)

    show_client = True


def editable_clients(actor: Actor) -> Any:
    """The clients the actor may log interactions and issues for."""
    clients = selectors.clients_with_detail(actor)
    if actor.role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id)
    return clients if actor.is_admin else clients.none()


def chosen_client(actor: Actor, value: str | None) -> Any:
    """The client picked in a form or query (``?client=``), if the actor may log for it."""
    if not value:
        return None
    try:
        return editable_clients(actor).get(pk=int(value))
    except (ValueError, ObjectDoesNotExist):
        return None


def can_log(actor: Actor) -> bool:
    return actor.role in {Role.ADMIN, Role.ACCOUNT_MANAGER}


# ------------------------------------------------------------------------------ interactions
class InteractionFilterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), required=False,
                                    queryset=Client.objects.none(), empty_label=_("All clients"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *InteractionKind.choices])
    follow_up = forms.BooleanField(label=_("Follow-ups due"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = selectors.clients_with_detail(actor).only("pk", "name")
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        client = data.get("client")
        return {"client_id": client.pk if client else None, "kind": data.get("kind") or "",
                "follow_up_due": bool(data.get("follow_up"))}


class InteractionForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices,
                             initial=InteractionKind.CALL, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeLocalInput,
                                      input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"])
    summary = forms.CharField(label=_("Summary"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=10_000)
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DateInput)
    contacts = ContactChoiceField(label=_("Contacts"), required=False,
                                  queryset=Contact.objects.none(),
                                  widget=forms.CheckboxSelectMultiple)
    participants = UserChoiceField(label=_("Colleagues"), required=False,
                                   queryset=User.objects.none(),
                                   widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, client: Client | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = editable_clients(actor)  # type: ignore[attr-defined]
        contacts = Contact.objects.filter(
            client__in=editable_clients(actor)).select_related("client")
        contact_field: Any = self.fields["contacts"]
        if client is not None:
            contacts = contacts.filter(client=client)
            contact_field.show_client = False
        contact_field.queryset = contacts
        self.fields["participants"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=selectors.staff_choices(actor).values("user_id")
        ).order_by("full_name", "email")
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client = data.get("client")
        for contact in data.get("contacts") or []:
            if client is not None and contact.client_id != client.pk:
                self.add_error("contacts", _("Choose contacts of this client."))
                break
        return data


# ------------------------------------------------------------------------------ issues
class IssueFilterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), required=False,
                                    queryset=Client.objects.none(), empty_label=_("All clients"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open and done")), ("open", _("Open")),
                                        *IssueStatus.choices])
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("All severities")), *Severity.choices])
    breached = forms.BooleanField(label=_("SLA breached"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = selectors.clients_with_detail(actor).only("pk", "name")
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        client = data.get("client")
        status = data.get("status") or ""
        return {
            "client_id": client.pk if client else None,
            "status": "" if status == "open" else status,
            "open_only": status == "open",
            "severity": data.get("severity") or "",
            "breached": True if data.get("breached") else None,
        }


class IssueForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.MEDIUM)
    raised_by = forms.ModelChoiceField(label=_("Raised by"), required=False,
                                       queryset=Contact.objects.none())
    owner = OwnerChoiceField(label=_("Owner"), required=False, queryset=User.objects.none(),
                             empty_label=_("The client's account manager"))

    def __init__(self, *args: Any, actor: Actor, client: Client | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = editable_clients(actor)  # type: ignore[attr-defined]
        contacts = Contact.objects.filter(client__in=editable_clients(actor))
        if client is not None:
            contacts = contacts.filter(client=client)
        self.fields["raised_by"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=selectors.issue_owner_choices(actor).values("user_id")
        ).order_by("full_name", "email")


class IssueEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none())
    note = forms.CharField(label=_("Why (shown in the timeline)"), required=False,
                           max_length=10_000)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=selectors.issue_owner_choices(actor).values("user_id")
        ).order_by("full_name", "email")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=IssueStatus.choices)
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(required=False, max_length=10_000)


class CommentForm(forms.Form):
    note = forms.CharField(label=_("Comment"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 2}))
