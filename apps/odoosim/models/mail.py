"""Chatter (message_post) and activities (mail.activity, activity_schedule, action_feedback)."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from ..dispatch import rpc
from ..errors import PyValueError
from ..orm import COMPUTED, DEFAULTS, Env, create, display_names, required_error
from ..registry import registry


def _subtype(env: Env, xmlid: str | None) -> int | None:
    xmlid = xmlid or "mail.mt_note"
    rows = env.store.query("SELECT id FROM mail_message_subtype WHERE xmlid = ?", [xmlid])
    return rows[0][0] if rows else None


def post_message(
    env: Env,
    model: str,
    res_id: int,
    body: str,
    *,
    body_is_html: bool = False,
    message_type: str = "notification",
    subtype_xmlid: str | None = None,
) -> int:
    """Create a mail.message; a plain body is HTML-escaped and wrapped in <p> (Odoo 17)."""
    if not body_is_html:
        body = "<p>" + html.escape(body or "", quote=False).replace("\n", "<br>") + "</p>" if body else ""
    user = env.store.get("res.users", env.uid) or {}
    return env.store.insert(
        "mail.message",
        {
            "body": body,
            "message_type": message_type,
            "subtype_id": _subtype(env, subtype_xmlid),
            "model": model,
            "res_id": res_id,
            "author_id": user.get("partner_id"),
            "date": env.now.strftime("%Y-%m-%d %H:%M:%S") + ".000000",
        },
    )


def _mail_thread_models() -> list[str]:
    return [name for name, spec in registry().items() if "message_ids" in spec.fields]


def _message_post(
    env: Env,
    model: str,
    ids: list[int],
    body: str = "",
    message_type: str = "notification",
    subtype_xmlid: str | None = None,
    body_is_html: bool = False,
    **_ignored: object,
):
    if len(ids) != 1:
        raise PyValueError(
            f"Expected singleton: {model}({', '.join(str(i) for i in ids)}{',' if len(ids) == 1 else ''})"
        )
    return post_message(
        env, model, ids[0], body, body_is_html=body_is_html, message_type=message_type, subtype_xmlid=subtype_xmlid
    )


def _activity_schedule(
    env: Env,
    model: str,
    ids: list[int],
    act_type_xmlid: str = "",
    date_deadline: str | None = None,
    summary: str = "",
    note: str = "",
    **kw: object,
):
    model_id = _ir_model_id(env, model)
    type_id = _activity_type(env, act_type_xmlid)
    deadline = date_deadline or (env.now + timedelta(days=0)).strftime("%Y-%m-%d")
    created = []
    for rid in ids:
        created.append(
            create(
                env,
                "mail.activity",
                {
                    "res_model_id": model_id,
                    "res_id": rid,
                    "activity_type_id": type_id,
                    "date_deadline": deadline,
                    "summary": summary or False,
                    "note": note or False,
                    "user_id": kw.get("user_id") or env.uid,
                },
            )
        )
    # the recordset comes back through JSON as its repr string
    return f"mail.activity({','.join(str(i) for i in created)},)"


for _model in _mail_thread_models():
    rpc(
        _model,
        "message_post",
        (
            "body",
            "message_type",
            "subtype_xmlid",
            "body_is_html",
            "subject",
            "partner_ids",
            "subtype_id",
            "attachment_ids",
        ),
    )(_message_post)
    rpc(_model, "activity_schedule", ("act_type_xmlid", "date_deadline", "summary", "note", "user_id"))(
        _activity_schedule
    )


def _ir_model_id(env: Env, model: str) -> int | None:
    rows = env.store.query("SELECT id FROM ir_model WHERE model = ?", [model])
    return rows[0][0] if rows else None


def _activity_type(env: Env, xmlid: str) -> int | None:
    rows = env.store.query(
        "SELECT id FROM mail_activity_type WHERE xmlid = ? OR ? = '' ORDER BY id LIMIT 1", [xmlid or "", xmlid or ""]
    )
    return rows[0][0] if rows else None


def _activity_defaults(env: Env, vals: dict) -> dict:
    if vals.get("res_model_id"):
        row = env.store.get("ir.model", vals["res_model_id"]) or {}
        vals["res_model"] = row.get("model")
    elif "res_model_id" not in vals:
        # a plain `res_model` does not fill the mandatory res_model_id (recorded ValidationError)
        raise required_error(registry()["mail.activity"], "res_model_id")
    vals.setdefault("user_id", env.uid)
    vals.setdefault("date_deadline", env.now.strftime("%Y-%m-%d"))
    return vals


DEFAULTS["mail.activity"] = _activity_defaults


@rpc("mail.activity", "action_feedback", ("feedback", "attachment_ids"))
def action_feedback(env: Env, model: str, ids: list[int], feedback: str = "", attachment_ids: list | None = None):
    """Mark done: post a message on the document, delete the activity; returns the message id."""
    message_id: int | bool = False
    for activity in env.store.fetch("mail.activity", ids).values():
        text = f"{activity.get('summary') or 'Activity'} done" + (f": {feedback}" if feedback else "")
        message_id = post_message(env, activity["res_model"], activity["res_id"], text, message_type="notification")
        env.store.delete("mail.activity", [activity["id"]])
    return message_id


@rpc("mail.activity", "action_done", ())
def action_done(env: Env, model: str, ids: list[int]):
    action_feedback(env, model, ids)
    return True


def _res_name(env: Env, ids: list[int]) -> dict[int, str | bool]:
    rows = env.store.fetch("mail.activity", ids, ["res_model", "res_id"])
    out: dict[int, str | bool] = {}
    by_model: dict[str, list[int]] = {}
    for row in rows.values():
        if row.get("res_model") in registry():
            by_model.setdefault(row["res_model"], []).append(row["res_id"])
    names: dict[Any, dict[Any, Any]] = {m: display_names(env, m, rids) for m, rids in by_model.items()}
    for rid, row in rows.items():
        out[rid] = names.get(row.get("res_model"), {}).get(row.get("res_id"), False)
    return out


def _activity_state(env: Env, ids: list[int]) -> dict[int, str]:
    today = env.now.strftime("%Y-%m-%d")
    rows = env.store.fetch("mail.activity", ids, ["date_deadline"])
    return {
        rid: "overdue"
        if (row["date_deadline"] or today) < today
        else "today"
        if row["date_deadline"] == today
        else "planned"
        for rid, row in rows.items()
    }


COMPUTED.update({("mail.activity", "res_name"): _res_name, ("mail.activity", "state"): _activity_state})
