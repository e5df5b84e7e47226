"""The Celery application (`celery -A gaoxin.site.celery worker`, or `gaoxin worker` with a broker set):
the broker is CELERY_BROKER_URL (Redis); the jobs' state and results are in the database."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.site.settings")

app = Celery("gaoxin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["gaoxin.common"])
