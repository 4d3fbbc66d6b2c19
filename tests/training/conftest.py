import pytest

from training.demo_dataset import DEMO_REPO_ID, make_demo_dataset

from .fake_modal import FakeModal


@pytest.fixture
def hub(settings, tmp_path):
    """The local Hub folder with the demo dataset (what `make run` uses without HF_TOKEN)."""
    settings.HF_TOKEN = ""
    settings.HUB_LOCAL_DIR = str(tmp_path / "hub")
    settings.LOCAL_RUNS_DIR = str(tmp_path / "runs")
    make_demo_dataset(tmp_path / "hub")
    return tmp_path / "hub"


@pytest.fixture
def fake_modal(settings, monkeypatch, hub):
    settings.TRAINING_BACKEND = "modal"
    fake = FakeModal()
    monkeypatch.setattr("training.backends.modal.modal", fake)
    return fake


DEMO = DEMO_REPO_ID
