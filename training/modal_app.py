"""The deployable Modal app: one GPU function per policy type, in the EU, running
training/runner.py with LeRobot's own trainer. Deploy with `modal deploy training/modal_app.py`
(see the README)."""

import modal

from training.costs import GPU_FOR_POLICY

APP_NAME = "edubotics-training"
SUBMISSIONS_DICT = "edubotics-submissions"
HF_SECRET = "edubotics-huggingface"
REGION = "eu"
CACHE_PATH = "/root/.cache/huggingface"
TIMEOUT_SECONDS = 3 * 3600 + 10 * 60  # above the platform's 3-hour limit, so we fail it first
LEROBOT = "lerobot==0.4.4"  # the newest release for Python 3.11; brings torch, numpy, pyarrow


def function_name(policy_type: str) -> str:
    """The name each policy's function is registered under; the backend spawns the same."""
    return f"train_{policy_type.lower()}"


def cache_volume_name(policy_type: str) -> str:
    return f"edubotics-cache-{policy_type.lower().replace('_', '-')}"


act_image = (
    modal.Image.debian_slim(python_version="3.11")
    .apt_install("ffmpeg", "git")
    .pip_install(LEROBOT)
    .add_local_python_source("training")
)
# GR00T's extra pulls flash-attn, which builds against CUDA: start from NVIDIA's devel image.
groot_image = (
    modal.Image.from_registry("nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", add_python="3.11")
    .apt_install("ffmpeg", "git")
    .pip_install(LEROBOT, "packaging", "ninja", "wheel")
    .pip_install(f"lerobot[groot]=={LEROBOT.split('==')[1]}")
    .add_local_python_source("training")
)
# ACT_BBOX finds the object with OWLv2 (training/bbox.py) before ACT trains.
bbox_image = act_image.pip_install("transformers==4.57.6")
IMAGES = {"ACT": act_image, "ACT_BBOX": bbox_image, "GR00T": groot_image}

app = modal.App(APP_NAME)
submissions = modal.Dict.from_name(SUBMISSIONS_DICT, create_if_missing=True)


def _train(payload: dict, key: str) -> dict:
    from training.runner import run

    call_id = modal.current_function_call_id()
    submissions[key] = call_id  # lets the platform find this call again if it lost the id
    return run(payload, call_id=call_id)


FUNCTIONS = {
    policy: app.function(
        name=function_name(policy),
        image=IMAGES[policy],
        gpu=GPU_FOR_POLICY[policy],
        region=REGION,
        timeout=TIMEOUT_SECONDS,
        secrets=[modal.Secret.from_name(HF_SECRET)],
        volumes={
            CACHE_PATH: modal.Volume.from_name(cache_volume_name(policy), create_if_missing=True)
        },
        serialized=True,
    )(_train)
    for policy in GPU_FOR_POLICY
}
