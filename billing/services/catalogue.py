"""The package table in Stripe: one Product and one monthly Price per package, found by lookup key."""

import stripe
from django.utils.translation import gettext as _
from djstripe.models import Price, Product

from schools.errors import ApplicationError

from ..packages import CURRENCY, PACKAGES, Package
from .accounts import require_payments, stripe_key


def price_for(package: Package) -> Price:
    price = Price.objects.filter(lookup_key=package.lookup_key, active=True).first()
    if price is None:
        raise ApplicationError(
            _("This package is not available yet. EduBotics staff must run billing_sync_packages.")
        )
    return price


def packages_sync() -> list[str]:
    """Creates or updates each package's Product and monthly Price in Stripe (by id and lookup
    key) and syncs them into dj-stripe. Idempotent: a second run changes nothing in Stripe."""
    require_payments()
    report = []
    for package in PACKAGES:
        report += product_sync(package) + price_sync(package)
    return report or ["all packages up to date"]


def product_sync(package: Package) -> list[str]:
    name, report = f"EduBotics {package.name}", []
    try:
        product = stripe.Product.retrieve(package.product_id, api_key=stripe_key())
        if product["name"] != name or not product["active"]:
            product = stripe.Product.modify(
                package.product_id, name=name, active=True, api_key=stripe_key()
            )
            report.append(f"{package.key}: product updated")
    except stripe.InvalidRequestError:
        product = stripe.Product.create(
            id=package.product_id,
            name=name,
            metadata={"package": package.key},
            api_key=stripe_key(),
        )
        report.append(f"{package.key}: product created")
    Product.sync_from_stripe_data(product, api_key=stripe_key())
    return report


def price_sync(package: Package) -> list[str]:
    report = []
    prices = stripe.Price.list(
        lookup_keys=[package.lookup_key], active=True, api_key=stripe_key()
    ).data
    price = next((p for p in prices if _price_matches(p, package)), None)
    if price is None:
        price = stripe.Price.create(
            product=package.product_id,
            currency=CURRENCY,
            unit_amount=package.monthly_price_cents,
            recurring={"interval": "month"},
            lookup_key=package.lookup_key,
            transfer_lookup_key=True,
            metadata={"package": package.key},
            api_key=stripe_key(),
        )
        report.append(f"{package.key}: price created")
    for stale in (p for p in prices if p["id"] != price["id"]):  # nobody may buy an old price
        Price.sync_from_stripe_data(
            stripe.Price.modify(stale["id"], active=False, api_key=stripe_key()),
            api_key=stripe_key(),
        )
        report.append(f"{package.key}: old price {stale['id']} deactivated")
    Price.sync_from_stripe_data(price, api_key=stripe_key())
    return report


def _price_matches(price, package: Package) -> bool:
    return (
        price["unit_amount"] == package.monthly_price_cents
        and price["currency"] == CURRENCY
        and (price["recurring"] or {}).get("interval") == "month"
        and price["product"] == package.product_id
    )
