"""GPU prices (EUR per hour) and each policy's GPU in one place, the steps a training runs, and
the estimate of its duration and cost. No Django here: the Modal app reads the GPU table too."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GPU_EUR_PER_HOUR = {
    "A100-40GB": Decimal("2.00"),
    "A100-80GB": Decimal("2.40"),
    "A10G": Decimal("1.05"),
    "T4": Decimal("0.55"),
    "L40S": Decimal("1.80"),
}
# The GPU each policy type trains on (GR00T N1.5's 3B parameters need the 80 GB card).
GPU_FOR_POLICY = {"ACT": "A100-40GB", "ACT_BBOX": "A100-40GB", "GR00T": "A100-80GB"}
# The GPU each policy's inference server runs on: inference needs far less than training (ACT on
# the A10G class; GR00T N1.5's 3B parameters in bf16 on a 48 GB card).
SERVE_GPU_FOR_POLICY = {"ACT": "A10G", "ACT_BBOX": "A10G", "GR00T": "L40S"}
# Measured throughput on each policy's GPU (samples per second) and start-up time (image, download).
SAMPLES_PER_SECOND = {"ACT": 600, "ACT_BBOX": 450, "GR00T": 150}
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Estimate:
    steps: int
    gpu: str
    seconds: int
    cost_eur: Decimal

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))


def cost_for(seconds: int, gpu: str = GPU_FOR_POLICY["ACT"]) -> Decimal:
    hours = Decimal(seconds) / Decimal(3600)
    return (GPU_EUR_PER_HOUR[gpu] * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def training_steps(
    *, policy: str, steps: int | None, batch_size: int, epochs: int | None, frames: int
) -> int:
    """GR00T is asked for in epochs, LeRobot's trainer counts steps: each epoch sees every frame
    once, so epochs × frames ÷ batch size, rounded up."""
    if policy == "GR00T":
        return math.ceil((epochs or 0) * frames / batch_size)
    return steps or 0


def estimate(
    *, policy: str, steps: int | None, batch_size: int, epochs: int | None, frames: int
) -> Estimate:
    steps = training_steps(
        policy=policy, steps=steps, batch_size=batch_size, epochs=epochs, frames=frames
    )
    gpu = GPU_FOR_POLICY[policy]
    seconds = STARTUP_SECONDS + round(steps * batch_size / SAMPLES_PER_SECOND[policy])
    return Estimate(steps=steps, gpu=gpu, seconds=seconds, cost_eur=cost_for(seconds, gpu))
