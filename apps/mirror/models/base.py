"""What every mirrored Odoo record has: its Odoo id, Odoo's write_date, when we synced it, and flags.

Relations point at other mirror rows by Odoo id (ForeignKey to `odoo_id` without a database
constraint): rows arrive in any order, and a dangling id simply resolves to nothing until its
target is synced.
"""

from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import models

if TYPE_CHECKING:
    _Target = TypeVar("_Target", bound=models.Model)
    # Declares an odoo_ref field the way the django-stubs plugin types a `ForeignKey(null=True)`
    # written out in the class body; it cannot see through the helper call below.
    OdooRef: TypeAlias = models.ForeignKey[_Target | None, _Target | None]


class MirrorRecord(models.Model):
    odoo_id = models.PositiveIntegerField(unique=True)
    odoo_write_date = models.DateTimeField(null=True, db_index=True)
    synced_at = models.DateTimeField()
    is_archived = models.BooleanField(default=False)  # Odoo active=False
    is_deleted = models.BooleanField(default=False)  # gone from Odoo (found by reconciliation)

    class Meta:
        abstract = True


def odoo_ref(to: str, related_name: str = "+", **kwargs: Any) -> models.ForeignKey[Any, Any]:
    """A many2one to another mirrored model, stored as the Odoo id."""
    return models.ForeignKey(
        to,
        to_field="odoo_id",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name=related_name,
        **kwargs,
    )
