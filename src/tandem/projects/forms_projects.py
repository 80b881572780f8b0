"""Forms of the project pages: the list's filters, a project, its lifecycle, charter, status date,
scope items, team, and the working calendars. They parse input only; the services hold the
rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.actor import Actor
from tandem.core.roles import Role
from tandem.projects.models import Project, ProjectStatus, ScheduleStatus
from tandem.projects.selectors import pages
from tandem.projects.selectors.projects import calendar_list

SEARCH_MAX_LENGTH = 100
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]


def _people(memberships: Any, blank: Any = None) -> list[tuple[str, Any]]:
    choices = [(str(m.user_id), m.user.display_name) for m in memberships]
    return [("", blank), *choices] if blank is not None else choices


class ProjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Code, name or client"),
                                        "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ProjectStatus.choices])
    schedule = forms.ChoiceField(label=_("Schedule"), required=False,
                                 choices=[("", _("Any schedule")), *ScheduleStatus.choices])
    client = forms.ChoiceField(label=_("Client"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("All clients"))]
        if actor.role != Role.CLIENT:
            choices += [(str(c.pk), c.name) for c in pages.client_choices(actor)]
        self.fields["client"].choices = choices  # type: ignore[attr-defined]
        if actor.role == Role.CLIENT:
            del self.fields["client"]

    def filters(self) -> dict[str, Any]:
        """The filters chosen, as ``project_list`` keywords; an invalid value filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        client = data.get("client") or ""
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or None,
                "schedule_status": data.get("schedule") or None,
                "client_id": int(client) if client else None}


class ProjectForm(forms.Form):
    client_id = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int,
                                       empty_value=None,
                                       help_text=_("Leave empty for an internal project."))
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    manager_id = forms.TypedChoiceField(label=_("Project manager"), coerce=int)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    target_finish = forms.DateField(label=_("Target finish"), required=False, widget=DATE)
    calendar_id = forms.TypedChoiceField(label=_("Working calendar"), coerce=int,
                                         required=False, empty_value=None)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="VND",
                               help_text=_("A three-letter code such as VND or USD."))
    description = forms.CharField(label=_("Description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    need_ids = forms.TypedMultipleChoiceField(
        label=_("Client needs this project serves"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each becomes a scope item, and the need moves into scope."),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, project: Project | None = None,
                 client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["manager_id"].choices = _people(pages.manager_choices(actor))  # type: ignore[attr-defined]
        f["calendar_id"].choices = [  # type: ignore[attr-defined]
            ("", _("The organization's default")),
            *((str(c.pk), c.name) for c in calendar_list(actor)),
        ]
        if project is not None:  # editing: the client and its needs stay as they are
            del f["client_id"], f["need_ids"]
            f["version"].required = True
            f["calendar_id"].required = True
            return
        f["client_id"].choices = [  # type: ignore[attr-defined]
            ("", _("No client (internal)")),
            *((str(c.pk), c.name) for c in pages.client_choices(actor)),
        ]
        f["need_ids"].choices = [  # type: ignore[attr-defined]
            (str(n.pk), f"{n.title} ({n.get_status_display()})")
            for n in pages.needs_to_bring(actor, client_id)
        ]
        if not f["need_ids"].choices:  # type: ignore[attr-defined]
            f["need_ids"].help_text = _("Pick a client to see its open needs.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, target = data.get("start_date"), data.get("target_finish")
        if start and target and target < start:
            self.add_error("target_finish", _("The target finish cannot be before the start "
                                              "date."))
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=ProjectStatus.choices)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StatusDateForm(forms.Form):
    status_date = forms.DateField(label=_("Status date"), required=False, widget=DATE,
                                  help_text=_("Progress is measured up to this day; empty means "
                                              "today."))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CharterForm(forms.Form):
    objectives = forms.CharField(label=_("Objectives"), required=False, max_length=20000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    success_criteria = forms.CharField(label=_("Success criteria"), required=False,
                                       max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    scope_in = forms.CharField(label=_("In scope"), required=False, max_length=20000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    scope_out = forms.CharField(label=_("Out of scope"), required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    assumptions = forms.CharField(label=_("Assumptions"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    constraints = forms.CharField(label=_("Constraints"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ScopeItemForm(forms.Form):
    """A free scope item, or (with ``need_id``) one that brings a client's need into scope."""

    need_id = forms.TypedChoiceField(label=_("Client need"), required=False, coerce=int,
                                     empty_value=None)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    in_scope = forms.BooleanField(label=_("In scope"), required=False, initial=True,
                                  help_text=_("Untick to record something explicitly out of "
                                              "scope."))

    def __init__(self, *args: Any, actor: Actor, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_id"].choices = [  # type: ignore[attr-defined]
            ("", _("None: a free scope item")),
            *((str(n.pk), n.title) for n in pages.needs_to_bring(actor, project.client_id,
                                                                 project)),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("need_id") is None and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the scope item a title, or pick a need."))
        return data


class ScopeItemEditForm(forms.Form):
    """A scope item changed in place on the overview (its need, if any, stays)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    in_scope = forms.BooleanField(label=_("In scope"), required=False,
                                  help_text=_("Untick to record something explicitly out of "
                                              "scope."))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class MemberForm(forms.Form):
    user_id = forms.TypedChoiceField(label=_("Person"), coerce=int)
    project_role = forms.CharField(label=_("Project role"), required=False, max_length=80)
    allocation = forms.IntegerField(label=_("Allocation %"), min_value=1, max_value=100,
                                    initial=100)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor | None = None, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing or actor is None:
            del self.fields["user_id"]
            self.fields["version"].required = True
        else:
            self.fields["user_id"].choices = _people(  # type: ignore[attr-defined]
                pages.staff_choices(actor), blank=_("Choose a person"))


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Working weekdays"), choices=WEEKDAYS, coerce=int,
        widget=forms.CheckboxSelectMultiple, initial=[0, 1, 2, 3, 4])
    hours_per_day = forms.DecimalField(label=_("Hours per day"), min_value=0.25, max_value=24,
                                       decimal_places=2, initial=8)
    country = forms.CharField(label=_("Country"), max_length=2, required=False, initial="VN",
                              help_text=_("Two letters (VN, US…): its public holidays are "
                                          "days off. Empty for none."))
    subdivision = forms.CharField(label=_("Subdivision"), max_length=10, required=False)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class CalendarExceptionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    working = forms.TypedChoiceField(
        label=_("Kind"), coerce=lambda v: v == "1",
        choices=[("0", _("Day off")), ("1", _("Make-up working day"))], initial="0")
    name = forms.CharField(label=_("Name"), required=False, max_length=120)
