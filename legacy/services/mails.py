"""The set-your-password e-mail for imported people whose password did not carry over."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from schools.models import Membership, Role, User

from ..models import ImportBatch, ImportedRow


def _set_password_url(user: User) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    return get_adapter().get_reset_password_from_key_url(key)


def legacy_password_mails_send(*, batch_id: int) -> int:
    """Mails everyone the batch made with an e-mail address and no usable password; once per
    batch (a second delivery of the task sends nothing). Returns how many were sent."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch_id)
        if batch.password_mails_sent_at or batch.undone_at:
            return 0
        batch.password_mails_sent_at = timezone.now()
        batch.save(update_fields=["password_mails_sent_at"])
    user_ids = ImportedRow.objects.filter(
        batch=batch, created=True, content_type__app_label="schools", content_type__model="user"
    ).values_list("object_id", flat=True)
    users = [
        user
        for user in User.objects.filter(pk__in=[int(pk) for pk in user_ids])
        .exclude(email="")
        .annotate(
            for_student=Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.STUDENT))
        )
        if not user.has_usable_password()
    ]
    for user in users:
        with translation.override(batch.school.language):
            context = {
                "school": batch.school,
                "url": _set_password_url(user),
                "for_student": user.for_student,
            }
            subject = render_to_string("legacy/email/set_password_subject.txt", context).strip()
            body = render_to_string("legacy/email/set_password_message.txt", context)
        send_mail(subject, body, None, [user.email])
    return len(users)
