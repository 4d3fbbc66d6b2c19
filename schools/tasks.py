"""Celery tasks of the tenant app: take ids, call one service, safe to run twice."""

from celery import shared_task

from .services.student_imports import student_import_run


@shared_task(acks_late=True)
def run_student_import(import_id: int):
    student_import_run(import_id=import_id)
