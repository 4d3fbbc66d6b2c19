"""The REST API's wiring: the v1 routes and the one exception handler (errors are JSON with a
message), plus the member an API request acts as."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from analytics.api import MyStats
from schools.api import AuthToken, ClassroomList, ClassroomStudentList
from schools.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"message": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You may not do this."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"])}
    else:
        response.data = {"message": _("The request has errors."), "errors": data}
    return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI from our own static files; its start script is a file too (no inline script).
    # Its icons are data: images, which this page alone may show.
    path(
        "docs/",
        csp_update({"img-src": [SELF, "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
    path("v1/auth/token", AuthToken.as_view(), name="api_auth_token"),
    path("v1/classrooms", ClassroomList.as_view(), name="api_classrooms"),
    path(
        "v1/classrooms/<int:classroom_id>/students",
        ClassroomStudentList.as_view(),
        name="api_classroom_students",
    ),
    path("v1/me/stats", MyStats.as_view(), name="api_my_stats"),
    path("v1/", include("training.api_urls")),
]
