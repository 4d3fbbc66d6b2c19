"""Every dataset problem has its own message; the runner and the platform read datasets alike."""

import json
import shutil

import pytest
from django.urls import reverse

from schools.errors import ApplicationError
from tests.conftest import client_for
from training.datasets import dataset_check
from training.hub import HubError, LocalHubStore, read_dataset_info

from .conftest import DEMO


def broken_copy(hub, change):
    source = hub / "datasets" / DEMO
    target = hub / "datasets" / "school/broken"
    shutil.copytree(source, target)
    info_path = target / "meta" / "info.json"
    info = json.loads(info_path.read_text())
    change(info, info_path)
    return "school/broken"


def keep_episodes(info_path, count):
    episodes = info_path.parent / "episodes.jsonl"
    episodes.write_text("".join(episodes.read_text().splitlines(keepends=True)[:count]))


def test_the_demo_dataset_is_fine(hub):
    info = dataset_check(DEMO)
    assert (info.codebase_version, info.episodes, info.frames, info.cameras, info.fps) == (
        "v2.1",
        12,
        720,
        0,
        30.0,
    )
    assert info.converted  # v2.1 is converted to v3.0 for LeRobot 0.4 in the job


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda info, path: path.unlink(),
            "This is not a LeRobot dataset: meta/info.json is missing",
        ),
        (
            lambda info, path: path.write_text("{not json"),
            "This is not a LeRobot dataset: meta/info.json is missing or unreadable.",
        ),
        (
            lambda info, path: path.write_text("[]"),
            "This is not a LeRobot dataset: meta/info.json is missing or unreadable.",
        ),
        (
            lambda info, path: path.write_text(json.dumps({**info, "features": ["action"]})),
            "This is not a LeRobot dataset: meta/info.json is missing or unreadable.",
        ),
        (
            lambda info, path: path.write_text(json.dumps({**info, "fps": "x"})),
            "This is not a LeRobot dataset: meta/info.json is missing or unreadable.",
        ),
        (
            lambda info, path: path.write_text(json.dumps({**info, "chunks_size": "viele"})),
            "This is not a LeRobot dataset: meta/info.json is missing or unreadable.",
        ),
        (lambda info, path: path.write_text(json.dumps({**info, "fps": -5})), "has no fps"),
        (
            lambda info, path: path.write_text(json.dumps({**info, "codebase_version": "v1.6"})),
            "LeRobot format v1.6 is not supported; use v2.1, v3.0.",
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
        (  # counted from the episode index, not from what info.json claims
            lambda info, path: keep_episodes(path, 4),
            "has 4 episodes; training needs at least 10",
        ),
        (
            lambda info, path: (path.parent / "episodes.jsonl").unlink(),
            "This is not a LeRobot dataset: meta/episodes.jsonl is missing",
        ),
        (
            lambda info, path: path.write_text(json.dumps({**info, "codebase_version": "v2.0"})),
            "LeRobot format v2.0, which lacks the per-episode statistics training needs. "
            "Convert it with LeRobot 0.3",
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


@pytest.mark.parametrize("repo_id", ["../outside", "edubotics-demo/..", "a/../../outside"])
def test_a_name_that_climbs_out_of_the_store_gets_the_same_answer_whatever_lies_outside(
    hub, repo_id
):
    """Whether a folder exists outside the local Hub must not show in the answer."""
    answers = []
    for outside_exists in (False, True):
        if outside_exists:
            (hub / "outside" / "meta").mkdir(parents=True)
            (hub / "outside" / "meta" / "info.json").write_text("{}")
        with pytest.raises(ApplicationError) as error:
            dataset_check(repo_id)
        answers.append(error.value.message)
    assert answers[0] == answers[1] and "Enter the dataset as owner/name" in answers[0]
    with pytest.raises(HubError, match="not_found"):
        LocalHubStore(hub).dataset_file("a/../../outside", "meta/info.json")


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


def v30_copy(hub, lengths_per_file, chunks_size=1000):
    """The demo recording's meta in the v3.0 layout: episode rows spread over several files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = hub / "datasets" / "school/v30"
    shutil.copytree(hub / "datasets" / DEMO / "meta", target / "meta")
    info = json.loads((target / "meta" / "info.json").read_text())
    info.update(codebase_version="v3.0", chunks_size=chunks_size)
    (target / "meta" / "info.json").write_text(json.dumps(info))
    (target / "meta" / "episodes.jsonl").unlink()
    chunk, file = 0, 0
    for lengths in lengths_per_file:
        path = target / "meta" / "episodes" / f"chunk-{chunk:03d}" / f"file-{file:03d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"episode_index": range(len(lengths)), "length": lengths}), path)
        chunk, file = (chunk + 1, 0) if file + 1 == chunks_size else (chunk, file + 1)
    return "school/v30"


def test_a_v3_dataset_is_counted_from_every_episodes_file(hub):
    repo_id = v30_copy(hub, [[50] * 6, [40] * 4, [30] * 3], chunks_size=2)
    info = dataset_check(repo_id)
    assert (info.codebase_version, info.episodes, info.frames) == ("v3.0", 13, 300 + 160 + 90)
    assert not info.converted


def test_a_v3_dataset_without_its_episode_index_is_refused(hub):
    repo_id = v30_copy(hub, [])
    with pytest.raises(ApplicationError, match="not a LeRobot dataset: meta/episodes/ is missing"):
        dataset_check(repo_id)


def test_the_estimate_page_names_the_version_and_the_gr00t_steps(hub, student, outsider):
    student.school.language = "de"
    student.school.save()
    url = reverse("training_new", args=[student.school.slug])
    form = {"dataset": DEMO, "policy_type": "GR00T", "action": "estimate"}
    page = client_for(student).post(url, form).content.decode()
    assert "LeRobot v2.1" in page
    assert "wird er in LeRobot v3.0 umgewandelt" in page
    # 10 epochs × 720 frames ÷ 64, rounded up.
    assert "Das sind 113 Trainingsschritte: Epochen × 720 Frames ÷ Batchgröße, aufgerundet." in page
    assert client_for(outsider).post(url, form).status_code == 404
