"""ACT_BBOX's detection stage on real LeRobot v3.0 datasets written by LeRobot's own writer.

A stand-in detector finds the red square drawn into the frames by its colour: it stands in for
the detector's weights only (they cannot be downloaded here), never for our dataset code. Needs
LeRobot and transformers (`make test-lerobot`).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lerobot.datasets.lerobot_dataset import LeRobotDataset

from training.bbox import (
    BOX_NAMES,
    BBoxError,
    BBoxResult,
    best_boxes,
    derive_bbox_dataset,
)

FPS, FRAMES, SIDE, JOINTS = 10, 10, 32, 6
CAMERA = "observation.images.front"
SQUARE = 6
RED = (230, 20, 20)


def square_at(episode: int, frame: int) -> tuple[int, int]:
    """Top-left corner of the object: it moves right as the episode goes on."""
    return 2 + 2 * frame, 4 + episode


def true_box(episode: int, frame: int) -> np.ndarray:
    x, y = square_at(episode, frame)
    return np.array([x, y, x + SQUARE, y + SQUARE], dtype=np.float32) / SIDE


def make_dataset(root: Path, visible) -> Path:
    """12 episodes × 10 frames with a front and a wrist camera; visible(episode, frame) says
    where the red square is drawn into the front camera's frame."""
    dataset = LeRobotDataset.create(
        "local/tiny",
        fps=FPS,
        root=root,
        use_videos=False,
        features={
            "observation.state": {
                "dtype": "float32",
                "shape": (JOINTS,),
                "names": [f"joint_{i}.pos" for i in range(JOINTS)],
            },
            "action": {"dtype": "float32", "shape": (JOINTS,), "names": None},
            "observation.images.wrist": {
                "dtype": "image",
                "shape": (SIDE, SIDE, 3),
                "names": ["height", "width", "channels"],
            },
            CAMERA: {
                "dtype": "image",
                "shape": (SIDE, SIDE, 3),
                "names": ["height", "width", "channels"],
            },
        },
    )
    rng = np.random.default_rng(3)
    for episode in range(12):
        for frame in range(FRAMES):
            image = np.full((SIDE, SIDE, 3), 90, dtype=np.uint8)
            if visible(episode, frame):
                x, y = square_at(episode, frame)
                image[y : y + SQUARE, x : x + SQUARE] = RED
            state = np.full(JOINTS, episode + frame / 10, dtype=np.float32)
            dataset.add_frame(
                {
                    "observation.state": state,
                    "action": rng.normal(size=JOINTS).astype(np.float32),
                    # The wrist camera sees red everywhere: picking it would find the "object"
                    # in every frame of every episode.
                    "observation.images.wrist": np.full((SIDE, SIDE, 3), RED, dtype=np.uint8),
                    CAMERA: image,
                    "task": "pick the cube",
                }
            )
        dataset.save_episode()
    dataset.finalize()
    return root


class ColourDetector:
    """Finds the red square by its pixels, as the real detector finds the described object."""

    def __init__(self):
        self.calls = []

    def boxes(self, frames, description):
        self.calls.append((frames.shape, description))
        found = []
        for frame in frames:
            red = (frame[..., 0] > 200) & (frame[..., 1] < 60) & (frame[..., 2] < 60)
            if not red.any():
                found.append(None)
                continue
            rows, cols = np.nonzero(red)
            height, width = red.shape
            found.append(
                (
                    cols.min() / width,
                    rows.min() / height,
                    (cols.max() + 1) / width,
                    (rows.max() + 1) / height,
                )
            )
        return found


def derive(tmp_path, visible, **options):
    src = make_dataset(tmp_path / "src", visible)
    result = derive_bbox_dataset(
        src_root=src,
        dst_root=tmp_path / "dst",
        repo_id="local/tiny-bbox",
        description="red cube",
        detector=ColourDetector(),
        **options,
    )
    return result, LeRobotDataset("local/tiny", root=src), tmp_path / "dst"


