"""Forms of the project issue log pages and of escalating a client issue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import ClientIssue
from tandem.core.actor import Actor
from tandem.core.models import User
from tandem.projects.models import IssuePriority, Project, ProjectIssueStatus
from tandem.projects.selectors import issues as selectors

TEXT = 10_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}"


class IssueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), ("open", _("Not resolved")),
                                        *ProjectIssueStatus.choices])
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("All priorities")), *IssuePriority.choices])
    owner = PersonChoiceField(label=_("Owner"), required=False, queryset=User.objects.none(),
                              empty_label=_("Anyone"))

    def __init__(self, *args: Any, actor: Actor, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.queryset = selectors.owner_choices(actor, project)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or ""
        owner = data.get("owner")
        return {"status": "" if status == "open" else status, "open_only": status == "open",
                "priority": data.get("priority") or "",
                "owner_id": owner.pk if owner else None}


class IssueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=IssuePriority.choices,
                                 initial=IssuePriority.MEDIUM)
    owner = PersonChoiceField(label=_("Owner"), required=False, queryset=User.objects.none(),
                              empty_label=_("Nobody yet"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.queryset = selectors.owner_choices(actor, project)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"],
                "priority": data["priority"],
                "owner_id": data["owner"].pk if data.get("owner") else None,
                "due_date": data.get("due_date")}


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ProjectIssueStatus.choices)
    version = forms.IntegerField(min_value=1)
    resolution = forms.CharField(required=False, max_length=TEXT)


class EscalateForm(forms.Form):
    project = ProjectChoiceField(label=_("Project"), queryset=Project.objects.none(),
                                 empty_label=None)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("From the severity")), *IssuePriority.choices])
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args: Any, actor: Actor, client_issue: ClientIssue,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["project"]
        field.queryset = selectors.escalation_projects(actor, client_issue)
