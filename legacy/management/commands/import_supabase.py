"""manage.py import_supabase --school <slug> <folder> [--dry-run] [--report report.json]
[--verify <batch>] [--undo <batch>]: a school's data from the earlier system (Supabase export)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from schools.errors import ApplicationError
from schools.models import School

from ...report import report_lines, undo_lines, verify_lines
from ...services.batches import legacy_import, legacy_undo, legacy_verify


class Command(BaseCommand):
    help = "Import a school's export of the earlier system (Supabase), check it, or undo it."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="the school's address (slug)")
        parser.add_argument(
            "folder", nargs="?", help="the folder with users.csv/.json and the rest"
        )
        parser.add_argument("--dry-run", action="store_true", help="report only, save nothing")
        parser.add_argument("--report", help="also write the report as JSON to this file")
        parser.add_argument(
            "--verify", type=int, metavar="BATCH", help="compare a batch with the folder"
        )
        parser.add_argument("--undo", type=int, metavar="BATCH", help="remove what a batch created")

    def handle(self, *args, **options):
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the address “{options['school']}”.")
        if options["undo"] is None and not options["folder"]:
            raise CommandError("Name the folder that holds the export.")
        with translation.override(school.language):
            try:
                result, lines = self._run(school, options)
            except ApplicationError as error:
                raise CommandError(error.message) from None
        for line in lines:
            self.stdout.write(line)
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8"
            )

    def _run(self, school, options):
        label = "manage.py import_supabase"
        if options["undo"] is not None:
            result = legacy_undo(school=school, batch_id=options["undo"], actor_label=label)
            return result, undo_lines(result)
        folder = Path(options["folder"])
        if options["verify"] is not None:
            result = legacy_verify(school=school, batch_id=options["verify"], folder=folder)
            return result, verify_lines(result)
        result = legacy_import(
            school=school, folder=folder, dry_run=options["dry_run"], actor_label=label
        )
        return result, report_lines(result)
