"""Pages of the PM side, under /projects/. Each area's module owns its URLs; a project's pages
share the tabs in ``projects/partials/tabs.html`` (plain paths, so any area can link to any)."""

from django.urls import include, path

app_name = "projects"

urlpatterns = [
    path("", include("tandem.projects.views.dashboard")),
    path("", include("tandem.projects.views.projects")),
    path("", include("tandem.projects.views.plan")),
    path("", include("tandem.projects.views.gantt")),
    path("", include("tandem.projects.views.deliverables")),
    path("", include("tandem.projects.views.issues")),
    path("", include("tandem.projects.views.files")),
    path("", include("tandem.projects.views.feeds")),
]
