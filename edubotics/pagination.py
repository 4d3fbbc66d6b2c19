"""Long lists, newest first, paged by keyset (DRF's cursor pagination) in the API and on pages:
a page reads its own rows and one more, never a count, so it costs the same on page 1 and 1,000
and however long the school's history; "newer"/"older" links keep the list's filters."""

from dataclasses import dataclass

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 25  # what a screen shows; a page's cost is its rows, serialised


@dataclass
class Page:
    items: list
    newer: str | None  # links, None on the first or last page
    older: str | None


def newest_first(request, queryset, *, page_size: int, ordering: tuple | None = None) -> Page:
    """A keyset page, newest first unless ``ordering`` (ending in a unique key) says otherwise."""
    paginator = NewestFirst()
    paginator.page_size = page_size
    if ordering:
        paginator.ordering = ordering
    try:
        items = paginator.paginate_queryset(queryset, Request(request))
    except NotFound:  # a cursor that was edited by hand
        raise Http404 from None
    return Page(items, paginator.get_previous_link(), paginator.get_next_link())
