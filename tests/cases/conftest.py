import pytest
from django.utils import timezone

from apps.cases.models import CaseSettings
from tests.cases.factories import make_site_world


@pytest.fixture
def world(sites):
    """Mirror warehouses BRU and CHI, matched to the Site rows by code (no odoo_warehouse_id set)."""
    return {"BRU": make_site_world("BRU"), "CHI": make_site_world("CHI")}


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def bru_settings(sites):
    return CaseSettings.objects.create(site=sites["BRU"])
