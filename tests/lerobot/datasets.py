"""Tiny LeRobot datasets with camera frames, written by LeRobot's own writer.

v3.0 comes straight from ``LeRobotDataset.create``. LeRobot 0.4 writes nothing older, so v2.1 is
the same recording laid out as LeRobot 0.3 wrote it: one parquet per episode (the rows LeRobot
wrote, HF image columns and schema as they are), ``episodes.jsonl``, ``tasks.jsonl`` and
``episodes_stats.jsonl`` (the per-episode stats LeRobot computed), and v2.1's ``info.json``.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

JOINTS = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]
V21_DATA_PATH = "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet"


def write_v30(
    root: Path, repo_id: str, *, episodes: int = 10, frames: int = 6, camera: bool = True
):
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    vector = {"dtype": "float32", "shape": (6,), "names": JOINTS}
    image = {"dtype": "image", "shape": (64, 64, 3), "names": ["height", "width", "channels"]}
    features = {"observation.state": vector, "action": vector}
    if camera:
        features["observation.images.front"] = image
    dataset = LeRobotDataset.create(
        repo_id=repo_id, fps=10, root=root, use_videos=False, features=features
    )
    rng = np.random.default_rng(0)
    for _ in range(episodes):
        state = rng.uniform(-1, 1, 6).astype(np.float32)
        for _ in range(frames):
            action = np.tanh(state).astype(np.float32)
            frame = {"observation.state": state, "action": action, "task": "pick up the cube"}
            if camera:
                frame["observation.images.front"] = rng.integers(0, 255, (64, 64, 3), np.uint8)
            dataset.add_frame(frame)
            state = (state + 0.1 * action).astype(np.float32)
        dataset.save_episode()
    dataset.finalize()
    return root


def write_v21(v30: Path, root: Path) -> Path:
    """The v3.0 recording at ``v30`` in LeRobot 0.3's v2.1 layout at ``root``."""
    info = json.loads((v30 / "meta" / "info.json").read_text())
    data = pq.read_table(sorted((v30 / "data").rglob("*.parquet"))[0])
    episodes = pq.read_table(sorted((v30 / "meta" / "episodes").rglob("*.parquet"))[0])
    tasks = pd.read_parquet(v30 / "meta" / "tasks.parquet")  # indexed by the task's text
    (root / "meta").mkdir(parents=True)
    with (
        (root / "meta" / "episodes.jsonl").open("w") as episodes_file,
        (root / "meta" / "episodes_stats.jsonl").open("w") as stats_file,
    ):
        for episode in episodes.to_pylist():
            index = episode["episode_index"]
            path = root / V21_DATA_PATH.format(episode_chunk=0, episode_index=index)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(data.filter(pc.equal(data["episode_index"], index)), path)
            line = {"episode_index": index, "tasks": episode["tasks"], "length": episode["length"]}
            episodes_file.write(json.dumps(line) + "\n")
            stats = {
                feature: {
                    stat: episode[f"stats/{feature}/{stat}"]
                    for stat in ("min", "max", "mean", "std", "count")
                }
                for feature in info["features"]
                if f"stats/{feature}/mean" in episode
            }
            stats_file.write(json.dumps({"episode_index": index, "stats": stats}) + "\n")
    (root / "meta" / "tasks.jsonl").write_text(
        "".join(
            json.dumps({"task_index": int(row.task_index), "task": task}) + "\n"
            for task, row in tasks.iterrows()
        )
    )
    for key in ("data_files_size_in_mb", "video_files_size_in_mb"):
        info.pop(key, None)
    for feature in info["features"].values():
        if feature["dtype"] != "video":
            feature.pop("fps", None)
    info.update(
        codebase_version="v2.1",
        data_path=V21_DATA_PATH,
        video_path=None,
        total_chunks=1,
        total_videos=0,
    )
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=4))
    return root