def test_it_keeps_every_episode_and_adds_the_box_to_the_state(tmp_path):
    result, source, dst = derive(tmp_path, lambda episode, frame: True)

    assert result == BBoxResult(kept=12, total=12, dropped_episodes=[])
    derived = LeRobotDataset("local/tiny-bbox", root=dst)
    assert derived.num_episodes == 12 and derived.num_frames == 120
    state = derived.meta.features["observation.state"]
    assert list(state["shape"]) == [JOINTS + 4]
    assert state["names"][-4:] == BOX_NAMES
    assert len(derived.meta.stats["observation.state"]["mean"]) == JOINTS + 4
    # The square moves at a steady pace, so the boxes interpolated between the sampled frames
    # are the true ones on every frame.
    for index in (0, 3, 57, 119):
        item, original = derived[index], source[index]
        episode, frame = int(item["episode_index"]), int(item["frame_index"])
        np.testing.assert_allclose(
            item["observation.state"][:JOINTS], original["observation.state"]
        )
        np.testing.assert_allclose(
            item["observation.state"][JOINTS:], true_box(episode, frame), atol=1e-6
        )
        assert item[CAMERA].shape == (3, SIDE, SIDE)
        np.testing.assert_array_equal(
            item[CAMERA], original[CAMERA]
        )  # frames re-written as they were
    box_stats = derived.meta.stats["observation.state"]
    assert box_stats["min"][JOINTS] == pytest.approx(2 / SIDE)
    assert box_stats["max"][JOINTS + 2] == pytest.approx((2 + 2 * (FRAMES - 1) + SQUARE) / SIDE)


