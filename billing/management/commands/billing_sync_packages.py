"""Creates or updates the packages' Products and Prices in Stripe. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from billing.services.catalogue import packages_sync
from schools.errors import ApplicationError


class Command(BaseCommand):
    help = "Create or update the seat packages in Stripe (idempotent) and sync them into dj-stripe."

    def handle(self, *args, **options):
        try:
            for line in packages_sync():
                self.stdout.write(line)
        except ApplicationError as error:
            raise CommandError(error.message) from None
