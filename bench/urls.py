"""The project's URLs plus a trivial view, so benchmarks compare pages with the bare cost of a
request through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from edubotics.urls import urlpatterns as project_urlpatterns


def trivial(request):  # the school middleware has taken the slug
    return HttpResponse("ok")


urlpatterns = [path("s/<slug:school_slug>/bench-trivial/", trivial), *project_urlpatterns]
