"""What a training job runs, the same code on Modal and in a local process.

Fetch the dataset, train, write the model folder (weights, config, metrics, a model card that
names no student), upload it, and report progress and the end to the platform's callback,
signed with the training's own secret. LeRobot's own trainer trains (the Modal image); only when
the payload says ``"trainer": "demo"`` (the local backend's demo setting) does a small
behaviour-cloning trainer in NumPy (observation.state → action) learn instead.

    python -m training.runner --payload-file run/payload.json --run-dir run/
"""

import argparse
import collections
import hashlib
import hmac
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from training.hub import store_from_config

logger = logging.getLogger("edubotics.runner")
LOG_TAIL_LINES = 30


class TailHandler(logging.Handler):
    """Keeps the last lines of the log, which go to the training's page."""

    def __init__(self):
        super().__init__()
        self.lines = collections.deque(maxlen=LOG_TAIL_LINES)

    def emit(self, record):
        self.lines.append(self.format(record))


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Reporter:
    def __init__(self, url: str, secret: str):
        self.url, self.secret = url, secret

    def send(self, event: dict):
        body = json.dumps(event).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-EduBotics-Signature": sign(self.secret, body),
            },
        )
        for attempt in range(5):
            try:
                with urllib.request.urlopen(request, timeout=10):
                    return
            except OSError as error:  # the platform may be restarting: try again, then go on
                logger.warning(
                    "report %s failed (%s), attempt %d", event["type"], error, attempt + 1
                )
                time.sleep(min(2**attempt, 10))


