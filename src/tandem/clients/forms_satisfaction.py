"""Forms of the satisfaction pages: the survey list's filters and "Send a survey"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.clients import selectors_activity as selectors
from tandem.clients.forms_activity import editable_clients
from tandem.clients.models import Client, ClientIssue, Contact, SurveyKind
from tandem.clients.services.surveys import quarter_of
from tandem.core.actor import Actor

PERIOD_PATTERN = r"^\d{4}-Q[1-4]$"


class SurveyFilterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), required=False,
                                    queryset=Client.objects.none(), empty_label=_("All clients"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("CSAT and NPS")), *SurveyKind.choices])
    answered = forms.ChoiceField(label=_("Answers"), required=False,
                                 choices=[("", _("Answered or not")), ("yes", _("Answered")),
                                          ("no", _("Awaiting an answer"))])

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = selectors.clients_with_detail(actor).only("pk", "name")
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        client = data.get("client")
        answered = {"yes": True, "no": False}.get(data.get("answered") or "")
        return {"client_id": client.pk if client else None, "kind": data.get("kind") or None,
                "answered": answered}


class ContactField(forms.ModelChoiceField):
    show_client = True

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.name} <{obj.email}>"
        return f"{label} · {obj.client.name}" if self.show_client else label


class IssueField(forms.ModelChoiceField):
    show_client = True

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.title} ({obj.get_status_display()})"
        return f"{label} · {obj.client.name}" if self.show_client else label


class SurveySendForm(forms.Form):
    """Client, kind, contact (blank: the primary one), an issue for a CSAT, a quarter for an NPS.

    Changing the client reloads the form (HTMX) so the contact and issue lists are that
    client's; without script, a contact of another client is refused on sending."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=SurveyKind.choices,
                             initial=SurveyKind.NPS, widget=forms.RadioSelect,
                             help_text=_("CSAT: satisfaction with an issue's handling, 1 to 5. "
                                         "NPS: would they recommend you, 0 to 10, once a "
                                         "quarter."))
    contact = ContactField(label=_("Contact"), required=False, queryset=Contact.objects.none(),
                           empty_label=_("The client's primary contact"))
    issue = IssueField(label=_("Issue (CSAT only)"), required=False,
                       queryset=ClientIssue.objects.none(), empty_label=_("No issue"))
    period = forms.RegexField(label=_("Quarter (NPS only)"), required=False, max_length=7,
                              regex=PERIOD_PATTERN,
                              error_messages={"invalid": _("The quarter looks like 2026-Q2.")},
                              help_text=_("For example 2026-Q2; blank means this quarter."))

    def __init__(self, *args: Any, actor: Actor, client: Client | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = editable_clients(actor)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        contacts = (Contact.objects.filter(client__in=clients).exclude(email="")
                    .select_related("client").order_by("client__name", "-is_primary", "name"))
        issues = (ClientIssue.objects.filter(client__in=clients).select_related("client")
                  .order_by("client__name", "-opened_at", "-id"))
        contact_field: Any = self.fields["contact"]
        issue_field: Any = self.fields["issue"]
        if client is not None:
            contacts = contacts.filter(client=client)
            issues = issues.filter(client=client)
            contact_field.show_client = issue_field.show_client = False
        contact_field.queryset = contacts
        issue_field.queryset = issues
        if not self.is_bound and not self.initial.get("period"):
            self.initial["period"] = quarter_of(timezone.now())
        # A new client reloads the form with its contacts and issues.
        self.fields["client"].widget.attrs.update({
            "hx-get": reverse("clients:survey_send"), "hx-include": "[name=kind], [name=period]",
            "hx-target": "#survey-form", "hx-select": "#survey-form", "hx-swap": "outerHTML",
        })

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client, contact, issue = data.get("client"), data.get("contact"), data.get("issue")
        if client is not None:
            if contact is not None and contact.client_id != client.pk:
                self.add_error("contact", _("Choose a contact of this client."))
            if issue is not None and issue.client_id != client.pk:
                self.add_error("issue", _("Choose an issue of this client."))
        if data.get("kind") == SurveyKind.NPS and issue is not None:
            self.add_error("issue", _("An NPS survey is about the relationship, not an issue."))
        if data.get("kind") == SurveyKind.CSAT:
            data["period"] = ""  # a CSAT has no quarter
        return data
