"""The robot app's sign-in (a token for a username or e-mail and password, and its revocation)
and, for teachers, their classrooms and students; plus the member an API request acts as."""

import hashlib

from allauth.account.utils import has_verified_email
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from .access import access_classroom
from .errors import ApplicationError
from .models import ApiToken, Classroom, Membership, Role
from .selectors import classroom_students, classrooms_for_dashboard, memberships_of_user
from .services.tokens import api_token_create, api_token_revoke


def api_membership(request) -> Membership:
    """The member a request acts as: the user's one school, or the one the X-School header names."""
    memberships = list(memberships_of_user(user=request.user))
    wanted = request.headers.get("X-School")
    if wanted:
        membership = next((m for m in memberships if m.school.slug == wanted), None)
        if membership is None:
            raise NotFound(_("Not found."))
        return membership
    if len(memberships) == 1:
        return memberships[0]
    if not memberships:
        raise NotFound(_("You are not a member of any school."))
    raise ApplicationError(_("You belong to several schools: name one in the X-School header."))


class SignInSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text="Username or e-mail address.")
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expires_at = serializers.DateTimeField()


class SignInPerAddress(SimpleRateThrottle):
    """Password guesses from one address, loose enough for a class behind one school router."""

    scope = "sign_in_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInPerLogin(SimpleRateThrottle):
    """Password guesses at one account, from anywhere."""

    scope = "sign_in_login"

    def get_cache_key(self, request, view):
        login = str(request.data.get("login", "")).strip().lower()
        digest = hashlib.sha256(login.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest} if login else None


class AuthToken(APIView):
    """POST: a new token for the robot app. DELETE: the token the request signs in with stops
    working."""

    def get_permissions(self):  # signing in needs no token; revoking one needs the token itself
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self):
        if self.request.method == "POST":
            return [SignInPerAddress(), SignInPerLogin()]
        return super().get_throttles()

    @extend_schema(request=SignInSerializer, responses={201: TokenSerializer}, auth=[])
    def post(self, request):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["login"].strip(),
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ApplicationError(_("The username, e-mail address or password is not correct."))
        if user.email and not has_verified_email(user):
            raise ApplicationError(
                _("Please confirm your e-mail address first (see the e-mail we sent you).")
            )
        request.user = user
        token, value = api_token_create(actor=api_membership(request))
        return Response(
            TokenSerializer({"token": value, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise ApplicationError(_("Send the token to revoke in the Authorization header."))
        api_token_revoke(actor=api_membership(request), token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClassroomSerializer(serializers.ModelSerializer):
    student_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Classroom
        fields = ["id", "name", "subject", "student_count"]
        read_only_fields = fields


class StudentSerializer(serializers.Serializer):
    student_id = serializers.IntegerField(
        source="student.pk", help_text="The membership id other requests take as student_id."
    )
    username = serializers.CharField(source="student.user.username")
    first_name = serializers.CharField(source="student.user.first_name")
    last_name = serializers.CharField(source="student.user.last_name")


def _teacher(request) -> Membership:
    membership = api_membership(request)
    if membership.role == Role.STUDENT:
        raise PermissionDenied(_("Only teachers and admins see classrooms here."))
    return membership


class ClassroomList(ListAPIView):
    """The classrooms the teacher teaches (admins: all of the school's)."""

    serializer_class = ClassroomSerializer

    def get_queryset(self):
        return classrooms_for_dashboard(membership=_teacher(self.request)).order_by("name", "pk")


class ClassroomStudentList(ListAPIView):
    serializer_class = StudentSerializer

    def get_queryset(self):
        classroom = access_classroom(
            membership=_teacher(self.request), classroom_id=self.kwargs["classroom_id"]
        )
        return classroom_students(classroom=classroom)
