"""What to do about a failed training, for the causes we know: the error itself ("CUDA out of
memory") tells a teacher or student nothing about the next step."""

from django.utils.translation import gettext as _

# (text in the error, lower case) → what to do. The texts come from PyTorch, the OS and LeRobot,
# which write English whatever the school's language.
HINTS = (
    ("out of memory", lambda: _("The GPU ran out of memory: choose a smaller batch size.")),
    ("outofmemoryerror", lambda: _("The GPU ran out of memory: choose a smaller batch size.")),
    (
        "exited with code -9",
        lambda: _("The job ran out of memory: choose a smaller batch size or fewer cameras."),
    ),
    (
        "cannot train a dataset of format",
        lambda: _("Record the dataset again with the robot app's current version."),
    ),
)


def failure_hint(error_message: str) -> str:
    """What to try next for a known cause of ``error_message``; "" for any other."""
    text = (error_message or "").lower()
    return next((hint() for needle, hint in HINTS if needle in text), "")
