"""The robot app's API (token per user): trainings, dataset checks, models; and the runner's
signed progress reports. The school is the token user's (header X-School picks one of several)."""

import hmac
import json

from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from edubotics.pagination import NewestFirst
from schools.access import access_member
from schools.api import api_membership
from schools.selectors import classrooms_for_dashboard

from .access import (
    access_control_session,
    access_inference_server,
    access_model,
    access_training,
)
from .costs import estimate
from .datasets import dataset_check
from .downloads import link_is_valid, model_file_path, model_files
from .models import ControlSession, InferenceServer, PolicyType, Training
from .runner import sign
from .selectors import (
    LIBRARY_SORTS,
    control_sessions_for_member,
    model_library,
    server_for_callback,
    servers_for_member,
    training_for_callback,
    training_for_signed_link,
    trainings_for_member,
    trainings_left_this_month,
)
from .services.lifecycle import training_cancel, training_record_event
from .services.servers import (
    inference_server_record_event,
    inference_server_start,
    inference_server_stop,
)
from .services.sessions import (
    control_session_add_data,
    control_session_close,
    control_session_open,
)
from .services.start import default_parameters, training_start


class TrainingSerializer(serializers.ModelSerializer):
    student = serializers.CharField(source="student.user.username", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "model_name",
            "dataset",
            "policy_type",
            "object_description",
            "status",
            "student",
            "classroom",
            "steps",
            "batch_size",
            "epochs",
            "learning_rate",
            "progress_step",
            "progress_total",
            "progress_percent",
            "latest_loss",
            "loss_curve",
            "metrics",
            "error_message",
            "log_tail",
            "hub_model_id",
            "gpu_type",
            "region",
            "duration_seconds",
            "cost_estimate_eur",
            "cost_eur",
            "off_peak",
            "created_at",
            "queued_at",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields


class TrainingStartSerializer(serializers.Serializer):
    dataset = serializers.CharField(max_length=200)
    policy_type = serializers.ChoiceField(choices=PolicyType.choices)
    student_id = serializers.IntegerField(
        required=False, help_text="Teachers: the student (membership id)."
    )
    steps = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    batch_size = serializers.IntegerField(required=False, min_value=1, max_value=150)
    epochs = serializers.IntegerField(required=False, min_value=1, max_value=100)
    learning_rate = serializers.FloatField(required=False, min_value=1e-7, max_value=1)
    object_description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    off_peak = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if data["policy_type"] == PolicyType.GR00T and data.get("batch_size", 0) > 128:
            raise ValidationError(
                {"batch_size": [_("GR00T trains with a batch size of at most 128.")]}
            )
        return data


class TrainingList(ListAPIView):
    serializer_class = TrainingSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return trainings_for_member(membership=api_membership(self.request))

    @extend_schema(request=TrainingStartSerializer, responses={201: TrainingSerializer})
    def post(self, request):
        membership = api_membership(request)
        data = TrainingStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        student_id = values.pop("student_id", None)
        student = (
            access_member(membership=membership, member_id=student_id) if student_id else membership
        )
        training = training_start(actor=membership, student=student, **values)
        return Response(TrainingSerializer(training).data, status=status.HTTP_201_CREATED)


class TrainingDetail(APIView):
    @extend_schema(responses=TrainingSerializer)
    def get(self, request, training_id):
        return Response(
            TrainingSerializer(
                access_training(membership=api_membership(request), training_id=training_id)
            ).data
        )


class TrainingCancel(APIView):
    @extend_schema(request=None, responses=TrainingSerializer)
    def post(self, request, training_id):
        membership = api_membership(request)
        training = access_training(membership=membership, training_id=training_id, for_write=True)
        return Response(
            TrainingSerializer(training_cancel(actor=membership, training=training)).data
        )


class DatasetValidateSerializer(serializers.Serializer):
    dataset = serializers.CharField(max_length=200)
    policy_type = serializers.ChoiceField(choices=PolicyType.choices, default=PolicyType.ACT)


class DatasetValidate(APIView):
    @extend_schema(request=DatasetValidateSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        api_membership(request)
        data = DatasetValidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        info = dataset_check(data.validated_data["dataset"])
        policy = data.validated_data["policy_type"]
        steps, batch, epochs = default_parameters(policy, info.cameras, None, None, None)
        guess = estimate(
            policy=policy, steps=steps, batch_size=batch, epochs=epochs, frames=info.frames
        )
        return Response(
            {
                "valid": True,
                "dataset": info.repo_id,
                "codebase_version": info.codebase_version,
                "fps": info.fps,
                "episodes": info.episodes,
                "frames": info.frames,
                "cameras": info.cameras,
                "defaults": {"steps": steps, "batch_size": batch, "epochs": epochs},
                "estimate": {"seconds": guess.seconds, "cost_eur": str(guess.cost_eur)},
            }
        )


class SignedReports(APIView):
    """Reports from a GPU job, signed with its object's own secret (no user token)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []  # signed per object; many GPU jobs share Modal's few addresses

    def signed_event(self, request, secret: str):
        """The report's JSON, or the answer to give when its signature or body is bad."""
        signature = request.headers.get("X-EduBotics-Signature", "")
        if not hmac.compare_digest(signature, sign(secret, request.body)):
            return None, Response(
                {"message": _("Bad signature.")}, status=status.HTTP_403_FORBIDDEN
            )
        try:
            return json.loads(request.body), None
        except ValueError:
            return None, Response(
                {"message": _("The body is not JSON.")}, status=status.HTTP_400_BAD_REQUEST
            )


class TrainingEvents(SignedReports):
    """The runner's reports, signed with the training's own secret."""

    @extend_schema(exclude=True)
    def post(self, request, training_id):
        training = training_for_callback(training_id=training_id)
        event, refusal = self.signed_event(request, training.callback_secret)
        if refusal:
            return refusal
        with transaction.atomic():
            training_record_event(training=training, event=event)
        return Response({"ok": True})


class InferenceServerEvents(SignedReports):
    """The serving process's reports (its address, client activity), signed with the
    server's own callback secret."""

    @extend_schema(exclude=True)
    def post(self, request, server_id):
        server = server_for_callback(server_id=server_id)
        event, refusal = self.signed_event(request, server.callback_secret)
        if refusal:
            return refusal
        inference_server_record_event(server=server, event=event)
        return Response({"ok": True})


class InferenceServerSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="training.model_name", read_only=True)
    started_by = serializers.CharField(source="started_by.user.username", read_only=True)
    cost_so_far_eur = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    secret = serializers.SerializerMethodField(
        help_text="For the member who started it, while it runs: send it as gRPC metadata "
        "`x-edubotics-server-secret` on every call (see the README). Null for everyone else."
    )

    class Meta:
        model = InferenceServer
        fields = [
            "id",
            "training",
            "model_name",
            "started_by",
            "status",
            "address",
            "secret",
            "gpu_type",
            "region",
            "cost_per_hour_eur",
            "cost_so_far_eur",
            "cost_eur",
            "created_at",
            "running_at",
            "last_client_at",
            "stopped_at",
            "stop_reason",
        ]
        read_only_fields = fields

    def get_secret(self, server) -> str | None:
        membership = self.context.get("membership")
        if membership and server.started_by_id == membership.pk and server.is_active:
            return server.secret
        return None


class InferenceServerStartSerializer(serializers.Serializer):
    training_id = serializers.IntegerField(help_text="The trained model (a completed training).")


class InferenceServerList(ListAPIView):
    serializer_class = InferenceServerSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return servers_for_member(membership=api_membership(self.request))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "membership": api_membership(self.request)}

    @extend_schema(
        request=InferenceServerStartSerializer, responses={201: InferenceServerSerializer}
    )
    def post(self, request):
        membership = api_membership(request)
        data = InferenceServerStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        training = access_training(
            membership=membership, training_id=data.validated_data["training_id"]
        )
        server = inference_server_start(actor=membership, training=training)
        return Response(
            InferenceServerSerializer(server, context={"membership": membership}).data,
            status=status.HTTP_201_CREATED,
        )


