"""The deployable Modal app: one GPU function per policy type, in the EU, running
training/runner.py. Deploy with `modal deploy training/modal_app.py` (see the README)."""

import modal

APP_NAME = "edubotics-training"
SUBMISSIONS_DICT = "edubotics-submissions"
POLICIES = ("ACT", "ACT_BBOX", "GR00T")
TIMEOUT_SECONDS = 3 * 3600 + 10 * 60  # above the platform's 3-hour limit, so we fail it first

image = (
    modal.Image.debian_slim(python_version="3.11")
    .apt_install("ffmpeg", "git")
    .pip_install(
        "lerobot==0.4.4"
    )  # brings huggingface_hub, numpy and pyarrow in versions it works with
    .add_local_python_source("training")
)
app = modal.App(APP_NAME, image=image)
submissions = modal.Dict.from_name(SUBMISSIONS_DICT, create_if_missing=True)


def _train(payload: dict, key: str) -> dict:
    from training.runner import run

    call_id = modal.current_function_call_id()
    submissions[key] = call_id  # lets the platform find this call again if it lost the id
    return run(payload, call_id=call_id)


for _policy in POLICIES:
    app.function(
        name=f"train_{_policy.lower()}",
        gpu="A100-40GB",
        region="eu",
        timeout=TIMEOUT_SECONDS,
        secrets=[modal.Secret.from_name("edubotics-huggingface")],
        volumes={
            "/root/.cache/huggingface": modal.Volume.from_name(
                f"edubotics-cache-{_policy.lower().replace('_', '-')}", create_if_missing=True
            )
        },
        serialized=True,
    )(_train)
