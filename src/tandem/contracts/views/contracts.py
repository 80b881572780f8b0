"""Pages of contracts, under /contracts/: the list with HTMX filters, the create and edit forms,
and the contract page — its terms, rate card and billing schedule (edited in place with HTMX,
with the schedule's total against the value kept up to date as you type), the needs it covers,
signing (naming the PM, a new or an existing project), status changes and amendments.

Each view parses its input, asks the access helpers, calls one selector or service, renders.
Money is formatted here for the reader's language (``format_money``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.contracts import selectors
from tandem.contracts.access import can_edit_contract, sees_contract_money
from tandem.contracts.forms import (
    AmendmentForm,
    BillingLineForm,
    ContractFilterForm,
    ContractForm,
    RateForm,
    SignForm,
    TransitionForm,
)
from tandem.contracts.models import (
    CONTRACT_TRANSITIONS,
    BillingLine,
    Contract,
    ContractStatus,
    RateCardLine,
)
from tandem.contracts.services import amendments as amendment_services
from tandem.contracts.services import contracts as services
from tandem.contracts.services import schedule as schedule_services
from tandem.contracts.services.common import line_amount, money_json, percentage_json
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied
from tandem.core.money import ZERO, format_money, parse_amount
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _form_error(form: Any, error: DomainError) -> int:
    """A service's refusal shown on the form (on its field when the form has one); its status."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, message_for(error))
    return error.status


def _money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_money(Decimal(amount), currency, (get_language() or "en")[:2])


def _ensure_editor(actor: Actor, contract: Contract) -> None:
    if not can_edit_contract(actor, contract):
        raise PermissionDenied(_("Only finance, administrators and the client's account "
                                 "manager can change this contract."))


# --- the list and the forms -------------------------------------------------------------------


