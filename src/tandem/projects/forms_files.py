"""Forms of the files pages: a Microsoft Project file to import as a new project, and a task
list to import into a project. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Client
from tandem.core.actor import Actor
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.scoping import scoped


class MspdiImportForm(forms.Form):
    file = forms.FileField(
        label=_("Microsoft Project file"),
        help_text=_("A plan saved from Microsoft Project as XML (File, Save As, XML Format)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    client = forms.ChoiceField(label=_("Client"), required=False)
    manager = forms.ChoiceField(label=_("Project manager"))
    code = forms.CharField(label=_("Code"), required=False, max_length=32,
                           help_text=_("Leave empty for the next free MSP-n code."))
    name = forms.CharField(label=_("Name"), required=False, max_length=200,
                           help_text=_("Leave empty to use the file's title."))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = scoped(Client, actor).order_by("name").values_list("pk", "name")
        self.fields["client"].choices = [  # type: ignore[attr-defined]
            ("", _("None: an internal project")), *((str(pk), name) for pk, name in clients),
        ]
        managers = (Membership.objects.filter(organization=actor.organization,
                                              user__is_active=True,
                                              role__in=[Role.PROJECT_MANAGER, Role.ADMIN])
                    .select_related("user").order_by("user__full_name", "user__email"))
        self.fields["manager"].choices = [  # type: ignore[attr-defined]
            (str(m.user_id), m.user.display_name) for m in managers
        ]
        if actor.user_id is not None and not self.is_bound:
            self.initial.setdefault("manager", str(actor.user_id))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "client_id": int(data["client"]) if data.get("client") else None,
            "manager_id": int(data["manager"]),
            "code": data.get("code") or None,
            "name": data.get("name") or None,
        }


class TaskImportForm(forms.Form):
    file = forms.FileField(
        label=_("Task list"),
        help_text=_("A .csv (UTF-8) or .xlsx file whose first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; import nothing"), required=False)
