"""Account pages: sign-in, organization switch, language switch. Password change and reset
use Django's own views with Tandem's templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tandem.core import selectors, services
from tandem.core.errors import DomainError
from tandem.core.forms import OrganizationSwitchForm, SignInForm
from tandem.core.middleware import SESSION_ORGANIZATION_KEY


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
@login_required
def switch_organization(request: HttpRequest) -> HttpResponse:
    form = OrganizationSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        membership = (
            selectors.memberships_of_user(request.user)  # type: ignore[arg-type]
            .filter(organization_id=form.cleaned_data["organization"])
            .first()
        )
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
        messages.success(request, _("Now working in %(name)s.") % {"name": membership.organization})
    return redirect("web:home")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, plus remembering the choice on the user's account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("web:home")
    response = set_language(request)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect("/")
    return response
