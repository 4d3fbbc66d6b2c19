"""The import's reports as lines of text: the same words on the console and on the upload page."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def report_lines(report: dict) -> list[str]:
    if report["dry_run"]:
        lines = [_("Dry run: nothing was saved. A real run would do this:")]
    else:
        lines = [_("Import %(batch)s saved.") % {"batch": report["batch"]}]
    for name, table in report["tables"].items():
        lines.append(
            ngettext(
                "%(table)s: %(rows)d row, %(imported)d imported, %(already)d imported before, "
                "%(skipped)d skipped",
                "%(table)s: %(rows)d rows, %(imported)d imported, %(already)d imported before, "
                "%(skipped)d skipped",
                table["rows"],
            )
            % {
                "table": name,
                "rows": table["rows"],
                "imported": table["imported"],
                "already": table["already_imported"],
                "skipped": len(table["skipped"]),
            }
        )
        for skip in table["skipped"]:
            lines.append(
                "  "
                + _("line %(line)d (id %(id)s): %(reason)s")
                % {"line": skip["line"], "id": skip["id"] or "–", "reason": skip["reason"]}
            )
        lines.extend(f"  {note}" for note in table["notes"])
    return lines


def verify_lines(result: dict) -> list[str]:
    lines = []
    for name, table in result.items():
        same = table["source_checksum"] == table["checksum"]
        lines.append(
            ngettext(
                "%(table)s: %(source)d row in the source, %(imported)d imported, %(here)d still "
                "here, checksum %(checksum)s: %(verdict)s",
                "%(table)s: %(source)d rows in the source, %(imported)d imported, %(here)d still "
                "here, checksum %(checksum)s: %(verdict)s",
                table["source_rows"],
            )
            % {
                "table": name,
                "source": table["source_rows"],
                "imported": table["imported"],
                "here": table["still_here"],
                "checksum": table["checksum"][:12],
                "verdict": _("matches the source") if same else _("DIFFERS from the source"),
            }
        )
        if table["differing"]:
            lines.append(
                "  " + _("differing ids: %(ids)s") % {"ids": ", ".join(table["differing"])}
            )
    return lines


def undo_lines(result: dict) -> list[str]:
    lines = [_("Import %(batch)s undone.") % {"batch": result["batch"]}]
    for label, count in result["removed"].items():
        meta = apps.get_model(label)._meta
        things = meta.verbose_name if count == 1 else meta.verbose_name_plural
        lines.append("  " + _("removed: %(count)d %(things)s") % {"count": count, "things": things})
    if result["kept"]:
        lines.append(_("Kept, because people used them since:"))
    for kept in result["kept"]:
        lines.append(
            "  "
            + _("%(object)s (%(table)s %(id)s): %(because)s")
            % {
                "object": ", ".join(kept["kept"]),
                "table": kept["table"],
                "id": kept["id"],
                "because": "; ".join(kept["because"]),
            }
        )
    return lines
