"""GPU prices (EUR per hour) in one place, and the estimate of a training's duration and cost."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GPU_EUR_PER_HOUR = {
    "A100-40GB": Decimal("2.00"),
    "A100-80GB": Decimal("2.40"),
    "A10G": Decimal("1.05"),
    "T4": Decimal("0.55"),
    "L40S": Decimal("1.80"),
}
DEFAULT_GPU = "A100-40GB"
# Measured throughput on an A100-40GB (samples per second) and start-up time (image, download).
SAMPLES_PER_SECOND = {"ACT": 600, "ACT_BBOX": 450, "GR00T": 150}
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Estimate:
    seconds: int
    cost_eur: Decimal

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))


def cost_for(seconds: int, gpu: str = DEFAULT_GPU) -> Decimal:
    hours = Decimal(seconds) / Decimal(3600)
    return (GPU_EUR_PER_HOUR[gpu] * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def estimate(
    *,
    policy: str,
    steps: int | None,
    batch_size: int,
    epochs: int | None,
    frames: int,
    gpu: str = DEFAULT_GPU,
) -> Estimate:
    samples = (epochs or 0) * frames if policy == "GR00T" else (steps or 0) * batch_size
    seconds = STARTUP_SECONDS + round(samples / SAMPLES_PER_SECOND[policy])
    return Estimate(seconds=seconds, cost_eur=cost_for(seconds, gpu))
