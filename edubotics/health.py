"""``GET /health``: database and broker status and the version, for load balancers and uptime."""

from django.db import connection
from django.http import JsonResponse

from . import __version__
from .celery import app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def health(request):
    database, broker = _database_ok(), _broker_ok()
    body = {
        "status": "ok" if database and broker else "degraded" if database else "down",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "version": __version__,
    }
    return JsonResponse(body, status=200 if database else 503)
