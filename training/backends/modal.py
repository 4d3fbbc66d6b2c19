"""GPU jobs on Modal: the deployed app's functions (training/modal_app.py), spawned and followed
through Modal's SDK. Errors are mapped to "try again" or "give up"."""

import modal
from django.conf import settings

from ..modal_app import function_name, serve_function_name
from . import Backend, BackendRejected, BackendUnavailable, CallStatus

TRANSIENT = (
    modal.exception.ConnectionError,
    modal.exception.InternalError,
    modal.exception.ResourceExhaustedError,
    ConnectionError,
    OSError,
)


class ModalBackend(Backend):
    name = "modal"

    def _call(self, action, *args):
        try:
            return action(*args)
        except modal.exception.NotFoundError as error:
            raise BackendRejected(
                f"Modal: {error} (is the app deployed? `modal deploy training/modal_app.py`)"
            ) from error
        except (
            modal.exception.AuthError,
            modal.exception.PermissionDeniedError,
            modal.exception.InvalidError,
        ) as error:
            raise BackendRejected(f"Modal: {error}") from error
        except TRANSIENT as error:
            raise BackendUnavailable(f"Modal: {error}") from error

    def _spawn(self, name: str, payload: dict, key: str) -> str:
        return self._call(
            lambda: modal.Function.from_name(settings.MODAL_APP_NAME, name)
            .spawn(payload, key)
            .object_id
        )

    def submit(self, payload: dict, key: str) -> str:
        return self._spawn(function_name(payload["policy_type"]), payload, key)

    def serve(self, payload: dict, key: str) -> str:
        return self._spawn(serve_function_name(payload["gpu"]), payload, key)

    def status(self, call_id: str) -> CallStatus:
        def look():
            call = modal.FunctionCall.from_id(call_id)
            try:
                result = call.get(timeout=0)
            except TimeoutError:
                return CallStatus("running")
            except modal.exception.OutputExpiredError:
                return CallStatus("unknown")  # the result is gone; the runner's report decides
            except (
                modal.exception.FunctionTimeoutError,
                modal.exception.RemoteError,
                modal.exception.ExecutionError,
            ) as error:
                return CallStatus("failed", error=f"{type(error).__name__}: {error}")
            if not isinstance(result, dict):  # not what the runner returns; the poll fails it
                return CallStatus("completed", {"type": "unreadable"})
            state = "failed" if result.get("type") == "failed" else "completed"
            return CallStatus(state, result, str(result.get("error", "")))

        return self._call(look)

    def cancel(self, call_id: str) -> None:
        self._call(lambda: modal.FunctionCall.from_id(call_id).cancel())

    def started(self, key: str) -> bool:
        return self.lookup(key) is not None

    def lookup(self, key: str) -> str | None:
        # The app's function records its call id under the submission key as it starts.
        return self._call(lambda: modal.Dict.from_name(settings.MODAL_SUBMISSIONS_DICT).get(key))
