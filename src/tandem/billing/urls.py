"""Billing pages, under /billing/. Each area's module owns its URLs."""

from django.urls import include, path

app_name = "billing"

urlpatterns = [
    path("", include("tandem.billing.views.invoices")),
    path("", include("tandem.billing.views.payments")),
    path("", include("tandem.billing.views.receivables")),
    path("", include("tandem.billing.views.settings")),
]
