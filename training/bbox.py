"""ACT_BBOX's first stage, run inside the training job before ACT trains.

An open-vocabulary detector looks for the student's described object in sampled frames of one
camera per episode. Episodes where it is not found are dropped; the others are written to a
derived LeRobot v3.0 dataset whose `observation.state` carries four more values per frame, the
object's normalised box (x0, y0, x1, y1), so ACT learns where the object is.

LeRobot, torch and transformers are imported inside the functions that need them: the platform
imports this module (for `BBoxError`) in a venv that has none of them.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

Box = tuple[float, float, float, float]

STATE = "observation.state"
BOX_NAMES = ["bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1"]
# Two detections a second follow an object a robot arm moves, at a tenth of the detector's cost
# of looking at every frame of a 30 fps recording; the box is interpolated in between.
SAMPLES_PER_SECOND = 2
# Cameras on the arm lose the object when the gripper closes on it; a camera on the scene keeps
# it in view for the whole episode.
ARM_CAMERA_WORDS = ("wrist", "gripper", "hand")

DETECTOR_MODEL = "google/owlv2-base-patch16-ensemble"
# OWLv2's scores are low by design (a sigmoid per text query); 0.2 keeps clear hits only.
DETECTOR_THRESHOLD = 0.2
DETECTOR_BATCH = 8


class Detector(Protocol):
    def boxes(self, frames: np.ndarray, description: str) -> list[Box | None]:
        """frames: (N, H, W, 3) uint8; one normalised (x0, y0, x1, y1) box or None per frame."""


@dataclass
class BBoxResult:
    kept: int
    total: int
    dropped_episodes: list[int]


def gettext_noop(message: str) -> str:
    """Marks a message for translation (the job has no Django); the platform translates it."""
    return message


class BBoxError(Exception):
    """Why ACT_BBOX cannot train, for the student. `template` and `params` let the platform say
    it in the student's language."""

    TOO_FEW = gettext_noop(
        "The object was found in %(found)d of %(total)d episodes; at least %(minimum)d are needed."
    )
    NO_CAMERA = gettext_noop("The dataset has no camera, so the object cannot be found.")
    TEMPLATES = (TOO_FEW, NO_CAMERA)

    def __init__(self, template: str, **params: int):
        self.template, self.params = template, params
        super().__init__(template % params)


def derive_bbox_dataset(
    *,
    src_root: Path,
    dst_root: Path,
    repo_id: str,
    description: str,
    detector: Detector,
    min_episodes: int = 10,
) -> BBoxResult:
    """Writes the derived dataset at dst_root (which must not exist yet), or raises BBoxError
    before writing anything."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset
    from lerobot.datasets.utils import DEFAULT_FEATURES

    source = LeRobotDataset(repo_id, root=src_root)  # with a root, the repo id only names it
    camera = scene_camera(source.meta.camera_keys)
    total = source.meta.total_episodes
    if camera is None:
        raise BBoxError(BBoxError.NO_CAMERA)

    kept, dropped = [], []
    for episode in range(total):
        start, end = episode_range(source, episode)
        boxes = episode_boxes(source, camera, start, end, description, detector)
        if boxes is None:
            dropped.append(episode)
        else:
            kept.append((start, end, boxes))
    if len(kept) < min_episodes:
        raise BBoxError(BBoxError.TOO_FEW, found=len(kept), total=total, minimum=min_episodes)

    # A video's "info" (codec, pixel format) is measured again when LeRobot re-encodes it.
    features = {
        key: {name: value for name, value in feature.items() if name != "info"}
        for key, feature in source.meta.features.items()
        if key not in DEFAULT_FEATURES
    }
    features[STATE] = {
        **features[STATE],
        "shape": (features[STATE]["shape"][0] + len(BOX_NAMES),),
        "names": names_with_box(features[STATE].get("names")),
    }
    target = LeRobotDataset.create(
        repo_id,
        fps=source.fps,
        features=features,
        root=dst_root,
        robot_type=source.meta.robot_type,
        use_videos=bool(source.meta.video_keys),
        image_writer_threads=4,  # frames are written as PNGs while the next are read
    )
    for start, end, boxes in kept:
        for index in range(start, end):
            item = source[index]
            frame = {
                key: frame_value(item[key], feature)
                for key, feature in features.items()
                if key != STATE
            }
            frame[STATE] = np.concatenate([item[STATE].numpy(), boxes[index - start]]).astype(
                np.float32
            )
            frame["task"] = item["task"]
            target.add_frame(frame)
        target.save_episode()
    target.finalize()
    return BBoxResult(kept=len(kept), total=total, dropped_episodes=dropped)


def scene_camera(camera_keys: list[str]) -> str | None:
    """The first camera that is not on the arm, else the first camera."""
    for key in camera_keys:
        if not any(word in key.lower() for word in ARM_CAMERA_WORDS):
            return key
    return camera_keys[0] if camera_keys else None


def episode_range(dataset, episode: int) -> tuple[int, int]:
    row = dataset.meta.episodes[episode]
    return int(row["dataset_from_index"]), int(row["dataset_to_index"])


def sampled_frames(length: int, fps: int) -> list[int]:
    """Frame offsets to detect on: SAMPLES_PER_SECOND spread over the episode, and its last."""
    step = max(1, round(fps / SAMPLES_PER_SECOND))
    offsets = list(range(0, length, step))
    return offsets if offsets[-1] == length - 1 else [*offsets, length - 1]


def episode_boxes(dataset, camera, start, end, description, detector) -> np.ndarray | None:
    """One box per frame of the episode, or None when the object is found in fewer than half
    of the sampled frames (a few misses are occlusions; more mean the object is not there)."""
    offsets = sampled_frames(end - start, dataset.fps)
    frames = np.stack([uint8_image(dataset[start + offset][camera]) for offset in offsets])
    found = detector.boxes(frames, description)
    hits = [(offset, box) for offset, box in zip(offsets, found, strict=True) if box is not None]
    if 2 * len(hits) < len(offsets):
        return None
    at = np.array([offset for offset, _ in hits])
    boxes = np.array([box for _, box in hits], dtype=np.float64)
    # Linear between hits, held before the first and after the last (np.interp's ends).
    frames_at = np.arange(end - start)
    return np.stack([np.interp(frames_at, at, boxes[:, i]) for i in range(4)], axis=1)


def names_with_box(names):
    """observation.state's names with the box's four appended, in the layouts LeRobot writes:
    a list, or (from v2 conversions) a dict holding one list."""
    if isinstance(names, list):
        return [*names, *BOX_NAMES]
    if isinstance(names, dict) and len(names) == 1:
        ((axis, values),) = names.items()
        return {axis: [*values, *BOX_NAMES]}
    return None


def uint8_image(image) -> np.ndarray:
    """LeRobot's (C, H, W) float frame in [0, 1] as the (H, W, C) uint8 it was recorded as.
    Rounded: LeRobot's own writer truncates, which would darken every re-written frame."""
    return (image * 255).round().clamp(0, 255).byte().permute(1, 2, 0).numpy()


