"""Forms of the plan and baseline pages: a row's fields (with its notes and scope item), a new
row, a predecessor (new, or its type and lag changed in place), progress, a version-only action
(indent, outdent), and saving a baseline. They parse input only; the plan services hold the rules
(and reschedule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.projects.models import MAX_BASELINES, ConstraintType, DependencyType
from tandem.projects.services.plan import MAX_DURATION, MAX_LAG

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"step": "0.01", "min": "0"}


class TaskForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    duration = forms.IntegerField(label=_("Duration (working days)"), min_value=0,
                                  max_value=MAX_DURATION,
                                  help_text=_("0 makes a milestone."))
    constraint_type = forms.ChoiceField(label=_("Constraint"), choices=ConstraintType.choices)
    constraint_date = forms.DateField(label=_("Constraint date"), required=False, widget=DATE)
    assignee_id = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int,
                                         empty_value=None)
    estimate_hours = forms.DecimalField(label=_("Estimate (hours)"), required=False,
                                        min_value=0, max_digits=9, decimal_places=2,
                                        widget=forms.NumberInput(attrs=NUMBER))
    optimistic = forms.DecimalField(label=_("Optimistic (days)"), required=False, min_value=0,
                                    max_digits=7, decimal_places=2,
                                    widget=forms.NumberInput(attrs=NUMBER))
    most_likely = forms.DecimalField(label=_("Most likely (days)"), required=False,
                                     min_value=0, max_digits=7, decimal_places=2,
                                     widget=forms.NumberInput(attrs=NUMBER))
    pessimistic = forms.DecimalField(label=_("Pessimistic (days)"), required=False,
                                     min_value=0, max_digits=7, decimal_places=2,
                                     widget=forms.NumberInput(attrs=NUMBER))
    scope_item_id = forms.TypedChoiceField(label=_("Scope item"), required=False, coerce=int,
                                           empty_value=None,
                                           help_text=_("What this work delivers, traced to the "
                                                       "client's needs."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: list[tuple[str, str]], summary: bool = False,
                 scope_items: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_id"].choices = [  # type: ignore[attr-defined]
            ("", _("No one")), *people]
        self.fields["scope_item_id"].choices = [  # type: ignore[attr-defined]
            ("", _("None")), *(scope_items or [])]
        if summary:  # a phase's duration is rolled up from its tasks
            del self.fields["duration"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class TaskAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    duration = forms.IntegerField(label=_("Duration (working days)"), min_value=0,
                                  max_value=MAX_DURATION, initial=1)
    milestone = forms.BooleanField(label=_("Milestone"), required=False)
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    after_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "duration": 0 if data["milestone"] else data["duration"],
                "parent_id": data.get("parent_id"), "after_id": data.get("after_id")}


class DependencyForm(forms.Form):
    predecessor_row = forms.IntegerField(label=_("Predecessor (row)"), min_value=1)
    type = forms.ChoiceField(label=_("Type"), choices=DependencyType.choices,
                             initial=DependencyType.FS)
    lag = forms.IntegerField(label=_("Lag (working days)"), min_value=-MAX_LAG,
                             max_value=MAX_LAG, initial=0,
                             help_text=_("Negative for a lead."))


class DependencyEditForm(forms.Form):
    """A predecessor's type and lag, changed in place."""

    type = forms.ChoiceField(label=_("Type"), choices=DependencyType.choices)
    lag = forms.IntegerField(label=_("Lag (working days)"), min_value=-MAX_LAG,
                             max_value=MAX_LAG)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        return {"type": self.cleaned_data["type"], "lag": self.cleaned_data["lag"]}


class ProgressForm(forms.Form):
    percent_complete = forms.IntegerField(label=_("% complete"), min_value=0, max_value=100)
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DATE)
    actual_finish = forms.DateField(label=_("Actual finish"), required=False, widget=DATE)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class BaselineForm(forms.Form):
    number = forms.TypedChoiceField(
        label=_("Baseline"), coerce=int,
        choices=[(str(n), _("Baseline") if n == 0 else _("Baseline %(n)d") % {"n": n})
                 for n in range(MAX_BASELINES)])
    name = forms.CharField(label=_("Name"), required=False, max_length=120,
                           help_text=_("Empty: the baseline's own name."))
    replace = forms.BooleanField(label=_("Replace the baseline saved under this number"),
                                 required=False)
