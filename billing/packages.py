"""The seat packages, as data: the one table the rest of billing reads (prices live in Stripe,
found by each package's lookup key)."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Package:
    key: str
    name: str
    seats: int | None  # None: unlimited
    monthly_price_cents: int
    monthly_trainings: int
    concurrent_trainings: int

    @property
    def lookup_key(self) -> str:
        return f"edubotics_{self.key}_monthly"

    @property
    def product_id(self) -> str:
        return f"edubotics_{self.key}"


PACKAGES = (
    Package("starter", "Starter", 5, 9900, 25, 3),
    Package("standard", "Standard", 10, 17900, 50, 5),
    Package("premium", "Premium", 20, 29900, 100, 10),
    Package("enterprise", "Enterprise", None, 49900, 500, 20),
)
CURRENCY = "eur"
TRIAL_PACKAGE = PACKAGES[0]
TRIAL_LENGTH = timedelta(days=14)
GRACE_PERIOD = timedelta(days=7)


def package_by_key(key: str) -> Package | None:
    return next((p for p in PACKAGES if p.key == key), None)


def package_by_lookup_key(lookup_key: str | None) -> Package | None:
    return next((p for p in PACKAGES if p.lookup_key == lookup_key), None)
