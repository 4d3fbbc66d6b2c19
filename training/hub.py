"""Datasets and models on the Hugging Face Hub, or in a local folder laid out like it.

No Django here: the runner (on Modal, or in a local process) uses the same stores. Problems are
raised as ``HubError`` with a code; the platform turns codes into messages for people.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_VERSIONS = ("v2.0", "v2.1", "v3.0")
REQUIRED_FEATURES = ("action", "observation.state")
MIN_EPISODES = 10


class HubError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class DatasetInfo:
    repo_id: str
    codebase_version: str
    fps: float
    episodes: int
    frames: int
    cameras: int


class LocalHubStore:
    """The embedded default (no ``HF_TOKEN``): ``<root>/datasets/<owner>/<name>/…`` and
    ``<root>/models/<org>/<name>/…``. A stand-in for the Hub on a laptop, never in production."""

    kind = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _dataset(self, repo_id: str) -> Path:
        path = self.root / "datasets" / repo_id
        if not path.is_dir():
            raise HubError("not_found", repo_id)
        return path

    def dataset_file(self, repo_id: str, filename: str) -> bytes:
        path = self._dataset(repo_id) / filename
        if not path.is_file():
            raise HubError("file_missing", filename)
        return path.read_bytes()

    def download_dataset(self, repo_id: str) -> Path:
        return self._dataset(repo_id)

    def upload_model(self, folder: Path, repo_id: str) -> str:
        target = self.root / "models" / repo_id
        shutil.copytree(folder, target, dirs_exist_ok=True)
        return str(target)

    def config(self) -> dict:
        return {"kind": self.kind, "root": str(self.root)}


class HfHubStore:
    """The Hugging Face Hub (or any server speaking its API, at ``endpoint``)."""

    kind = "hf"

    def __init__(self, token: str, endpoint: str | None = None):
        from huggingface_hub import HfApi

        self.token, self.endpoint = token, endpoint
        self.api = HfApi(endpoint=endpoint, token=token)

    def dataset_file(self, repo_id: str, filename: str) -> bytes:
        from huggingface_hub.errors import (
            EntryNotFoundError,
            GatedRepoError,
            HfHubHTTPError,
            RepositoryNotFoundError,
        )

        try:
            path = self.api.hf_hub_download(repo_id, filename, repo_type="dataset")
        except GatedRepoError as error:
            raise HubError("private", repo_id) from error
        except RepositoryNotFoundError as error:
            # The Hub answers "not found" for private repos we may not read, too.
            raise HubError("not_found", repo_id) from error
        except EntryNotFoundError as error:
            raise HubError("file_missing", filename) from error
        except HfHubHTTPError as error:
            status = getattr(error.response, "status_code", None)
            raise HubError(
                "private" if status in (401, 403) else "unavailable", str(status)
            ) from error
        return Path(path).read_bytes()

    def download_dataset(self, repo_id: str) -> Path:
        return Path(self.api.snapshot_download(repo_id, repo_type="dataset"))

    def upload_model(self, folder: Path, repo_id: str) -> str:
        self.api.create_repo(repo_id, repo_type="model", exist_ok=True, private=True)
        self.api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="model")
        return f"{(self.endpoint or 'https://huggingface.co').rstrip('/')}/{repo_id}"

    def config(self) -> dict:
        return {"kind": self.kind, "endpoint": self.endpoint}  # the token travels as a secret


def store_from_config(config: dict, token: str = ""):
    if config["kind"] == "local":
        return LocalHubStore(config["root"])
    return HfHubStore(token=token, endpoint=config.get("endpoint"))


def read_dataset_info(store, repo_id: str) -> DatasetInfo:
    """Checks that ``repo_id`` is a LeRobot dataset we can train on; raises ``HubError``."""
    owner, _, name = repo_id.partition("/")
    if not owner or not name or "/" in name:
        raise HubError("bad_name", repo_id)
    try:
        info = json.loads(store.dataset_file(repo_id, "meta/info.json"))
    except HubError as error:
        if error.code == "file_missing":
            raise HubError("not_lerobot", "meta/info.json") from error
        raise
    except ValueError as error:
        raise HubError("not_lerobot", "meta/info.json is not JSON") from error
    version = info.get("codebase_version")
    if version not in SUPPORTED_VERSIONS:
        raise HubError("version", str(version))
    if not info.get("fps"):
        raise HubError("fps")
    features = info.get("features") or {}
    for feature in REQUIRED_FEATURES:
        if feature not in features:
            raise HubError("feature", feature)
    episodes = int(info.get("total_episodes") or 0)
    if episodes < MIN_EPISODES:
        raise HubError("episodes", str(episodes))
    cameras = sum(
        1 for f in features.values() if isinstance(f, dict) and f.get("dtype") in ("video", "image")
    )
    return DatasetInfo(
        repo_id, version, float(info["fps"]), episodes, int(info.get("total_frames") or 0), cameras
    )
