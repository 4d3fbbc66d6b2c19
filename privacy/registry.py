"""The registry of what each app holds about a person.

An app takes part by having a ``privacy.py`` module with either or both of:

- ``export_member(membership) -> dict[str, list[dict]]``: rows by table name (tables of the same
  name from several apps are joined, a row with the same ``id`` counted once);
- ``erase_member(membership, *, keep_hub_models: bool) -> None``: removes or anonymises what the
  app holds, inside the erasure's transaction.

Apps are asked in the order of INSTALLED_APPS for exports and in reverse for erasure, so that
``schools``, which removes the account itself, comes last.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from schools.models import Membership


def contributors() -> list:
    return [
        import_module(f"{config.name}.privacy")
        for config in apps.get_app_configs()
        if find_spec(f"{config.name}.privacy") is not None
    ]


def export_member(membership: Membership, tables: dict[str, list[dict]]) -> None:
    """Adds the member's rows to ``tables`` (name → rows)."""
    for module in contributors():
        if hasattr(module, "export_member"):
            for table, rows in module.export_member(membership).items():
                known = tables.setdefault(table, [])
                ids = {row.get("id") for row in known}
                known.extend(row for row in rows if row.get("id") is None or row["id"] not in ids)


def erase_member(membership: Membership, *, keep_hub_models: bool) -> None:
    for module in reversed(contributors()):
        if hasattr(module, "erase_member"):
            module.erase_member(membership, keep_hub_models=keep_hub_models)
