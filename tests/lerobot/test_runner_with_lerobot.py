"""training/runner.py end to end through LeRobot 0.4.4's own trainer on this CPU: the platform's
dataset check and the job read v2.1 and v3.0 datasets written by LeRobot, the job converts v2.1
with LeRobot's converter, trains ACT for a few steps, reports LeRobot's losses over the signed
callback, and uploads a checkpoint that ``ACTPolicy.from_pretrained`` loads and acts with."""

import json
import subprocess
import sys

import pytest

from tests.lerobot.datasets import write_v21, write_v30
from tests.lerobot.reports import signed_reports
from training.hub import LocalHubStore, read_dataset_info

SECRET = "s3cret"
CPU = ["--policy.device=cpu", "--policy.pretrained_backbone_weights=null", "--num_workers=0"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A local Hub folder (the runner's local store) with the same recording in v3.0 and v2.1."""
    root = tmp_path_factory.mktemp("hub")
    v30 = write_v30(root / "datasets" / "school" / "tiny-v30", "school/tiny-v30")
    write_v21(v30, root / "datasets" / "school" / "tiny-v21")
    return root


@pytest.fixture
def callback():
    """The platform's progress callback: keeps each report whose signature is right."""
    with signed_reports(SECRET) as (url, events):
        yield url, events


def run_job(tmp_path, hub, url, dataset, **overrides) -> dict:
    """What the Modal function runs, as a process of its own."""
    payload = {
        "training_id": 1,
        "policy_type": "ACT",
        "dataset": dataset,
        "steps": 4,
        "batch_size": 2,
        "learning_rate": None,
        "object_description": "",
        "model_repo_id": f"edubotics-ai/goethe-act-{dataset.split('-')[-1]}",
        "trainer": "lerobot",
        "lerobot_args": CPU,
        "hub": {"kind": "local", "root": str(hub)},
        "callback_url": url,
        "callback_secret": SECRET,
        **overrides,
    }
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "payload.json").write_text(json.dumps(payload))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "training.runner",
            "--payload-file",
            str(run_dir / "payload.json"),
            "--run-dir",
            str(run_dir),
        ],
        check=True,
        timeout=600,
    )
    return json.loads((run_dir / "result.json").read_text())


@pytest.mark.parametrize(("version", "converted"), [("v3.0", False), ("v2.1", True)])
def test_the_check_reads_both_layouts(hub, version, converted):
    repo_id = f"school/tiny-v{version[1:].replace('.', '')}"
    info = read_dataset_info(LocalHubStore(hub), repo_id)
    assert (info.codebase_version, info.episodes, info.frames, info.cameras) == (version, 10, 60, 1)
    assert info.converted is converted


@pytest.mark.parametrize("dataset", ["school/tiny-v30", "school/tiny-v21"])
def test_a_job_trains_act_with_lerobot_and_uploads_a_checkpoint_lerobot_loads(
    tmp_path, hub, callback, dataset
):
    import torch
    from lerobot.policies.act.modeling_act import ACTPolicy
    from lerobot.policies.factory import make_pre_post_processors

    url, events = callback
    before = sorted(p.relative_to(hub) for p in (hub / "datasets" / dataset).rglob("*"))
    result = run_job(tmp_path, hub, url, dataset)

    assert result["type"] == "completed", result.get("error") + result.get("log_tail", "")
    progress = [e for e in events if e["type"] == "progress"]
    assert [e["step"] for e in progress] == [1, 2, 3, 4]
    for event in progress:  # LeRobot's own loss, as its log line printed it
        assert event["total"] == 4 and event["loss"] > 0
    assert f"loss:{progress[-1]['loss']:.3f}" in result["log_tail"]
    assert events[-1]["type"] == "completed"

    model = hub / "models" / result["hub_model_id"]
    assert {"model.safetensors", "config.json", "metrics.json", "README.md"} <= {
        p.name for p in model.iterdir()
    }
    metrics = json.loads((model / "metrics.json").read_text())
    assert metrics["trainer"] == "lerobot"
    assert metrics["loss_curve"] == [[e["step"], e["loss"]] for e in progress]
    policy = ACTPolicy.from_pretrained(model)
    preprocess, postprocess = make_pre_post_processors(policy.config, pretrained_path=str(model))
    observation = preprocess(
        {
            "observation.state": torch.zeros(6),
            "observation.images.front": torch.rand(3, 64, 64),
            "task": "pick up the cube",
        }
    )
    action = postprocess(policy.select_action(observation))
    assert action.shape[-1] == 6 and torch.isfinite(action).all()
    # The student's dataset is never changed, v2.1 included: the job converted a copy.
    assert sorted(p.relative_to(hub) for p in (hub / "datasets" / dataset).rglob("*")) == before


def test_a_trainer_that_exits_non_zero_fails_the_job_with_its_reason(tmp_path, hub, callback):
    url, events = callback
    write_v30(hub / "datasets" / "school" / "no-camera", "school/no-camera", camera=False)

    result = run_job(tmp_path, hub, url, "school/no-camera")

    assert result["type"] == "failed"
    assert result["error"].startswith(
        "TrainerError: lerobot.scripts.lerobot_train exited with code 1"
    )
    # ACT's own reason, on the training's page.
    assert "at least one image or the environment state" in result["log_tail"]
    assert events[-1]["type"] == "failed"
    assert not (hub / "models" / "edubotics-ai" / "goethe-act-camera").exists()  # nothing uploaded
