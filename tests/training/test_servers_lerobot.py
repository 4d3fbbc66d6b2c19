"""The whole local path with LeRobot's real policy server (run by `make test-lerobot`, which
passes LEROBOT_PYTHON; skipped without it): LeRobot's trainer makes an ACT checkpoint through the
runner and the platform's signed callback; ``inference_server_start`` has the local backend start
training/serving.py in LeRobot's venv; it reports its address to this live server; a client in
LeRobot's own protocol with the server's secret gets an action chunk, one without it is refused;
``inference_server_stop`` ends the process and charges the school."""

import json
import os
import subprocess
import time

import pytest
from django.conf import settings as django_settings

from tests.factories import EnrollmentFactory, TrainingFactory
from training.models import InferenceServer, ServerStatus, Status, Training
from training.services.lifecycle import payload_for
from training.services.servers import inference_server_start, inference_server_stop

LEROBOT_PYTHON = os.environ.get("LEROBOT_PYTHON", "")
pytestmark = pytest.mark.skipif(
    not (LEROBOT_PYTHON and os.path.exists(LEROBOT_PYTHON)),
    reason="needs LeRobot's venv (make test-lerobot)",
)
CPU = ["--policy.device=cpu", "--policy.pretrained_backbone_weights=null", "--num_workers=0"]


def lerobot(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LEROBOT_PYTHON, *args],
        cwd=django_settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def wait_for(condition, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def act_training(transactional_db, live_server, settings, tmp_path):
    """A training completed by LeRobot's trainer (4 CPU steps) through the signed callback."""
    settings.SITE_URL = live_server.url
    settings.HF_TOKEN, settings.HUB_LOCAL_DIR = "", str(tmp_path / "hub")
    settings.LOCAL_RUNS_DIR = str(tmp_path / "runs")
    settings.TRAINING_BACKEND, settings.LEROBOT_PYTHON = "local", LEROBOT_PYTHON
    settings.SERVER_ACTIVITY_REPORT_SECONDS = 1
    lerobot(
        "-c",
        "import sys; from pathlib import Path; from tests.lerobot.datasets import write_v30; "
        "write_v30(Path(sys.argv[1]), 'school/tiny-v30')",
        str(tmp_path / "hub" / "datasets" / "school" / "tiny-v30"),
    )
    student = EnrollmentFactory().student
    training = TrainingFactory(
        student=student, dataset="school/tiny-v30", status=Status.QUEUED, steps=4, batch_size=2
    )
    run = tmp_path / "train"
    run.mkdir()
    payload = {**payload_for(training), "trainer": "lerobot", "lerobot_args": CPU}
    (run / "payload.json").write_text(json.dumps(payload))
    lerobot(
        "-m", "training.runner", "--payload-file", str(run / "payload.json"), "--run-dir", str(run)
    )
    training = Training.objects.get(pk=training.pk)
    assert training.status == Status.COMPLETED, training.error_message + training.log_tail
    return training


def test_a_local_lerobot_server_gives_a_client_with_the_secret_an_action_chunk(act_training):
    student = act_training.student

    server = inference_server_start(actor=student, training=act_training)  # submits on commit
    server = wait_for(
        lambda: InferenceServer.objects.filter(pk=server.pk, status=ServerStatus.RUNNING).first()
    )
    assert server.address.startswith("127.0.0.1:")

    answer = lerobot("-m", "tests.lerobot.policy_client", server.address, server.secret).stdout
    chunk = json.loads(answer.strip().splitlines()[-1])
    print(f"\nclient with the server's secret at {server.address}: {chunk}")
    assert chunk == {"actions": 5, "shape": [6]}
    refused = subprocess.run(
        [LEROBOT_PYTHON, "-m", "tests.lerobot.policy_client", server.address, "wrong"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "UNAUTHENTICATED" in refused.stderr
    status = next(line for line in refused.stderr.splitlines() if "status = " in line)
    print("client with another secret:", status.strip())
    wait_for(  # the server reports the client's activity (every second in this test)
        lambda: InferenceServer.objects.get(pk=server.pk).last_client_at
    )

    inference_server_stop(server=server, actor=student)  # cancels on commit
    server.refresh_from_db()
    assert server.status == ServerStatus.STOPPED and server.cost_eur is not None
    pid_file = os.path.join(django_settings.LOCAL_RUNS_DIR, str(server.submit_key), "pid")
    with open(pid_file) as pid_text:
        pid = int(pid_text.read())
    wait_for(lambda: not os.path.exists(f"/proc/{pid}") or _zombie(pid), seconds=30)
    print(f"stopped through the service: {server.stop_reason} cost {server.cost_eur} €")


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] == "Z"
