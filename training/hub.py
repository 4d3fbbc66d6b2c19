"""Datasets and models on the Hugging Face Hub, or in a local folder laid out like it.

No Django here: the runner (on Modal, or in a local process) uses the same stores. Problems are
raised as ``HubError`` with a code; the platform turns codes into messages for people.
"""

import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

# LeRobot 0.4 trains v3.0; the job converts v2.1 with LeRobot's own converter. v2.0 lacks the
# per-episode statistics that converter needs, and 0.4 no longer ships what computed them.
SUPPORTED_VERSIONS = ("v2.1", "v3.0")
CONVERTED_VERSIONS = ("v2.1",)
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

    @property
    def converted(self) -> bool:
        """The job converts it to v3.0 before training (the original stays as it is)."""
        return self.codebase_version in CONVERTED_VERSIONS


class LocalHubStore:
    """The embedded default (no ``HF_TOKEN``): ``<root>/datasets/<owner>/<name>/…`` and
    ``<root>/models/<org>/<name>/…``. A stand-in for the Hub on a laptop, never in production."""

    kind = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _dataset(self, repo_id: str) -> Path:
        datasets = (self.root / "datasets").resolve()
        path = (datasets / repo_id).resolve()
        if not path.is_relative_to(datasets) or not path.is_dir():
            raise HubError("not_found", repo_id)
        return path

    def dataset_file(self, repo_id: str, filename: str) -> bytes:
        path = self._dataset(repo_id) / filename
        if not path.is_file():
            raise HubError("file_missing", filename)
        return path.read_bytes()

    def download_dataset(self, repo_id: str) -> Path:
        return self._dataset(repo_id)

    def download_model(self, repo_id: str) -> Path:
        return self.root / "models" / repo_id

    def upload_model(self, folder: Path, repo_id: str) -> str:
        target = self.root / "models" / repo_id
        shutil.copytree(folder, target, dirs_exist_ok=True)
        return str(target)

    def model_files(self, repo_id: str) -> list[tuple[str, int]]:
        folder = self.root / "models" / repo_id
        if not folder.is_dir():
            raise HubError("not_found", repo_id)
        return sorted(
            (str(path.relative_to(folder)), path.stat().st_size)
            for path in folder.rglob("*")
            if path.is_file()
        )

    def model_file(self, repo_id: str, filename: str) -> Path:
        folder = (self.root / "models" / repo_id).resolve()
        path = (folder / filename).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            raise HubError("file_missing", filename)
        return path

    def delete_model(self, repo_id: str) -> None:
        shutil.rmtree(self.root / "models" / repo_id, ignore_errors=True)

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

    def download_model(self, repo_id: str) -> Path:
        return Path(self.api.snapshot_download(repo_id, repo_type="model"))

    def upload_model(self, folder: Path, repo_id: str) -> str:
        self.api.create_repo(repo_id, repo_type="model", exist_ok=True, private=True)
        self.api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="model")
        return f"{(self.endpoint or 'https://huggingface.co').rstrip('/')}/{repo_id}"

    def model_files(self, repo_id: str) -> list[tuple[str, int]]:
        from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
        from huggingface_hub.hf_api import RepoFile

        try:
            tree = list(self.api.list_repo_tree(repo_id, recursive=True))
        except RepositoryNotFoundError as error:
            raise HubError("not_found", repo_id) from error
        except HfHubHTTPError as error:
            raise HubError("unavailable", str(error)) from error
        return sorted((f.path, f.size) for f in tree if isinstance(f, RepoFile))

    def model_file(self, repo_id: str, filename: str) -> Path:
        """A file of a (private) model repo, read with the platform's token into its cache."""
        from huggingface_hub.errors import (
            EntryNotFoundError,
            HfHubHTTPError,
            RepositoryNotFoundError,
        )

        try:
            return Path(self.api.hf_hub_download(repo_id, filename))
        except (RepositoryNotFoundError, EntryNotFoundError) as error:
            raise HubError("file_missing", filename) from error
        except HfHubHTTPError as error:
            raise HubError("unavailable", str(error)) from error

    def delete_model(self, repo_id: str) -> None:
        self.api.delete_repo(repo_id, repo_type="model", missing_ok=True)

    def config(self) -> dict:
        return {"kind": self.kind, "endpoint": self.endpoint}  # the token travels as a secret