class InferenceServerDetail(APIView):
    @extend_schema(responses=InferenceServerSerializer)
    def get(self, request, server_id):
        membership = api_membership(request)
        server = access_inference_server(membership=membership, server_id=server_id)
        return Response(InferenceServerSerializer(server, context={"membership": membership}).data)


class InferenceServerStop(APIView):
    @extend_schema(request=None, responses=InferenceServerSerializer)
    def post(self, request, server_id):
        membership = api_membership(request)
        server = access_inference_server(membership=membership, server_id=server_id, for_write=True)
        server = inference_server_stop(server=server, actor=membership)
        return Response(InferenceServerSerializer(server, context={"membership": membership}).data)


class ControlSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ControlSession
        fields = [
            "id",
            "training",
            "started_at",
            "ended_at",
            "duration_seconds",
            "rating",
            "feedback",
            "data",
        ]
        read_only_fields = fields


class ControlSessionOpenSerializer(serializers.Serializer):
    training_id = serializers.IntegerField(
        help_text="The trained model (a completed training) to run."
    )


class ControlSessionCloseSerializer(serializers.Serializer):
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    data = serializers.JSONField(required=False)


class ControlSessionList(ListAPIView):
    serializer_class = ControlSessionSerializer

    @extend_schema(
        parameters=[OpenApiParameter("model", int, description="Only this model's sessions.")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return control_sessions_for_member(
            membership=api_membership(self.request),
            training_id=_int_param(self.request, "model"),
        )

    @extend_schema(request=ControlSessionOpenSerializer, responses={201: ControlSessionSerializer})
    def post(self, request):
        membership = api_membership(request)
        data = ControlSessionOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        training = access_training(
            membership=membership, training_id=data.validated_data["training_id"]
        )
        session = control_session_open(actor=membership, training=training)
        return Response(ControlSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ControlSessionClose(APIView):
    @extend_schema(request=ControlSessionCloseSerializer, responses=ControlSessionSerializer)
    def post(self, request, session_id):
        membership = api_membership(request)
        session = access_control_session(
            membership=membership, session_id=session_id, for_write=True
        )
        data = ControlSessionCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            ControlSessionSerializer(
                control_session_close(actor=membership, session=session, **data.validated_data)
            ).data
        )


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: [_("Enter a whole number.")]}) from None


