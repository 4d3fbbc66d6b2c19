"""Loads a demo school with an admin, a teacher, a classroom and students. Safe to run again.

It lives in the project package because it fills every app (schools, billing, …)."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from billing.models import BillingAccount
from billing.services import limits_override
from schools.models import Classroom, Enrollment, Membership, Role, School, User
from training.demo_dataset import DEMO_REPO_ID, make_demo_dataset

DEMO_PASSWORD = "edubotics-demo"
DEMO_SEATS = 30
STUDENTS = [
    ("Anna", "Müller"),
    ("Ben", "Schäfer"),
    ("Can", "Yılmaz"),
    ("Lea", "Weiß"),
    ("Jonas", "Becker"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo school and print its logins."

    @transaction.atomic
    def handle(self, *args, **options):
        school, _ = School.objects.get_or_create(
            slug="demo", defaults={"name": "Demo-Gymnasium EduBotics"}
        )
        admin = self._person(school, "admin@demo.edubotics.local", "Petra", "Admin", Role.ADMIN)
        teacher = self._person(school, "lehrer@demo.edubotics.local", "Tom", "Lehrer", Role.TEACHER)
        classroom, _ = Classroom.objects.get_or_create(
            school=school,
            name="Robotik AG",
            defaults={"subject": "Klasse 10", "primary_teacher": teacher},
        )
        if BillingAccount.objects.get(school=school).seat_override is None:
            # Room to try the class-list import on the trial (which has Starter's 5 seats).
            limits_override(school=school, seats=DEMO_SEATS, quota=None, staff_label="demo")
        students = []
        for first, last in STUDENTS:
            username = f"demo.{first.lower()}"
            student = self._person(school, None, first, last, Role.STUDENT, username=username)
            Enrollment.objects.get_or_create(school=school, classroom=classroom, student=student)
            students.append(username)
        if not settings.HF_TOKEN:  # the local Hub folder gets the demo dataset
            self.stdout.write(
                f"  demo dataset: {DEMO_REPO_ID} in {make_demo_dataset(settings.HUB_LOCAL_DIR)}"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo school “{school.name}” at /s/{school.slug}/"))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(f"  school admin: {admin.user.email}")
        self.stdout.write(f"  teacher:      {teacher.user.email}")
        self.stdout.write(f"  students:     {', '.join(students)}")
        self.stdout.write(f"  join code of “{classroom.name}”: {classroom.join_code}")

    def _person(self, school, email, first, last, role, username=None) -> Membership:
        user, created = User.objects.get_or_create(
            username=username or email,
            defaults={"email": email or "", "first_name": first, "last_name": last},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if email:
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        membership, _ = Membership.objects.get_or_create(
            school=school, user=user, defaults={"role": role}
        )
        return membership
