"""Operations on any record with a chatter: post a message, schedule an activity.

Odoo has no idempotency key, so each message or activity carries a short reference derived from
the entry's idempotency key (``[CT-1a2b3c4d5e6f]``). Finding it on the record is how a re-run
(after a timeout or a dead worker) knows the effect is already there. It also tells people in
Odoo where the note came from.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from apps.writeback.operations.base import (
    InvalidOutboxRequest,
    Operation,
    OperationRefused,
    require_int,
    require_text,
)
from apps.writeback.recording import RecordingClient

if TYPE_CHECKING:
    from apps.writeback.models import OutboxEntry


def reference_for(idempotency_key: str) -> str:
    """The marker written with a message or activity: stable for one idempotency key."""
    return "CT-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:12]


class ChatterOperation(Operation):
    """Targets any model (``odoo_model`` is the entry's); preconditions are optional."""

    odoo_model = None
    changes_record = False

    def validate(self, *, odoo_model: str, odoo_id: int | None, arguments: dict, preconditions: dict) -> dict:
        if not isinstance(odoo_model, str) or "." not in odoo_model:
            raise InvalidOutboxRequest(f"{self.name} needs an Odoo model name such as 'stock.picking'.")
        return super().validate(
            odoo_model=odoo_model, odoo_id=odoo_id, arguments=arguments, preconditions=preconditions
        )


class PostMessage(ChatterOperation):
    """Post a note (or message) in a record's chatter.

    arguments: ``{"body": "text", "is_html": false, "message_type": "comment",
    "subtype_xmlid": "mail.mt_note"}``. A plain body is escaped by Odoo (line breaks kept); pass
    ``is_html`` only for markup you built safely.

    preconditions (optional): ``{"state_in": [...], "write_date": "..."}``.

    Already done: a message on the record contains the entry's reference.
    """

    name = "post_message"

    def clean_arguments(self, arguments: dict) -> dict:
        unknown = set(arguments) - {"body", "is_html", "message_type", "subtype_xmlid"}
        if unknown:
            raise InvalidOutboxRequest(f"Unknown arguments {sorted(unknown)} for {self.name}.")
        return {
            "body": require_text(arguments, "body", operation=self.name),
            "is_html": bool(arguments.get("is_html", False)),
            "message_type": str(arguments.get("message_type") or "comment"),
            "subtype_xmlid": str(arguments.get("subtype_xmlid") or "mail.mt_note"),
        }

    def body_with_reference(self, entry: OutboxEntry) -> str:
        reference = reference_for(entry.idempotency_key)
        body = entry.arguments["body"]
        return f"{body}<p>[{reference}]</p>" if entry.arguments.get("is_html") else f"{body}\n\n[{reference}]"

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        domain = [
            ["model", "=", entry.odoo_model],
            ["res_id", "=", entry.odoo_id],
            ["body", "ilike", reference_for(entry.idempotency_key)],
        ]
        return client.search_count("mail.message", domain) > 0

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        return client.call(
            entry.odoo_model,
            "message_post",
            [entry.record_id],
            body=self.body_with_reference(entry),
            body_is_html=bool(entry.arguments.get("is_html")),
            message_type=entry.arguments.get("message_type", "comment"),
            subtype_xmlid=entry.arguments.get("subtype_xmlid", "mail.mt_note"),
        )


class ScheduleActivity(ChatterOperation):
    """Schedule an activity (to-do) for a user on a record.

    arguments: ``{"user_id": <res.users id>, "summary": "text", "note": "text",
    "deadline": "YYYY-MM-DD", "activity_type_id": <mail.activity.type id, optional>}``.
    ``res_model_id`` is resolved through ``ir.model`` (``mail.activity`` needs it).

    preconditions (optional): ``{"state_in": [...], "write_date": "..."}``.

    Already done: an activity on the record has the entry's reference in its note.
    """

    name = "schedule_activity"

    def clean_arguments(self, arguments: dict) -> dict:
        unknown = set(arguments) - {"user_id", "summary", "note", "deadline", "activity_type_id"}
        if unknown:
            raise InvalidOutboxRequest(f"Unknown arguments {sorted(unknown)} for {self.name}.")
        deadline = arguments.get("deadline")
        if isinstance(deadline, datetime):
            raise InvalidOutboxRequest(f"{self.name} 'deadline' is a date, not a datetime.")
        if isinstance(deadline, date):
            deadline = deadline.isoformat()
        try:
            deadline = date.fromisoformat(str(deadline)).isoformat()
        except ValueError:
            raise InvalidOutboxRequest(f"{self.name} needs 'deadline' as 'YYYY-MM-DD', got {deadline!r}.") from None
        cleaned = {
            "user_id": require_int(arguments, "user_id", operation=self.name),
            "summary": require_text(arguments, "summary", operation=self.name),
            "note": str(arguments.get("note") or ""),
            "deadline": deadline,
        }
        if arguments.get("activity_type_id") is not None:
            cleaned["activity_type_id"] = require_int(arguments, "activity_type_id", operation=self.name)
        return cleaned

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        domain = [
            ["res_model", "=", entry.odoo_model],
            ["res_id", "=", entry.odoo_id],
            ["note", "ilike", reference_for(entry.idempotency_key)],
        ]
        return client.search_count("mail.activity", domain) > 0

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        model_ids = client.search("ir.model", [["model", "=", entry.odoo_model]], limit=1)
        if not model_ids:
            raise OperationRefused(f"Odoo does not list the model {entry.odoo_model} in ir.model.")
        arguments = entry.arguments
        values = {
            "res_model_id": model_ids[0],
            "res_id": entry.odoo_id,
            "user_id": arguments["user_id"],
            "summary": arguments["summary"],
            "note": f"<p>{_escape(arguments['note'])}</p><p>[{reference_for(entry.idempotency_key)}]</p>",
            "date_deadline": arguments["deadline"],
        }
        if arguments.get("activity_type_id"):
            values["activity_type_id"] = arguments["activity_type_id"]
        return client.create("mail.activity", values)


def _escape(text: str) -> str:
    # The note is an HTML field; the decision's text is plain, so it must not become markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
