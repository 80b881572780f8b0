"""Pages of the AM side: interactions — the list with filters, logging one in a few seconds,
editing, marking a follow-up done (HTMX, in the row) and deleting."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.clients import selectors_activity as selectors
from tandem.clients.access import DETAIL_READERS, can_edit_client
from tandem.clients.forms_activity import (
    InteractionFilterForm,
    InteractionForm,
    can_log,
    chosen_client,
)
from tandem.clients.models import Interaction
from tandem.clients.services import interactions as services
from tandem.core.actor import Actor
from tandem.core.errors import DomainError
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _ensure_reader(actor: Actor) -> None:
    if actor.role not in DETAIL_READERS[Interaction]:
        raise Http404


@require_safe
@actor_required
def interaction_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    filters = InteractionFilterForm(request.GET, actor=actor)
    interactions = selectors.interaction_list(actor, **filters.filters())
    context = {
        "filters": filters,
        "page": Paginator(interactions, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_log": can_log(actor),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("clients/activity/partials/interaction_results.html" if partial
                else "clients/activity/interaction_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def interaction_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    if not can_log(actor):
        raise Http404
    client = chosen_client(actor, request.POST.get("client") or request.GET.get("client"))
    initial = {"client": client} if client else {}
    form = InteractionForm(request.POST or None, actor=actor, client=client, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.interaction_log(
                    actor=actor, client=data["client"], kind=data["kind"],
                    occurred_at=data["occurred_at"], summary=data["summary"],
                    outcome=data["outcome"], next_step=data["next_step"],
                    follow_up_on=data["follow_up_on"],
                    contact_ids=[c.pk for c in data["contacts"]],
                    participant_ids=[u.pk for u in data["participants"]],
                )
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Interaction with %(client)s logged.")
                                 % {"client": data["client"].name})
                return redirect(f"{_list_url()}?client={data['client'].pk}")
        else:
            status = 422
    return render(request, "clients/activity/interaction_form.html",
                  {"form": form, "client": client, "interaction": None}, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def interaction_edit(request: ActorRequest, interaction_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    interaction = selectors.interaction_get(actor, interaction_id)
    if not can_edit_client(actor, interaction.client):
        raise Http404
    initial = {
        "client": interaction.client, "kind": interaction.kind,
        "occurred_at": interaction.occurred_at, "summary": interaction.summary,
        "outcome": interaction.outcome, "next_step": interaction.next_step,
        "follow_up_on": interaction.follow_up_on, "contacts": list(interaction.contacts.all()),
        "participants": list(interaction.participants.all()), "version": interaction.version,
    }
    form = InteractionForm(request.POST or None, actor=actor, client=interaction.client,
                           initial=initial)
    form.fields["client"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.interaction_update(
                    actor=actor, interaction=interaction,
                    expected_version=data["version"] or 0,
                    kind=data["kind"], occurred_at=data["occurred_at"], summary=data["summary"],
                    outcome=data["outcome"], next_step=data["next_step"],
                    follow_up_on=data["follow_up_on"],
                    clear_follow_up=data["follow_up_on"] is None,
                    contact_ids=[c.pk for c in data["contacts"]],
                    participant_ids=[u.pk for u in data["participants"]],
                )
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Interaction saved."))
                return redirect(f"{_list_url()}?client={interaction.client_id}")
        else:
            status = 422
    return render(request, "clients/activity/interaction_form.html",
                  {"form": form, "client": interaction.client, "interaction": interaction},
                  status=status)


@require_POST
@actor_required
def interaction_follow_up_done(request: ActorRequest, interaction_id: int) -> HttpResponse:
    """Mark the follow-up done from the list; HTMX gets the row back."""
    actor = request.actor
    _ensure_reader(actor)
    interaction = selectors.interaction_get(actor, interaction_id)
    error, status = "", 200
    try:
        services.follow_up_done(actor=actor, interaction=interaction,
                                expected_version=_int(request.POST.get("version")),
                                done=request.POST.get("done", "1") != "0")
    except DomainError as refusal:
        error, status = message_for(refusal), refusal.status
    interaction = selectors.interaction_get(actor, interaction_id)
    if request.htmx:
        return render(request, "clients/activity/partials/interaction_row.html",
                      {"i": interaction, "row_error": error, "can_log": can_log(actor)},
                      status=status)
    (messages.error if error else messages.success)(request, error or _("Follow-up done."))
    return redirect(_list_url())


@require_POST
@actor_required
def interaction_delete(request: ActorRequest, interaction_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    interaction = selectors.interaction_get(actor, interaction_id)
    try:
        services.interaction_delete(actor=actor, interaction=interaction,
                                    expected_version=_int(request.POST.get("version")) or None)
    except DomainError as refusal:
        messages.error(request, message_for(refusal))
        return redirect("clients:interaction_edit", interaction_id)
    messages.success(request, _("Interaction deleted."))
    return redirect(f"{_list_url()}?client={interaction.client_id}")


def _form_error(form: InteractionForm, refusal: DomainError) -> None:
    field = str(refusal.details.get("field") or "")
    mapping = {"contact_ids": "contacts", "participant_ids": "participants"}
    field = mapping.get(field, field)
    form.add_error(field if field in form.fields else None, message_for(refusal))


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _list_url() -> str:
    from django.urls import reverse

    return reverse("clients:interactions")


urlpatterns = [
    path("interactions/", interaction_list, name="interactions"),
    path("interactions/new/", interaction_create, name="interaction_create"),
    path("interactions/<int:interaction_id>/edit/", interaction_edit, name="interaction_edit"),
    path("interactions/<int:interaction_id>/follow-up-done/", interaction_follow_up_done,
         name="interaction_follow_up_done"),
    path("interactions/<int:interaction_id>/delete/", interaction_delete,
         name="interaction_delete"),
]
