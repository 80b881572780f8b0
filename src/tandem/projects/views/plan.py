"""Pages of the projects app: plan (filled in by its area's work)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
