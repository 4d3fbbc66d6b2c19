"""One import run: what it has seen (earlier ids → our rows), its report, and the order of the
steps. A dry run is the real run rolled back, so it reports exactly what the real one would do."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType

from schools.models import Enrollment, School

from ..models import ImportBatch, ImportedRow
from ..source import SourceRow


@dataclass
class TableReport:
    table: str
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, row: SourceRow, reason: str) -> None:
        self.skipped.append({"line": row.line, "id": row.text("id") or "", "reason": str(reason)})


class ImportRun:
    """The state of one run. ``known`` maps each earlier table and model to the rows an earlier
    (or this) run made: {(table, model label): {earlier id: our id}}."""

    def __init__(self, *, school: School, batch: ImportBatch):
        self.school = school
        self.batch = batch
        self.tables: dict[str, TableReport] = {}
        self._pending: list[ImportedRow] = []
        self.others_models: set[str] = set()  # Hub ids of other schools' models in the export
        self.reload()

    def reload(self) -> None:
        """Reads what earlier runs made; again under the school's lock, as another import may
        have finished a group meanwhile."""
        self.known: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        rows = ImportedRow.objects.for_school(self.school).values_list(
            "table", "content_type__app_label", "content_type__model", "legacy_id", "object_id"
        )
        for table, app_label, model, legacy_id, object_id in rows:
            self.known[table, f"{app_label}.{model}"][legacy_id] = object_id

    def _key(self, table, model):
        return table, model._meta.label_lower

    @cached_property
    def student_classrooms(self) -> dict[int, int]:
        """Each student's first classroom, where their imported trainings are shown."""
        return dict(
            Enrollment.objects.for_school(self.school)
            .order_by("-created_at")
            .values_list("student_id", "classroom_id")
        )

    def table(self, name: str, rows: list[SourceRow]) -> TableReport:
        self.tables[name] = report = TableReport(table=name, rows=len(rows))
        return report

    def lookup(self, table: str, model, legacy_id: str | None) -> int | None:
        object_id = self.known[self._key(table, model)].get(legacy_id) if legacy_id else None
        return int(object_id) if object_id is not None else None

    def record(self, table: str, legacy_id: str, obj, *, created: bool = True) -> None:
        self.known[self._key(table, type(obj))][legacy_id] = str(obj.pk)
        self._pending.append(
            ImportedRow(
                school=self.school,
                batch=self.batch,
                table=table,
                legacy_id=legacy_id,
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=str(obj.pk),
                created=created,
            )
        )

    def flush(self) -> None:
        ImportedRow.objects.bulk_create(self._pending)
        self._pending = []

    def report(self, *, dry_run: bool) -> dict:
        return {
            "school": self.school.slug,
            "batch": None if dry_run else self.batch.pk,
            "dry_run": dry_run,
            "tables": {
                name: vars(table) | {"skipped": sorted(table.skipped, key=lambda s: s["line"])}
                for name, table in self.tables.items()
            },
        }
