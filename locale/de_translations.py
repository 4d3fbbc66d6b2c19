"""German for every msgid of ours. `python locale/de_translations.py` fills django.po from it.

Kept beside the .po so a new string is one line here; `make messages` re-extracts and fills.
"""

import re
import sys
from pathlib import Path

DE = {
    "Analytics": "Auswertungen",
    "Billing": "Abrechnung",
    "German": "Deutsch",
    "English": "Englisch",
    "Schools": "Schulen",
    "Trainings": "Trainings",
    "Name of your school": "Name Ihrer Schule",
    "First name": "Vorname",
    "Last name": "Nachname",
    "Password": "Passwort",
    "Password (again)": "Passwort (wiederholen)",
    "The two passwords differ.": "Die beiden Passwörter stimmen nicht überein.",
    "Join code": "Beitrittscode",
    "name": "Name",
    "language": "Sprache",
    "time zone": "Zeitzone",
    "role": "Rolle",
    "Username": "Benutzername",
    "Leave empty to generate one from the name.": "Leer lassen, um ihn aus dem Namen zu erzeugen.",
    "E-mail (optional)": "E-Mail (optional)",
    "Class list (CSV)": "Klassenliste (CSV)",
    "Columns: first_name, last_name and optionally username, email; separated by ; or ,": "Spalten: first_name, last_name (oder Vorname, Nachname) und optional username, email; getrennt durch ; oder ,",
    "user": "Benutzer:in",
    "users": "Benutzer:innen",
    "address": "Adresse",
    "country": "Land",
    "created": "erstellt",
    "school": "Schule",
    "schools": "Schulen",
    "School admin": "Schuladmin",
    "Teacher": "Lehrkraft",
    "Student": "Schüler:in",
    "active": "aktiv",
    "joined": "beigetreten",
    "membership": "Mitgliedschaft",
    "memberships": "Mitgliedschaften",
    "grade / subject": "Klasse / Fach",
    "primary teacher": "verantwortliche Lehrkraft",
    "co-teachers": "weitere Lehrkräfte",
    "join code": "Beitrittscode",
    "join code active": "Beitrittscode aktiv",
    "archived": "archiviert",
    "classroom": "Kurs",
    "classrooms": "Kurse",
    "student": "Schüler:in",
    "enrolled": "eingeschrieben",
    "enrollment": "Kurszugehörigkeit",
    "enrollments": "Kurszugehörigkeiten",
    "e-mail": "E-Mail",
    "invited by": "eingeladen von",
    "sent": "gesendet",
    "expires": "läuft ab",
    "accepted": "angenommen",
    "revoked": "widerrufen",
    "invitation": "Einladung",
    "invitations": "Einladungen",
    "Only the classroom's teachers can change it.": "Nur die Lehrkräfte des Kurses können ihn ändern.",
    "This classroom is archived and read-only. Restore it first.": "Dieser Kurs ist archiviert und schreibgeschützt. Stellen Sie ihn zuerst wieder her.",
    "Co-teachers must be teachers of this school.": "Weitere Lehrkräfte müssen Lehrkräfte dieser Schule sein.",
    "Only teachers can create classrooms.": "Nur Lehrkräfte können Kurse anlegen.",
    "Only the primary teacher or a school admin can delete a classroom.": "Nur die verantwortliche Lehrkraft oder ein Schuladmin kann einen Kurs löschen.",
    "Only school admins can manage members.": "Nur Schuladmins können Mitglieder verwalten.",
    "%(email)s is already a member of this school.": "%(email)s ist bereits Mitglied dieser Schule.",
    "This invitation was already accepted or revoked.": "Diese Einladung wurde bereits angenommen oder widerrufen.",
    "This invitation was already accepted.": "Diese Einladung wurde bereits angenommen.",
    "This invitation link is not valid (anymore). Ask your school admin for a new one.": "Dieser Einladungslink ist (nicht mehr) gültig. Bitten Sie Ihren Schuladmin um einen neuen.",
    "This invitation was already used. Please sign in.": "Diese Einladung wurde bereits verwendet. Bitte melden Sie sich an.",
    "This invitation has expired. Ask your school admin to send it again.": "Diese Einladung ist abgelaufen. Bitten Sie Ihren Schuladmin, sie erneut zu senden.",
    "An account with this e-mail address exists. Please sign in first.": "Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Bitte melden Sie sich zuerst an.",
    "This invitation is for %(email)s. Sign out and open the link again.": "Diese Einladung ist für %(email)s. Melden Sie sich ab und öffnen Sie den Link erneut.",
    "Students keep their role; invite teachers and admins by e-mail.": "Schüler:innen behalten ihre Rolle; Lehrkräfte und Admins laden Sie per E-Mail ein.",
    "A school needs at least one admin. Make someone else admin first.": "Eine Schule braucht mindestens einen Admin. Machen Sie zuerst jemand anderen zum Admin.",
    "You cannot deactivate yourself.": "Sie können sich nicht selbst deaktivieren.",
    "Only school admins can deactivate teachers and admins.": "Nur Schuladmins können Lehrkräfte und Admins deaktivieren.",
    "Please enter the name of your school.": "Bitte geben Sie den Namen Ihrer Schule ein.",
    "Only school admins can change the school's settings.": "Nur Schuladmins können die Einstellungen der Schule ändern.",
    "username “%(username)s” is already taken": "Benutzername „%(username)s“ ist schon vergeben",
    "e-mail “%(email)s” already belongs to an account": "E-Mail „%(email)s“ gehört schon zu einem Konto",
    "A username was taken meanwhile. Please try again.": "Ein Benutzername wurde inzwischen vergeben. Bitte versuchen Sie es erneut.",
    "Only teachers can reset a student's password.": "Nur Lehrkräfte können das Passwort von Schüler:innen zurücksetzen.",
    "No classroom has this join code. Check it with your teacher.": "Kein Kurs hat diesen Beitrittscode. Prüfe ihn mit deiner Lehrkraft.",
    "Nothing was imported: %(count)d problem must be fixed first.": "Nichts wurde importiert: %(count)d Problem muss zuerst behoben werden.",
    "Nothing was imported: %(count)d problems must be fixed first.": "Nichts wurde importiert: %(count)d Probleme müssen zuerst behoben werden.",
    "This is not a CSV file. Save the class list as CSV and try again.": "Das ist keine CSV-Datei. Speichern Sie die Klassenliste als CSV und versuchen Sie es erneut.",
    "username “%(username)s” is not valid: 3–30 characters, lower-case letters, digits, dot, dash or underscore": "Benutzername „%(username)s“ ist ungültig: 3–30 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Bindestrich oder Unterstrich",
    "The file is larger than 1 MB.": "Die Datei ist größer als 1 MB.",
    "The file is empty.": "Die Datei ist leer.",
    "Unknown column “%(column)s”. Allowed columns: first_name, last_name, username, email.": "Unbekannte Spalte „%(column)s“. Erlaubte Spalten: first_name, last_name, username, email (oder Vorname, Nachname, Benutzername, E-Mail).",
    "The column “%(column)s” is missing.": "Die Spalte „%(column)s“ fehlt.",
    "has %(found)d fields, expected %(expected)d": "hat %(found)d Felder, erwartet werden %(expected)d",
    "first name is missing": "Vorname fehlt",
    "last name is missing": "Nachname fehlt",
    "username “%(username)s” is already used in line %(other)d": "Benutzername „%(username)s“ steht schon in Zeile %(other)d",
    "“%(email)s” is not a valid e-mail address": "„%(email)s“ ist keine gültige E-Mail-Adresse",
    "The file has no students, only a header.": "Die Datei enthält keine Schüler:innen, nur eine Kopfzeile.",
    "Welcome to %(school)s!": "Willkommen bei %(school)s!",
    "Your account is ready. Your username is %(username)s: write it down, you need it to sign in.": "Dein Konto ist bereit. Dein Benutzername ist %(username)s – schreib ihn dir auf, du brauchst ihn zum Anmelden.",
    "Classroom “%(name)s” created.": "Kurs „%(name)s“ angelegt.",
    "Classroom saved.": "Kurs gespeichert.",
    "Archive “%(name)s”?": "„%(name)s“ archivieren?",
    "An archived classroom is read-only. Its students keep seeing their work. You can restore it later.": "Ein archivierter Kurs ist schreibgeschützt. Seine Schüler:innen sehen ihre Arbeit weiterhin. Sie können ihn später wiederherstellen.",
    "Archive": "Archivieren",
    "Classroom archived.": "Kurs archiviert.",
    "Classroom restored.": "Kurs wiederhergestellt.",
    "Delete “%(name)s”?": "„%(name)s“ löschen?",
    "The classroom is deleted for good. Its students stay in the school.": "Der Kurs wird endgültig gelöscht. Seine Schüler:innen bleiben in der Schule.",
    "Delete classroom": "Kurs löschen",
    "Classroom deleted.": "Kurs gelöscht.",
    "New join code created; the old one no longer works.": "Neuer Beitrittscode erstellt; der alte gilt nicht mehr.",
    "Join code turned off.": "Beitrittscode ausgeschaltet.",
    "Join code turned on.": "Beitrittscode eingeschaltet.",
    "%(count)d student imported.": "%(count)d Schüler:in importiert.",
    "%(count)d students imported.": "%(count)d Schüler:innen importiert.",
    "The passwords were removed from this page.": "Die Passwörter wurden von dieser Seite entfernt.",
    "Remove %(name)s from “%(classroom)s”?": "%(name)s aus „%(classroom)s“ entfernen?",
    "The student keeps their account and stays in the school.": "Das Konto bleibt bestehen und die Person bleibt in der Schule.",
    "Remove from classroom": "Aus dem Kurs entfernen",
    "Student removed from the classroom.": "Aus dem Kurs entfernt.",
    "Reset the password of %(name)s?": "Passwort von %(name)s zurücksetzen?",
    "The old password stops working at once. You get a login card with the new one.": "Das alte Passwort gilt sofort nicht mehr. Sie erhalten eine Anmeldekarte mit dem neuen.",
    "Reset password": "Passwort zurücksetzen",
    "You joined “%(name)s”.": "Du bist jetzt in „%(name)s“.",
    "Invitation sent to %(email)s.": "Einladung an %(email)s gesendet.",
    "Invitation sent again.": "Einladung erneut gesendet.",
    "Invitation revoked; its link no longer works.": "Einladung widerrufen; ihr Link gilt nicht mehr.",
    "Please choose a role.": "Bitte wählen Sie eine Rolle.",
    "Role changed.": "Rolle geändert.",
    "Remove %(name)s from the school?": "%(name)s aus der Schule entfernen?",
    "They can no longer sign in to this school; a student frees their seat. Their data stays, and an admin can reactivate them.": "Die Person kann sich nicht mehr bei dieser Schule anmelden; Schüler:innen geben ihren Platz frei. Ihre Daten bleiben erhalten, ein Admin kann sie wieder aktivieren.",
    "Remove from school": "Aus der Schule entfernen",
    "Member removed from the school.": "Mitglied aus der Schule entfernt.",
    "Member reactivated.": "Mitglied wieder aktiviert.",
    "Settings saved.": "Einstellungen gespeichert.",
    "School": "Schule",
    "Overview": "Übersicht",
    "Join a classroom": "Einem Kurs beitreten",
    "Members": "Mitglieder",
    "Settings": "Einstellungen",
    "Switch school": "Schule wechseln",
    "Change password": "Passwort ändern",
    "Sign out": "Abmelden",
    "Sign in": "Anmelden",
    "Cancel": "Abbrechen",
    "Primary teacher": "Verantwortliche Lehrkraft",
    "Co-teachers": "Weitere Lehrkräfte",
    "This classroom is archived and read-only.": "Dieser Kurs ist archiviert und schreibgeschützt.",
    "Restore": "Wiederherstellen",
    "Delete": "Löschen",
    "Add a student": "Schüler:in hinzufügen",
    "Import class list (CSV)": "Klassenliste importieren (CSV)",
    "Edit": "Bearbeiten",
    "Students without an account open %(join_url)s and choose a password.": "Schüler:innen ohne Konto öffnen %(join_url)s und wählen ein Passwort.",
    "The join code is turned off: nobody can join with it.": "Der Beitrittscode ist ausgeschaltet: Niemand kann damit beitreten.",
    "New code": "Neuer Code",
    "Turn off": "Ausschalten",
    "Turn on": "Einschalten",
    "Students": "Schüler:innen",
    "Name": "Name",
    "Last sign-in": "Letzte Anmeldung",
    "No students yet.": "Noch keine Schüler:innen.",
    "Edit classroom": "Kurs bearbeiten",
    "New classroom": "Neuer Kurs",
    "Save": "Speichern",
    "Hello %(name)s": "Hallo %(name)s",
    "Invite a teacher": "Lehrkraft einladen",
    "All classrooms": "Alle Kurse",
    "My classrooms": "Meine Kurse",
    "Classroom": "Kurs",
    "Grade / subject": "Klasse / Fach",
    "No classrooms yet. Create one to add your students.": "Noch keine Kurse. Legen Sie einen an, um Ihre Schüler:innen hinzuzufügen.",
    "Archived classrooms": "Archivierte Kurse",
    "Hello,\n\nyou are invited to join %(school)s on EduBotics as %(role)s.": "Hallo,\n\nSie sind eingeladen, %(school)s auf EduBotics als %(role)s beizutreten.",
    "Accept the invitation here (the link works once, for 7 days):": "Nehmen Sie die Einladung hier an (der Link gilt einmal, 7 Tage lang):",
    "Invitation to %(school)s on EduBotics": "Einladung zu %(school)s auf EduBotics",
    "Invitation": "Einladung",
    "Join %(school)s": "%(school)s beitreten",
    "This invitation is for %(email)s as %(role)s.": "Diese Einladung ist für %(email)s als %(role)s.",
    "You are signed in as %(name)s.": "Sie sind angemeldet als %(name)s.",
    "Join the school": "Der Schule beitreten",
    "Create your account:": "Legen Sie Ihr Konto an:",
    "Create account and join": "Konto anlegen und beitreten",
    "Already have an account with this e-mail address?": "Sie haben schon ein Konto mit dieser E-Mail-Adresse?",
    "Sign in first": "Zuerst anmelden",
    "Invite": "Einladen",
    "Invite a teacher or admin": "Lehrkraft oder Admin einladen",
    "They get an e-mail with a link that works once, for 7 days.": "Die Person erhält eine E-Mail mit einem Link, der einmal und 7 Tage lang gilt.",
    "Send invitation": "Einladung senden",
    "This invitation cannot be used": "Diese Einladung kann nicht verwendet werden",
    "Join": "Beitreten",
    "AI robotics for schools": "KI-Robotik für Schulen",
    "EduBotics: AI robotics for schools": "EduBotics: KI-Robotik für Schulen",
    "Teachers run classrooms, students train robot-learning policies on cloud GPUs in the EU, and everything about a student stays inside their school.": "Lehrkräfte leiten Kurse, Schüler:innen trainieren Roboter-Lernmodelle auf Cloud-GPUs in der EU, und alle Daten einer Schülerin oder eines Schülers bleiben in ihrer Schule.",
    "Sign up your school": "Schule registrieren",
    "I have a join code": "Ich habe einen Beitrittscode",
    "Login sheet": "Anmeldeblatt",
    "These passwords are shown only now. Print the sheet and cut out the cards; then remove the passwords from this page.": "Diese Passwörter werden nur jetzt angezeigt. Drucken Sie das Blatt und schneiden Sie die Karten aus; entfernen Sie danach die Passwörter von dieser Seite.",
    "Print": "Drucken",
    "Done, remove the passwords": "Fertig, Passwörter entfernen",
    "Sign in at": "Anmelden unter",
    "There are no new passwords to print. Reset a student's password to get a new login card.": "Es gibt keine neuen Passwörter zum Drucken. Setzen Sie das Passwort einer Schülerin oder eines Schülers zurück, um eine neue Anmeldekarte zu erhalten.",
    "Show:": "Anzeigen:",
    "everyone": "alle",
    "Open invitations": "Offene Einladungen",
    "E-mail": "E-Mail",
    "Role": "Rolle",
    "Expires": "Läuft ab",
    "expired": "abgelaufen",
    "Send again": "Erneut senden",
    "Revoke": "Widerrufen",
    "Sign-in": "Anmeldung",
    "Status": "Status",
    "Change": "Ändern",
    "deactivated": "deaktiviert",
    "Reactivate": "Wieder aktivieren",
    "previous": "zurück",
    "page %(number)s of %(total)s": "Seite %(number)s von %(total)s",
    "next": "weiter",
    "No school": "Keine Schule",
    "You are not a member of any school": "Sie sind noch in keiner Schule Mitglied",
    "Ask your school admin for an invitation, or sign up a new school.": "Bitten Sie Ihren Schuladmin um eine Einladung oder registrieren Sie eine neue Schule.",
    "School settings": "Schuleinstellungen",
    "A password is generated and shown once on a printable login card.": "Ein Passwort wird erzeugt und einmal auf einer druckbaren Anmeldekarte angezeigt.",
    "Add student": "Hinzufügen",
    "Your username: %(username)s": "Dein Benutzername: %(username)s",
    "You are not in a classroom yet.": "Du bist noch in keinem Kurs.",
    "Join one with a code": "Mit einem Code beitreten",
    "Import class list": "Klassenliste importieren",
    "Either every student is imported or none. Each new student gets a generated password, shown once on a printable login sheet.": "Entweder werden alle Schüler:innen importiert oder keine. Alle Neuen erhalten ein erzeugtes Passwort, das einmal auf einem druckbaren Anmeldeblatt erscheint.",
    "Example:": "Beispiel:",
    "Problems in the file": "Probleme in der Datei",
    "Line": "Zeile",
    "Problem": "Problem",
    "Import": "Importieren",
    "Join your classroom": "Deinem Kurs beitreten",
    "Enter the join code your teacher gave you and choose a password. You get a username to sign in with.": "Gib den Beitrittscode deiner Lehrkraft ein und wähle ein Passwort. Du bekommst einen Benutzernamen zum Anmelden.",
    "Create my account": "Mein Konto anlegen",
}

