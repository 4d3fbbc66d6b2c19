"""training/serving.py with LeRobot 0.4.4's own async-inference policy server on this CPU: a
client without the server's secret, or with another server's, is refused before LeRobot's
handlers see its bytes (nothing reaches ``pickle.loads``); a client with it, speaking LeRobot's
protocol, gets an action chunk from the ACT checkpoint the runner trained. The whole path through
the platform's service and the local backend is tests/training/test_servers_lerobot.py."""

import pickle

import grpc
import pytest

from tests.lerobot import policy_client
from tests.lerobot.datasets import write_v30
from tests.lerobot.reports import signed_reports
from tests.lerobot.test_runner_with_lerobot import SECRET, run_job
from training.serving import SECRET_METADATA_KEY, build_server

SERVER_SECRET = "the-servers-own-secret"


@pytest.fixture(scope="module")
def act_model(tmp_path_factory):
    """An ACT checkpoint from the runner with LeRobot's trainer (4 steps on a tiny dataset)."""
    tmp = tmp_path_factory.mktemp("act")
    hub = tmp / "hub"
    write_v30(hub / "datasets" / "school" / "tiny-v30", "school/tiny-v30")
    with signed_reports(SECRET) as (url, _events):
        result = run_job(tmp, hub, url, "school/tiny-v30")
    assert result["type"] == "completed", result.get("log_tail")
    return hub / "models" / result["hub_model_id"]


@pytest.fixture
def server(act_model, tmp_path, monkeypatch):
    """The policy server on a free port, with every ``pickle.loads`` in this process counted."""
    monkeypatch.chdir(tmp_path)  # LeRobot's server writes ./logs
    unpickled = []
    real_loads = pickle.loads

    def counting_loads(data, *args, **kwargs):
        unpickled.append(len(data))
        return real_loads(data, *args, **kwargs)

    monkeypatch.setattr(pickle, "loads", counting_loads)
    grpc_server, check, port = build_server(
        model_dir=act_model, policy_type="ACT", secret=SERVER_SECRET, host="127.0.0.1", port=0
    )
    grpc_server.start()
    yield f"127.0.0.1:{port}", unpickled, check
    grpc_server.stop(grace=None)


def test_the_secret_metadata_key_is_what_the_client_sends():
    assert policy_client.SECRET_METADATA_KEY == SECRET_METADATA_KEY


@pytest.mark.parametrize("secret", [None, "", "another-servers-secret"])
def test_a_client_without_the_servers_secret_is_refused_unread(server, secret):
    address, unpickled, check = server
    stub = policy_client.stub_for(address, secret)
    for call in (
        lambda: stub.SendPolicyInstructions(policy_client.policy_instructions()),
        lambda: stub.SendObservations(policy_client.observation_chunks()),
        lambda: stub.GetActions(policy_client.services_pb2_empty()),
        lambda: stub.Ready(policy_client.services_pb2_empty()),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            call()
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert unpickled == []  # the pickled payloads never reached pickle.loads
    assert check.last_client == 0.0  # and counted as no client activity


def test_a_client_with_the_secret_gets_an_action_chunk_from_the_trained_act(server):
    address, unpickled, check = server

    chunk = policy_client.action_chunk(policy_client.stub_for(address, SERVER_SECRET))

    assert len(chunk) == policy_client.ACTIONS_PER_CHUNK
    assert [timed.get_timestep() for timed in chunk] == list(range(len(chunk)))
    assert all(tuple(timed.get_action().shape) == (6,) for timed in chunk)
    assert len(unpickled) >= 2  # the server read the instructions and the observation
    assert check.last_client > 0
