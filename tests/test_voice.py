"""One voice in German: "du" on the pages students read, "Sie" on teachers' and admins' pages.

A message belongs to the pages it occurs on: django.po lists, for every msgid, the templates and
modules that use it (makemessages writes them); its German is read from the compiled .mo. A
message on a student-only page may not address the reader with "Sie", one on a staff-only page
not with "du"; one on a page everyone sees speaks to no one in person. A word list finds the
forms; "Sie"/"Ihr" meaning "they"/"their" are written another way on student pages.
"""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = polib.pofile(str(ROOT / "locale/de/LC_MESSAGES/django.po"))
COMPILED = {
    (e.msgctxt, e.msgid): e for e in polib.mofile(str(ROOT / "locale/de/LC_MESSAGES/django.mo"))
}

DU = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst|musst|willst"
    r"|wirst|darfst|siehst|brauchst|weißt|gib|wähle|prüfe|kopiere|bewerte|schreib)\b",
    re.IGNORECASE,
)
SIE = re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen)\b")  # capitals: not "sie"/"ihr"

STUDENT_PAGES = [
    "templates/schools/student_home.html",
    "templates/schools/student_signup.html",
    "templates/schools/join.html",
    "templates/assignments/student_detail.html",
    "templates/training/rate.html",
]
STAFF_PAGES = [
    "templates/account/",  # sign-up, sign-in and passwords of admins and teachers
    "templates/billing/",
    "templates/privacy/",
    "templates/analytics/audit_log.html",
    "templates/schools/dashboard.html",
    "templates/schools/members.html",
    "templates/schools/settings.html",
    "templates/schools/invitation_form.html",
    "templates/schools/invitation_accept.html",
    "templates/schools/login_sheet.html",
    "templates/schools/classroom_form.html",
    "templates/schools/student_add.html",
    "templates/schools/student_import.html",
    "templates/schools/students_bulk_confirm.html",
    "templates/schools/classroom_student.html",
    "templates/schools/student_import_progress.html",
    "templates/assignments/form.html",
    "templates/assignments/reuse.html",
    "templates/assignments/completion.html",
    "templates/assignments/submission.html",
    "templates/analytics/classroom.html",
    "templates/training/budget.html",
    "templates/training/budget_settings.html",
    "templates/training/decline.html",
    "templates/training/ratings.html",
    "templates/schools/email/",
    "templates/legacy/import.html",  # the import from the earlier system, and its admin pages
    "templates/admin/legacy/",
    "legacy/",
    "billing/",
    "privacy/",
    "schools/views/members.py",
]
EVERYONES_PAGES = [
    "templates/account/login.html",  # students and staff sign in on one page
    "templates/base.html",
    "templates/403.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/schools/classroom_detail.html",
    "templates/analytics/student.html",
    "templates/assignments/detail.html",
    "templates/assignments/list.html",
    "templates/assignments/instructions.html",
    "templates/assignments/open.html",
    "templates/assignments/state.html",
    *[  # one page per training or model, for its student and their teachers
        f"templates/training/{name}.html"
        for name in [
            "api_token",
            "chart",
            "chart_empty",
            "detail",
            "library",
            "list",
            "model",
            "model_files",
            "new",
            "server_panel",
            "session_table",
            "stars",
            "status",
            "status_badge",
        ]
    ],
]


def german(entry):
    """What the page shows: the compiled German of the .po's entry."""
    compiled = COMPILED.get((entry.msgctxt, entry.msgid))
    return " ".join([compiled.msgstr, *compiled.msgstr_plural.values()]) if compiled else ""


def used_on(pages):
    return [
        entry
        for entry in PO.translated_entries()
        if any(file.startswith(page) for file, _line in entry.occurrences for page in pages)
    ]


def test_the_pages_listed_exist():
    for page in STUDENT_PAGES + STAFF_PAGES + EVERYONES_PAGES:
        assert (ROOT / page).exists(), page


@pytest.mark.parametrize(
    "pages, forbidden",
    [(STUDENT_PAGES, SIE), (STAFF_PAGES, DU), (EVERYONES_PAGES, SIE), (EVERYONES_PAGES, DU)],
    ids=["students read du", "staff read Sie", "everyone: no Sie", "everyone: no du"],
)
def test_each_page_speaks_in_its_readers_voice(pages, forbidden):
    wrong = [(e.msgid, german(e)) for e in used_on(pages) if forbidden.search(german(e))]
    assert wrong == []


def test_no_message_mixes_du_and_sie():
    mixed = [e.msgid for e in PO.translated_entries() if DU.search(german(e))]
    assert [m for m in mixed if SIE.search(german(PO.find(m)))] == []


def test_the_word_lists_catch_both_voices():
    assert DU.search("Du hast bereits ein Konto") and not SIE.search("Du hast bereits ein Konto")
    assert SIE.search("Name Ihrer Schule") and not DU.search("Name Ihrer Schule")
    assert not DU.search("Die Schule hat ihr Paket") and not SIE.search("die Schule hat sie")


def test_a_classroom_is_always_a_kurs():
    """One word for one thing: "Klasse" stays for the grade and the class list (Klassenliste)."""
    klasse = re.compile(r"\bKlassen?\b(?! / Fach)|Klassen(budget|zugehörigkeit)")
    wrong = [e.msgid for e in PO.translated_entries() if klasse.search(german(e))]
    assert wrong == []
    assert klasse.search("in eine andere Klasse") and not klasse.search("Klassenliste")
