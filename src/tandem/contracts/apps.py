from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tandem.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from tandem.contracts import access  # noqa: F401 - registers the scope rules
