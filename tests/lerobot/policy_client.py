"""A robot app's side of an inference server, in LeRobot's own protocol (its generated gRPC
stubs and pickled RemotePolicyConfig / TimedObservation / TimedAction), with the few lines the
README shows: a client interceptor that sends the server's secret on every call.

    python -m tests.lerobot.policy_client ADDRESS SECRET   # prints the action chunk as JSON
"""

import json
import pickle
import sys
import time

import grpc
import numpy as np

from tests.lerobot.datasets import JOINTS

SECRET_METADATA_KEY = "x-edubotics-server-secret"
ACTIONS_PER_CHUNK = 5


class ServerSecret(grpc.UnaryUnaryClientInterceptor, grpc.StreamUnaryClientInterceptor):
    """Adds the inference server's secret (from the platform's API) to every call's metadata."""

    def __init__(self, secret: str):
        self.secret = secret

    def _with_secret(self, details):
        metadata = [*(details.metadata or []), (SECRET_METADATA_KEY, self.secret)]
        return details._replace(metadata=metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_secret(details), request)

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return continuation(self._with_secret(details), request_iterator)


def stub_for(address: str, secret: str | None):
    from lerobot.transport import services_pb2_grpc

    channel = grpc.insecure_channel(address)
    if secret is not None:
        channel = grpc.intercept_channel(channel, ServerSecret(secret))
    return services_pb2_grpc.AsyncInferenceStub(channel)


def policy_instructions():
    """What LeRobot's robot client sends first: the policy and the robot's features (an SO-101
    arm's six joints and one 64×64 camera, as the test datasets record them)."""
    from lerobot.async_inference.helpers import RemotePolicyConfig
    from lerobot.transport import services_pb2

    features = {
        "observation.state": {
            "dtype": "float32",
            "shape": (6,),
            "names": [f"{j}.pos" for j in JOINTS],
        },
        "observation.images.front": {
            "dtype": "video",
            "shape": (64, 64, 3),
            "names": ["height", "width", "channels"],
        },
    }
    config = RemotePolicyConfig(
        policy_type="act",
        pretrained_name_or_path="any/name-the-server-ignores",
        lerobot_features=features,
        actions_per_chunk=ACTIONS_PER_CHUNK,
        device="cpu",
    )
    return services_pb2.PolicySetup(data=pickle.dumps(config))


def observation_chunks():
    from lerobot.async_inference.helpers import TimedObservation
    from lerobot.transport import services_pb2
    from lerobot.transport.utils import send_bytes_in_chunks

    raw = {f"{j}.pos": 0.0 for j in JOINTS}
    raw["front"] = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    raw["task"] = "pick up the cube"
    observation = TimedObservation(timestamp=time.time(), timestep=0, observation=raw, must_go=True)
    return send_bytes_in_chunks(pickle.dumps(observation), services_pb2.Observation)


def services_pb2_empty():
    from lerobot.transport import services_pb2

    return services_pb2.Empty()


def action_chunk(stub) -> list:
    """Ready, the policy instructions, one observation, and the action chunk it gives."""
    from lerobot.transport import services_pb2

    stub.Ready(services_pb2.Empty())
    stub.SendPolicyInstructions(policy_instructions())
    stub.SendObservations(observation_chunks())
    reply = stub.GetActions(services_pb2.Empty())
    return pickle.loads(reply.data)  # nosec: our own test server's answer


if __name__ == "__main__":
    chunk = action_chunk(stub_for(sys.argv[1], sys.argv[2]))
    print(json.dumps({"actions": len(chunk), "shape": list(chunk[0].get_action().shape)}))
