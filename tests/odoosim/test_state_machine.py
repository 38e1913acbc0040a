"""Actions beyond the recorded scenarios: purchase confirmation, carriers, SMS wizard, chatter."""

from __future__ import annotations

import pytest

from .conftest import RpcError


@pytest.fixture
def bru(rpc):
    return rpc.call(
        "stock.warehouse", "search_read", [["code", "=", "BRU"]], fields=["lot_stock_id", "in_type_id", "out_type_id"]
    )[0]


def test_purchase_button_confirm_creates_the_receipt(rpc, bru):
    supplier = rpc.call("res.partner", "search", [["supplier_rank", ">", 0]], limit=1)[0]
    product = rpc.call("product.product", "search", [], limit=1)[0]
    order = rpc.call(
        "purchase.order",
        "create",
        {
            "partner_id": supplier,
            "picking_type_id": bru["in_type_id"][0],
            "order_line": [[0, 0, {"product_id": product, "name": "x", "product_qty": 7, "price_unit": 3}]],
        },
    )
    assert (
        rpc.call("purchase.order", "read", [order], ["state", "picking_ids", "receipt_status"])[0]["state"] == "draft"
    )
    assert rpc.call("purchase.order", "button_confirm", [order]) is True
    [po] = rpc.call("purchase.order", "read", [order], ["state", "picking_ids", "receipt_status", "name"])
    assert po["state"] == "purchase" and len(po["picking_ids"]) == 1 and po["receipt_status"] == "pending"
    [receipt] = rpc.call(
        "stock.picking", "read", po["picking_ids"], ["state", "origin", "purchase_id", "picking_type_code", "move_ids"]
    )
    assert (
        receipt["state"] == "assigned"
        and receipt["origin"] == po["name"]
        and receipt["picking_type_code"] == "incoming"
    )
    assert rpc.call("stock.picking", "button_validate", po["picking_ids"]) is True
    assert rpc.call("purchase.order", "read", [order], ["receipt_status"])[0]["receipt_status"] == "full"


def test_carrier_change_and_cancel_rules(rpc, bru):
    carriers = rpc.call("delivery.carrier", "search_read", [], fields=["name"])
    picking = rpc.call(
        "stock.picking", "search", [["state", "=", "assigned"], ["picking_type_code", "=", "outgoing"]], limit=1
    )[0]
    assert rpc.call("stock.picking", "write", [picking], {"carrier_id": carriers[1]["id"]}) is True
    assert rpc.call("stock.picking", "read", [picking], ["carrier_id"])[0]["carrier_id"] == [
        carriers[1]["id"],
        carriers[1]["name"],
    ]
    assert rpc.call("stock.picking", "action_cancel", [picking]) is True
    assert rpc.call("stock.picking", "read", [picking], ["state"])[0]["state"] == "cancel"
    done = rpc.call("stock.picking", "search", [["state", "=", "done"]], limit=1)[0]
    with pytest.raises(RpcError) as err:
        rpc.call("stock.picking", "action_cancel", [done])
    assert err.value.name == "odoo.exceptions.UserError"


def test_sms_wizard_once_per_company_and_skip_sms(rpc, bru):
    partner = rpc.call("res.partner", "search", [["phone", "!=", False], ["customer_rank", ">", 0]], limit=1)[0]
    quant = rpc.call(
        "stock.quant",
        "search_read",
        [["location_id", "=", bru["lot_stock_id"][0]]],
        fields=["product_id"],
        order="quantity desc",
        limit=1,
    )[0]

    def delivery():
        pid = rpc.call(
            "stock.picking",
            "create",
            {
                "picking_type_id": bru["out_type_id"][0],
                "partner_id": partner,
                "move_ids": [[0, 0, {"product_id": quant["product_id"][0], "product_uom_qty": 1}]],
            },
        )
        rpc.call("stock.picking", "action_confirm", [pid])
        return pid

    first = delivery()
    assert rpc.call("stock.picking", "button_validate", [first], context={"skip_sms": True}) is True
    second = delivery()
    action = rpc.call("stock.picking", "button_validate", [second])
    assert action["res_model"] == "confirm.stock.sms" and action["type"] == "ir.actions.act_window"
    assert rpc.call("confirm.stock.sms", "send_sms", [action["res_id"]], context=action["context"]) is True
    assert rpc.call("stock.picking", "read", [second], ["state"])[0]["state"] == "done"
    assert rpc.call("stock.picking", "button_validate", [delivery()]) is True  # asked once per company


