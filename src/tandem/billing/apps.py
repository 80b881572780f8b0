from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "tandem.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # Scope rules, and the payment factor of client health.
        from tandem.billing import access, health  # noqa: F401
