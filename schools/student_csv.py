"""Reads a class list (CSV) into rows of students, or says exactly which lines are wrong.

Columns: ``first_name,last_name[,username][,email]`` (German headers work too), separated by
``;`` or ``,``. UTF-8, with Windows-1252 (what German Excel saves) as a fallback.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .errors import ApplicationError
from .models import User

MAX_BYTES = 1_000_000
# The largest German schools have about 2,500 students; a class list is far shorter.
MAX_ROWS = 3000
# Up to this many students are created while the teacher waits; more run as a background task,
# since each new password is hashed slowly on purpose (Argon2: 0.1–0.4 s each, by the machine).
MAX_ROWS_WAITING = 10
# Characters no class list contains (tab and line breaks are allowed between fields).
CONTROL_CHARACTERS = frozenset(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
HEADERS = {
    "first_name": "first_name",
    "firstname": "first_name",
    "vorname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "nachname": "last_name",
    "username": "username",
    "benutzername": "username",
    "email": "email",
    "e-mail": "email",
    "e_mail": "email",
}
REQUIRED = ("first_name", "last_name")
COLUMN_LABELS = {
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "username": gettext_lazy("username"),
    "email": gettext_lazy("e-mail"),
}
# The database's limits, checked before anything is saved.
MAX_LENGTHS = {column: User._meta.get_field(column).max_length for column in COLUMN_LABELS}


@dataclass
class StudentRow:
    line: int
    first_name: str
    last_name: str
    username: str = ""
    email: str = ""


@dataclass
class RowError:
    line: int  # 0: the file as a whole
    message: str
    field: str | None = None  # the column it is about, where there is one


class ImportRejected(ApplicationError):
    """Nothing was imported; ``errors`` lists every problem with its line."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            ngettext(
                "Nothing was imported: %(count)d problem must be fixed first.",
                "Nothing was imported: %(count)d problems must be fixed first.",
                len(errors),
            )
            % {"count": len(errors)}
        )


def _file_error(message) -> ImportRejected:
    return ImportRejected([RowError(0, message)])


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _file_error(
                _(
                    "The file's encoding is not known. Save the class list as “CSV UTF-8” and try again."
                )
            ) from None
    if any(c in CONTROL_CHARACTERS for c in text):
        raise _file_error(_("This is not a CSV file. Save the class list as CSV and try again."))
    # Old Mac files end lines with a bare carriage return; the csv module wants one kind only.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_username(username: str) -> str | None:
    if not USERNAME_RE.match(username):
        return _(
            "username “%(username)s” is not valid: 3–30 characters, lower-case letters, "
            "digits, dot, dash or underscore"
        ) % {"username": username}
    return None


def _check_field(row: StudentRow, column: str) -> str | None:
    value = getattr(row, column)
    if "\n" in value or "\t" in value:
        return _("%(column)s contains a line break or tab") % {"column": COLUMN_LABELS[column]}
    if len(value) > MAX_LENGTHS[column]:
        return _("%(column)s is longer than %(max)d characters") % {
            "column": COLUMN_LABELS[column],
            "max": MAX_LENGTHS[column],
        }
    return None


def _check_row(row: StudentRow, usernames: dict[str, int]) -> list[RowError]:
    errors = []
    for column in COLUMN_LABELS:
        if problem := _check_field(row, column):
            errors.append(RowError(row.line, problem, column))
    if errors:  # a mangled value would only repeat itself in the messages below
        return errors
    if not row.first_name:
        errors.append(RowError(row.line, _("first name is missing"), "first_name"))
    if not row.last_name:
        errors.append(RowError(row.line, _("last name is missing"), "last_name"))
    if row.username:
        if problem := check_username(row.username):
            errors.append(RowError(row.line, problem, "username"))
        elif row.username in usernames:
            errors.append(
                RowError(
                    row.line,
                    _("username “%(username)s” is already used in line %(other)d")
                    % {"username": row.username, "other": usernames[row.username]},
                    "username",
                )
            )
        usernames.setdefault(row.username, row.line)
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(
                RowError(
                    row.line,
                    _("“%(email)s” is not a valid e-mail address") % {"email": row.email},
                    "email",
                )
            )
    return errors


def parse_students_csv(data: bytes) -> list[StudentRow]:
    """Every row, or ``ImportRejected`` naming every problem; no database write happens here."""
    rows, errors = read_students_csv(data)
    if errors:
        raise ImportRejected(errors)
    return rows


def read_students_csv(data: bytes) -> tuple[list[StudentRow], list[RowError]]:
    """The rows and the problems of their lines, so that the checks against the school's
    accounts can join them in one list; a file that cannot be read raises ``ImportRejected``."""
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than 1 MB."))
    text = _decode(data)
    if not text.strip():
        raise _file_error(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error:
        raise _file_error(_("The first line (the column names) cannot be read.")) from None
    unknown = [h for h in header if h not in HEADERS]
    if unknown:
        raise _file_error(
            _(
                "Unknown column “%(column)s”. Allowed columns: first_name, last_name, username, email."
            )
            % {"column": unknown[0][:40]}
        )
    columns = [HEADERS[h] for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _file_error(_("The column “%(column)s” is missing.") % {"column": missing[0]})
    if len(set(columns)) < len(columns):
        raise _file_error(_("A column appears twice in the first line."))

    rows, errors, usernames, count = [], [], {}, 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a field over the csv module's limit, or a quote never closed
            errors.append(
                RowError(
                    reader.line_num,
                    _("cannot be read (a field is far too long or a quote is not closed)"),
                )
            )
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _file_error(
                _("The file has more than %(max)d students. Split it into several files.")
                % {"max": MAX_ROWS}
            )
        if len(values) != len(columns):
            errors.append(
                RowError(
                    line,
                    _("has %(found)d fields, expected %(expected)d")
                    % {"found": len(values), "expected": len(columns)},
                )
            )
            continue
        row = StudentRow(line=line, **{c: v.strip() for c, v in zip(columns, values, strict=True)})
        row.username, row.email = row.username.lower(), row.email.lower()
        errors.extend(_check_row(row, usernames))
        rows.append(row)
    if not rows and not errors:
        raise _file_error(_("The file has no students, only a header."))
    return rows, errors
