"""The platform's side of the Hub: which store to use, dataset checks with messages for people,
and model names that name no student."""

from django.conf import settings
from django.utils.translation import gettext as _

from schools.errors import ApplicationError

from .hub import (
    MIN_EPISODES,
    SUPPORTED_VERSIONS,
    DatasetInfo,
    HfHubStore,
    HubError,
    LocalHubStore,
    read_dataset_info,
)


def hub_store():
    if settings.HF_TOKEN:
        return HfHubStore(token=settings.HF_TOKEN, endpoint=settings.HF_ENDPOINT or None)
    return LocalHubStore(settings.HUB_LOCAL_DIR)


def dataset_message(error: HubError) -> str:
    messages = {
        "bad_name": _("Enter the dataset as owner/name, e.g. lerobot/aloha_sim_insertion_human."),
        "not_found": _(
            "The dataset “%(detail)s” was not found on the Hub (or it is private and we may not read it)."
        ),
        "private": _("The dataset is private or gated: we are not allowed to read it."),
        "not_lerobot": _("This is not a LeRobot dataset: %(detail)s is missing or unreadable."),
        "version": _("LeRobot format %(detail)s is not supported; use %(versions)s."),
        "v2.0": _(
            "This dataset is in LeRobot format v2.0, which lacks the per-episode statistics "
            "training needs. Convert it with LeRobot 0.3 (pip install 'lerobot>=0.3,<0.4'; "
            "python -m lerobot.datasets.v21.convert_dataset_v20_to_v21 --repo-id=%(detail)s), "
            "then check it again."
        ),
        "fps": _("The dataset's meta/info.json has no fps."),
        "feature": _("The dataset has no “%(detail)s” feature, which training needs."),
        "episodes": _("The dataset has %(detail)s episodes; training needs at least %(minimum)d."),
        "unavailable": _(
            "The Hub could not be reached (%(detail)s). Please try again in a moment."
        ),
    }
    template = messages.get(error.code, _("The dataset could not be checked."))
    return template % {
        "detail": error.detail,
        "versions": ", ".join(SUPPORTED_VERSIONS),
        "minimum": MIN_EPISODES,
    }


def dataset_check(repo_id: str) -> DatasetInfo:
    try:
        return read_dataset_info(hub_store(), repo_id.strip())
    except HubError as error:
        raise ApplicationError(dataset_message(error), field="dataset") from error


def model_repo_id(*, school_slug: str, policy: str, short_id: str) -> str:
    return f"{settings.HF_ORG}/{school_slug}-{policy.lower().replace('_', '-')}-{short_id}"
