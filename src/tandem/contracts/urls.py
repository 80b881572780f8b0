"""Pages of contracts, under /contracts/."""

from django.urls import include, path

app_name = "contracts"

urlpatterns = [
    path("", include("tandem.contracts.views.contracts")),
]
