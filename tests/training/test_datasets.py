"""Every dataset problem has its own message; the runner and the platform read datasets alike."""

import json
import shutil

import pytest

from schools.errors import ApplicationError
from training.datasets import dataset_check
from training.hub import LocalHubStore, read_dataset_info

from .conftest import DEMO


def broken_copy(hub, change):
    source = hub / "datasets" / DEMO
    target = hub / "datasets" / "school/broken"
    shutil.copytree(source, target)
    info_path = target / "meta" / "info.json"
    info = json.loads(info_path.read_text())
    change(info, info_path)
    return "school/broken"


def test_the_demo_dataset_is_fine(hub):
    info = dataset_check(DEMO)
    assert (info.codebase_version, info.episodes, info.frames, info.cameras, info.fps) == (
        "v2.1",
        12,
        720,
        0,
        30.0,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda info, path: path.unlink(),
            "This is not a LeRobot dataset: meta/info.json is missing",
        ),
        (lambda info, path: path.write_text("{not json"), "This is not a LeRobot dataset"),
        (
            lambda info, path: path.write_text(json.dumps({**info, "codebase_version": "v1.6"})),
            "LeRobot format v1.6 is not supported; use v2.0, v2.1, v3.0.",
        ),
        (lambda info, path: path.write_text(json.dumps({**info, "fps": None})), "has no fps"),
        (
            lambda info, path: path.write_text(json.dumps({**info, "features": {"action": {}}})),
            "no “observation.state” feature",
        ),
        (
            lambda info, path: path.write_text(
                json.dumps({**info, "features": {"observation.state": {}}})
            ),
            "no “action” feature",
        ),
        (
            lambda info, path: path.write_text(json.dumps({**info, "total_episodes": 4})),
            "has 4 episodes; training needs at least 10",
        ),
    ],
)
def test_each_problem_has_its_own_message(hub, change, message):
    repo_id = broken_copy(hub, change)
    with pytest.raises(ApplicationError, match=message) as error:
        dataset_check(repo_id)
    assert error.value.field == "dataset"


@pytest.mark.parametrize(
    ("repo_id", "message"),
    [
        ("nobody/nothing", "was not found on the Hub"),
        ("no-slash", "Enter the dataset as owner/name"),
    ],
)
def test_missing_and_malformed_names(hub, repo_id, message):
    with pytest.raises(ApplicationError, match=message):
        dataset_check(repo_id)


def test_cameras_count_towards_the_default_batch(hub):
    repo_id = broken_copy(
        hub,
        lambda info, path: path.write_text(
            json.dumps(
                {
                    **info,
                    "features": {
                        **info["features"],
                        "observation.images.top": {"dtype": "video"},
                        "observation.images.wrist": {"dtype": "video"},
                    },
                }
            )
        ),
    )
    assert read_dataset_info(LocalHubStore(hub), repo_id).cameras == 2
