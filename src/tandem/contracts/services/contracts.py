"""Writes of contracts: create, edit a draft's terms, sign (which creates or links the project
and hands the contract's needs to its scope), and move through the lifecycle.

Lifecycle (``CONTRACT_TRANSITIONS``): draft → signed → active → completed, or terminated (with
a reason) from signed or active. A draft's terms change freely; once signed they change only
through amendments (``tandem.contracts.services.amendments``), which keep the history. The
title and notes change at any time until the contract ends."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.models import Client
from tandem.contracts.access import ensure_can_edit_contract
from tandem.contracts.models import (
    CONTRACT_TRANSITIONS,
    Contract,
    ContractNeed,
    ContractStatus,
    ContractType,
)
from tandem.contracts.services.common import (
    as_amount,
    as_date,
    as_payment_terms,
    check_contract,
    check_terms,
    clean_text,
    client_needs,
    client_project,
    ensure_can_contract_for,
    ensure_open,
    money_json,
    set_needs,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.money import check_currency
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned
from tandem.projects.models import Project, ProjectStatus, ScopeItem

# The terms: fixed while a draft is edited, changed by amendments once signed.
TERM_FIELDS = ("code", "type", "currency", "total_value", "monthly_fee", "start_date",
               "end_date", "payment_terms_days", "project_id")
FREE_FIELDS = ("title", "notes")
CONTRACT_FIELDS = (*TERM_FIELDS, *FREE_FIELDS)
MONEY_FIELDS = frozenset({"total_value", "monthly_fee"})


def contract_create(
    *,
    actor: Actor,
    client: Client,
    code: str,
    title: str,
    type: str,
    currency: str,
    start_date: dt.date,
    total_value: Any = None,
    monthly_fee: Any = None,
    end_date: dt.date | None = None,
    payment_terms_days: int = 30,
    notes: str = "",
    project_id: int | None = None,
    need_ids: Iterable[int] = (),
) -> Contract:
    """A draft contract for ``client``; ``project_id`` links an existing project of the client
    now (signing creates one otherwise); ``need_ids`` are the client's needs it covers."""
    ensure_can_contract_for(actor, client)
    values = _clean(actor, client, {
        "code": code, "title": title, "type": type, "currency": currency,
        "total_value": total_value, "monthly_fee": monthly_fee, "start_date": start_date,
        "end_date": end_date, "payment_terms_days": payment_terms_days, "notes": notes,
        "project_id": project_id,
    })
    needs = client_needs(actor, client, need_ids)
    contract = Contract(organization=actor.organization, client=client, created_by=actor.user,
                        **values)
    check_terms(contract)
    with transaction.atomic():
        try:
            with transaction.atomic():
                contract.save()
        except IntegrityError:
            raise _code_taken(values["code"]) from None
        set_needs(actor, contract, needs)
        changes = {k: [None, v] for k, v in _snapshot(contract, values).items()
                   if v not in (None, "")}
        changes["status"] = [None, ContractStatus.DRAFT]
        if needs:
            changes["needs"] = [None, sorted(n.pk for n in needs)]
        audit.record(actor=actor, action="contract.create", target=contract, changes=changes)
    return contract


