"""The approvals fixtures (policies, people per role, a request factory) serve the security tests too."""

from tests.approvals.conftest import make_request, people, policies  # noqa: F401