def test_do_unreserve_and_apply_inventory_answer_without_result_key(rpc, bru):
    picking = rpc.call(
        "stock.picking", "search", [["state", "=", "assigned"], ["picking_type_code", "=", "outgoing"]], limit=1
    )[0]
    _s, _h, body = rpc.raw(
        "/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": ["demo", 2, "admin", "stock.picking", "do_unreserve", [[picking]], {}],
        },
    )
    assert body == {"jsonrpc": "2.0", "id": body["id"]}
    quant = rpc.call(
        "stock.quant",
        "create",
        {
            "product_id": rpc.call("product.product", "search", [], limit=1)[0],
            "location_id": bru["lot_stock_id"][0],
            "inventory_quantity": 3,
        },
        context={"inventory_mode": True},
    )
    again = rpc.call(
        "stock.quant",
        "create",
        {
            "product_id": rpc.call("product.product", "search", [], limit=1)[0],
            "location_id": bru["lot_stock_id"][0],
            "inventory_quantity": 4,
        },
        context={"inventory_mode": True},
    )
    assert quant == again
    _s, _h, body = rpc.raw(
        "/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": [
                "demo",
                2,
                "admin",
                "stock.quant",
                "action_apply_inventory",
                [[quant]],
                {"context": {"inventory_mode": True}},
            ],
        },
    )
    assert "result" not in body and "error" not in body
    assert rpc.call("stock.quant", "read", [quant], ["quantity", "inventory_quantity_set"])[0] == {
        "id": quant,
        "quantity": 4.0,
        "inventory_quantity_set": False,
    }


def test_message_post_escapes_plain_bodies_and_activity_schedule_returns_a_string(rpc):
    picking = rpc.call("stock.picking", "search", [], limit=1)[0]
    plain = rpc.call(
        "stock.picking",
        "message_post",
        [picking],
        body="a <b>b</b>",
        message_type="comment",
        subtype_xmlid="mail.mt_note",
    )
    html = rpc.call("stock.picking", "message_post", [picking], body="<p>a <b>b</b></p>", body_is_html=True)
    bodies = {m["id"]: m["body"] for m in rpc.call("mail.message", "read", [plain, html], ["body"])}
    assert bodies == {plain: "<p>a &lt;b&gt;b&lt;/b&gt;</p>", html: "<p>a <b>b</b></p>"}
    result = rpc.call(
        "stock.picking", "activity_schedule", [picking], act_type_xmlid="mail.mail_activity_data_todo", summary="check"
    )
    assert result.startswith("mail.activity(") and result.endswith(",)")
    with pytest.raises(RpcError, match="res_model_id"):
        rpc.call("mail.activity", "create", {"res_model": "stock.picking", "res_id": picking, "summary": "x"})


def test_an_order_stores_its_total_computed_from_its_lines_as_odoo_does(rpc):
    # Credit checks and the approver's figure read amount_total; Odoo stores it from the lines.
    customer = rpc.call("res.partner", "search", [["customer_rank", ">", 0]], limit=1)[0]
    product = rpc.call("product.product", "search", [], limit=1)[0]
    lines = [[0, 0, {"product_id": product, "name": "a", "product_uom_qty": 3.0, "price_unit": 120.5}]]
    lines.append([0, 0, {"product_id": product, "name": "b", "product_uom_qty": 2.0, "price_unit": 10.0}])
    order = rpc.call("sale.order", "create", {"partner_id": customer, "order_line": lines})
    [row] = rpc.call("sale.order", "read", [order], ["amount_total", "amount_untaxed"])
    assert row["amount_total"] == row["amount_untaxed"] == 381.5
