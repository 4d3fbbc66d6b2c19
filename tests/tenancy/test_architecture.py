"""The house rules that keep tenancy from being forgotten."""

from pathlib import Path

from django.apps import apps

from schools.models import SchoolOwned

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "schools",
    "training",
    "assignments",
    "billing",
    "analytics",
    "privacy",
    "legacy",
    "edubotics",
]
THIN_FILES = ("views.py", "api.py", "tasks.py")
# Models that are not owned by one school, and why.
GLOBAL_MODELS = {
    "schools.User": "a person can belong to several schools (one membership each)",
    "schools.School": "the tenant itself",
    "schools.ApiToken": "a person's, like the User it signs in as",
    "privacy.LegalPage": "the operator's Impressum, privacy notice and terms, the same for all",
}


def test_views_apis_and_tasks_load_tenant_data_only_through_access_helpers_and_selectors():
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if (path.name in THIN_FILES or path.parent.name in ("views", "api"))
        and ".objects." in path.read_text()
    ]
    assert offenders == []


def test_every_model_of_ours_is_school_owned_or_explained():
    unexplained = [
        model._meta.label
        for app in APPS
        if apps.is_installed(app)
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, SchoolOwned) and model._meta.label not in GLOBAL_MODELS
    ]
    assert unexplained == []


def test_school_owned_rows_protect_their_school():
    for model in apps.get_models():
        if issubclass(model, SchoolOwned):
            field = model._meta.get_field("school")
            assert not field.null and field.db_index, model
            assert field.remote_field.on_delete.__name__ == "PROTECT", model