@require_safe
@actor_required
def contract_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_staff:
        raise Http404
    filters = ContractFilterForm(request.GET, actor=actor)
    page = Paginator(selectors.contract_list(actor, filters.filters()),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    sees_money = sees_contract_money(actor)
    for contract in page.object_list:
        contract.value_display = (
            _money(contract.total_value if contract.total_value is not None
                   else contract.monthly_fee, contract.currency) if sees_money else "")
    context = {
        "filters": filters, "page": page, "sees_money": sees_money,
        "can_create": selectors.contract_clients(actor).exists(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("contracts/contracts/partials/contract_rows.html" if partial
                else "contracts/contracts/list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def contract_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    clients = selectors.contract_clients(actor)
    if not clients.exists():
        raise Http404
    client_id = _int(request.POST.get("client_id") or request.GET.get("client"))
    if client_id is not None and not clients.filter(pk=client_id).exists():
        client_id = None
    form = ContractForm(request.POST or None, actor=actor, client_id=client_id,
                        initial={"client_id": client_id})
    refused = 0
    if request.method == "POST" and form.is_valid():
        values = form.values()
        client = clients.get(pk=values.pop("client_id"))
        try:
            contract = services.contract_create(actor=actor, client=client, **values)
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("The draft contract %(code)s was added.")
                             % {"code": contract.code})
            return redirect("contracts:detail", contract_id=contract.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "contracts/contracts/form.html",
                  {"form": form, "contract": None}, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def contract_edit(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    initial = {
        "code": contract.code, "title": contract.title, "type": contract.type,
        "currency": contract.currency,
        "total_value": money_json(contract.total_value, contract.currency),
        "monthly_fee": money_json(contract.monthly_fee, contract.currency),
        "start_date": contract.start_date, "end_date": contract.end_date,
        "payment_terms_days": contract.payment_terms_days, "notes": contract.notes,
        "need_ids": [n.pk for n in contract.needs.all()], "version": contract.version,
    }
    form = ContractForm(request.POST or None, actor=actor, contract=contract, initial=initial)
    refused = 0
    if request.method == "POST" and form.is_valid():
        values = form.values()
        need_ids = values.pop("need_ids", None)
        try:
            services.contract_update(actor=actor, contract=contract,
                                     expected_version=form.cleaned_data["version"],
                                     changes=values, need_ids=need_ids)
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("contracts:detail", contract_id=contract.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "contracts/contracts/form.html",
                  {"form": form, "contract": contract}, status=status)


# --- the contract page ------------------------------------------------------------------------


@require_safe
@actor_required
def contract_detail(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    return render(request, "contracts/contracts/detail.html", _detail_context(actor, contract))


@require_POST
@actor_required
def contract_sign(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    form = SignForm(request.POST, actor=actor, contract=contract)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contract_sign(
                actor=actor, contract=contract, expected_version=data["version"],
                manager_id=data["manager_id"], project_id=data["project_id"],
                project_code=data["project_code"], project_name=data["project_name"],
                signed_on=data["signed_on"],
            )
        except DomainError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("The contract is signed; its project is ready for "
                                        "the project manager."))
            return redirect("contracts:detail", contract_id=contract.pk)
    else:
        status = 422
    context = _detail_context(actor, selectors.contract_for_detail(actor, contract_id))
    context["sign_form"] = form
    return render(request, "contracts/contracts/detail.html", context, status=status)


@require_POST
@actor_required
def contract_transition(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and try again."))
        return redirect("contracts:detail", contract_id=contract.pk)
    try:
        services.contract_transition(actor=actor, contract=contract,
                                     expected_version=form.cleaned_data["version"],
                                     status=form.cleaned_data["status"],
                                     reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, message_for(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("contracts:detail", contract_id=contract.pk)


@require_POST
@actor_required
def contract_amend(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    form = AmendmentForm(request.POST, contract=contract,
                         rates=list(selectors.rate_list(actor, contract)),
                         lines=selectors.billing_line_list(actor, contract))
    if form.is_valid():
        try:
            amendment = amendment_services.amendment_create(
                actor=actor, contract=contract, reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"], changes=form.changes(),
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            status = _form_error(form, error)
        else:
            messages.success(request, _("Amendment %(number)s recorded.")
                             % {"number": amendment.number})
            return redirect("contracts:detail", contract_id=contract.pk)
    else:
        status = 422
    context = _detail_context(actor, selectors.contract_for_detail(actor, contract_id))
    context["amendment_form"] = form
    return render(request, "contracts/contracts/detail.html", context, status=status)


# --- rate card (draft contracts) --------------------------------------------------------------


@require_POST
@actor_required
def rate_add(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    form = RateForm(request.POST, actor=actor)
    status = 422
    if form.is_valid():
        try:
            schedule_services.rate_add(actor=actor, contract=contract, **form.cleaned_data)
        except DomainError as error:
            status = _form_error(form, error)
        else:
            return _rates_response(request, contract, notice=_("Rate added."))
    return _rates_response(request, contract, rate_form=form, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def rate_edit(request: ActorRequest, contract_id: int, rate_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    rate = selectors.rate_for_detail(actor, contract, rate_id)
    initial = RateForm.initial_of(rate) | {"rate": money_json(rate.rate, contract.currency)}
    form = RateForm(request.POST or None, actor=actor, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                schedule_services.rate_update(actor=actor, rate=rate, changes=form.cleaned_data)
            except DomainError as error:
                status = _form_error(form, error)
            else:
                return _rates_response(request, contract, notice=_("Saved."))
    response = render(request, "contracts/contracts/partials/rate_form_row.html",
                      {"contract": contract, "rate": rate, "form": form}, status=status)
    return _in_place(request, response, f"#rate-{rate.pk}")


@require_POST
@actor_required
def rate_remove(request: ActorRequest, contract_id: int, rate_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    rate = selectors.rate_for_detail(actor, contract, rate_id)
    try:
        schedule_services.rate_remove(actor=actor, rate=rate)
    except DomainError as error:
        return _rates_response(request, contract, error=message_for(error),
                               status=error.status)
    return _rates_response(request, contract, notice=_("Rate removed."))


# --- billing schedule -------------------------------------------------------------------------


@require_POST
@actor_required
def line_add(request: ActorRequest, contract_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    form = BillingLineForm(request.POST, contract=contract)
    status = 422
    if form.is_valid():
        try:
            schedule_services.billing_line_add(actor=actor, contract=contract, **form.values())
        except DomainError as error:
            status = _form_error(form, error)
        else:
            return _billing_response(request, contract, notice=_("Billing line added."))
    return _billing_response(request, contract, line_form=form, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def line_edit(request: ActorRequest, contract_id: int, line_id: int) -> HttpResponse:
    """GET: the line's row as a form (HTMX swaps it in); POST: save, and the schedule again."""
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    line = selectors.billing_line_for_detail(actor, contract, line_id)
    initial = {
        "name": line.name, "amount": money_json(line.amount, contract.currency),
        "percentage": percentage_json(line.percentage), "milestone_id": line.milestone_id,
        "deliverable_id": line.deliverable_id, "period_start": line.period_start,
        "period_end": line.period_end, "due_date": line.due_date, "version": line.version,
    }
    form = BillingLineForm(request.POST or None, contract=contract, editing=True,
                           initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                schedule_services.billing_line_update(
                    actor=actor, line=line, expected_version=form.cleaned_data["version"],
                    changes=form.values())
            except DomainError as error:
                status = _form_error(form, error)
            else:
                return _billing_response(request, contract, notice=_("Saved."))
    response = render(request, "contracts/contracts/partials/line_form_row.html",
                      {"contract": contract, "line": line, "form": form}, status=status)
    return _in_place(request, response, f"#line-{line.pk}")


@require_safe
@actor_required
def line_row(request: ActorRequest, contract_id: int, line_id: int) -> HttpResponse:
    """One line's row as it reads (to cancel an edit in place)."""
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    billing = _billing_context(actor, contract)
    lines = billing["lines"]
    index = next((i for i, ln in enumerate(lines) if ln.pk == line_id), None)
    if index is None:
        raise Http404
    context = {"contract": contract, "line": lines[index], "first": index == 0,
               "last": index == len(lines) - 1, "can_edit_lines": billing["can_edit_lines"],
               "sees_money": sees_contract_money(actor)}
    return render(request, "contracts/contracts/partials/line_row.html", context)


@require_POST
@actor_required
def line_remove(request: ActorRequest, contract_id: int, line_id: int) -> HttpResponse:
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    line = selectors.billing_line_for_detail(actor, contract, line_id)
    try:
        schedule_services.billing_line_remove(actor=actor, line=line)
    except DomainError as error:
        return _billing_response(request, contract, error=message_for(error),
                                 status=error.status)
    return _billing_response(request, contract, notice=_("Billing line removed."))


@require_POST
@actor_required
def line_move(request: ActorRequest, contract_id: int, line_id: int) -> HttpResponse:
    """Move a line one place up or down (``direction``)."""
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    _ensure_editor(actor, contract)
    order = [ln.pk for ln in selectors.billing_line_list(actor, contract)]
    if line_id not in order:
        raise Http404
    index = order.index(line_id)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        try:
            schedule_services.billing_lines_reorder(actor=actor, contract=contract,
                                                    line_ids=order)
        except DomainError as error:
            return _billing_response(request, contract, error=message_for(error),
                                     status=error.status)
    return _billing_response(request, contract)


@require_safe
@actor_required
def line_preview(request: ActorRequest, contract_id: int) -> HttpResponse:
    """What the line being typed bills and the schedule's total with it (HTMX, as you type)."""
    actor = request.actor
    contract = selectors.contract_for_detail(actor, contract_id)
    if not sees_contract_money(actor):
        raise Http404
    lines = selectors.billing_line_list(actor, contract)
    editing = _int(request.GET.get("line"))
    draft = BillingLine(contract=contract, kind=request.GET.get("kind") or "milestone")
    message, error = "", ""
    try:
        amount_text = (request.GET.get("amount") or "").strip()
        percentage_text = (request.GET.get("percentage") or "").strip()
        if amount_text:
            draft.amount = parse_amount(amount_text, contract.currency)
        elif percentage_text:
            draft.percentage = Decimal(percentage_text)
            if not draft.percentage.is_finite():
                raise ValueError(percentage_text)
    except (DomainError, ArithmeticError, ValueError):
        error = _("Type an amount or a percentage.")
    billed = line_amount(draft, contract) if not error else None
    if billed is not None:
        others = sum((getattr(ln, "billed_amount", None) or ZERO for ln in lines
                      if ln.kind == "milestone" and ln.pk != editing), ZERO)
        scheduled = others + billed if draft.kind == "milestone" else others
        message = _("This line bills %(amount)s.") % {"amount": _money(billed,
                                                                        contract.currency)}
        if contract.total_value is not None and draft.kind == "milestone":
            message += " " + _("Milestones with it: %(scheduled)s of %(value)s.") % {
                "scheduled": _money(scheduled, contract.currency),
                "value": _money(contract.total_value, contract.currency)}
            if scheduled > contract.total_value:
                error, message = message + " " + _("That is more than the contract value."), ""
    return render(request, "contracts/contracts/partials/line_preview.html",
                  {"message": message, "error": error})


# --- helpers ----------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _in_place(request: ActorRequest, response: HttpResponse, row: str) -> HttpResponse:
    """A refused edit in place goes back into its row, not over the whole panel."""
    if request.method == "POST" and request.htmx:
        response["HX-Retarget"] = row
        response["HX-Reswap"] = "outerHTML"
    return response


def _line_display(line: BillingLine, contract: Contract) -> BillingLine:
    line.billed_display = _money(getattr(line, "billed_amount", None),  # type: ignore[attr-defined]
                                 contract.currency)
    line.percentage_display = percentage_json(line.percentage)  # type: ignore[attr-defined]
    return line


def _rate_display(rate: RateCardLine, contract: Contract) -> RateCardLine:
    rate.rate_display = _money(rate.rate, contract.currency)  # type: ignore[attr-defined]
    return rate


def _billing_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    lines = [_line_display(ln, contract) for ln in selectors.billing_line_list(actor, contract)]
    summary = selectors.schedule_summary(contract, lines)
    can_edit = can_edit_contract(actor, contract)
    draft = contract.status == ContractStatus.DRAFT
    return {
        "lines": lines,
        "summary": {
            "scheduled": _money(summary["scheduled"], contract.currency),
            "value": _money(summary["value"], contract.currency),
            "unscheduled": _money(summary["unscheduled"], contract.currency),
            "over": summary["unscheduled"] is not None and summary["unscheduled"] < 0,
            "periods": _money(summary["periods"], contract.currency),
        },
        "can_edit_lines": can_edit and contract.status in {ContractStatus.DRAFT,
                                                           ContractStatus.SIGNED,
                                                           ContractStatus.ACTIVE},
        "can_add_lines": can_edit and draft and contract.type != "time_materials",
        "line_form": BillingLineForm(contract=contract) if can_edit and draft else None,
    }


def _rates_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    if not sees_contract_money(actor):
        return {"rates": []}
    can_edit = can_edit_contract(actor, contract) and contract.status == ContractStatus.DRAFT
    return {
        "rates": [_rate_display(r, contract) for r in selectors.rate_list(actor, contract)],
        "can_edit_rates": can_edit,
        "rate_form": RateForm(actor=actor) if can_edit else None,
    }


def _detail_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    can_edit = can_edit_contract(actor, contract)
    sees_money = sees_contract_money(actor)
    context: dict[str, Any] = {
        "contract": contract, "can_edit": can_edit, "sees_money": sees_money,
        "total_value": _money(contract.total_value, contract.currency) if sees_money else "",
        "monthly_fee": _money(contract.monthly_fee, contract.currency) if sees_money else "",
        "needs": list(contract.needs.all()),
        **_billing_context(actor, contract),
        **_rates_context(actor, contract),
    }
    if sees_money:
        context["amendments"] = list(selectors.amendment_list(actor, contract))
    if can_edit and contract.status == ContractStatus.DRAFT:
        context["sign_form"] = SignForm(actor=actor, contract=contract,
                                        initial={"version": contract.version})
    if can_edit:
        context["next_statuses"] = [
            (status, label) for status, label in ContractStatus.choices
            if status in CONTRACT_TRANSITIONS[contract.status] and status != "signed"]
        if contract.status in amendment_services.AMENDABLE:
            context["amendment_form"] = AmendmentForm(
                contract=contract, rates=context["rates"], lines=context["lines"],
                initial={"version": contract.version})
    return context


def _rates_response(request: ActorRequest, contract: Contract, *, rate_form: Any = None,
                    notice: str = "", error: str = "", status: int = 200) -> HttpResponse:
    if not request.htmx:
        if error or rate_form is not None:
            messages.error(request, error or _("The rate was not saved: check its fields."))
        elif notice:
            messages.success(request, notice)
        return redirect("contracts:detail", contract_id=contract.pk)
    contract = selectors.contract_for_detail(request.actor, contract.pk)
    context = {"contract": contract, **_rates_context(request.actor, contract),
               "panel_notice": notice, "panel_error": error}
    if rate_form is not None:
        context["rate_form"] = rate_form
    return render(request, "contracts/contracts/partials/rates_panel.html", context,
                  status=status)


def _billing_response(request: ActorRequest, contract: Contract, *, line_form: Any = None,
                      notice: str = "", error: str = "", status: int = 200) -> HttpResponse:
    if not request.htmx:
        if error or line_form is not None:
            messages.error(request, error or _("The billing line was not saved: check its "
                                               "fields."))
        elif notice:
            messages.success(request, notice)
        return redirect("contracts:detail", contract_id=contract.pk)
    contract = selectors.contract_for_detail(request.actor, contract.pk)
    context = {"contract": contract, "sees_money": sees_contract_money(request.actor),
               "can_edit": can_edit_contract(request.actor, contract),
               **_billing_context(request.actor, contract),
               "panel_notice": notice, "panel_error": error}
    if line_form is not None:
        context["line_form"] = line_form
    return render(request, "contracts/contracts/partials/billing_panel.html", context,
                  status=status)


urlpatterns: list[URLPattern] = [
    path("", contract_list, name="list"),
    path("new/", contract_create, name="create"),
    path("<int:contract_id>/", contract_detail, name="detail"),
    path("<int:contract_id>/edit/", contract_edit, name="edit"),
    path("<int:contract_id>/sign/", contract_sign, name="sign"),
    path("<int:contract_id>/transition/", contract_transition, name="transition"),
    path("<int:contract_id>/amend/", contract_amend, name="amend"),
    path("<int:contract_id>/rates/new/", rate_add, name="rate_add"),
    path("<int:contract_id>/rates/<int:rate_id>/edit/", rate_edit, name="rate_edit"),
    path("<int:contract_id>/rates/<int:rate_id>/remove/", rate_remove, name="rate_remove"),
    path("<int:contract_id>/billing/new/", line_add, name="line_add"),
    path("<int:contract_id>/billing/preview/", line_preview, name="line_preview"),
    path("<int:contract_id>/billing/<int:line_id>/", line_row, name="line_row"),
    path("<int:contract_id>/billing/<int:line_id>/edit/", line_edit, name="line_edit"),
    path("<int:contract_id>/billing/<int:line_id>/remove/", line_remove, name="line_remove"),
    path("<int:contract_id>/billing/<int:line_id>/move/", line_move, name="line_move"),
]
