"""The import's report reads as German sentences: one row is "1 Zeile", one classroom "1 Kurs"."""

from django.utils import translation

from legacy.report import report_lines, undo_lines, verify_lines


def test_counts_of_one_and_of_many_read_right_in_german():
    table = {"rows": 1, "imported": 1, "already_imported": 0, "skipped": [], "notes": []}
    report = {"dry_run": True, "tables": {"servers": table, "users": {**table, "rows": 9}}}
    checked = {"source_rows": 1, "imported": 1, "still_here": 1, "checksum": "ab", "differing": []}
    undone = {"batch": 2, "removed": {"schools.classroom": 1, "training.training": 4}, "kept": []}
    with translation.override("de"):
        lines = report_lines(report) + verify_lines(
            {"servers": {**checked, "source_checksum": "ab"}}
        )
        lines += undo_lines(undone)
    text = "\n".join(lines)
    assert "servers: 1 Zeile," in text and "users: 9 Zeilen," in text
    assert "servers: 1 Zeile in der Quelle" in text
    assert "entfernt: 1 Kurs\n" in text and "entfernt: 4 Trainings" in text
