"""Reading an export of the earlier system: one file per table, ``<table>.csv`` as Supabase's table
editor writes it (header row, empty cell = NULL, JSON columns as JSON text) or ``<table>.json``
(one array of objects). Values are parsed field by field, so one bad cell skips one row."""

import csv
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from schools.errors import ApplicationError

TABLES = (
    "auth_users",
    "users",
    "trainings",
    "ai_control_sessions",
    "servers",
    "classroom_analytics",
    "audit_log",
)


class Skip(Exception):
    """This row is not imported (a cell cannot be read, a reference is missing …): the message says why."""


@dataclass
class SourceRow:
    line: int  # the CSV line, or the position in the JSON array (from 1)
    values: dict = field(repr=False)

    def text(self, column: str) -> str | None:
        value = self.values.get(column)
        if value is None or value == "":
            return None
        return str(value).strip() if isinstance(value, str) else str(value)

    def uuid(self, column: str) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise Skip(_("malformed %(column)s") % {"column": column}) from None

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise Skip(_("%(column)s is not a whole number") % {"column": column}) from None

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return Decimal(value).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise Skip(_("%(column)s is not a number") % {"column": column}) from None

    def timestamp(self, column: str) -> datetime | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise Skip(
                _("%(column)s is not a time with a time zone") % {"column": column}
            ) from None
        return parsed

    def created_at(self) -> datetime:
        created = self.timestamp("created_at")
        if created is None:
            raise Skip(_("created_at is missing"))
        return created

    def json(self, column: str):
        value = self.values.get(column)
        if not isinstance(value, str):  # a JSON export holds the value itself
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise Skip(_("%(column)s is not valid JSON") % {"column": column}) from None


def _read_csv(path: Path) -> list[SourceRow]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        return [SourceRow(line=reader.line_num, values=values) for values in reader]


def _read_json(path: Path) -> list[SourceRow]:
    with path.open(encoding="utf-8-sig") as file:
        data = json.load(file)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApplicationError(
            _("%(file)s must hold one JSON array of objects, one per row.") % {"file": path.name}
        )
    return [SourceRow(line=n, values=values) for n, values in enumerate(data, start=1)]


def export_read(folder: Path) -> dict[str, list[SourceRow]]:
    """Every table the folder holds; a table without a file is missing from the result."""
    if not folder.is_dir():
        raise ApplicationError(_("“%(folder)s” is not a folder.") % {"folder": folder})
    tables = {}
    for table in TABLES:
        paths = [p for p in (folder / f"{table}.csv", folder / f"{table}.json") if p.is_file()]
        if len(paths) > 1:
            raise ApplicationError(
                _("The export holds both %(table)s.csv and %(table)s.json: keep one.")
                % {"table": table}
            )
        if not paths:
            continue
        path = paths[0]
        try:
            tables[table] = _read_csv(path) if path.suffix == ".csv" else _read_json(path)
        except UnicodeDecodeError:
            raise ApplicationError(
                _("%(file)s is not UTF-8: export it again as UTF-8.") % {"file": path.name}
            ) from None
        except json.JSONDecodeError as error:
            raise ApplicationError(
                _("%(file)s is not valid JSON (line %(line)d).")
                % {"file": path.name, "line": error.lineno}
            ) from None
        except csv.Error:
            raise ApplicationError(
                _("%(file)s cannot be read as CSV: save it again as CSV (UTF-8).")
                % {"file": path.name}
            ) from None
    if "users" not in tables:
        raise ApplicationError(_("The export has no users.csv or users.json."))
    return tables
