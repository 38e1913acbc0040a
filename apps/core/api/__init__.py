"""The API contract every app builds on: one error shape (RFC 9457 problem details), one pair of
pagination classes, and the schema hook that documents both. Import from here:

    from apps.core.api import FeedPagination, PagePagination, register_problem
"""

from apps.core.api.pagination import MAX_PAGE_SIZE, FeedPagination, PagePagination
from apps.core.api.problems import (
    PROBLEM_CONTENT_TYPE,
    PayloadTooLarge,
    problem_body,
    problem_exception_handler,
    register_problem,
    validation_sentence,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "PROBLEM_CONTENT_TYPE",
    "FeedPagination",
    "PagePagination",
    "PayloadTooLarge",
    "problem_body",
    "problem_exception_handler",
    "register_problem",
    "validation_sentence",
]
