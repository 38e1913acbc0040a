"""The suite's quick flush (tests/flush.py) empties what Django's flush empties and nothing more: a
test after a transactional one starts from empty tables, the audit log stays append-only outside the
flush, and content types keep their ids."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.mirror.models import Partner
from tests.databases import is_postgres
from tests.flush import BIG

pytestmark = pytest.mark.django_db(transaction=True)


def flush() -> None:
    """What TransactionTestCase does after each test."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False)


def rows_left() -> dict[str, int]:
    kept = {"contenttypes.contenttype", "auth.permission"}
    counts = {model._meta.label_lower: model._default_manager.count() for model in apps.get_models()}
    return {label: count for label, count in counts.items() if count and label not in kept}


def test_every_table_is_empty_after_the_flush_small_and_big_alike(supervisor):
    audit_record(action="case.acknowledged", subject="case:1", actor=supervisor, site_code="BRU", data={})
    Partner.objects.bulk_create(
        Partner(odoo_id=number, name=f"Partner {number}", synced_at=timezone.now()) for number in range(1, BIG + 2)
    )
    content_type = ContentType.objects.get_for_model(AuditEntry)
    assert rows_left()

    flush()

    assert rows_left() == {}
    assert ContentType.objects.get_for_model(AuditEntry).pk == content_type.pk


@pytest.mark.skipif(not is_postgres(), reason="the append-only trigger is PostgreSQL's")
def test_the_audit_log_refuses_deletes_again_after_the_flush():
    flush()
    audit_record(action="case.acknowledged", subject="case:2", actor=None, site_code="BRU", data={})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
