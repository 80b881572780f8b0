from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tandem.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        # Registers the PM/member reach into clients and the schedule factor of client health.
        from tandem.projects import access, health  # noqa: F401
