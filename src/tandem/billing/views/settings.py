"""Billing pages: settings (filled in by its area's work)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
