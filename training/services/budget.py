"""The school's GPU budget, kept as a ledger of entries.

A training reserves its estimate inside the transaction that locks the school row for its start
(so parallel starts cannot overspend) and settles to its actual cost in the transaction that ends
it; inference servers charge their time as they run. What a month has used is the sum of its
entries: nothing edits a balance in place (the per-day sums the budget page charts are kept
beside it, in the same transactions).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Classroom, Membership, Role, School

from ..costs import cost_for
from ..models import BudgetEntry, BudgetSettings, ClassroomBudget, Training
from ..selectors import budget_settings_of, month_start, next_month_start
from .rollup import ledger_rollup_add

Kind = BudgetEntry.Kind


def _eur(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2)} €"


def _used(school: School, **filters) -> Decimal:
    return (
        BudgetEntry.objects.for_school(school)
        .filter(created_at__gte=month_start(school), **filters)
        .aggregate(used=Sum("amount_eur", default=Decimal(0)))["used"]
    )


def _entry(**fields) -> BudgetEntry:
    """A new line of the ledger, added to its day's sums (the budget page's chart) in the same
    transaction."""
    entry = BudgetEntry.objects.create(**fields)
    ledger_rollup_add(entry=entry)
    return entry


def budget_check(*, school: School, classroom: Classroom | None, amount: Decimal) -> None:
    """Inside the transaction that locked the school row: may a training of ``amount`` start?"""
    settings = budget_settings_of(school)
    limit = settings.per_training_limit_eur
    if limit is not None and amount > limit:
        raise ApplicationError(
            _(
                "This training is estimated at %(amount)s, above the school's limit of %(limit)s per training. Choose fewer steps or a smaller batch."
            )
            % {"amount": _eur(amount), "limit": _eur(limit)},
            field="steps",
        )
    budget = settings.monthly_budget()
    left = budget - _used(school)
    if amount > left:
        raise ApplicationError(
            _(
                "The school's GPU budget of %(budget)s for this month has %(left)s left, not enough for this training (estimated at %(amount)s). The budget renews on %(date)s."
            )
            % {
                "budget": _eur(budget),
                "left": _eur(max(left, Decimal(0))),
                "amount": _eur(amount),
                "date": date_format(next_month_start(school), "DATE_FORMAT"),
            }
        )
    share = (
        ClassroomBudget.objects.for_school(school).filter(classroom=classroom).first()
        if classroom is not None
        else None
    )
    if share is not None and amount > share.monthly_eur - _used(school, classroom=classroom):
        raise ApplicationError(
            _(
                "The classroom %(classroom)s has used its share of %(share)s of this month's GPU budget; this training is estimated at %(amount)s."
            )
            % {
                "classroom": classroom.name,
                "share": _eur(share.monthly_eur),
                "amount": _eur(amount),
            }
        )


def budget_needs_approval(*, school: School, actor: Membership, amount: Decimal) -> bool:
    """A student's training estimated above the school's threshold waits for a teacher."""
    return actor.role == Role.STUDENT and amount > budget_settings_of(school).approval_threshold_eur


def budget_reserve(*, training: Training) -> BudgetEntry:
    """Holds the training's estimate (after ``budget_check``, in the same transaction)."""
    return _entry(
        school=training.school,
        kind=Kind.RESERVATION,
        amount_eur=training.cost_estimate_eur or Decimal(0),
        training=training,
        classroom=training.classroom,
    )


def budget_settle(*, training: Training) -> BudgetEntry | None:
    """In the transaction that ends the training: the difference between its actual cost and
    what it reserved (a training that never ran costs nothing: a full refund). Once per
    attempt; a training that reserved nothing (started before budgets) settles nothing."""
    entries = BudgetEntry.objects.filter(training=training)
    reserved = entries.filter(kind=Kind.RESERVATION).count()
    if reserved <= entries.filter(kind__in=(Kind.SETTLEMENT, Kind.REFUND)).count():
        return None
    difference = (training.cost_eur or Decimal(0)) - (training.cost_estimate_eur or Decimal(0))
    return _entry(
        school=training.school,
        kind=Kind.SETTLEMENT if difference >= 0 else Kind.REFUND,
        amount_eur=difference,
        training=training,
        classroom=training.classroom,
    )


def budget_charge_server(
    *, school: School, seconds: int, gpu: str, classroom: Classroom | None = None, note: str = ""
) -> BudgetEntry:
    """An inference server's running time, charged when it is recorded (call it from the
    transaction that records the server's cost)."""
    return _entry(
        school=school,
        kind=Kind.SERVER_TIME,
        amount_eur=cost_for(seconds, gpu),
        classroom=classroom,
        note=note[:200],
    )


def budget_settings_update(
    *,
    actor: Membership,
    per_training_limit_eur: Decimal | None,
    approval_threshold_eur: Decimal,
    classroom_shares: dict[Classroom, Decimal | None] | None = None,
) -> BudgetSettings:
    """The admin's settings: the per-training limit, the approval threshold and the optional
    shares of the budget per classroom (None removes a share)."""
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins change the GPU budget settings."))
    school = actor.school
    with transaction.atomic():
        settings, _created = BudgetSettings.objects.select_for_update().get_or_create(school=school)
        settings.per_training_limit_eur = per_training_limit_eur
        settings.approval_threshold_eur = approval_threshold_eur
        settings.save()
        for classroom, share in (classroom_shares or {}).items():
            if classroom.school_id != school.pk:
                raise ApplicationError(_("The classroom is not in this school."))
            if share is None:
                ClassroomBudget.objects.filter(classroom=classroom).delete()
            else:
                ClassroomBudget.objects.update_or_create(
                    classroom=classroom, defaults={"school": school, "monthly_eur": share}
                )
        audit_record(
            school=school,
            action=AuditAction.BUDGET_CHANGED,
            actor=actor,
            target=settings,
            data={
                "per_training_limit_eur": str(per_training_limit_eur or ""),
                "approval_threshold_eur": str(approval_threshold_eur),
                "classroom_shares": {
                    c.name: str(share or "") for c, share in (classroom_shares or {}).items()
                },
            },
        )
    return settings
