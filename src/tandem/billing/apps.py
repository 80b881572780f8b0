from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "tandem.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # Scope rules, the payment factor of client health, the milestone callback that drafts
        # invoices, and the reminder task (not in tasks.py, which Celery discovers by name).
        from tandem.billing import access, health, reminder_tasks  # noqa: F401
        from tandem.billing.services import drafts  # noqa: F401
