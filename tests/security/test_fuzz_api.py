"""Proof 2 of issue 16: schemathesis over the OpenAPI schema, signed in as an admin: zero 5xx.

In the suite each operation gets a small budget (FUZZ_EXAMPLES, default 5); `make fuzz` runs it
with a large one. Requests go to a real Daphne on the test database, with a real session and CSRF.
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from apps.approvals.defaults import ensure_default_policies

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def api_session(web_server, admin_user) -> requests.Session:
    ensure_default_policies()
    client = Client()
    client.force_login(admin_user)
    client.get("/approvals/")  # sets the CSRF cookie
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    token = client.cookies["csrftoken"].value
    session.cookies.set("csrftoken", token)
    session.headers.update({"X-CSRFToken": token, "Referer": web_server.url + "/"})
    return session


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_api_operation_answers_5xx(case, web_server, api_session):
    case.call_and_validate(base_url=web_server.url, session=api_session, checks=[not_a_server_error])
