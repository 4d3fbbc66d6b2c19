"""Model downloads through the platform: a model's files with links signed for one file and a few
minutes. The platform reads the (private) Hub repo with its own token, so no student holds one;
whoever holds a link gets that one file until it expires, nothing else."""

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.signing import Signer
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from schools.errors import ApplicationError

from .datasets import hub_store
from .hub import HubError
from .models import Training


def model_page_url(model_id: str) -> str:
    """Where a model lives on the Hub ("" with the embedded local folder, which has no web page)."""
    if not model_id or not settings.HF_TOKEN:
        return ""
    return f"{(settings.HF_ENDPOINT or 'https://huggingface.co').rstrip('/')}/{model_id}"


SIGNER = Signer(salt="training.downloads")


@dataclass(frozen=True)
class ModelFile:
    name: str
    size: int
    url: str  # relative; the API makes it absolute


def _signature(training_id: int, filename: str, expires: int) -> str:
    return SIGNER.signature(f"{training_id}:{filename}:{expires}")


def download_link(training: Training, filename: str, now: float | None = None) -> str:
    expires = int((now or time.time()) + settings.DOWNLOAD_LINK_SECONDS)
    path = reverse("api_model_download", args=[training.pk, filename])
    query = urlencode({"expires": expires, "signature": _signature(training.pk, filename, expires)})
    return f"{path}?{query}"


def link_is_valid(training_id: int, filename: str, expires: str, signature: str) -> bool:
    """True for a link made by ``download_link`` for this very file that has not expired."""
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    return expires_at >= time.time() and constant_time_compare(
        signature or "", _signature(training_id, filename, expires_at)
    )


def _hub_message(error: HubError) -> str:
    if error.code == "unavailable":
        return _("The model store cannot be reached right now. Please try again in a minute.")
    return _("The model's files were not found in the model store.")


def model_files(training: Training) -> list[ModelFile]:
    if not training.hub_model_id:
        raise ApplicationError(_("This training has no model to download."))
    try:
        files = hub_store().model_files(training.hub_model_id)
    except HubError as error:
        raise ApplicationError(_hub_message(error)) from error
    return [ModelFile(name, size, download_link(training, name)) for name, size in files]


def model_file_path(training: Training, filename: str) -> Path:
    try:
        return hub_store().model_file(training.hub_model_id, filename)
    except HubError as error:
        raise ApplicationError(_hub_message(error)) from error


def model_card(training: Training) -> str:
    """The model card (README.md) the trainer wrote, or "" when the store has none."""
    if not training.hub_model_id:
        return ""
    try:
        return hub_store().model_file(training.hub_model_id, "README.md").read_text()
    except (HubError, OSError):
        return ""
