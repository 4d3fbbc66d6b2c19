"""Query pieces the apps share."""

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_subquery(rows: QuerySet, by: str) -> Coalesce:
    """How many ``rows`` there are per ``by`` (the field they are filtered on, e.g. by OuterRef),
    as a subquery for an annotation; 0 when there are none. Counting in a subquery keeps two
    counts on one row from multiplying each other, as a join would."""
    return Coalesce(Subquery(rows.order_by().values(by).annotate(n=Count("pk")).values("n")), 0)
