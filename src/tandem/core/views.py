"""Account pages: sign-in and sign-out, organization switch, language switch. Password change and
reset use Django's own views with Tandem's templates (``templates/registration/``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tandem.core import selectors, services
from tandem.core.errors import DomainError
from tandem.core.forms import OrganizationSwitchForm, SignInForm
from tandem.core.middleware import SESSION_ORGANIZATION_KEY
from tandem.core.models import User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


@require_POST
@login_required
def switch_organization(request: HttpRequest) -> HttpResponse:
    form = OrganizationSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        membership = (
            selectors.memberships_of_user(user)
            .filter(organization_id=form.cleaned_data["organization"])
            .first()
        )
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
        messages.success(
            request, _("Now working in %(name)s.") % {"name": membership.organization.name}
        )
    return redirect("web:home")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie, safe ``next``), plus remembering the choice on the
    signed-in person's account so it follows them to any device."""
    if request.user.is_authenticated:
        user: User = request.user
        try:
            services.user_set_language(user=user, language=request.POST.get("language", ""))
        except DomainError:
            messages.error(request, _("Tandem does not speak that language yet."))
            return redirect("web:home")
    return set_language(request)
