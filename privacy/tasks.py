"""Celery tasks of the privacy app: take ids, call one service, safe to run twice."""

from celery import shared_task

from .services import export_build, retention_run


@shared_task(acks_late=True)
def build_export(export_id: int):
    export_build(export_id=export_id)


@shared_task(acks_late=True)
def retention_nightly():
    retention_run()