class ControlSessionDataSerializer(serializers.Serializer):
    data = serializers.DictField(help_text="Merged into what the session recorded so far.")


class ControlSessionDetail(APIView):
    @extend_schema(responses=ControlSessionSerializer)
    def get(self, request, session_id):
        session = access_control_session(membership=api_membership(request), session_id=session_id)
        return Response(ControlSessionSerializer(session).data)

    @extend_schema(request=ControlSessionDataSerializer, responses=ControlSessionSerializer)
    def patch(self, request, session_id):
        membership = api_membership(request)
        session = access_control_session(
            membership=membership, session_id=session_id, for_write=True
        )
        data = ControlSessionDataSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = control_session_add_data(
            actor=membership, session=session, data=data.validated_data["data"]
        )
        return Response(ControlSessionSerializer(session).data)


class ModelSerializer(serializers.ModelSerializer):
    """A finished training as the library shows it, with how it did on the robot."""

    student = serializers.CharField(source="student.user.username", read_only=True)
    student_id = serializers.IntegerField(read_only=True)
    final_loss = serializers.FloatField(source="latest_loss", read_only=True, allow_null=True)
    session_count = serializers.IntegerField(read_only=True)
    average_rating = serializers.FloatField(read_only=True, allow_null=True)
    success_share = serializers.SerializerMethodField(
        help_text="Share of rated sessions rated 4 or 5 (null before the first rating)."
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "model_name",
            "hub_model_id",
            "policy_type",
            "dataset",
            "student",
            "student_id",
            "classroom",
            "final_loss",
            "completed_at",
            "session_count",
            "average_rating",
            "success_share",
        ]
        read_only_fields = fields

    def get_success_share(self, model) -> float | None:
        return round(model.success_count / model.rated_count, 3) if model.rated_count else None


