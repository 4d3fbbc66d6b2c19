"""``manage.py rebuild_rollup [--school SLUG]``: recounts the dashboards' history (TrainingDay)
from the trainings and the library's session sums from the sessions, for one school or all."""

from django.core.management.base import BaseCommand, CommandError

from schools.models import School
from training.services.rollup import training_rollup_rebuild


class Command(BaseCommand):
    help = "Recount the per-day training rollup and the models' session sums."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="the school's slug (default: every school)")

    def handle(self, *args, school=None, **options):
        schools = School.objects.filter(slug=school) if school else School.objects.all()
        if school and not schools:
            raise CommandError(f"No school with the address {school!r}.")
        for each in schools.order_by("pk"):
            days = training_rollup_rebuild(school=each)
            self.stdout.write(f"{each.slug}: {days} days")
