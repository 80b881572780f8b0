"""Forms of the deliverable pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Need
from tandem.core.actor import Actor
from tandem.core.scoping import scoped
from tandem.projects.models import DeliverableStatus, Project, ScopeItem, Task
from tandem.projects.selectors import deliverables as selectors

TEXT = 10_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", None) or getattr(obj, "title", obj))


class DeliverableFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *DeliverableStatus.choices])

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {"status": getattr(self, "cleaned_data", {}).get("status") or ""}


class DeliverableForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=TEXT,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    acceptance_criteria = forms.CharField(
        label=_("Acceptance criteria"), max_length=TEXT,
        help_text=_("What the client checks before accepting it."),
        widget=forms.Textarea(attrs={"rows": 4}))
    milestone = NamedChoiceField(label=_("Milestone"), required=False,
                                 queryset=Task.objects.none(), empty_label=_("No milestone"))
    need = NamedChoiceField(label=_("Client need"), required=False,
                            queryset=Need.objects.none(), empty_label=_("No need"))
    scope_item = NamedChoiceField(label=_("Scope item"), required=False,
                                  queryset=ScopeItem.objects.none(), empty_label=_("None"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    comment = forms.CharField(label=_("Note for the history"), required=False, max_length=TEXT)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, project: Project, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["milestone"].queryset = selectors.milestone_choices(actor, project)
        fields["scope_item"].queryset = selectors.scope_item_choices(actor, project)
        if project.client_id is None:
            del self.fields["need"]
        else:
            fields["need"].queryset = scoped(Need, actor).filter(
                client_id=project.client_id).order_by("title", "id")
        if not editing:
            del self.fields["comment"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "name": data["name"], "description": data["description"],
            "acceptance_criteria": data["acceptance_criteria"],
            "milestone_id": data["milestone"].pk if data.get("milestone") else None,
            "scope_item_id": data["scope_item"].pk if data.get("scope_item") else None,
            "due_date": data.get("due_date"),
        }
        if "need" in self.fields:
            values["need_id"] = data["need"].pk if data.get("need") else None
        return values


class DecisionForm(forms.Form):
    """Submit, accept, reject or reopen; ``comment`` is the reason where one is required."""

    action = forms.ChoiceField(choices=[("submit", "submit"), ("accept", "accept"),
                                        ("reject", "reject"), ("reopen", "reopen")])
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False, max_length=TEXT)
