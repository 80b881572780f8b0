from django.urls import include, path

app_name = "clients"

urlpatterns = [
    path("", include("tandem.clients.views.clients")),
    path("", include("tandem.clients.views.interactions")),
    path("", include("tandem.clients.views.issues")),
    path("", include("tandem.clients.views.surveys")),
    path("", include("tandem.clients.views.settings")),
    path("", include("tandem.clients.views.satisfaction")),
]
