"""What an inference server runs, the same code in a Modal container and in a local process:
LeRobot's async-inference policy server for one trained model, behind a check of the server's
own secret, reporting its address and its clients' activity to the platform (signed, like the
trainer's reports). Needs LeRobot with its ``async`` extra (grpcio); no Django here.

LeRobot's server ``pickle.loads`` whatever a client sends, and a tunnel is open to the internet:
``SecretCheck`` refuses every call without the secret in its metadata before any of LeRobot's
handlers (or even a request deserializer) sees a byte.

    python -m training.serving --payload-file run/payload.json --run-dir run/ --port 50051
"""

import argparse
import hmac
import json
import logging
import os
import time
from concurrent import futures
from pathlib import Path

import grpc

from training.hub import store_from_config
from training.runner import Reporter

logger = logging.getLogger("edubotics.serving")
SECRET_METADATA_KEY = "x-edubotics-server-secret"  # gRPC metadata keys are lower case
LEROBOT_POLICY = {"ACT": "act", "ACT_BBOX": "act", "GR00T": "groot"}


def _refuse(request_or_iterator, context):
    context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong server secret")


class SecretCheck(grpc.ServerInterceptor):
    """Lets a call through only with this server's secret; notes the time of each one that is."""

    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.last_client = 0.0  # time.monotonic() of the last authenticated call

    def intercept_service(self, continuation, handler_call_details):
        sent = dict(handler_call_details.invocation_metadata or ()).get(SECRET_METADATA_KEY, "")
        handler = continuation(handler_call_details)
        if handler is None or not hmac.compare_digest(str(sent).encode(), self.secret):
            return self._refusal(handler)
        self.last_client = time.monotonic()
        return handler

    @staticmethod
    def _refusal(handler):
        # The same call shape as the method (or a unary one for unknown methods) and no request
        # deserializer: the client's bytes are never parsed, let alone unpickled.
        streaming_in = bool(handler and handler.request_streaming)
        streaming_out = bool(handler and handler.response_streaming)
        make = {
            (False, False): grpc.unary_unary_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler,
            (False, True): grpc.unary_stream_rpc_method_handler,
            (True, True): grpc.stream_stream_rpc_method_handler,
        }[(streaming_in, streaming_out)]
        return make(_refuse)


def policy_server_class():
    from lerobot.async_inference.policy_server import PolicyServer

    class OneModelPolicyServer(PolicyServer):
        """Serves this server's model whatever path or type the (authenticated) client names."""

        def __init__(self, config, *, model_dir: Path, policy_type: str):
            super().__init__(config)
            self.model_dir, self.served_type = str(model_dir), policy_type

        def SendPolicyInstructions(self, request, context):
            import pickle  # nosec: only reached by a client that sent the server's secret

            from lerobot.transport import services_pb2

            specs = pickle.loads(request.data)  # nosec
            specs.pretrained_name_or_path, specs.policy_type = self.model_dir, self.served_type
            return super().SendPolicyInstructions(
                services_pb2.PolicySetup(data=pickle.dumps(specs)), context
            )

    return OneModelPolicyServer


def build_server(*, model_dir: Path, policy_type: str, secret: str, host: str, port: int, fps=30):
    """LeRobot's policy server on ``host:port`` behind the secret check; not started yet."""
    from lerobot.async_inference.configs import PolicyServerConfig
    from lerobot.transport import services_pb2_grpc

    check = SecretCheck(secret)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[check])
    bound = server.add_insecure_port(f"{host}:{port}")  # port 0: a free one, chosen here
    policy_server = policy_server_class()(
        PolicyServerConfig(host=host, port=bound, fps=fps),
        model_dir=model_dir,
        policy_type=LEROBOT_POLICY[policy_type],
    )
    services_pb2_grpc.add_AsyncInferenceServicer_to_server(policy_server, server)
    return server, check, bound


def serve(payload: dict, *, host: str, port: int, address: str | None = None) -> None:
    """Downloads the model, starts the server, says where it is, and reports client activity
    until the platform stops the process (Modal cancels the call; locally a signal)."""
    logging.basicConfig(level=logging.INFO)
    reporter = Reporter(payload["callback_url"], payload["callback_secret"])
    store = store_from_config(payload["hub"], token=os.environ.get("HF_TOKEN", ""))
    model_dir = store.download_model(payload["model_repo_id"])
    server, check, bound = build_server(
        model_dir=model_dir,
        policy_type=payload["policy_type"],
        secret=payload["server_secret"],
        host=host,
        port=port,
    )
    server.start()
    reporter.send({"type": "running", "address": address or f"{host}:{bound}"})
    logger.info("policy server for %s is up", payload["model_repo_id"])
    reported = 0.0
    # wait_for_termination answers True when it timed out, i.e. the server is still serving.
    while server.wait_for_termination(timeout=payload["activity_report_seconds"]):
        if check.last_client > reported:
            reported = check.last_client
            reporter.send({"type": "activity"})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payload-file", required=True)
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    run_dir = Path(args.run_dir).resolve()
    payload = json.loads(Path(args.payload_file).read_text())
    (run_dir / "pid").write_text(str(os.getpid()))
    os.chdir(run_dir)  # LeRobot's server writes its log files under ./logs
    serve(payload, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