def test_lerobots_trainer_trains_act_on_the_derived_dataset(tmp_path):
    _, _, dst = derive(tmp_path, lambda episode, frame: True)
    out = tmp_path / "out"
    trainer = Path(sys.executable).with_name("lerobot-train")
    run = subprocess.run(
        [
            str(trainer),
            "--dataset.repo_id=local/tiny-bbox",
            f"--dataset.root={dst}",
            "--policy.type=act",
            "--policy.device=cpu",
            "--policy.pretrained_backbone_weights=null",
            "--policy.push_to_hub=false",
            "--steps=2",
            "--batch_size=2",
            "--log_freq=1",
            "--save_freq=2",
            "--wandb.enable=false",
            f"--output_dir={out}",
            "--num_workers=0",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},  # everything is local: fail, never wait
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "loss:" in run.stdout + run.stderr
    from lerobot.policies.act.modeling_act import ACTPolicy

    policy = ACTPolicy.from_pretrained(out / "checkpoints" / "last" / "pretrained_model")
    assert list(policy.config.input_features["observation.state"].shape) == [JOINTS + 4]


def test_it_drops_episodes_without_the_object_and_renumbers_the_rest(tmp_path):
    # Sampled frames per episode: 0, 5 and 9. Episodes 3 and 7 never show the object; episode 5
    # shows it in frame 0 only (1 of 3: dropped); episode 9 loses it after frame 6 (2 of 3: kept).
    def visible(episode, frame):
        return {3: False, 7: False, 5: frame < 2, 9: frame < 7}.get(episode, True)

    result, source, dst = derive(tmp_path, visible, min_episodes=8)

    assert result == BBoxResult(kept=9, total=12, dropped_episodes=[3, 5, 7])
    derived = LeRobotDataset("local/tiny-bbox", root=dst)
    assert derived.num_episodes == 9 and derived.num_frames == 90
    kept = [0, 1, 2, 4, 6, 8, 9, 10, 11]
    for new, old in enumerate(kept):
        item = derived[new * FRAMES + 4]
        assert int(item["episode_index"]) == new
        np.testing.assert_allclose(
            item["observation.state"][:JOINTS], source[old * FRAMES + 4]["observation.state"]
        )
    # Episode 9 (now 6): after its last hit at frame 5 the box is held where it was last seen.
    last = derived[6 * FRAMES + 9]["observation.state"][JOINTS:]
    np.testing.assert_allclose(last, true_box(9, 5), atol=1e-6)


def test_it_refuses_with_the_counts_when_too_few_episodes_show_the_object(tmp_path):
    with pytest.raises(BBoxError) as raised:
        derive(tmp_path, lambda episode, frame: episode < 9)

    assert str(raised.value) == "The object was found in 9 of 12 episodes; at least 10 are needed."
    assert raised.value.params == {"found": 9, "total": 12, "minimum": 10}
    assert not (tmp_path / "dst").exists()


def test_it_asks_the_detector_about_a_few_frames_a_second_with_the_description(tmp_path):
    detector = ColourDetector()
    derive_bbox_dataset(
        src_root=make_dataset(tmp_path / "src", lambda episode, frame: True),
        dst_root=tmp_path / "dst",
        repo_id="local/tiny-bbox",
        description="red cube",
        detector=detector,
    )
    assert detector.calls == [((3, SIDE, SIDE, 3), "red cube")] * 12


def test_the_owlv2_adapter_picks_the_best_box_in_the_frame_not_the_padded_square():
    import torch
    from transformers import Owlv2ImageProcessorFast
    from transformers.models.owlv2.modeling_owlv2 import Owlv2ObjectDetectionOutput

    # Two frames 48 high × 96 wide, which OWLv2 padded to 96 × 96 at the bottom. Frame 1 has a
    # weak and a strong hit; frame 2 nothing above the threshold.
    outputs = Owlv2ObjectDetectionOutput(
        logits=torch.tensor([[[-1.0], [3.0], [-8.0]], [[-4.0], [-5.0], [-6.0]]]),
        pred_boxes=torch.tensor(
            [
                [[0.1, 0.1, 0.1, 0.1], [0.5, 0.25, 0.2, 0.1], [0.9, 0.9, 0.1, 0.1]],
                [[0.5, 0.5, 0.2, 0.2]] * 3,
            ]
        ),
    )
    boxes = best_boxes(Owlv2ImageProcessorFast(), outputs, height=48, width=96, threshold=0.2)

    assert boxes[1] is None
    np.testing.assert_allclose(boxes[0], (0.4, 0.4, 0.6, 0.6), atol=1e-6)


def tiny_owlv2(folder: Path) -> Path:
    """An OWLv2 checkpoint laid out as the Hub's (a slow image processor named in its config, a
    CLIP tokenizer), with random weights small enough to build here."""
    from transformers import (
        CLIPTokenizer,
        Owlv2Config,
        Owlv2ForObjectDetection,
        Owlv2ImageProcessor,
        Owlv2Processor,
    )
    from transformers.models.clip.tokenization_clip import bytes_to_unicode

    characters = list(bytes_to_unicode().values())
    tokens = [*characters, *(c + "</w>" for c in characters), "<|startoftext|>", "<|endoftext|>"]
    folder.mkdir()
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(
        folder / "vocab.json", folder / "merges.txt", pad_token="!", model_max_length=16
    )
    layers = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1}
    config = Owlv2Config(
        text_config={**layers, "vocab_size": len(tokens), "num_attention_heads": 2},
        vision_config={**layers, "num_attention_heads": 2, "image_size": 32, "patch_size": 16},
        projection_dim=16,
    )
    Owlv2ForObjectDetection(config).save_pretrained(folder)
    image_processor = Owlv2ImageProcessor(size={"height": 32, "width": 32})
    Owlv2Processor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def test_the_owlv2_detector_runs_a_checkpoint_in_batches_and_gives_a_box_or_none_per_frame(
    tmp_path,
):
    from training.bbox import DETECTOR_BATCH, OwlV2Detector

    checkpoint = str(tiny_owlv2(tmp_path / "owlv2"))
    frames = np.random.default_rng(0).integers(0, 256, (DETECTOR_BATCH + 2, 24, 40, 3), np.uint8)

    boxes = OwlV2Detector(checkpoint, threshold=0.0).boxes(frames, "red cube")
    assert len(boxes) == len(frames)
    for x0, y0, x1, y1 in boxes:  # random weights: only the form can be checked
        assert 0 <= x0 <= x1 <= 1 and 0 <= y0 <= y1 <= 1
    assert OwlV2Detector(checkpoint, threshold=1.0).boxes(frames, "red cube") == [None] * len(
        frames
    )
