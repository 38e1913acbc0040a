"""What incremental sync relies on: write_date precision, ordering, paging, domains, archived records."""

from __future__ import annotations

import pytest

from .conftest import Client, RpcError


@pytest.fixture
def out_type(rpc):
    return rpc.call("stock.picking.type", "search", [["code", "=", "outgoing"]], limit=1)[0]


def _new_picking(rpc: Client, out_type: int, origin: str) -> int:
    return rpc.call("stock.picking", "create", {"picking_type_id": out_type, "origin": origin})


def test_write_date_is_returned_at_second_precision_but_stored_with_microseconds(sim, rpc, out_type):
    pid = _new_picking(rpc, out_type, "precision")
    rpc.call("stock.picking", "write", [pid], {"origin": "precision (edited)"})
    [row] = rpc.call("stock.picking", "read", [pid], ["write_date"])
    assert len(row["write_date"]) == 19
    # `>` the value just read re-returns the same record: duplicates, never misses
    again = rpc.call(
        "stock.picking",
        "search_read",
        [["write_date", ">", row["write_date"]]],
        fields=["id"],
        order="write_date asc, id asc",
    )
    assert pid in [r["id"] for r in again]
    with sim.store.snapshot():
        stored = sim.store.get("stock.picking", pid)["write_date"]
    assert len(stored) == 26 and stored.startswith(row["write_date"])
    # ISO forms are accepted in domains (PostgreSQL parses them) but rejected by write()
    assert (
        rpc.call(
            "stock.picking",
            "search_count",
            [["write_date", ">", row["write_date"].replace(" ", "T") + "Z"], ["id", "=", pid]],
        )
        == 1
    )
    with pytest.raises(RpcError, match="does not match format"):
        rpc.call("stock.picking", "write", [pid], {"scheduled_date": "2030-01-15T09:30:00Z"})


def test_same_second_writes_share_the_api_value_and_keyset_paging_works(rpc, out_type):
    ids = [_new_picking(rpc, out_type, f"same second {i}") for i in range(3)]
    rows = rpc.call("stock.picking", "read", ids, ["write_date"])
    cursor = min(r["write_date"] for r in rows)
    page = rpc.call(
        "stock.picking",
        "search_read",
        ["|", ["write_date", ">", cursor], "&", ["write_date", "=", cursor], ["id", ">", 0]],
        fields=["id", "write_date"],
        order="write_date asc, id asc",
    )
    got = [r["id"] for r in page]
    assert set(ids) <= set(got)
    keys = [(r["write_date"], r["id"]) for r in page]
    assert keys == sorted(keys)


def test_receipt_validation_bumps_write_date_of_the_auto_reserved_delivery(sim, rpc, out_type):
    product = rpc.call("product.product", "create", {"name": "Arrives later", "detailed_type": "product"})
    delivery = rpc.call(
        "stock.picking",
        "create",
        {"picking_type_id": out_type, "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 2}]]},
    )
    rpc.call("stock.picking", "action_confirm", [delivery])
    [before] = rpc.call("stock.picking", "read", [delivery], ["state", "write_date"])
    assert before["state"] == "confirmed"
    warehouse = rpc.call("stock.picking.type", "read", [out_type], ["warehouse_id"])[0]["warehouse_id"][0]
    in_type = rpc.call("stock.warehouse", "read", [warehouse], ["in_type_id"])[0]["in_type_id"][0]
    sim.advance(2)
    receipt = rpc.call(
        "stock.picking",
        "create",
        {"picking_type_id": in_type, "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 5}]]},
    )
    rpc.call("stock.picking", "action_confirm", [receipt])
    assert rpc.call("stock.picking", "button_validate", [receipt]) is True
    [after] = rpc.call("stock.picking", "read", [delivery], ["state", "write_date"])
    assert after["state"] == "assigned"
    assert after["write_date"] > before["write_date"]


def test_archived_records_are_hidden_unless_asked(rpc):
    product = rpc.call("product.product", "create", {"name": "Archived gizmo"})
    rpc.call("product.product", "write", [product], {"active": False})
    assert rpc.call("product.product", "search", [["id", "=", product]]) == []
    assert rpc.call("product.product", "search", [["id", "=", product]], context={"active_test": False}) == [product]
    assert rpc.call("product.product", "search", [["id", "=", product], ["active", "=", False]]) == [product]
    assert rpc.call("product.product", "read", [product], ["active"]) == [{"id": product, "active": False}]
    with pytest.raises(RpcError, match=r"Invalid field stock\.picking\.active"):
        rpc.call("stock.picking", "search", [["active", "=", False]])


def test_domain_operators(rpc):
    names = rpc.call("stock.picking", "search_read", [["name", "like", "/OUT/"]], fields=["name"], limit=5)
    assert names and all("/OUT/" in r["name"] for r in names)
    assert rpc.call("stock.picking", "search_count", [["name", "like", "/out/"]]) == 0  # like is case-sensitive
    assert rpc.call("stock.picking", "search_count", [["name", "ilike", "/out/"]]) > 0
    assert rpc.call("stock.picking", "search_count", [["name", "=like", "BRU/OUT/%"]]) > 0
    assert rpc.call("stock.picking", "search_count", [["name", "=ilike", "bru/out/%"]]) > 0
    total = rpc.call("stock.picking", "search_count", [])
    done = rpc.call("stock.picking", "search_count", [["state", "=", "done"]])
    assert rpc.call("stock.picking", "search_count", [["state", "!=", "done"]]) == total - done
    assert rpc.call("stock.picking", "search_count", ["!", ["state", "=", "done"]]) == total - done
    assert rpc.call(
        "stock.picking", "search_count", ["|", ["state", "=", "done"], ["state", "=", "assigned"]]
    ) == rpc.call("stock.picking", "search_count", [["state", "in", ["done", "assigned"]]])
    assert rpc.call("stock.picking", "search_count", [["state", "not in", ["done"]]]) == total - done
    ids = rpc.call("stock.picking", "search", [], order="id asc", limit=10)
    assert rpc.call("stock.picking", "search", [["id", ">=", ids[2]], ["id", "<", ids[5]]], order="id asc") == ids[2:5]
    assert (
        rpc.call("stock.picking", "search_count", [["partner_id", "=", False]])
        + rpc.call("stock.picking", "search_count", [["partner_id", "!=", False]])
        == total
    )
    internal = rpc.call("stock.quant", "search_count", [["location_id.usage", "=", "internal"]])
    assert internal == rpc.call("stock.quant", "search_count", [])


def test_order_limit_offset(rpc):
    all_ids = rpc.call("stock.picking", "search", [], order="scheduled_date desc, id asc")
    assert (
        rpc.call("stock.picking", "search", [], order="scheduled_date desc, id asc", limit=5, offset=5) == all_ids[5:10]
    )
    rows = rpc.call(
        "stock.picking", "search_read", [], fields=["scheduled_date"], order="scheduled_date desc, id asc", limit=20
    )
    dates = [r["scheduled_date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    # default order of stock.picking: priority desc, scheduled_date asc, id desc
    default = rpc.call("stock.picking", "search_read", [], fields=["priority", "scheduled_date"], limit=50)
    keys = [(-int(r["priority"]), r["scheduled_date"]) for r in default]
    assert keys == sorted(keys)
    with pytest.raises(RpcError, match="Invalid field 'nope'"):
        rpc.call("stock.picking", "search", [], order="nope asc")
