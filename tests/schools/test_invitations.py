"""Inviting teachers and admins: accept, expired, reused, revoked, wrong school."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from schools.models import Invitation, Membership, Role
from tests.conftest import client_for
from tests.factories import InvitationFactory, UserFactory


def invite(client, school, email="neu@example.org", role=Role.TEACHER):
    return client.post(
        reverse("invitation_create", args=[school.slug]), {"email": email, "role": role}
    )


def accept_url(invitation):
    return reverse("invitation_accept", args=[invitation.token])


def test_an_admin_invites_a_teacher_who_creates_an_account(
    as_admin, school, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(as_admin, school).status_code == 302
    invitation = Invitation.objects.get(email="neu@example.org")
    assert len(mail.outbox) == 1 and accept_url(invitation) in mail.outbox[0].body

    response = client.post(
        accept_url(invitation),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/s/{school.slug}/"
    membership = Membership.objects.get(user__email="neu@example.org")
    assert membership.school == school and membership.role == Role.TEACHER
    assert client.get(f"/s/{school.slug}/").status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_a_used_invitation_says_so(client, school):
    invitation = InvitationFactory(school=school, accepted_at=timezone.now())
    response = client.get(accept_url(invitation))
    assert response.status_code == 410 and "already used" in response.content.decode()


def test_an_expired_invitation_says_so_and_creates_nothing(client, school):
    invitation = InvitationFactory(school=school, expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        accept_url(invitation),
        {
            "first_name": "A",
            "last_name": "B",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Membership.objects.filter(user__email=invitation.email).exists()


def test_a_revoked_or_unknown_invitation_is_not_valid(as_admin, client, school):
    invitation = InvitationFactory(school=school)
    as_admin.post(reverse("invitation_revoke", args=[school.slug, invitation.pk]))
    assert "not valid" in client.get(accept_url(invitation)).content.decode()
    assert client.get(reverse("invitation_accept", args=["nonsense"])).status_code == 404


def test_resending_replaces_the_link(as_admin, client, school, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(school=school)
    old_url = accept_url(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(reverse("invitation_resend", args=[school.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(accept_url(invitation)).status_code == 200
    assert accept_url(invitation) in mail.outbox[-1].body


def test_an_existing_user_joins_a_second_school_while_signed_in(school, outsider):
    invitation = InvitationFactory(school=school, email=outsider.user.email)
    client = client_for(outsider)
    assert client.post(accept_url(invitation)).status_code == 302
    assert set(outsider.user.memberships.values_list("school__slug", flat=True)) == {
        "goethe",
        "schiller",
    }
    page = client.get(f"/s/{school.slug}/").content.decode()
    assert "/s/schiller/" in page  # the school switcher offers the other school


def test_an_invitation_for_someone_else_is_refused(school, outsider):
    invitation = InvitationFactory(school=school, email="jemand@example.org")
    response = client_for(outsider).post(accept_url(invitation), follow=True)
    assert "This invitation is for jemand@example.org" in response.content.decode()
    assert not Membership.objects.filter(school=school, user=outsider.user).exists()


def test_an_existing_account_must_sign_in_first(client, school):
    user = UserFactory()
    invitation = InvitationFactory(school=school, email=user.email)
    response = client.post(
        accept_url(invitation),
        {
            "first_name": "A",
            "last_name": "B",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert "Please sign in first" in response.content.decode()
    assert not Membership.objects.filter(school=school, user=user).exists()


def test_an_admin_cannot_manage_another_schools_invitation(as_admin, outsider):
    invitation = InvitationFactory(school=outsider.school)
    url = reverse("invitation_revoke", args=["goethe", invitation.pk])
    assert as_admin.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_teachers_and_students_cannot_invite(as_teacher, as_student, school):
    assert invite(as_teacher, school).status_code == 403
    assert invite(as_student, school).status_code == 403
    assert not Invitation.objects.exists()


def test_bad_email_re_renders_with_a_field_error(as_admin, school):
    response = invite(as_admin, school, email="not-an-address")
    assert response.status_code == 200 and "valid email" in response.content.decode()


def test_roles_change_but_the_last_admin_stays(as_admin, admin, teacher, school):
    url = reverse("member_role", args=[school.slug, teacher.pk])
    as_admin.post(url, {"role": Role.ADMIN})
    teacher.refresh_from_db()
    assert teacher.role == Role.ADMIN
    client_for(teacher).post(
        reverse("member_role", args=[school.slug, admin.pk]), {"role": Role.TEACHER}
    )
    admin.refresh_from_db()
    assert admin.role == Role.TEACHER
    response = client_for(teacher).post(
        reverse("member_role", args=[school.slug, teacher.pk]), {"role": Role.TEACHER}, follow=True
    )
    teacher.refresh_from_db()
    assert teacher.role == Role.ADMIN and "at least one admin" in response.content.decode()


def test_deactivating_asks_first_and_keeps_the_data(as_admin, teacher, school):
    url = reverse("member_deactivate", args=[school.slug, teacher.pk])
    assert "Remove" in as_admin.get(url).content.decode()
    teacher.refresh_from_db()
    assert teacher.is_active
    as_admin.post(url)
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert client_for(teacher).get(f"/s/{school.slug}/").status_code == 404
