"""The one way to answer with a CSV download: German Excel's format (UTF-8 with BOM, semicolons),
cells that a spreadsheet cannot run as formulas, and a file name that cannot break the header."""

import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# OWASP's CSV-injection advice: a text cell starting with one of these is a formula to Excel and
# LibreOffice, so it gets a leading apostrophe, which they show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell as written: numbers stay numbers, everything else is text that cannot be a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):  # euros: German Excel reads a decimal comma as a number
        return str(value).replace(".", ",")
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    def __init__(self, response: HttpResponse):
        self._writer = csv.writer(response, delimiter=";")

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(value) for value in row])


def csv_response(*, name: str) -> tuple[HttpResponse, CsvWriter]:
    """An attachment called ``<slugified name>.csv``, and the writer for its rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{slugify(name) or 'export'}.csv"
    )
    response.write("\ufeff")
    return response, CsvWriter(response)