def contract_update(
    *,
    actor: Actor,
    contract: Contract,
    expected_version: int,
    changes: Mapping[str, Any],
    need_ids: Iterable[int] | None = None,
) -> Contract:
    """Change a contract's fields (``CONTRACT_FIELDS``) and, when given, the needs it covers.
    The terms and needs change only while it is a draft; the title and notes until it ends.
    ``StaleVersion`` (409) when it changed since ``expected_version``."""
    ensure_can_edit_contract(actor, contract)
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown contract fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = _lock(contract)
        ensure_open(locked)
        currency = str(changes.get("currency", locked.currency))
        values = _clean(actor, locked.client, changes, currency=currency)
        needs = client_needs(actor, locked.client, need_ids) if need_ids is not None else None
        before = _snapshot(locked, values)
        fields = {k: v for k, v in values.items() if before[k] != audit.json_value(v)
                  and not (k in MONEY_FIELDS and before[k] == money_json(v, currency))}
        new_needs = sorted(n.pk for n in needs) if needs is not None else None
        if locked.status != ContractStatus.DRAFT and (
                set(fields) & set(TERM_FIELDS)
                or (new_needs is not None and new_needs != _need_ids(locked))):
            raise Conflict("The terms of a signed contract change only through an amendment.",
                           code="contract_not_draft")
        if not fields and needs is None:
            ensure_version(locked, expected_version=expected_version)
            return locked
        try:
            with transaction.atomic():
                if fields:
                    update_versioned(locked, expected_version=expected_version, fields=fields)
                else:
                    ensure_version(locked, expected_version=expected_version)
        except IntegrityError:
            raise _code_taken(str(fields.get("code"))) from None
        diff = audit.diff({k: before[k] for k in fields}, _snapshot(locked, fields))
        if needs is not None:
            needs_changed = set_needs(actor, locked, needs)
            if needs_changed:
                diff["needs"] = needs_changed
        if not diff:
            return locked
        if not fields:  # only the needs changed: still a new version of the contract
            update_versioned(locked, expected_version=expected_version, fields={})
        if "project_id" in fields:
            locked.project = (Project.objects.get(pk=locked.project_id)
                              if locked.project_id else None)
        check_contract(locked)
        audit.record(actor=actor, action="contract.update", target=locked, changes=diff)
    return locked


def contract_transition(
    *, actor: Actor, contract: Contract, expected_version: int, status: str, reason: str = "",
    on: dt.date | None = None,
) -> Contract:
    """Move a signed contract on: signed → active → completed, or terminated (with a reason)
    from signed or active. Signing itself is ``contract_sign``."""
    ensure_can_edit_contract(actor, contract)
    if status not in ContractStatus.values:
        raise ValidationError(f"Unknown contract status {status!r}.", field="status")
    if status == ContractStatus.SIGNED:
        raise ValidationError("Sign a contract with the sign action: it names the project "
                              "manager and creates or links the project.", field="status")
    reason = str(reason or "").strip()
    if status == ContractStatus.TERMINATED and not reason:
        raise ValidationError("Give the reason for terminating the contract.",
                              code="required", field="reason")
    if len(reason) > 2000:
        raise ValidationError("The reason is at most 2,000 characters.", field="reason")
    with transaction.atomic():
        locked = _lock(contract)
        ensure_version(locked, expected_version=expected_version)
        allowed = CONTRACT_TRANSITIONS[locked.status]
        if status not in allowed:
            names = ", ".join(sorted(allowed)) or "none"
            raise Conflict(f"A {locked.status} contract cannot become {status}; allowed: "
                           f"{names}.", code="invalid_transition", field="status")
        fields: dict[str, Any] = {"status": status}
        if status in {ContractStatus.COMPLETED, ContractStatus.TERMINATED}:
            fields["ended_on"] = as_date(on, "on", "date") or timezone.localdate()
            if fields["ended_on"] < locked.start_date and status == ContractStatus.COMPLETED:
                raise ValidationError("A contract cannot be completed before it starts.",
                                      field="on")
        if status == ContractStatus.TERMINATED:
            fields["termination_reason"] = reason
        before = _snapshot(locked, fields)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="contract.transition", target=locked,
                     changes=audit.diff(before, _snapshot(locked, fields)))
    return locked


