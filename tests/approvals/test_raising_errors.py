"""Issue 16 finding 3: a database error while raising a request is an error, never a silent "duplicate"."""

import pytest
from django.db import IntegrityError

from apps.approvals.models import ApprovalRequest, RequestType
from apps.approvals.services.raising import RequestDraft, request_raise

pytestmark = pytest.mark.django_db


def test_an_integrity_error_that_is_not_a_duplicate_is_raised(policies, sites):
    draft = RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE,
        site=sites["BRU"],
        odoo_model=None,  # NOT NULL in the database: the insert fails for a reason other than a duplicate
        odoo_id=1,
        title="Broken",
        dedupe_key="broken:1",
        facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
        raised_by_rule="test",
    )
    with pytest.raises(IntegrityError):
        request_raise(draft=draft)  # once returned None: read as "the policy needs no request"
    assert not ApprovalRequest.objects.exists()
