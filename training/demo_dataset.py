"""Makes the small demo dataset that ships with EduBotics: a LeRobot v2.1 dataset (12 episodes
of a 6-joint arm, no cameras) whose actions really depend on the state, so a policy can learn it.

    python -m training.demo_dataset <hub-folder>      # writes <hub-folder>/datasets/<repo id>
"""

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DEMO_REPO_ID = "edubotics-demo/so101-pick-place"
JOINTS = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]


def make_demo_dataset(
    hub_root: Path,
    *,
    repo_id: str = DEMO_REPO_ID,
    episodes: int = 12,
    frames: int = 60,
    seed: int = 7,
) -> Path:
    root = Path(hub_root) / "datasets" / repo_id
    if (root / "meta" / "info.json").exists():
        return root
    rng = np.random.default_rng(seed)
    gain = (
        rng.normal(0, 0.4, (6, 6)) + np.eye(6) * 0.8
    )  # the "expert": action = tanh(state @ gain) + noise
    (root / "meta").mkdir(parents=True, exist_ok=True)
    (root / "data" / "chunk-000").mkdir(parents=True, exist_ok=True)
    index = 0
    with (root / "meta" / "episodes.jsonl").open("w") as episodes_file:
        for episode in range(episodes):
            state = rng.uniform(-1, 1, 6)
            rows = {
                k: []
                for k in (
                    "observation.state",
                    "action",
                    "timestamp",
                    "frame_index",
                    "episode_index",
                    "index",
                    "task_index",
                )
            }
            for frame in range(frames):
                action = np.tanh(state @ gain) + rng.normal(0, 0.02, 6)
                rows["observation.state"].append(state.astype(np.float32).tolist())
                rows["action"].append(action.astype(np.float32).tolist())
                rows["timestamp"].append(frame / 30)
                rows["frame_index"].append(frame)
                rows["episode_index"].append(episode)
                rows["index"].append(index)
                rows["task_index"].append(0)
                state = np.clip(state + 0.1 * action + rng.normal(0, 0.01, 6), -1.5, 1.5)
                index += 1
            table = pa.table(
                {
                    "observation.state": pa.array(
                        rows["observation.state"], type=pa.list_(pa.float32())
                    ),
                    "action": pa.array(rows["action"], type=pa.list_(pa.float32())),
                    "timestamp": pa.array(rows["timestamp"], type=pa.float32()),
                    **{
                        k: pa.array(rows[k], type=pa.int64())
                        for k in ("frame_index", "episode_index", "index", "task_index")
                    },
                }
            )
            pq.write_table(table, root / "data" / "chunk-000" / f"episode_{episode:06d}.parquet")
            episodes_file.write(
                json.dumps(
                    {
                        "episode_index": episode,
                        "tasks": ["pick up the cube and place it in the box"],
                        "length": frames,
                    }
                )
                + "\n"
            )
    (root / "meta" / "tasks.jsonl").write_text(
        json.dumps({"task_index": 0, "task": "pick up the cube and place it in the box"}) + "\n"
    )
    vector = {"dtype": "float32", "shape": [6], "names": JOINTS}
    info = {
        "codebase_version": "v2.1",
        "robot_type": "so101",
        "fps": 30,
        "total_episodes": episodes,
        "total_frames": index,
        "total_tasks": 1,
        "total_videos": 0,
        "total_chunks": 1,
        "chunks_size": 1000,
        "splits": {"train": f"0:{episodes}"},
        "data_path": "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet",
        "video_path": None,
        "features": {
            "action": vector,
            "observation.state": vector,
            "timestamp": {"dtype": "float32", "shape": [1], "names": None},
            **{
                k: {"dtype": "int64", "shape": [1], "names": None}
                for k in ("frame_index", "episode_index", "index", "task_index")
            },
        },
    }
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=2))
    return root


if __name__ == "__main__":
    print(make_demo_dataset(Path(sys.argv[1])))
