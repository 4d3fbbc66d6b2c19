# The local Hub with the demo dataset and a fake Modal, as the training tests use them.
from tests.training.conftest import fake_modal, hub  # noqa: F401
