"""The embedded default: runs training/runner.py (a training) or training/serving.py (an
inference server, in LeRobot's venv) in a local process it can follow and stop. A stand-in for
Modal on a laptop; production settings refuse it."""

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import Backend, CallStatus

PREFIX = "local:"


class LocalBackend(Backend):
    name = "local"

    def __init__(self, runs_dir: Path | None = None):
        self.runs_dir = Path(runs_dir or settings.LOCAL_RUNS_DIR)

    def _run_dir(self, call_id: str) -> Path:
        return self.runs_dir / call_id.removeprefix(PREFIX)

    def _start(self, payload: dict, key: str, command: list[str]) -> str:
        run_dir = self.runs_dir / key
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "payload.json").write_text(json.dumps(payload))
        with (run_dir / "log.txt").open("ab") as log:
            # A detached grandchild, so the job outlives (and is not reaped by) the worker.
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True, stdout=sys.stdout, stderr=sys.stderr)",
                    *command,
                    "--payload-file",
                    str(run_dir / "payload.json"),
                    "--run-dir",
                    str(run_dir),
                ],
                stdout=log,
                stderr=log,
                check=True,
                cwd=settings.BASE_DIR,
            )
        return PREFIX + key

    def submit(self, payload: dict, key: str) -> str:
        # LeRobot's trainer runs in LeRobot's venv when there is one (LOCAL_TRAINER=lerobot).
        lerobot = payload.get("trainer") == "lerobot" and settings.LEROBOT_PYTHON
        python = settings.LEROBOT_PYTHON if lerobot else sys.executable
        return self._start(payload, key, [python, "-m", "training.runner"])

    def serving_unavailable(self) -> str:
        if settings.LEROBOT_PYTHON and Path(settings.LEROBOT_PYTHON).exists():
            return ""
        return _(
            "Serving a model on this computer needs LeRobot's environment: run `make test-lerobot` once (it installs LeRobot, a few GB), then `make run` again."
        )

    def serve(self, payload: dict, key: str) -> str:
        # LeRobot's policy server in LeRobot's own venv, on a free port of this machine only.
        return self._start(payload, key, [settings.LEROBOT_PYTHON, "-m", "training.serving"])

    def status(self, call_id: str) -> CallStatus:
        run_dir = self._run_dir(call_id)
        result_file = run_dir / "result.json"
        if result_file.exists():
            result = json.loads(result_file.read_text())
            return CallStatus(result["type"], result, result.get("error", ""))
        pid_file = run_dir / "pid"
        if not pid_file.exists():
            return (
                CallStatus("unknown")
                if run_dir.exists()
                else CallStatus("failed", error=_("The training process was never started."))
            )
        try:
            os.kill(int(pid_file.read_text()), 0)
        except ProcessLookupError:
            if result_file.exists():  # it finished between our two looks
                return self.status(call_id)
            log = (
                (run_dir / "log.txt").read_text(errors="replace").splitlines()[-30:]
                if (run_dir / "log.txt").exists()
                else []
            )
            error = _("The training process stopped unexpectedly.")
            return CallStatus(
                "failed", {"type": "failed", "error": error, "log_tail": "\n".join(log)}, error
            )
        return CallStatus("running")

    def cancel(self, call_id: str) -> None:
        pid_file = self._run_dir(call_id) / "pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(pid_file.read_text()), signal.SIGTERM)

    def started(self, key: str) -> bool:
        return (self.runs_dir / key / "pid").exists()  # the runner writes it as it starts

    def lookup(self, key: str) -> str | None:
        return PREFIX + key if (self.runs_dir / key / "payload.json").exists() else None
