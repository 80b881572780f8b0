"""Forms of the contract pages: filters, a contract, a rate, a billing line, signing, a status
change and an amendment. They parse input only; the services hold the rules (amounts stay text
until ``parse_amount`` reads them in the contract's currency)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.contracts import selectors
from tandem.contracts.models import (
    BillingKind,
    Contract,
    ContractStatus,
    ContractType,
    RateCardLine,
    RateUnit,
)
from tandem.contracts.selectors import SEARCH_MAX_LENGTH, ContractFilters
from tandem.core.actor import Actor

AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "pattern": r"[0-9]+([.][0-9]+)?"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=20, help_text=help_text,
                           widget=forms.TextInput(attrs=AMOUNT_ATTRS))


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class ContractFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Code, title or client"),
                                        "autocomplete": "off"}),
    )
    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int,
                                    empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ContractStatus.choices])
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types")), *ContractType.choices])

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = selectors.contract_list(actor).values_list("client_id", "client__name")
        self.fields["client"].choices = [  # type: ignore[attr-defined]
            ("", _("All clients")), *sorted(set(clients), key=lambda c: (c[1], c[0])),
        ]

    def filters(self) -> ContractFilters:
        """The filters chosen; an invalid value filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ContractFilters(client_id=data.get("client"), status=data.get("status") or "",
                               type=data.get("type") or "", search=(data.get("q") or "").strip())


