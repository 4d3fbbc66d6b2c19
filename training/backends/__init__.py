"""Where GPU jobs (trainings, inference servers) run, behind one small interface; chosen by
settings.TRAINING_BACKEND."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class BackendUnavailable(Exception):
    """A transient failure (network, outage): try again later."""


class BackendRejected(Exception):
    """A permanent failure (not deployed, refused): retrying will not help."""


@dataclass(frozen=True)
class CallStatus:
    state: str  # "running" | "completed" | "failed" | "unknown"
    result: dict | None = None
    error: str = ""


class Backend:
    name = ""

    def submit(self, payload: dict, key: str) -> str:
        """Starts the job; returns its call id."""
        raise NotImplementedError

    def status(self, call_id: str) -> CallStatus:
        raise NotImplementedError

    def cancel(self, call_id: str) -> None:
        raise NotImplementedError

    def started(self, key: str) -> bool:
        """Whether the job submitted under this key has begun, by the backend's own record (its
        container or process is up). A job that never does is submitted again or failed."""
        raise NotImplementedError

    def lookup(self, key: str) -> str | None:
        """The call id a submission with this key got, if it happened (for a worker that died
        between submitting and saving the id)."""
        raise NotImplementedError

    # Inference servers: started with ``serve``, followed with ``status`` (a server's call
    # runs until it is stopped, so any end is a container that died) and stopped with ``cancel``.
    def serve(self, payload: dict, key: str) -> str:
        """Starts an inference server (training/serving.py); returns its call id."""
        raise NotImplementedError

    def serving_unavailable(self) -> str:
        """Why this backend cannot serve models here, for the page ("" when it can)."""
        return ""


BACKENDS = {
    "local": "training.backends.local.LocalBackend",
    "modal": "training.backends.modal.ModalBackend",
}


def get_backend() -> Backend:
    return import_string(BACKENDS[settings.TRAINING_BACKEND])()
