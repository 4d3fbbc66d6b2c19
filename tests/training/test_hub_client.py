"""The Hub client code (HfHubStore, through huggingface_hub) against a local server that speaks
the Hub's API: a readable dataset, a missing one, a private one, a file that is not there."""

import pytest

from training.hub import HfHubStore, HubError, read_dataset_info

from .conftest import DEMO
from .hub_stand_in import HubStandIn


@pytest.fixture
def hub_server(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # a fresh download cache
    with HubStandIn(hub, private={"school/secret-recordings"}) as server:
        yield server


def store(server):
    return HfHubStore(token="hf_test_token", endpoint=server.url)


def test_a_lerobot_dataset_is_read_through_the_hub_client(hub_server):
    info = read_dataset_info(store(hub_server), DEMO)
    assert (info.codebase_version, info.episodes, info.frames) == ("v2.1", 12, 720)


@pytest.mark.parametrize(
    ("repo_id", "code"), [("nobody/nothing", "not_found"), ("school/secret-recordings", "private")]
)
def test_missing_and_private_datasets_have_their_own_codes(hub_server, repo_id, code):
    with pytest.raises(HubError) as error:
        read_dataset_info(store(hub_server), repo_id)
    assert error.value.code == code


def test_a_dataset_without_info_json_is_not_lerobot(hub_server, hub):
    (hub / "datasets" / "school" / "videos-only").mkdir(parents=True)
    with pytest.raises(HubError) as error:
        read_dataset_info(store(hub_server), "school/videos-only")
    assert error.value.code == "not_lerobot"


def test_the_platform_says_private_in_the_users_words(hub_server, settings):
    from schools.errors import ApplicationError
    from training.datasets import dataset_check

    settings.HF_TOKEN, settings.HF_ENDPOINT = "hf_test_token", hub_server.url
    with pytest.raises(ApplicationError, match="private or gated"):
        dataset_check("school/secret-recordings")


def test_a_model_is_pushed_through_the_hub_client(hub_server, hub, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.npz").write_bytes(b"\x00weights")
    (folder / "README.md").write_text("# demo-act-1234\n")
    url = store(hub_server).upload_model(folder, "edubotics-ai/goethe-act-1234abcd")
    assert url.endswith("/edubotics-ai/goethe-act-1234abcd")
    pushed = hub / "models" / "edubotics-ai" / "goethe-act-1234abcd"
    assert (pushed / "model.npz").read_bytes() == b"\x00weights" and (pushed / "README.md").exists()
    assert "api/repos/create" in hub_server.posts


def test_a_private_models_files_are_listed_and_read_with_the_platforms_token(hub_server, hub):
    folder = hub / "models" / "edubotics-ai" / "goethe-act-0007"
    (folder / "tokenizer").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"\x01" * 300)
    (folder / "tokenizer" / "vocab.json").write_text("{}")
    files = store(hub_server).model_files("edubotics-ai/goethe-act-0007")
    assert files == [("model.safetensors", 300), ("tokenizer/vocab.json", 2)]
    path = store(hub_server).model_file("edubotics-ai/goethe-act-0007", "tokenizer/vocab.json")
    assert path.read_text() == "{}"
    without_token = HfHubStore(token="hf_wrong", endpoint=hub_server.url)
    with pytest.raises(HubError):
        without_token.model_files("edubotics-ai/goethe-act-0007")
    with pytest.raises(HubError) as error:
        store(hub_server).model_file("edubotics-ai/goethe-act-0007", "missing.bin")
    assert error.value.code == "file_missing"