ENTRY = re.compile(r'^(msgid(?:_plural)?) ((?:".*"\n)+)', re.M)


def unquote(block: str) -> str:
    return (
        "".join(re.findall(r'"(.*)"', block))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode()
    )


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_path: Path) -> list[str]:
    """Writes the German of every entry into the .po; returns the msgids that have none."""
    header, *entries = po_path.read_text().split("\n\n")
    header = re.sub(r"^#, fuzzy\n", "", header, flags=re.M).replace(
        '"Language: \\n"', '"Language: de\\n"'
    )
    missing, out = [], [header]
    for entry in entries:
        ids = [unquote(m.group(2)) for m in ENTRY.finditer(entry + "\n")]
        if not ids:
            out.append(entry)
            continue
        entry = re.sub(r"^#, fuzzy.*\n|^#\| .*\n", "", entry, flags=re.M)
        head = re.split(r"^msgstr", entry, flags=re.M)[0]
        german = [DE.get(i) for i in ids]
        if None in german:
            missing.append(ids[german.index(None)])
            out.append(entry)
        elif len(ids) == 1:
            out.append(f"{head}msgstr {quote(german[0])}")
        else:
            out.append(f"{head}msgstr[0] {quote(german[0])}\nmsgstr[1] {quote(german[1])}")
    po_path.write_text("\n\n".join(out).rstrip("\n") + "\n")
    return missing


if __name__ == "__main__":
    missing = fill(Path(__file__).parent / "de/LC_MESSAGES/django.po")
    for msgid in missing:
        print(f"no German for: {msgid!r}", file=sys.stderr)
    sys.exit(1 if missing else 0)
