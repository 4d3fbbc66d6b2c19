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
from django.utils.translation import ngettext

from .errors import ApplicationError

MAX_BYTES = 1_000_000
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
    if b"\x00" in data:
        raise _file_error(_("This is not a CSV file. Save the class list as CSV and try again."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_username(username: str) -> str | None:
    if not USERNAME_RE.match(username):
        return _(
            "username “%(username)s” is not valid: 3–30 characters, lower-case letters, "
            "digits, dot, dash or underscore"
        ) % {"username": username}
    return None


def parse_students_csv(data: bytes) -> list[StudentRow]:
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than 1 MB."))
    text = _decode(data)
    if not text.strip():
        raise _file_error(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in HEADERS]
    if unknown:
        raise _file_error(
            _(
                "Unknown column “%(column)s”. Allowed columns: first_name, last_name, username, email."
            )
            % {"column": unknown[0]}
        )
    columns = [HEADERS[h] for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _file_error(_("The column “%(column)s” is missing.") % {"column": missing[0]})

    rows, errors, usernames = [], [], {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
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
        if not row.first_name:
            errors.append(RowError(line, _("first name is missing")))
        if not row.last_name:
            errors.append(RowError(line, _("last name is missing")))
        if row.username:
            if problem := check_username(row.username):
                errors.append(RowError(line, problem, "username"))
            elif row.username in usernames:
                errors.append(
                    RowError(
                        line,
                        _("username “%(username)s” is already used in line %(other)d")
                        % {"username": row.username, "other": usernames[row.username]},
                        "username",
                    )
                )
            usernames.setdefault(row.username, line)
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                errors.append(
                    RowError(
                        line,
                        _("“%(email)s” is not a valid e-mail address") % {"email": row.email},
                        "email",
                    )
                )
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise _file_error(_("The file has no students, only a header."))
    return rows
