"""The Celery app: configured from Django settings (``CELERY_*``), tasks found in every app.

Worker and beat load the same settings module as the web process (production unless
DJANGO_SETTINGS_MODULE says otherwise, as in wsgi.py). Settings that refuse to start the web
server stop the worker and beat as they read their configuration."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubotics.settings.production")

app = Celery("edubotics")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
