"""The GPU job's runner never fakes a success: where LeRobot is missing or breaks on import, the
training ends "failed" with that reason, reported over the real signed callback. The run through
LeRobot's trainer itself is `make test-lerobot` (tests/lerobot/)."""

import sys

import pytest

from tests.factories import TrainingFactory
from training.models import Status
from training.runner import run
from training.services.lifecycle import payload_for

from .conftest import DEMO


@pytest.fixture
def broken_lerobot(tmp_path, monkeypatch):
    """An image whose LeRobot installed but cannot load a library it needs."""
    package = tmp_path / "site" / "lerobot"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        'raise ImportError("libavformat.so.61: cannot open shared object file")\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    for name in [m for m in sys.modules if m == "lerobot" or m.startswith("lerobot.")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.fixture
def missing_lerobot(monkeypatch):
    monkeypatch.setitem(sys.modules, "lerobot", None)  # what `import lerobot` sees uninstalled


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("missing_lerobot", "LeRobot could not be imported: ModuleNotFoundError"),
        (
            "broken_lerobot",
            "LeRobot could not be imported: ImportError: libavformat.so.61: cannot open",
        ),
    ],
)
def test_a_modal_job_without_a_working_lerobot_fails_the_training_with_the_reason(
    request, transactional_db, live_server, hub, settings, student, image, reason
):
    request.getfixturevalue(image)
    settings.SITE_URL = live_server.url
    settings.TRAINING_BACKEND = "modal"
    training = TrainingFactory(student=student, dataset=DEMO, status=Status.QUEUED, steps=50)
    payload = payload_for(training)
    assert payload["trainer"] == "lerobot"  # never the demo trainer on Modal

    result = run(payload, call_id="fc-test")

    training.refresh_from_db()
    assert training.status == Status.FAILED and reason in training.error_message
    assert "LeRobot could not be imported" in training.log_tail
    assert result["type"] == "failed" and not (hub / "models").exists()
