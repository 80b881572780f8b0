from django.urls import path

from tandem.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.members, name="members"),
    path("people/<int:membership_id>/", views.member_update, name="member_update"),
    path("audit/", views.audit, name="audit"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_token"),
]
