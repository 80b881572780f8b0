"""Forms of the client pages: filters, a client, a contact, a need, a need's status change and
the import upload. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import (
    ClientStatus,
    ContactRole,
    NeedPriority,
    NeedSource,
    NeedStatus,
    Tier,
)
from tandem.clients.selectors import clients as selectors
from tandem.clients.selectors.clients import SEARCH_MAX_LENGTH, ClientFilters
from tandem.core.actor import Actor
from tandem.core.roles import Role


def _owner_choices(actor: Actor, *, blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *((str(m.user_id), m.user.display_name)
                           for m in selectors.owner_choices(actor))]


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={
            "placeholder": _("Name, legal name, tax code or contact"), "autocomplete": "off",
        }),
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False,
                             choices=[("", _("All tiers")), *Tier.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ClientStatus.choices])
    owner = forms.ChoiceField(label=_("Account manager"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = _owner_choices(actor, blank=_("Everyone"))
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        self.fields["tag"].choices = [  # type: ignore[attr-defined]
            ("", _("All tags")), *((t.name, t.name) for t in selectors.tag_list(actor)),
        ]
        self.fields["industry"].choices = [  # type: ignore[attr-defined]
            ("", _("All industries")), *((i, i) for i in selectors.industry_list(actor)),
        ]

    def filters(self) -> ClientFilters:
        """The filters chosen; an invalid value filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        owner = data.get("owner") or ""
        return ClientFilters(
            search=(data.get("q") or "").strip(), tier=data.get("tier") or "",
            status=data.get("status") or "", owner_id=int(owner) if owner else None,
            tag=data.get("tag") or "", industry=data.get("industry") or "",
        )


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=300, required=False)
    tax_code = forms.CharField(label=_("Tax code"), max_length=32, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.STANDARD)
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices,
                               initial=ClientStatus.PROSPECT)
    owner_id = forms.TypedChoiceField(label=_("Account manager"), required=False, coerce=int,
                                      empty_value=None)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000,
        help_text=_("Separate tags with commas."),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Internal: never shown to the client."))
    cadence_days = forms.IntegerField(
        label=_("Contact cadence (days)"), required=False, min_value=1, max_value=365,
        help_text=_("Leave empty to use the tier's default."),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_id"]
        owner.choices = _owner_choices(actor, blank=_("No one yet"))  # type: ignore[attr-defined]
        if actor.role == Role.ACCOUNT_MANAGER and not editing:
            del self.fields["owner_id"]  # an AM owns what they create
        if editing:
            self.fields["version"].required = True

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["tags"] = [t for t in data.get("tags", "").split(",") if t.strip()]
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("Role in the relationship"), choices=ContactRole.choices,
                             initial=ContactRole.OTHER)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=NeedPriority.choices,
                                 initial=NeedPriority.SHOULD)
    source = forms.ChoiceField(label=_("Source"), choices=NeedSource.choices,
                               initial=NeedSource.MEETING)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class NeedTransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NeedStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A .csv (UTF-8) or .xlsx file whose first row names the "
                                     "columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; import nothing"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows and skip the bad ones"), required=False,
        help_text=_("Otherwise nothing is imported while any row is bad."),
    )
