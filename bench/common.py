"""What the benchmarks share: Django set up on the configured database, and removing the
throw-away school a benchmark made."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubotics.settings.local")

import django

django.setup()


def remove_school(school):
    from schools.models import AuditEvent, Classroom, Enrollment, Membership, User
    from training.models import Training, TrainingDay

    Training.objects.filter(school=school).delete()
    TrainingDay.objects.filter(school=school).delete()
    AuditEvent.objects.filter(school=school).delete()
    Enrollment.objects.filter(school=school).delete()
    Classroom.objects.filter(school=school).delete()
    users = list(Membership.objects.filter(school=school).values_list("user_id", flat=True))
    Membership.objects.filter(school=school).delete()
    User.objects.filter(pk__in=users).delete()
    school.billing.delete()
    school.delete()