class LibraryOrder(CursorPagination):
    """Keyset pages in the order ?sort= asks for (newest, loss, rating, sessions)."""

    page_size = 25

    def get_ordering(self, request, queryset, view):
        return LIBRARY_SORTS.get(request.query_params.get("sort"), LIBRARY_SORTS["newest"])


LIBRARY_PARAMETERS = [
    OpenApiParameter("sort", str, enum=list(LIBRARY_SORTS)),
    OpenApiParameter("policy_type", str, enum=PolicyType.values),
    OpenApiParameter("student_id", int),
    OpenApiParameter("classroom_id", int),
]


class ModelList(ListAPIView):
    """The finished models the member may see (a student: their own)."""

    serializer_class = ModelSerializer
    pagination_class = LibraryOrder

    @extend_schema(parameters=LIBRARY_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return model_library(
            membership=api_membership(self.request),
            classroom_id=_int_param(self.request, "classroom_id"),
            student_id=_int_param(self.request, "student_id"),
            policy_type=self.request.query_params.get("policy_type", ""),
        )


class ModelDetail(APIView):
    @extend_schema(responses=ModelSerializer)
    def get(self, request, training_id):
        model = access_model(membership=api_membership(request), training_id=training_id)
        return Response(ModelSerializer(model).data)


class ModelFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.URLField(help_text="Works for this file only, for a few minutes.")


class ModelFiles(APIView):
    @extend_schema(responses=ModelFileSerializer(many=True))
    def get(self, request, training_id):
        model = access_model(membership=api_membership(request), training_id=training_id)
        files = [
            {"name": f.name, "size": f.size, "url": request.build_absolute_uri(f.url)}
            for f in model_files(model)
        ]
        return Response(ModelFileSerializer(files, many=True).data)


class ModelDownload(APIView):
    """One model file, for whoever holds a link the platform signed (no token needed)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Not counted per address: a class behind one school router fetches a few files per robot,
    # and only links the platform signed get an answer other than 403.
    throttle_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("expires", int), OpenApiParameter("signature", str)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, training_id, filename):
        if not link_is_valid(
            training_id,
            filename,
            request.query_params.get("expires"),
            request.query_params.get("signature"),
        ):
            return Response(
                {
                    "message": _(
                        "This download link has expired or is not valid. Ask for a new one."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        training = training_for_signed_link(training_id=training_id)
        return FileResponse(
            model_file_path(training, filename).open("rb"),
            as_attachment=True,
            filename=filename.rsplit("/", 1)[-1],
        )


class MeSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    membership_id = serializers.IntegerField(source="pk")
    role = serializers.CharField()
    school = inline_serializer(
        "MeSchool", {"slug": serializers.CharField(), "name": serializers.CharField()}
    )
    classrooms = inline_serializer(
        "MeClassroom",
        {"id": serializers.IntegerField(), "name": serializers.CharField()},
        many=True,
    )
    trainings_left_this_month = serializers.IntegerField()
    limits = inline_serializer(
        "MeLimits",
        {
            "trainings_per_month": serializers.IntegerField(),
            "concurrent_trainings": serializers.IntegerField(),
            "trainings_allowed": serializers.BooleanField(),
            "restriction": serializers.CharField(help_text="Why not, when not allowed."),
        },
    )


class Me(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        membership = api_membership(request)
        school = membership.school
        return Response(
            MeSerializer(
                {
                    "user": membership.user,
                    "pk": membership.pk,
                    "role": membership.role,
                    "school": school,
                    "classrooms": classrooms_for_dashboard(membership=membership).order_by("name"),
                    "trainings_left_this_month": trainings_left_this_month(school),
                    "limits": {
                        "trainings_per_month": school.monthly_training_quota,
                        "concurrent_trainings": school.concurrent_training_limit,
                        "trainings_allowed": not school.restriction(),
                        "restriction": school.restriction_message(),
                    },
                }
            ).data
        )
