"""Pages of the AM side: clients — the list with HTMX search and filters, the detail page with
contacts, needs (status changes in the row, with HTMX) and the timeline of changes, the
create and edit forms, import with its per-row report, and export.

Each view parses its input, asks the access helpers, calls one selector or service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.clients import importing
from tandem.clients.access import DETAIL_READERS, can_create_client, can_edit_client
from tandem.clients.forms_clients import (
    ClientFilterForm,
    ClientForm,
    ContactForm,
    ImportForm,
    NeedForm,
    NeedTransitionForm,
)
from tandem.clients.models import Client, Contact, HealthSnapshot, Need
from tandem.clients.selectors import clients as selectors
from tandem.clients.selectors import needs as need_selectors
from tandem.clients.selectors.needs import NeedFilters
from tandem.clients.services import clients as services
from tandem.clients.services import contacts as contact_services
from tandem.clients.services import needs as need_services
from tandem.core.errors import DomainError, PermissionDenied
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _form_error(form: Any, error: DomainError) -> int:
    """A service's refusal shown on the form (on its field when the form has one); its status."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, message_for(error))
    return error.status


# --- the list, import and export --------------------------------------------------------------


@require_safe
@actor_required
def client_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    filters = ClientFilterForm(request.GET, actor=actor)
    clients = selectors.client_list(actor, filters.filters())
    context = {
        "filters": filters,
        "page": Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": can_create_client(actor),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("clients/clients/partials/client_rows.html" if partial
                else "clients/clients/list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@actor_required
def client_export(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_staff:
        raise Http404
    file_format = request.GET.get("format", "csv")
    if file_format not in importing.FORMATS:
        raise Http404
    filters = ClientFilterForm(request.GET, actor=actor).filters()
    content = importing.export_clients(selectors.client_export_rows(actor, filters), file_format)
    response = HttpResponse(content, content_type=importing.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="clients.{file_format}"'
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def client_import(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can_create_client(actor):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = importing.import_clients(
                    actor=actor, file=upload,
                    file_format=importing.format_of(upload.name or ""),
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except DomainError as error:
                _form_error(form, error)
        if report is None or (report.errors and not report.imported):
            status = 422
    context = {"form": form, "report": report, "columns": importing.COLUMNS}
    return render(request, "clients/clients/import.html", context, status=status)


# --- a client ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def client_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can_create_client(actor):
        raise Http404
    form = ClientForm(request.POST or None, actor=actor)
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=actor, **form.values())
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("The client %(name)s was added.") % {"name": client.name})
            return redirect("clients:detail", client_id=client.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/form.html", {"form": form, "client": None},
                  status=status)


@require_safe
@actor_required
def client_detail(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_for_detail(actor, client_id)
    context = {
        "client": client,
        "can_edit": can_edit_client(actor, client),
        "sees_contacts": actor.role in DETAIL_READERS[Contact],
        "sees_needs": actor.role in DETAIL_READERS[Need],
        "can_see_health": actor.role in DETAIL_READERS[HealthSnapshot],
        "contacts": selectors.contact_list(actor, client_id=client.pk),
        "needs": _need_rows(actor, client),
        "timeline": selectors.client_timeline(actor, client),
    }
    return render(request, "clients/clients/detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required
def client_edit(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_for_detail(actor, client_id)
    if not can_edit_client(actor, client):
        raise PermissionDenied(_("Only the client's account manager or an administrator can "
                                 "change this client."))
    initial = {
        "name": client.name, "legal_name": client.legal_name, "tax_code": client.tax_code,
        "industry": client.industry, "tier": client.tier, "status": client.status,
        "owner_id": client.owner_id, "address": client.address, "notes": client.notes,
        "cadence_days": client.cadence_days, "version": client.version,
        "tags": ", ".join(t.name for t in client.tags.all()),
    }
    form = ClientForm(request.POST or None, actor=actor, editing=True, initial=initial)
    refused = 0
    if request.method == "POST" and form.is_valid():
        values = form.values()
        tags = values.pop("tags")
        try:
            services.client_update(actor=actor, client=client,
                                   expected_version=form.cleaned_data["version"],
                                   changes=values, tags=tags)
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", client_id=client.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/form.html", {"form": form, "client": client},
                  status=status)


# --- contacts ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def contact_create(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_for_detail(actor, client_id)
    _ensure_editor(request, client)
    form = ContactForm(request.POST or None)
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_create(actor=actor, client=client, **form.values())
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect("clients:detail", client_id=client.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/contact_form.html",
                  {"form": form, "client": client, "contact": None}, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def contact_edit(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_for_detail(actor, contact_id)
    _ensure_editor(request, contact.client)
    initial = {name: getattr(contact, name) for name in contact_services.CONTACT_FIELDS}
    form = ContactForm(request.POST or None, initial={**initial, "version": contact.version})
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_update(
                actor=actor, contact=contact,
                expected_version=form.cleaned_data["version"] or 0, changes=form.values(),
            )
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", client_id=contact.client_id)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/contact_form.html",
                  {"form": form, "client": contact.client, "contact": contact}, status=status)


@require_POST
@actor_required
def contact_delete(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_for_detail(actor, contact_id)
    contact_services.contact_delete(actor=actor, contact=contact)
    messages.success(request, _("The contact %(name)s was removed.") % {"name": contact.name})
    return redirect("clients:detail", client_id=contact.client_id)


# --- needs ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def need_create(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_for_detail(actor, client_id)
    _ensure_editor(request, client)
    form = NeedForm(request.POST or None)
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            need_services.need_create(actor=actor, client=client, **form.values())
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Need captured."))
            return redirect("clients:detail", client_id=client.pk)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/need_form.html",
                  {"form": form, "client": client, "need": None}, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def need_edit(request: ActorRequest, need_id: int) -> HttpResponse:
    actor = request.actor
    need = need_selectors.need_for_detail(actor, need_id)
    _ensure_editor(request, need.client)
    initial = {name: getattr(need, name) for name in need_services.NEED_FIELDS}
    form = NeedForm(request.POST or None, initial={**initial, "version": need.version})
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            need_services.need_update(actor=actor, need=need,
                                      expected_version=form.cleaned_data["version"] or 0,
                                      changes=form.values())
        except DomainError as error:
            refused = _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", client_id=need.client_id)
    status = refused or (422 if request.method == "POST" else 200)
    return render(request, "clients/clients/need_form.html",
                  {"form": form, "client": need.client, "need": need}, status=status)


@require_POST
@actor_required
def need_transition(request: ActorRequest, need_id: int) -> HttpResponse:
    """Move a need along its lifecycle from its row; HTMX gets the row back, with the refusal
    (a stale version, a step the lifecycle does not allow, a missing reason) in it."""
    actor = request.actor
    need = need_selectors.need_for_detail(actor, need_id)
    _ensure_editor(request, need.client)
    form = NeedTransitionForm(request.POST)
    error, notice, status = "", "", 200
    if not form.is_valid():
        error, status = _("Choose a status and try again."), 422
    else:
        try:
            need_services.need_transition(
                actor=actor, need=need, expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
            )
            notice = _("Saved.")
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
        need = need_selectors.need_for_detail(actor, need_id)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect("clients:detail", client_id=need.client_id)
    context = {"row": _need_row(need, can_edit_client(actor, need.client)),
               "row_error": error, "row_notice": notice}
    return render(request, "clients/clients/partials/need_row.html", context, status=status)


# --- helpers ----------------------------------------------------------------------------------


def _ensure_editor(request: ActorRequest, client: Client) -> None:
    if not can_edit_client(request.actor, client):
        raise PermissionDenied(_("Only the client's account manager or an administrator can "
                                 "change this client."))


def _need_row(need: Need, can_edit: bool) -> dict[str, Any]:
    return {
        "need": need,
        "can_edit": can_edit,
        "next_statuses": [
            (status, label) for status, label in need._meta.get_field("status").choices or []
            if status in need_services.allowed_transitions(need.status)
        ] if can_edit else [],
    }


def _need_rows(actor: Any, client: Client) -> list[dict[str, Any]]:
    can_edit = can_edit_client(actor, client)
    needs = need_selectors.need_list(actor, NeedFilters(client_id=client.pk))
    return [_need_row(need, can_edit) for need in needs]


urlpatterns: list[URLPattern] = [
    path("", client_list, name="list"),
    path("new/", client_create, name="create"),
    path("import/", client_import, name="import"),
    path("export/", client_export, name="export"),
    path("<int:client_id>/", client_detail, name="detail"),
    path("<int:client_id>/edit/", client_edit, name="edit"),
    path("<int:client_id>/contacts/new/", contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/edit/", contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", contact_delete, name="contact_delete"),
    path("<int:client_id>/needs/new/", need_create, name="need_create"),
    path("needs/<int:need_id>/edit/", need_edit, name="need_edit"),
    path("needs/<int:need_id>/transition/", need_transition, name="need_transition"),
]
