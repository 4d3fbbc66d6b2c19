"""The one error services raise: its message is shown to the user as it is."""


class ApplicationError(Exception):
    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
