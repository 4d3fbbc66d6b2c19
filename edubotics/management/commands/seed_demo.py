"""Loads a demo school with an admin, a teacher, a classroom and students. Safe to run again.

It lives in the project package because it fills every app (schools, billing, …)."""

import json
import random
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assignments.models import Assignment, Submission
from assignments.services import assignment_create, assignment_publish, submission_grade
from billing.models import BillingAccount
from billing.services.accounts import limits_override
from schools.models import Classroom, Enrollment, Membership, Role, School, User
from training.costs import cost_for
from training.demo_dataset import DEMO_REPO_ID, make_demo_dataset
from training.hub import LocalHubStore
from training.models import BudgetEntry, ControlSession, Status, Training
from training.runner import model_card
from training.services.rollup import training_rollup_rebuild

DEMO_PASSWORD = "edubotics-demo"
DEMO_SEATS = 30
DEMO_QUOTA = 200  # the seeded history must not use up the month before anyone tries a training
STUDENTS = [
    ("Anna", "Müller"),
    ("Ben", "Schäfer"),
    ("Can", "Yılmaz"),
    ("Lea", "Weiß"),
    ("Jonas", "Becker"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo school and print its logins."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "The demo school (known passwords) is not loaded under production settings."
            )
        self.load()

    @transaction.atomic
    def load(self):
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
            limits_override(school=school, seats=DEMO_SEATS, quota=DEMO_QUOTA, staff_label="demo")
        students = []
        for first, last in STUDENTS:
            username = f"demo.{first.lower()}"
            student = self._person(school, None, first, last, Role.STUDENT, username=username)
            Enrollment.objects.get_or_create(school=school, classroom=classroom, student=student)
            students.append(username)
        if not Training.objects.for_school(school).exists():
            self._history(school, classroom)
        if not Assignment.objects.for_school(school).exists():
            self._assignments(classroom, teacher)
        if not settings.HF_TOKEN:  # the local Hub folder gets the demo dataset and models
            self.stdout.write(
                f"  demo dataset: {DEMO_REPO_ID} in {make_demo_dataset(settings.HUB_LOCAL_DIR)}"
            )
            self._model_files(school)
        self.stdout.write(self.style.SUCCESS(f"Demo school “{school.name}” at /s/{school.slug}/"))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(f"  school admin: {admin.user.email}")
        self.stdout.write(f"  teacher:      {teacher.user.email}")
        self.stdout.write(f"  students:     {', '.join(students)}")
        self.stdout.write(f"  join code of “{classroom.name}”: {classroom.join_code}")

    def _history(self, school, classroom):
        """Six weeks of finished trainings, so the dashboards have something to show."""
        rng = random.Random(7)
        now = timezone.now()
        students = list(Membership.objects.for_school(school).filter(role=Role.STUDENT))
        trainings = []
        for n in range(60):
            finished = now - timedelta(days=rng.uniform(1, 42))
            seconds = rng.randint(600, 2400)
            ok = rng.random() < 0.85
            curve = [
                [step, round(0.3 * (0.92 ** (step / 160)) + rng.uniform(0, 0.01), 5)]
                for step in range(160, 8001, 160)
            ]
            trainings.append(
                Training(
                    school=school,
                    student=(student := rng.choice(students)),
                    classroom=classroom,
                    started_by=student,
                    model_name=f"edubotics-ai/{school.slug}-act-hist{n:04d}",
                    dataset=DEMO_REPO_ID,
                    policy_type=rng.choice(["ACT", "ACT", "ACT_BBOX", "GR00T"]),
                    steps=8000,
                    batch_size=120,
                    status=Status.COMPLETED if ok else Status.FAILED,
                    progress_step=8000 if ok else 3200,
                    progress_total=8000,
                    loss_curve=curve if ok else curve[:20],
                    latest_loss=curve[-1][1] if ok else curve[19][1],
                    error_message="" if ok else "CUDA out of memory",
                    hub_model_id=f"edubotics-ai/{school.slug}-act-hist{n:04d}" if ok else "",
                    started_at=finished - timedelta(seconds=seconds),
                    completed_at=finished,
                    duration_seconds=seconds if ok else None,
                    cost_eur=cost_for(seconds) if ok else None,
                    cost_estimate_eur=cost_for(1200),
                )
            )
        Training.objects.bulk_create(trainings)
        Training.objects.filter(school=school, model_name__contains="-hist").update(
            created_at=F("started_at")
        )
        self._sessions(school, rng)
        self._ledger(school, classroom, rng)
        training_rollup_rebuild(school=school)  # written in bulk, past the services

    def _sessions(self, school, rng):
        """Ratings for the library and the teacher's views, and one session the robot app left
        open on Anna's newest model, for her to rate on its page."""
        models = Training.objects.for_school(school).filter(status=Status.COMPLETED)
        feedback = [
            "",
            "Greift den Würfel sicher.",
            "Zögert vor dem Greifen.",
            "Fällt oft herunter.",
        ]
        sessions = [
            ControlSession(
                school=school,
                student_id=model.student_id,
                training=model,
                ended_at=timezone.now(),
                duration_seconds=rng.randint(60, 900),
                rating=rng.randint(2, 5),
                feedback=rng.choice(feedback),
            )
            for model in models
            for _ in range(rng.randint(0, 3))
        ]
        ControlSession.objects.bulk_create(sessions)
        newest = models.filter(student__user__username="demo.anna").order_by("-completed_at")
        if newest.exists():
            ControlSession.objects.create(
                school=school, student=newest[0].student, training=newest[0]
            )

    def _assignments(self, classroom, teacher):
        """One assignment past its due date with hand-ins (on time, late, one graded, two
        missing), and one still open for the students' home pages."""
        now = timezone.now()
        common = {
            "datasets": DEMO_REPO_ID,
            "policy_type": "ACT",
            "max_steps": 8000,
            "max_cost_eur": Decimal("2.50"),
        }
        past = assignment_create(
            actor=teacher,
            classroom=classroom,
            title="Erste Schritte: Würfel greifen",
            instructions=(
                "Trainiere ein **ACT**-Modell auf dem Demo-Datensatz und teste es am Roboter.\n\n"
                "- Wie tief ist der Loss am Ende?\n- Wie oft greift der Roboter den Würfel?"
            ),
            due_at=now - timedelta(days=3),
            **common,
        )
        assignment_publish(actor=teacher, assignment=past)
        for username, late in (("demo.anna", False), ("demo.ben", True), ("demo.can", False)):
            model = (
                Training.objects.for_school(classroom.school)
                .filter(student__user__username=username, status=Status.COMPLETED)
                .order_by("-completed_at")
                .first()
            )
            if model is None:
                continue
            model.assignment = past
            model.save(update_fields=["assignment"])
            submission = Submission.objects.create(
                school=classroom.school,
                assignment=past,
                student=model.student,
                training=model,
                reflection="Mit mehr Schritten sank der Loss, aber der Griff blieb unsicher.",
                handed_in_at=past.due_at + timedelta(hours=20 if late else -20),
            )
            if username == "demo.anna":
                submission_grade(
                    actor=teacher,
                    submission=submission,
                    feedback="Sehr gute Reflexion. Probiere als Nächstes mehr Episoden.",
                    grade=Decimal("1.7"),
                )
        assignment_publish(
            actor=teacher,
            assignment=assignment_create(
                actor=teacher,
                classroom=classroom,
                title="Mit wenigen Schritten gut greifen",
                instructions="Schaffst du einen Loss unter 0,05 mit höchstens **4000** Schritten?",
                due_at=now + timedelta(days=7),
                **common | {"max_steps": 4000},
            ),
        )

    def _model_files(self, school):
        """The seeded models' folders in the local Hub (card, config, metrics), so they download."""
        store = LocalHubStore(settings.HUB_LOCAL_DIR)
        models = Training.objects.for_school(school).filter(status=Status.COMPLETED)
        for model in models.exclude(hub_model_id=""):
            if (Path(settings.HUB_LOCAL_DIR) / "models" / model.hub_model_id).is_dir():
                continue
            metrics = {"trainer": "demo history", "final_loss": model.latest_loss}
            metrics.update(episodes=12, frames=720)
            payload = {
                "model_repo_id": model.hub_model_id,
                "policy_type": model.policy_type,
                "dataset": model.dataset,
                "steps": model.steps,
                "batch_size": model.batch_size,
            }
            with tempfile.TemporaryDirectory() as folder:
                (Path(folder) / "README.md").write_text(model_card(payload, metrics))
                (Path(folder) / "metrics.json").write_text(json.dumps(metrics, indent=2))
                (Path(folder) / "config.json").write_text(
                    json.dumps({"type": model.policy_type.lower(), "steps": model.steps})
                )
                store.upload_model(Path(folder), model.hub_model_id)

    def _ledger(self, school, classroom, rng):
        """The GPU budget's entries for that history (written past the services, like it), an
        hour of inference server time, and a costly training waiting for the teacher."""
        kind = BudgetEntry.Kind
        for training in Training.objects.for_school(school):
            spent = (training.cost_eur or 0) - training.cost_estimate_eur
            for entry_kind, amount, when in (
                (kind.RESERVATION, training.cost_estimate_eur, training.started_at),
                (kind.SETTLEMENT if spent >= 0 else kind.REFUND, spent, training.completed_at),
            ):
                entry = BudgetEntry.objects.create(
                    school=school,
                    kind=entry_kind,
                    amount_eur=amount,
                    training=training,
                    classroom=classroom,
                )
                BudgetEntry.objects.filter(pk=entry.pk).update(created_at=when)
        BudgetEntry.objects.create(
            school=school,
            kind=kind.SERVER_TIME,
            amount_eur=cost_for(3600, "T4"),
            classroom=classroom,
            note="Inferenz-Server Robotik AG",
        )
        student = Membership.objects.get(school=school, user__username="demo.ben")
        waiting = Training.objects.create(
            school=school,
            student=student,
            classroom=classroom,
            started_by=student,
            model_name=f"edubotics-ai/{school.slug}-act-wait{rng.randrange(10**4):04d}",
            dataset=DEMO_REPO_ID,
            policy_type="ACT",
            steps=100_000,
            batch_size=120,
            progress_total=100_000,
            status=Status.AWAITING_APPROVAL,
            cost_estimate_eur=cost_for(20_120),
        )
        BudgetEntry.objects.create(
            school=school,
            kind=kind.RESERVATION,
            amount_eur=waiting.cost_estimate_eur,
            training=waiting,
            classroom=classroom,
        )

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
