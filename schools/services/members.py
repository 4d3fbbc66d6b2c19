"""Invitations and what school admins do to members: roles, deactivation."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..errors import ApplicationError
from ..models import (
    AuditAction,
    Invitation,
    Membership,
    Role,
    User,
    invitation_expiry,
    new_invitation_token,
)
from .seats import seats_reserve


def _require_admin(actor: Membership):
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins can manage members."))


def _send_invitation_mail(invitation: Invitation):
    url = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    with translation.override(invitation.school.language):
        context = {"invitation": invitation, "url": url}
        subject = render_to_string("schools/email/invitation_subject.txt", context).strip()
        body = render_to_string("schools/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_send(*, actor: Membership, email: str, role: str) -> Invitation:
    _require_admin(actor)
    email = email.strip().lower()
    if Membership.objects.for_school(actor.school).filter(user__email__iexact=email).exists():
        raise ApplicationError(
            _("%(email)s is already a member of this school.") % {"email": email}, field="email"
        )
    with transaction.atomic():
        # A new invitation replaces an open one for the same address: only the newest link works.
        Invitation.objects.for_school(actor.school).filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            school=actor.school, email=email, role=role, invited_by=actor
        )
        transaction.on_commit(lambda: _send_invitation_mail(invitation))
    return invitation


def invitation_resend(*, actor: Membership, invitation: Invitation) -> Invitation:
    """Sends a fresh link (the old one stops working) valid for another 7 days."""
    _require_admin(actor)
    if invitation.accepted_at or invitation.revoked_at:
        raise ApplicationError(_("This invitation was already accepted or revoked."))
    invitation.token = new_invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token", "expires_at"])
    transaction.on_commit(lambda: _send_invitation_mail(invitation))
    return invitation


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> None:
    _require_admin(actor)
    if invitation.accepted_at:
        raise ApplicationError(_("This invitation was already accepted."))
    invitation.revoked_at = invitation.revoked_at or timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if its link still works, else an error that says why not."""
    if invitation is None or invitation.revoked_at:
        raise ApplicationError(
            _("This invitation link is not valid (anymore). Ask your school admin for a new one.")
        )
    if invitation.accepted_at:
        raise ApplicationError(_("This invitation was already used. Please sign in."))
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            _("This invitation has expired. Ask your school admin to send it again.")
        )
    return invitation


def managed_account_message() -> str:
    return _(
        "You are signed in with a student account that your school manages; it belongs to that "
        "school only. Sign out and open this link again to create an account of your own."
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, first_name="", last_name="", password=""
) -> Membership:
    """Joins the invited person to the school: an existing user, or a new account.

    The invitation link proves the address, so a new account's e-mail counts as verified. An
    account a school manages stays in that one school.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("school").get(pk=invitation.pk)
    )
    invitation_check(invitation)
    if user is not None and user.managed_by_school:
        raise ApplicationError(managed_account_message())
    if user is None:
        # An address a teacher typed into a school-made account is not the person's own login.
        if User.objects.filter(email__iexact=invitation.email, managed_by_school=False).exists():
            raise ApplicationError(
                _("An account with this e-mail address exists. Please sign in first.")
            )
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            _("This invitation is for %(email)s. Sign out and open the link again.")
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        school=invitation.school, user=user, defaults={"role": invitation.role}
    )
    if not created:
        membership.role, membership.is_active, membership.left_at = invitation.role, True, None
        membership.save(update_fields=["role", "is_active", "left_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        school=invitation.school,
        action=AuditAction.MEMBER_ADDED,
        actor=membership,
        target=membership,
        data={"role": membership.role, "by": "invitation"},
    )
    return membership


def _active_admins(school):
    return Membership.objects.for_school(school).filter(role=Role.ADMIN, is_active=True)


@transaction.atomic
def member_change_role(*, actor: Membership, member: Membership, role: str) -> Membership:
    _require_admin(actor)
    if member.role == Role.STUDENT or role == Role.STUDENT:
        raise ApplicationError(_("Students keep their role; invite teachers and admins by e-mail."))
    if (
        member.role == Role.ADMIN
        and role != Role.ADMIN
        and _active_admins(actor.school).select_for_update().count() <= 1
    ):
        raise ApplicationError(
            _("A school needs at least one admin. Make someone else admin first.")
        )
    old = member.role
    member.role = role
    member.save(update_fields=["role"])
    if old != role:
        audit_record(
            school=actor.school,
            action=AuditAction.MEMBER_ROLE_CHANGED,
            actor=actor,
            target=member,
            data={"from": old, "to": role},
        )
    return member


@transaction.atomic
def member_deactivate(*, actor: Membership, member: Membership) -> Membership:
    """Takes a member out of the school (a student frees their seat); their data stays."""
    if member.pk == actor.pk:
        raise ApplicationError(_("You cannot deactivate yourself."))
    if not actor.is_admin and not (actor.role == Role.TEACHER and member.role == Role.STUDENT):
        raise ApplicationError(_("Only school admins can deactivate teachers and admins."))
    if member.role == Role.ADMIN and _active_admins(actor.school).select_for_update().count() <= 1:
        raise ApplicationError(
            _("A school needs at least one admin. Make someone else admin first.")
        )
    member.is_active, member.left_at = False, timezone.now()
    member.save(update_fields=["is_active", "left_at"])
    audit_record(
        school=actor.school,
        action=AuditAction.MEMBER_REMOVED,
        actor=actor,
        target=member,
        data={"role": member.role},
    )
    return member


@transaction.atomic
def member_reactivate(*, actor: Membership, member: Membership) -> Membership:
    _require_admin(actor)
    if member.role == Role.STUDENT:
        seats_reserve(school=actor.school, count=1)
    member.is_active, member.left_at = True, None
    member.save(update_fields=["is_active", "left_at"])
    audit_record(
        school=actor.school,
        action=AuditAction.MEMBER_ADDED,
        actor=actor,
        target=member,
        data={"role": member.role, "by": "reactivation"},
    )
    return member
