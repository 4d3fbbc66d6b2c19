"""An export file that cannot be read is named with what to do about it, in the user's
language, and nothing is imported."""

import pytest
from django.utils import translation

from legacy.source import export_read
from schools.errors import ApplicationError


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("users.json", b"[{]", "users.json ist kein gültiges JSON (Zeile 1)."),
        ("users.json", b'{"id": 1}', "users.json muss ein JSON-Array von Objekten enthalten"),
        ("users.csv", "id,e\n1,ä\n".encode("latin-1"), "users.csv ist nicht in UTF-8"),
        ("users.csv", b"id\n" + b"x" * 200_000, "users.csv kann nicht als CSV gelesen werden"),
    ],
)
def test_an_unreadable_file_is_named_with_what_to_do(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with translation.override("de"), pytest.raises(ApplicationError) as error:
        export_read(tmp_path)
    assert message in error.value.message
