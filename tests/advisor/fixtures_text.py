"""Fixtures of the text advisors' tests (imported by conftest.py): a local chat model, a mirrored world."""

from datetime import UTC, datetime

import pytest

from apps.mirror.models import PurchaseOrder
from tests.advisor.chat_server import API_KEY, ChatServer
from tests.cases.factories import _base, make_move, make_picking, make_product, make_site_world


@pytest.fixture
def chat_model(settings):
    """The external model configured and reachable (a loopback host must be allowed explicitly)."""
    with ChatServer() as server:
        settings.ADVISOR_LLM_URL = server.base_url
        settings.ADVISOR_LLM_MODEL = "test-model"
        settings.ADVISOR_LLM_API_KEY = API_KEY
        settings.ADVISOR_LLM_TIMEOUT_S = 2
        settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
        yield server


@pytest.fixture
def world(sites):
    bru, chi = make_site_world("BRU"), make_site_world("CHI")
    order = PurchaseOrder.objects.create(name="P00012", state="purchase", **_base())
    receipt = make_picking(
        bru, "incoming", name="BRU/IN/00012", state="assigned", purchase_order_id=order.odoo_id,
        scheduled_date=datetime(2026, 12, 4, 13, 30, tzinfo=UTC), origin="P00012",
    )  # fmt: skip
    chair = make_product(name="Office Chair", default_code="FURN_7777")
    make_move(receipt, chair, product_uom_qty=50)
    make_picking(chi, "incoming", name="CHI/IN/00044", state="assigned")
    return {"receipt": receipt, "chair": chair, "order": order}
