"""Forms of the shell's pages: filters, the inline member edit, a new API token."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from tandem.core.roles import Role

SEARCH_MAX_LENGTH = 100


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Name or email"), "autocomplete": "off"}
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )

    def filters(self) -> tuple[str, str]:
        """The role and search text to filter by; an invalid value filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("role") or "", (data.get("q") or "").strip()


class MemberUpdateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def audit_object_types() -> list[tuple[str, str]]:
    """Every kind of Tandem record, as (``app.model`` label, readable name), for the filter."""
    models = [m for m in apps.get_models() if m._meta.app_config.name.startswith("tandem.")]
    return sorted(
        ((m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models),
        key=lambda choice: choice[1],
    )


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("All types")),
            *audit_object_types(),
        ]

    def filters(self) -> tuple[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("object_type") or "", (data.get("object_id") or "").strip()


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("What the token is for, e.g. “reporting script”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
