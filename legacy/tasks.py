"""Background work of the import: the set-your-password e-mails."""

from celery import shared_task

from .services.mails import legacy_password_mails_send


@shared_task
def send_password_mails(batch_id: int) -> None:
    legacy_password_mails_send(batch_id=batch_id)