def contract_sign(
    *,
    actor: Actor,
    contract: Contract,
    expected_version: int,
    manager_id: int | None = None,
    project_id: int | None = None,
    project_code: str = "",
    project_name: str = "",
    signed_on: dt.date | None = None,
) -> Contract:
    """Sign a draft contract, in one transaction with its audit entries:

    - with ``project_id`` (or a project the draft already links), that project of the same
      client is linked; otherwise a new project is created for the client, managed by
      ``manager_id`` (required then), with the contract's code and title unless
      ``project_code``/``project_name`` say otherwise, its currency, start and end dates;
    - the needs the contract covers join the project's scope (those already in it are left);
    - the contract becomes signed on ``signed_on`` (today by default), by the actor.

    The contract's editor (finance, an administrator or the client's account manager) acts on
    the project with an administrator's reach for this one step, so finance can sign too; the
    project's audit entries still name the person."""
    ensure_can_edit_contract(actor, contract)
    signed_on = as_date(signed_on, "signed_on", "signing date") or timezone.localdate()
    with transaction.atomic():
        locked = _lock(contract)
        ensure_version(locked, expected_version=expected_version)
        if locked.status != ContractStatus.DRAFT:
            raise Conflict(f"Only a draft contract is signed; this one is {locked.status}.",
                           code="invalid_transition", field="status")
        check_contract(locked)
        project_actor = dataclasses.replace(actor, role=Role.ADMIN)
        need_ids = list(ContractNeed.objects.filter(contract=locked).order_by("id")
                        .values_list("need_id", flat=True))
        chosen = client_project(actor, locked.client, project_id) if project_id else None
        project = chosen or (Project.objects.get(pk=locked.project_id)
                             if locked.project_id else None)
        created = project is None
        if project is None:
            if manager_id is None:
                raise ValidationError("Name the project manager of the new project.",
                                      code="required", field="manager_id")
            from tandem.projects.services.projects import project_create

            project = project_create(
                actor=project_actor, code=project_code.strip() or locked.code,
                name=project_name.strip() or locked.title, manager_id=manager_id,
                start_date=locked.start_date, client_id=locked.client_id,
                target_finish=locked.end_date, currency=locked.currency,
                description=locked.notes[:2000], status=ProjectStatus.PLANNING,
                need_ids=need_ids,
            )
        else:
            _carry_needs(project_actor, project, need_ids)
        before = _snapshot(locked, ("status", "project_id", "signed_on", "signed_by"))
        update_versioned(locked, expected_version=expected_version, fields={
            "status": ContractStatus.SIGNED, "project_id": project.pk, "signed_on": signed_on,
            "signed_by": actor.user,
        })
        locked.project = project
        check_contract(locked)  # milestones linked in the draft are in this project
        changes = audit.diff(before, _snapshot(locked, before))
        changes["project_created"] = [None, created]
        audit.record(actor=actor, action="contract.sign", target=locked, changes=changes)
    return locked


def _carry_needs(project_actor: Actor, project: Project, need_ids: list[int]) -> None:
    from tandem.projects.services.projects import scope_item_create

    in_scope = set(ScopeItem.objects.filter(project=project, need_id__in=need_ids)
                   .values_list("need_id", flat=True))
    for need_id in need_ids:
        if need_id not in in_scope:
            scope_item_create(actor=project_actor, project=project, need_id=need_id)


def _need_ids(contract: Contract) -> list[int]:
    return sorted(ContractNeed.objects.filter(contract=contract)
                  .values_list("need_id", flat=True))


# --- helpers ----------------------------------------------------------------------------------


def _clean(actor: Actor, client: Client, values: Mapping[str, Any], *,
           currency: str | None = None) -> dict[str, Any]:
    cleaned = clean_text(Contract, {k: values[k] for k in ("code", "title", "type", "notes")
                                    if k in values})
    if "type" in cleaned and cleaned["type"] not in ContractType.values:
        raise ValidationError("Unknown contract type.", field="type")
    if "currency" in values:
        cleaned["currency"] = check_currency(values["currency"])
    money_currency = cleaned.get("currency") or check_currency(currency)
    for name in ("total_value", "monthly_fee"):
        if name in values:
            cleaned[name] = as_amount(values[name], money_currency, name)
    if "start_date" in values:
        cleaned["start_date"] = as_date(values["start_date"], "start_date", "start date",
                                        required=True)
    if "end_date" in values:
        cleaned["end_date"] = as_date(values["end_date"], "end_date", "end date")
    if "payment_terms_days" in values:
        cleaned["payment_terms_days"] = as_payment_terms(values["payment_terms_days"])
    if "project_id" in values:
        project = client_project(actor, client, values["project_id"])
        cleaned["project_id"] = project.pk if project else None
    return cleaned


def _snapshot(contract: Contract, fields: Iterable[str]) -> dict[str, Any]:
    data = audit.snapshot(contract, fields)
    for name in MONEY_FIELDS & set(data):
        data[name] = money_json(getattr(contract, name), contract.currency)
    return data


def _lock(contract: Contract) -> Contract:
    locked = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    locked.client = contract.client
    return locked


def _code_taken(code: str) -> Conflict:
    return Conflict(f"Another contract already has the code {code!r}.", code="code_taken",
                    field="code")