class ContractForm(forms.Form):
    client_id = forms.TypedChoiceField(label=_("Client"), coerce=int)
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Unique in the organization, e.g. SML-2026-01."))
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=ContractType.choices)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="VND",
                               help_text=_("ISO 4217 code, e.g. VND or USD."))
    total_value = _amount(_("Total value"),
                          help_text=_("Required for a fixed price; optional cap otherwise."))
    monthly_fee = _amount(_("Monthly fee"), help_text=_("Retainers only."))
    start_date = _date(_("Start date"), required=True)
    end_date = _date(_("End date"))
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30,
        help_text=_("Net days after the invoice date; 0 means due on receipt."))
    need_ids = forms.TypedMultipleChoiceField(
        label=_("Needs covered"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Signing carries them into the project's scope."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, contract: Contract | None = None,
                 client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = selectors.contract_clients(actor)
        self.fields["client_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((c.pk, c.name) for c in clients)]
        if contract is not None:
            del self.fields["client_id"]
            client_id = contract.client_id
            self.fields["version"].required = True
            if contract.status != ContractStatus.DRAFT:  # the terms change by amendment
                for name in [n for n in self.fields if n not in ("title", "notes", "version")]:
                    del self.fields[name]
        if "need_ids" in self.fields:
            if client_id is None:
                del self.fields["need_ids"]
            else:
                self.fields["need_ids"].choices = [  # type: ignore[attr-defined]
                    (n.pk, n.title) for n in selectors.client_needs(actor, client_id)]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("total_value", "monthly_fee"):
            if name in data:
                data[name] = data[name].strip() or None
        return data


class RateForm(forms.Form):
    role = forms.CharField(label=_("Role"), max_length=80, required=False)
    person_id = forms.TypedChoiceField(label=_("Or a person"), required=False, coerce=int,
                                       empty_value=None)
    unit = forms.ChoiceField(label=_("Unit"), choices=RateUnit.choices, initial=RateUnit.HOUR)
    rate = _amount(_("Rate"), required=True)
    valid_from = _date(_("Valid from"), required=True)
    valid_to = _date(_("Valid to"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((m.user_id, m.user.display_name)
                         for m in selectors.staff_people(actor))]

    @staticmethod
    def initial_of(rate: RateCardLine) -> dict[str, Any]:
        return {"role": rate.role, "person_id": rate.person_id, "unit": rate.unit,
                "rate": rate.rate, "valid_from": rate.valid_from, "valid_to": rate.valid_to}


class BillingLineForm(forms.Form):
    """A line of the schedule; on a signed contract only the name, date and links."""

    kind = forms.ChoiceField(label=_("Kind"), choices=BillingKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    amount = _amount(_("Amount"))
    percentage = forms.CharField(label=_("Or % of the value"), required=False, max_length=8,
                                 widget=forms.TextInput(attrs=AMOUNT_ATTRS))
    milestone_id = forms.TypedChoiceField(label=_("Milestone"), required=False, coerce=int,
                                          empty_value=None)
    deliverable_id = forms.TypedChoiceField(label=_("Deliverable"), required=False, coerce=int,
                                            empty_value=None)
    period_start = _date(_("Period start"))
    period_end = _date(_("Period end"))
    due_date = _date(_("Planned date"))
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    LINK_ONLY = ("name", "milestone_id", "deliverable_id", "due_date", "version")

    def __init__(self, *args: Any, contract: Contract, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((t.pk, t.name) for t in selectors.project_milestones(contract))]
        self.fields["deliverable_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((d.pk, d.name) for d in selectors.project_deliverables(contract))]
        kind = BillingKind.PERIODIC if contract.type == ContractType.RETAINER \
            else BillingKind.MILESTONE
        self.fields["kind"].initial = kind
        drop = (("milestone_id", "deliverable_id", "percentage", "due_date")
                if kind == BillingKind.PERIODIC else ("period_start", "period_end"))
        for name in drop:
            del self.fields[name]
        if editing:
            del self.fields["kind"]
            self.fields["version"].required = True
            if contract.status != ContractStatus.DRAFT:
                for name in [n for n in self.fields if n not in self.LINK_ONLY]:
                    del self.fields[name]

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for name in ("amount", "percentage"):
            if name in data:
                data[name] = (data[name] or "").strip() or None
        return data


class SignForm(forms.Form):
    project_id = forms.TypedChoiceField(
        label=_("Project"), required=False, coerce=int, empty_value=None,
        help_text=_("Link an existing project of the client, or leave empty to create one."))
    manager_id = forms.TypedChoiceField(label=_("Project manager of the new project"),
                                        required=False, coerce=int, empty_value=None)
    project_code = forms.CharField(label=_("New project's code"), max_length=32,
                                   required=False)
    project_name = forms.CharField(label=_("New project's name"), max_length=200,
                                   required=False)
    signed_on = _date(_("Signed on"))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [  # type: ignore[attr-defined]
            ("", _("Create a new project")),
            *((p.pk, f"{p.code} — {p.name}")
              for p in selectors.client_projects(actor, contract.client_id))]
        self.fields["manager_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((m.user_id, m.user.display_name)
                         for m in selectors.project_managers(actor))]
        self.fields["project_code"].widget.attrs["placeholder"] = contract.code[:32]
        self.fields["project_name"].widget.attrs["placeholder"] = contract.title
        if contract.project_id:
            self.fields["project_id"].initial = contract.project_id
        self.fields["signed_on"].initial = dt.date.today()  # noqa: DTZ011 - a form default


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ContractStatus.choices)
    reason = forms.CharField(label=_("Reason (when terminating)"), required=False,
                             max_length=2000)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AmendmentForm(forms.Form):
    """The terms to change, and at most one rate and one billing line to add or end; leave a
    field empty to keep it."""

    reason = forms.CharField(label=_("Reason"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    effective_date = _date(_("Effective date"), required=True)
    total_value = _amount(_("New total value"))
    monthly_fee = _amount(_("New monthly fee"))
    end_date = _date(_("New end date"))
    payment_terms_days = forms.IntegerField(label=_("New payment terms (days)"),
                                            required=False, min_value=0, max_value=365)
    end_rate_id = forms.TypedChoiceField(
        label=_("End this rate"), required=False, coerce=int, empty_value=None,
        help_text=_("It stays valid until the day before the effective date."))
    rate_role = forms.CharField(label=_("New rate: role"), max_length=80, required=False)
    rate_unit = forms.ChoiceField(label=_("New rate: unit"), choices=RateUnit.choices,
                                  initial=RateUnit.HOUR, required=False)
    rate_amount = _amount(_("New rate"),
                          help_text=_("Valid from the effective date."))
    line_name = forms.CharField(label=_("New billing line: name"), max_length=200,
                                required=False)
    line_amount = _amount(_("New billing line: amount"))
    line_percentage = forms.CharField(label=_("Or % of the value"), required=False,
                                      max_length=8, widget=forms.TextInput(attrs=AMOUNT_ATTRS))
    line_period_end = _date(_("New period's end (retainers)"),
                            help_text=_("The period starts on the effective date."))
    remove_line_id = forms.TypedChoiceField(label=_("Remove this billing line"),
                                            required=False, coerce=int, empty_value=None)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, contract: Contract, rates: list[RateCardLine],
                 lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["end_rate_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((r.pk, f"{r.role or r.person} · {r.rate} / {r.get_unit_display()}")
                         for r in rates if r.valid_to is None)]
        self.fields["remove_line_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((ln.pk, ln.name) for ln in lines if ln.invoiced_at is None)]
        if contract.type != ContractType.RETAINER:
            del self.fields["monthly_fee"]
            del self.fields["line_period_end"]
        else:
            del self.fields["line_percentage"]
        if contract.type == ContractType.TIME_AND_MATERIALS:
            for name in ("line_name", "line_amount", "line_percentage", "remove_line_id"):
                self.fields.pop(name, None)

    def changes(self) -> dict[str, Any]:
        """The ``changes`` of ``amendment_create`` this form asks for."""
        data = self.cleaned_data
        effective: dt.date = data["effective_date"]
        changes: dict[str, Any] = {}
        for name in ("total_value", "monthly_fee"):
            if (data.get(name) or "").strip():
                changes[name] = data[name].strip()
        if data.get("end_date"):
            changes["end_date"] = data["end_date"]
        if data.get("payment_terms_days") is not None:
            changes["payment_terms_days"] = data["payment_terms_days"]
        rates: dict[str, list[Any]] = {}
        if data.get("end_rate_id"):
            rates["update"] = [{"id": data["end_rate_id"],
                                "valid_to": effective - dt.timedelta(days=1)}]
        if (data.get("rate_amount") or "").strip():
            rates["add"] = [{"role": data.get("rate_role") or "",
                             "unit": data.get("rate_unit") or RateUnit.HOUR,
                             "rate": data["rate_amount"].strip(), "valid_from": effective}]
        if rates:
            changes["rates"] = rates
        lines: dict[str, list[Any]] = {}
        if (data.get("line_name") or "").strip():
            line: dict[str, Any] = {"name": data["line_name"],
                                    "amount": (data.get("line_amount") or "").strip() or None}
            if self.contract.type == ContractType.RETAINER:
                line.update(kind=BillingKind.PERIODIC, period_start=effective,
                            period_end=data.get("line_period_end"))
            else:
                line.update(kind=BillingKind.MILESTONE,
                            percentage=(data.get("line_percentage") or "").strip() or None)
            lines["add"] = [line]
        if data.get("remove_line_id"):
            lines["remove"] = [data["remove_line_id"]]
        if lines:
            changes["billing_lines"] = lines
        return changes
