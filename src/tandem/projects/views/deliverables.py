"""Pages of the projects app: deliverables (filled in by its area's work)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
