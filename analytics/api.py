"""Per-user training statistics for the robot app."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from training.api import api_membership

from .selectors import training_stats


class MyStats(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(training_stats(student=api_membership(request)).as_dict())
