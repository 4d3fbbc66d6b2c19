"""The deployable Modal app: one GPU function per policy type, in the EU, running
training/runner.py with LeRobot's own trainer; and one serving function per GPU class running
training/serving.py (LeRobot's policy server) behind a Modal tunnel. Deploy with `modal deploy training/modal_app.py`
(see the README)."""

import modal

from training.costs import GPU_FOR_POLICY, SERVE_GPU_FOR_POLICY

APP_NAME = "edubotics-training"
SUBMISSIONS_DICT = "edubotics-submissions"
HF_SECRET = "edubotics-huggingface"
REGION = "eu"
CACHE_PATH = "/root/.cache/huggingface"
TIMEOUT_SECONDS = 3 * 3600 + 10 * 60  # above the platform's 3-hour limit, so we fail it first
LEROBOT = "lerobot==0.4.4"  # the newest release for Python 3.11; brings torch, numpy, pyarrow
# Above the platform's 2-hour server lifetime, so the platform stops a server before Modal does.
SERVE_TIMEOUT_SECONDS = 2 * 3600 + 10 * 60
SERVE_PORT = 50051


def function_name(policy_type: str) -> str:
    """The name each policy's function is registered under; the backend spawns the same."""
    return f"train_{policy_type.lower()}"


def serve_function_name(gpu: str) -> str:
    """One serving function per GPU class (``serve_a10g``); the backend spawns the same."""
    return "serve_" + gpu.lower().replace("-", "_")


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


# lerobot[async] brings grpcio for the policy server.
SERVE_IMAGES = {
    "A10G": act_image.pip_install(f"lerobot[async]=={LEROBOT.split('==')[1]}"),
    "L40S": groot_image.pip_install(f"lerobot[async]=={LEROBOT.split('==')[1]}"),
}


def _serve(payload: dict, key: str) -> None:
    from training.serving import serve

    submissions[key] = modal.current_function_call_id()
    # A raw TCP tunnel: LeRobot's robot client speaks plain gRPC. Nobody gets past the
    # server's secret check (training/serving.py) without the secret the platform hands out.
    with modal.forward(SERVE_PORT, unencrypted=True) as tunnel:
        host, port = tunnel.tcp_socket
        serve(payload, host="0.0.0.0", port=SERVE_PORT, address=f"{host}:{port}")


SERVE_FUNCTIONS = {
    gpu: app.function(
        name=serve_function_name(gpu),
        image=SERVE_IMAGES[gpu],
        gpu=gpu,
        region=REGION,
        timeout=SERVE_TIMEOUT_SECONDS,
        secrets=[modal.Secret.from_name(HF_SECRET)],
        serialized=True,
    )(_serve)
    for gpu in sorted(set(SERVE_GPU_FOR_POLICY.values()))
}
