import pytest
from django.conf import settings
from django.test import Client

from tests.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    SchoolFactory,
    StudentFactory,
    TeacherFactory,
)

# Races and concurrent deliveries need a database that locks rows, not files: CI runs them on
# PostgreSQL (DATABASE_URL); a laptop on the embedded SQLite skips them.
postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (set DATABASE_URL)",
)

redis_only = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs Redis (set CELERY_BROKER_URL)",
)


@pytest.fixture
def school(db):
    return SchoolFactory(name="Goethe-Gymnasium", slug="goethe")


@pytest.fixture
def admin(school):
    return AdminFactory(school=school)


@pytest.fixture
def teacher(school):
    return TeacherFactory(school=school)


@pytest.fixture
def classroom(teacher):
    return ClassroomFactory(school=teacher.school, primary_teacher=teacher)


@pytest.fixture
def student(classroom):
    return EnrollmentFactory(classroom=classroom).student


@pytest.fixture
def outsider(db):
    """A teacher of another school, with a classroom and a student of their own."""
    other = TeacherFactory(school=SchoolFactory(name="Schiller-Schule", slug="schiller"))
    EnrollmentFactory(classroom=ClassroomFactory(school=other.school, primary_teacher=other))
    return other


def client_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def as_admin(admin):
    return client_for(admin)


@pytest.fixture
def as_teacher(teacher):
    return client_for(teacher)


@pytest.fixture
def as_student(student):
    return client_for(student)


@pytest.fixture
def new_student(classroom):
    """A student of the classroom's school in no classroom yet."""
    return StudentFactory(school=classroom.school)


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """A request in an earlier test may leave German active in this thread: start each in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits count in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
