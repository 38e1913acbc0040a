"""The advisor's domain error: `str(exc)` says what to do, `status` is the HTTP status the API answers with."""


class AdvisorError(Exception):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status