def store_from_config(config: dict, token: str = ""):
    if config["kind"] == "local":
        return LocalHubStore(config["root"])
    return HfHubStore(token=token, endpoint=config.get("endpoint"))


def read_dataset_info(store, repo_id: str) -> DatasetInfo:
    """Checks that ``repo_id`` is a LeRobot dataset we can train on; raises ``HubError``."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    owner, _, name = repo_id.partition("/")
    try:  # the Hub's own rules: no "..", no path tricks, so no store is asked about such a name
        validate_repo_id(repo_id)
    except HFValidationError:
        owner = ""
    if not owner or not name or "/" in name:
        raise HubError("bad_name", repo_id)
    try:
        info = json.loads(store.dataset_file(repo_id, "meta/info.json"))
    except HubError as error:
        if error.code == "file_missing":
            raise HubError("not_lerobot", "meta/info.json") from error
        raise
    except ValueError as error:
        raise HubError("not_lerobot", "meta/info.json") from error
    if not isinstance(info, dict) or not isinstance(info.get("features") or {}, dict):
        raise HubError("not_lerobot", "meta/info.json")
    version = info.get("codebase_version")
    if version == "v2.0":
        raise HubError("v2.0", repo_id)
    if version not in SUPPORTED_VERSIONS:
        raise HubError("version", str(version))
    try:
        fps, chunks_size = float(info.get("fps") or 0), int(info.get("chunks_size") or 1000)
    except (TypeError, ValueError):
        raise HubError("not_lerobot", "meta/info.json") from None
    if not fps > 0:
        raise HubError("fps")
    features = info.get("features") or {}
    for feature in REQUIRED_FEATURES:
        if feature not in features:
            raise HubError("feature", feature)
    lengths = episode_lengths(store, repo_id, version, chunks_size)
    if len(lengths) < MIN_EPISODES:
        raise HubError("episodes", str(len(lengths)))
    cameras = sum(
        1 for f in features.values() if isinstance(f, dict) and f.get("dtype") in ("video", "image")
    )
    return DatasetInfo(repo_id, version, fps, len(lengths), sum(lengths), cameras)


def episode_lengths(store, repo_id: str, version: str, chunks_size: int) -> list[int]:
    """Each episode's frame count, read from the layout's own episode index: v2.x keeps one JSON
    line per episode in ``meta/episodes.jsonl``; v3.0 keeps rows in
    ``meta/episodes/chunk-XXX/file-YYY.parquet``, numbered on as LeRobot's writer fills them."""
    if version != "v3.0":
        try:
            lines = store.dataset_file(repo_id, "meta/episodes.jsonl").decode().splitlines()
            return [int(json.loads(line)["length"]) for line in lines if line.strip()]
        except HubError as error:
            if error.code == "file_missing":
                raise HubError("not_lerobot", "meta/episodes.jsonl") from error
            raise
        except (ValueError, KeyError, TypeError) as error:
            raise HubError("not_lerobot", "meta/episodes.jsonl") from error
    import pyarrow.parquet as pq

    lengths, chunk, file = [], 0, 0
    while True:
        name = f"meta/episodes/chunk-{chunk:03d}/file-{file:03d}.parquet"
        try:
            table = pq.read_table(io.BytesIO(store.dataset_file(repo_id, name)), columns=["length"])
        except HubError as error:
            if error.code != "file_missing":
                raise
            if not lengths:
                raise HubError("not_lerobot", "meta/episodes/") from error
            return lengths
        except (OSError, KeyError, ValueError) as error:  # not parquet, or no "length" column
            raise HubError("not_lerobot", name) from error
        lengths += table.column("length").to_pylist()
        chunk, file = (chunk + 1, 0) if file + 1 == chunks_size else (chunk, file + 1)