def frame_value(value, feature: dict):
    if feature["dtype"] in ("image", "video"):
        return uint8_image(value)
    return np.asarray(value, dtype=feature["dtype"]).reshape(feature["shape"])


class OwlV2Detector:
    """OWLv2 (open-vocabulary detection) through transformers, on the job's GPU. Its weights
    come from the Hub on first use and stay in the Hub cache (the job's cache volume)."""

    def __init__(self, model_id: str = DETECTOR_MODEL, *, threshold: float = DETECTOR_THRESHOLD):
        import torch
        from transformers import Owlv2ForObjectDetection, Owlv2Processor

        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        # The fast (torch) image processor: the slow one the checkpoint names needs scipy.
        self.processor = Owlv2Processor.from_pretrained(model_id, use_fast=True)
        self.model = Owlv2ForObjectDetection.from_pretrained(model_id).to(self.device).eval()
        self.threshold = threshold

    def boxes(self, frames: np.ndarray, description: str) -> list[Box | None]:
        import torch

        height, width = frames.shape[1:3]
        found: list[Box | None] = []
        for start in range(0, len(frames), DETECTOR_BATCH):
            batch = list(frames[start : start + DETECTOR_BATCH])
            inputs = self.processor(
                text=[[description]] * len(batch), images=batch, return_tensors="pt"
            ).to(self.device)
            with torch.inference_mode():
                outputs = self.model(**inputs)
            found += best_boxes(
                self.processor.image_processor,
                outputs,
                height=height,
                width=width,
                threshold=self.threshold,
            )
        return found


def best_boxes(image_processor, outputs, *, height, width, threshold) -> list[Box | None]:
    """The highest-scoring box per frame, normalised to the frame, or None below the threshold.
    OWLv2 pads each frame at the bottom and right to a square, so its boxes are scaled to that
    square's side and then divided by the frame's own width and height."""
    side = max(height, width)
    results = image_processor.post_process_object_detection(
        outputs, threshold=threshold, target_sizes=[(side, side)] * len(outputs.logits)
    )
    found: list[Box | None] = []
    for result in results:
        if len(result["scores"]) == 0:
            found.append(None)
            continue
        x0, y0, x1, y1 = result["boxes"][int(result["scores"].argmax())].tolist()
        box = np.clip([x0 / width, y0 / height, x1 / width, y1 / height], 0.0, 1.0)
        found.append(tuple(float(v) for v in box))
    return found


def detector_from_settings() -> Detector:
    return OwlV2Detector()
