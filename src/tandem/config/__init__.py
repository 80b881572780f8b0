"""Project configuration: settings, URLs, the API and the Celery app."""

from tandem.config.celery import app as celery_app

__all__ = ["celery_app"]
