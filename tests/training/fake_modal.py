"""A fake of the `modal` SDK surface ModalBackend uses (Function.from_name(...).spawn,
FunctionCall.from_id(...).get/cancel, Dict.from_name(...)), with Modal's real exception classes.
Tests leave the Modal tokens unset: nothing here reaches the network."""

import itertools

import modal

_ids = itertools.count(1)


class FakeCall:
    def __init__(self, fake, function_name, payload, key):
        self.object_id = f"fc-fake{next(_ids):05d}"
        self.function_name, self.payload, self.key = function_name, payload, key
        self.state, self.result, self.error, self.cancelled = "running", None, None, False
        self.fake = fake

    def get(self, timeout=None):
        if self.state == "running":
            raise TimeoutError
        if self.state == "expired":
            raise modal.exception.OutputExpiredError("expired")
        if self.state == "failed":
            raise modal.exception.RemoteError(self.error or "boom")
        return self.result

    def cancel(self):
        self.cancelled = True


class FakeModal:
    exception = modal.exception

    def __init__(self):
        self.calls: dict[str, FakeCall] = {}
        self.submissions: dict[str, str] = {}  # what the app's function records as it starts
        self.failures: list[Exception] = []  # raised, in order, by the next spawns
        self.containers_start = True  # False: spawned calls wait for a container that never comes
        self.on_spawn = lambda: None  # runs inside spawn, before Modal answers (races)
        self.deployed = True
        fake = self

        class Function:
            @staticmethod
            def from_name(app_name, name):
                class Deployed:
                    @staticmethod
                    def spawn(payload, key):
                        if not fake.deployed:
                            raise modal.exception.NotFoundError(
                                f"Lookup failed for Function '{name}' from the '{app_name}' app"
                            )
                        if fake.failures:
                            raise fake.failures.pop(0)
                        fake.on_spawn()
                        call = FakeCall(fake, name, payload, key)
                        fake.calls[call.object_id] = call
                        if fake.containers_start:
                            fake.submissions[key] = call.object_id
                        return call

                return Deployed

        class FunctionCall:
            @staticmethod
            def from_id(call_id):
                return fake.calls[call_id]

        class Dict:
            @staticmethod
            def from_name(name):
                return fake.submissions

        self.Function, self.FunctionCall, self.Dict = Function, FunctionCall, Dict

    @property
    def spawns(self) -> list[FakeCall]:
        return list(self.calls.values())
