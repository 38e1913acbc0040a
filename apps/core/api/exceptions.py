"""API exceptions of our own, apart from problems.py: the parser (which DRF's settings import while
`rest_framework.views` loads) needs them without importing the handler that imports that module."""

from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"
