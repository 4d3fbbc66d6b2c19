"""Uploaded export files into a folder of their own, for the import that reads a folder."""

import tempfile
from pathlib import Path

from .services.batches import legacy_import


def legacy_import_uploaded(*, files, **kwargs) -> dict:
    with tempfile.TemporaryDirectory(prefix="edubotics-import-") as folder:
        for upload in files:
            with (Path(folder) / upload.name).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        return legacy_import(folder=Path(folder), **kwargs)
