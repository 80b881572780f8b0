"""Pages of the AM side: the public survey page a client's contact answers without signing in.

The link's token is the only credential. The page is rate-limited per address (reads and
answers separately), never cached, and carries no script or inline style."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.clients.models import Survey, SurveyKind
from tandem.clients.services.surveys import (
    MAX_COMMENT_LENGTH,
    SCORE_RANGE,
    ensure_answerable,
    survey_answer,
    survey_for_token,
)
from tandem.core.errors import DomainError, NotFound

# (requests, seconds) per client address.
READ_LIMIT = (60, 10 * 60)
ANSWER_LIMIT = (10, 10 * 60)
MAX_TOKEN_LENGTH = 128


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                   label=gettext_lazy("Your score"))
    comment = forms.CharField(required=False, max_length=MAX_COMMENT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              label=gettext_lazy("Anything you would like to tell us?"))

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        low, high = SCORE_RANGE[SurveyKind(kind)]
        self.fields["score"].choices = [(n, str(n)) for n in range(low, high + 1)]  # type: ignore[attr-defined]


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _throttled(request: HttpRequest, bucket: str, limit: tuple[int, int]) -> bool:
    """Count this request in a fixed window; True once the address is over the limit."""
    allowed, seconds = limit
    key = f"tandem:survey:{bucket}:{_client_address(request)}"
    if cache.add(key, 1, seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return False
    return count > allowed


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        bucket, limit = "answer", ANSWER_LIMIT
    else:
        bucket, limit = "read", READ_LIMIT
    if _throttled(request, bucket, limit):
        return render(request, "clients/surveys/closed.html", {
            "heading": _("Too many attempts"),
            "text": _("Please wait a few minutes and open the link again."),
        }, status=429)
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise NotFound("This survey link is not valid.", code="survey_not_found")
        survey = survey_for_token(token)
    except NotFound:
        return render(request, "clients/surveys/closed.html", {
            "heading": _("This link is not valid"),
            "text": _("Check that you opened the whole link from the email."),
        }, status=404)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and survey.client.language in {
        "en", "vi"
    }:
        translation.activate(survey.client.language)
        request.LANGUAGE_CODE = survey.client.language
    try:
        ensure_answerable(survey)
    except DomainError as closed:
        return _closed(request, survey, closed)
    form = AnswerForm(request.POST or None, kind=survey.kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey_answer(token=token, score=form.cleaned_data["score"],
                              comment=form.cleaned_data["comment"])
            except DomainError as refusal:
                return _closed(request, survey, refusal)
            return render(request, "clients/surveys/thanks.html", {"survey": survey})
        status = 422
    return render(request, "clients/surveys/answer.html",
                  {"survey": survey, "form": form, "is_nps": survey.kind == SurveyKind.NPS},
                  status=status)


def _closed(request: HttpRequest, survey: Survey, error: DomainError) -> HttpResponse:
    if error.code == "survey_already_answered":
        heading, text, status = (_("You already answered"),
                                 _("Your answer was recorded. Thank you!"), 409)
    elif error.code == "survey_expired":
        heading, text, status = (_("This link has expired"),
                                 _("Survey links work for 30 days. Your account manager can "
                                   "send you a new one."), 410)
    else:
        heading, text, status = _("We could not record your answer"), error.message, 422
    return render(request, "clients/surveys/closed.html",
                  {"survey": survey, "heading": heading, "text": text}, status=status)


urlpatterns = [
    path("survey/<str:token>/", survey_answer_page, name="survey_answer"),
]