def load_episodes(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow.parquet as pq

    files = sorted((folder / "data").rglob("*.parquet"))
    if not files:
        raise RuntimeError("the dataset has no parquet files under data/")
    tables = [pq.read_table(f, columns=["observation.state", "action"]) for f in files]
    states = np.concatenate(
        [np.array(t.column("observation.state").to_pylist(), dtype=np.float32) for t in tables]
    )
    actions = np.concatenate(
        [np.array(t.column("action").to_pylist(), dtype=np.float32) for t in tables]
    )
    return states, actions


def train_builtin(states, actions, *, steps, batch_size, learning_rate, report, seed=0):
    """A two-layer MLP trained with Adam on normalised data; returns weights and the loss curve."""
    rng = np.random.default_rng(seed)
    x_mean, x_std = states.mean(0), states.std(0) + 1e-6
    y_mean, y_std = actions.mean(0), actions.std(0) + 1e-6
    x, y = (states - x_mean) / x_std, (actions - y_mean) / y_std
    hidden = 64
    params = {
        "w1": rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], hidden)),
        "b1": np.zeros(hidden),
        "w2": rng.normal(0, 1 / np.sqrt(hidden), (hidden, y.shape[1])),
        "b2": np.zeros(y.shape[1]),
    }
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    every, curve, running = max(1, steps // 50), [], []
    for step in range(1, steps + 1):
        batch = rng.integers(0, len(x), min(batch_size, len(x)))
        xb, yb = x[batch], y[batch]
        h = np.tanh(xb @ params["w1"] + params["b1"])
        error = h @ params["w2"] + params["b2"] - yb
        loss = float((error**2).mean())
        grad_out = 2 * error / error.size
        grad_h = (grad_out @ params["w2"].T) * (1 - h**2)
        grads = {
            "w2": h.T @ grad_out,
            "b2": grad_out.sum(0),
            "w1": xb.T @ grad_h,
            "b1": grad_h.sum(0),
        }
        for key, grad in grads.items():
            m, v = moments[key]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad**2
            params[key] -= (
                learning_rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
            )
        running.append(loss)
        if step % every == 0 or step == steps:
            mean_loss = float(np.mean(running))
            running.clear()
            curve.append([step, round(mean_loss, 6)])
            report(step, mean_loss)
    normalisation = {"x_mean": x_mean, "x_std": x_std, "y_mean": y_mean, "y_std": y_std}
    return {**params, **normalisation}, curve


def train_demo(dataset_dir: Path, output: Path, payload: dict, report) -> list:
    """The local demo: the NumPy policy, its weights and our parameters into ``output``."""
    states, actions = load_episodes(dataset_dir)
    logger.info(
        "training the built-in policy on %d frames for %d steps", len(states), payload["steps"]
    )
    weights, curve = train_builtin(
        states,
        actions,
        steps=int(payload["steps"]),
        batch_size=int(payload["batch_size"]),
        learning_rate=float(payload.get("learning_rate") or 1e-3),
        report=report,
    )
    np.savez(output / "model.npz", **weights)
    parameters = (
        "policy_type",
        "dataset",
        "steps",
        "batch_size",
        "learning_rate",
        "object_description",
    )
    (output / "config.json").write_text(
        json.dumps({k: payload[k] for k in parameters if k in payload}, indent=2)
    )
    return curve


class TrainerError(Exception):
    """The job cannot train: the message says why, for the training's page."""


# LeRobot 0.4.4's policy types; ACT_BBOX trains ACT on the dataset training/bbox.py derives.
LEROBOT_POLICY = {"ACT": "act", "ACT_BBOX": "act", "GR00T": "groot"}
# LeRobot's MetricsTracker line, e.g. "step:1K smpl:32K ep:40 epch:0.85 loss:0.215 grdn:…".
LOG_LINE = re.compile(r"\bstep:\S+ smpl:\S+ ep:\S+ epch:\S+ loss:(?P<loss>\S+)")
PROGRESS_REPORTS = 100  # about this many progress events per training


def check_lerobot():
    """A broken image fails the training with the reason, never a fake success."""
    try:
        import lerobot.scripts.lerobot_train  # noqa: F401
    except Exception as error:  # a missing package, or one that breaks while importing
        raise TrainerError(
            f"LeRobot could not be imported: {type(error).__name__}: {error}"
        ) from error


def run_logged(command: list[str], on_line=lambda line: None) -> None:
    """Runs one of LeRobot's scripts, its output into our log; a non-zero exit is an error."""
    logger.info("running %s", shlex.join(command))
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    last = ""
    for line in process.stdout:
        line = line.rstrip()
        logger.info("%s", line)
        last = line or last
        on_line(line)
    if process.wait() != 0:
        raise TrainerError(f"{command[2]} exited with code {process.returncode}: {last}")


def lerobot_dataset(dataset_dir: Path, work: Path, repo_id: str, version: str) -> Path:
    """The v3.0 folder LeRobot trains on. A v2.1 dataset is converted by LeRobot's own converter
    into a copy in the job's folder: the downloaded original (the Hub cache) stays untouched."""
    if version == "v3.0":
        return dataset_dir
    if version != "v2.1":  # the platform's check refuses v2.0 before a job starts
        raise TrainerError(f"LeRobot cannot train a dataset of format {version}")
    root = work / "datasets"
    shutil.copytree(dataset_dir, root / repo_id)
    run_logged(
        [
            sys.executable,
            "-m",
            "lerobot.datasets.v30.convert_dataset_v21_to_v30",
            f"--repo-id={repo_id}",
            f"--root={root}",
            "--push-to-hub=false",
            "--force-conversion",
        ]
    )
    return root / repo_id


def lerobot_command(*, repo_id: str, root: Path, output: Path, payload: dict) -> list[str]:
    """LeRobot's trainer with flags its TrainPipelineConfig accepts; ``lerobot_args`` adds any
    (the CPU test turns off the pretrained backbone and picks the device)."""
    steps = int(payload["steps"])
    command = [
        sys.executable,
        "-m",
        "lerobot.scripts.lerobot_train",
        f"--dataset.repo_id={repo_id}",
        f"--dataset.root={root}",
        f"--policy.type={LEROBOT_POLICY[payload['policy_type']]}",
        "--policy.push_to_hub=false",  # we upload, to the school's repository
        f"--output_dir={output}",
        f"--batch_size={payload['batch_size']}",
        f"--steps={steps}",
        f"--save_freq={steps}",  # only the final checkpoint
        f"--log_freq={log_freq(steps)}",
        "--wandb.enable=false",
    ]
    if payload.get("learning_rate"):
        command.append(f"--policy.optimizer_lr={payload['learning_rate']}")
    return command + list(payload.get("lerobot_args", []))


def log_freq(steps: int) -> int:
    return max(1, steps // PROGRESS_REPORTS)


def train_lerobot(dataset_dir: Path, work: Path, payload: dict, report) -> tuple[Path, list]:
    """Trains with LeRobot's own trainer; returns the folder ``from_pretrained`` loads and the
    loss curve read off its log."""
    check_lerobot()
    info = json.loads((dataset_dir / "meta" / "info.json").read_text())
    repo_id = payload["dataset"]
    root = lerobot_dataset(dataset_dir, work, repo_id, info["codebase_version"])
    if payload["policy_type"] == "ACT_BBOX":  # ACT on the dataset with the object's box added
        from training.bbox import derive_bbox_dataset, detector_from_settings

        source, repo_id = root, f"{repo_id}-bbox"
        root = work / "derived" / repo_id
        derived = derive_bbox_dataset(
            src_root=source,
            dst_root=root,
            repo_id=repo_id,
            description=payload["object_description"],
            detector=detector_from_settings(),
        )
        logger.info("the object was found in %d of %d episodes", derived.kept, derived.total)
    output = work / "lerobot"
    every, curve = log_freq(int(payload["steps"])), []

    def on_line(line):
        # LeRobot logs every `log_freq` steps and prints big step counts rounded ("2K"), so the
        # exact step is the line's count times the frequency.
        if match := LOG_LINE.search(line):
            step, loss = (len(curve) + 1) * every, float(match["loss"])
            curve.append([step, loss])
            report(step, loss)

    run_logged(lerobot_command(repo_id=repo_id, root=root, output=output, payload=payload), on_line)
    return output / "checkpoints" / "last" / "pretrained_model", curve


def model_card(payload: dict, metrics: dict) -> str:
    """Names the school's model and its data, never a student."""
    return f"""---
library_name: {"lerobot" if metrics["trainer"] == "lerobot" else "numpy"}
tags: [robotics, lerobot, edubotics, {payload["policy_type"].lower()}]
datasets: [{payload["dataset"]}]
---
# {payload["model_repo_id"].split("/")[-1]}

A {payload["policy_type"]} policy trained with EduBotics on `{payload["dataset"]}`.

| | |
| --- | --- |
| steps | {payload["steps"]} |
| batch size | {payload["batch_size"]} |
| final loss | {metrics["final_loss"]} |
| episodes / frames | {metrics["episodes"]} / {metrics["frames"]} |
| trainer | {metrics["trainer"]} |
"""


def run(payload: dict, call_id: str = "") -> dict:
    tail = TailHandler()
    tail.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO)
    logger.addHandler(tail)
    reporter = Reporter(payload["callback_url"], payload["callback_secret"])
    started = time.monotonic()
    reporter.send({"type": "started", "call_id": call_id})
    total = int(payload["steps"])

    def report(step, loss):
        reporter.send({"type": "progress", "step": int(step), "total": total, "loss": float(loss)})

    try:
        store = store_from_config(payload["hub"], token=os.environ.get("HF_TOKEN", ""))
        logger.info("downloading %s", payload["dataset"])
        dataset_dir = store.download_dataset(payload["dataset"])
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            info = json.loads((dataset_dir / "meta" / "info.json").read_text())
            metrics = {"episodes": info.get("total_episodes"), "frames": info.get("total_frames")}
            if payload.get("trainer") == "demo":
                output = work / "model"
                output.mkdir()
                curve = train_demo(dataset_dir, output, payload, report)
                metrics["trainer"] = "builtin-mlp"
            else:
                output, curve = train_lerobot(dataset_dir, work, payload, report)
                metrics["trainer"] = "lerobot"
            metrics.update(final_loss=curve[-1][1] if curve else None, loss_curve=curve)
            (output / "metrics.json").write_text(json.dumps(metrics, indent=2))
            (output / "README.md").write_text(model_card(payload, metrics))
            logger.info("uploading to %s", payload["model_repo_id"])
            store.upload_model(output, payload["model_repo_id"])
        result = {
            "type": "completed",
            "hub_model_id": payload["model_repo_id"],
            "metrics": metrics,
            "duration": round(time.monotonic() - started),
            "log_tail": "\n".join(tail.lines),
        }
    except Exception as error:
        logger.exception("training failed")
        result = {
            "type": "failed",
            "error": f"{type(error).__name__}: {error}",
            # A reason the student can act on, in a form the platform can translate.
            **(
                {"error_template": error.template, "error_params": error.params}
                if hasattr(error, "template")
                else {}
            ),
            "duration": round(time.monotonic() - started),
            "log_tail": "\n".join(tail.lines),
        }
    reporter.send(result)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payload-file", required=True)
    parser.add_argument("--run-dir", required=True)
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    (run_dir / "pid").write_text(str(os.getpid()))
    result = run(json.loads(Path(args.payload_file).read_text()), call_id=f"local:{run_dir.name}")
    (run_dir / "result.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
