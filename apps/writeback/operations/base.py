"""What every write-back operation shares: argument validation, reading the record, preconditions.

An operation is a small stateless class with four steps the executor runs in this order:

1. ``read(client, entry)``: the record as Odoo has it now (None when it is gone);
2. ``already_done(client, entry, record)``: is the effect already in Odoo? Then nothing is written;
3. ``check_preconditions(entry, record, write_date_strict=...)``: the problems that make acting
   wrong (state moved on, someone else edited it); any problem stops the entry for a person;
4. ``perform(client, entry, record)``: the calls that make the effect; then ``read`` and
   ``already_done`` again verify it landed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from apps.mirror.specs import SPECS
from apps.odoo.datetimes import parse_datetime
from apps.writeback.recording import RecordingClient

if TYPE_CHECKING:
    from apps.writeback.models import OutboxEntry

OPEN_PICKING_STATES = ("draft", "waiting", "confirmed", "assigned")
QUANTITY_TOLERANCE = 1e-6


class InvalidOutboxRequest(ValueError):
    """The decision asked for something the operation cannot express (bad or missing arguments)."""


class OperationRefused(Exception):
    """Odoo accepted the calls but the result is not what was asked: a person has to look."""


@dataclass(frozen=True)
class ProducedRecord:
    """An Odoo record an entry's write made (``created``) or changed, with its write_date right after."""

    odoo_model: str
    odoo_id: int
    write_date: str | None
    created: bool = False


class Operation(ABC):
    """Base class; subclasses set ``name``, ``odoo_model`` and the field list, and implement ``perform``."""

    name: ClassVar[str]
    odoo_model: ClassVar[str | None] = None  # None: any model (chatter operations)
    fields: ClassVar[tuple[str, ...]] = ()
    default_state_in: ClassVar[tuple[str, ...]] = ()
    precondition_keys: ClassVar[frozenset[str]] = frozenset({"state_in", "write_date"})
    # False when the effect lives beside the record (a chatter message): verifying needs no re-read.
    changes_record: ClassVar[bool] = True

    # --- at decision time --------------------------------------------------------------------------

    def validate(self, *, odoo_model: str, odoo_id: int | None, arguments: dict, preconditions: dict) -> dict:
        """Check the request; return the arguments as they will be stored (normalised)."""
        if self.odoo_model and odoo_model != self.odoo_model:
            raise InvalidOutboxRequest(f"{self.name} writes to {self.odoo_model}, not {odoo_model}.")
        if not isinstance(odoo_id, int) or isinstance(odoo_id, bool) or odoo_id <= 0:
            raise InvalidOutboxRequest(f"{self.name} needs the Odoo id of the {odoo_model} record.")
        unknown = set(preconditions) - self.precondition_keys
        if unknown:
            allowed = ", ".join(sorted(self.precondition_keys))
            raise InvalidOutboxRequest(f"Unknown preconditions {sorted(unknown)} for {self.name} (allowed: {allowed}).")
        if "write_date" in preconditions:
            try:
                parse_datetime(preconditions["write_date"])
            except ValueError as exc:
                raise InvalidOutboxRequest(str(exc)) from None
        return self.clean_arguments(dict(arguments))

    def clean_arguments(self, arguments: dict) -> dict:
        """Validate and normalise the operation's own arguments (override)."""
        return arguments

    # --- at execution time -------------------------------------------------------------------------

    def read_fields(self, entry: OutboxEntry) -> list[str]:
        """The fields to read: the operation's, the mirror's (so the row refreshes the mirror), write_date."""
        spec = SPECS.get(entry.odoo_model)
        mirror_fields = spec.odoo_fields if spec else []
        state = ["state"] if self.state_in(entry) else []
        return list(dict.fromkeys([*self.fields, *state, *mirror_fields, "write_date"]))

    def read(self, client: RecordingClient, entry: OutboxEntry) -> dict | None:
        """The record as Odoo has it now, or None when it does not exist (any more)."""
        spec = SPECS.get(entry.odoo_model)
        context = {"active_test": False} if spec and spec.has_active else None
        rows = client.read(entry.odoo_model, [entry.record_id], self.read_fields(entry), context=context)
        return rows[0] if rows else None

    @abstractmethod
    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        """Whether the effect is in Odoo already."""

    def state_in(self, entry: OutboxEntry) -> tuple[str, ...]:
        """The states the record may be in; an explicit ``state_in`` (even empty) replaces the default."""
        return tuple(entry.preconditions.get("state_in", self.default_state_in) or ())

    def check_preconditions(self, entry: OutboxEntry, record: dict, *, write_date_strict: bool = True) -> list[str]:
        """Sentences saying why acting now would be wrong; empty when it is safe.

        ``write_date_strict`` is False once an earlier attempt may have written: our own write
        moved ``write_date`` then, so only the state (and the operation's own checks) still decide.
        """
        problems = []
        allowed = self.state_in(entry)
        if allowed and record.get("state") not in allowed:
            problems.append(
                f"{entry.target} is {record.get('state')!r} in Odoo now; the decision expected one of {list(allowed)}."
            )
        expected = entry.preconditions.get("write_date")
        if expected and write_date_strict:
            expected_at = parse_datetime(expected)
            assert expected_at is not None  # written by the service with odoo_stamp()
            seen = expected_at.replace(microsecond=0)
            current = parse_datetime(record.get("write_date"))
            if current is None or current.replace(microsecond=0) != seen:
                problems.append(
                    f"{entry.target} was changed in Odoo after the decision (write_date {record.get('write_date')}, "
                    f"the decision saw {seen:%Y-%m-%d %H:%M:%S}); check the change before writing."
                )
        return problems

    @abstractmethod
    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        """Make the effect; return Odoo's answers (JSON). Raise OperationRefused for an unusable answer."""

    def produced(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> list[ProducedRecord]:
        """The Odoo records our write made or changed, as Odoo shows them now (``record`` is the target
        re-read after the write). Override to add what Odoo made as a consequence (an inventory move)."""
        if not self.changes_record:
            return []
        return [ProducedRecord(entry.odoo_model, entry.record_id, record.get("write_date"))]

    def not_visible(self, entry: OutboxEntry, record: dict | None) -> str:
        """Why the effect is not visible after ``perform`` (override for a more precise sentence)."""
        if record is None:
            return f"{entry.target} disappeared from Odoo right after the write."
        return f"Odoo accepted the calls but {entry.target} does not show the effect of {self.name}."


def many2one_id(value: Any) -> int | None:
    """The id of a many2one as ``read`` returns it (``[id, name]`` or ``false``)."""
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return None


def require_int(arguments: dict, key: str, *, operation: str) -> int:
    value = arguments.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidOutboxRequest(f"{operation} needs {key!r}: a positive Odoo id, got {value!r}.")
    return value


def require_text(arguments: dict, key: str, *, operation: str) -> str:
    value = arguments.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidOutboxRequest(f"{operation} needs {key!r}: a non-empty text, got {value!r}.")
    return value
