"""Replays the recorded samples/ reads: same keys per row, values rendered like Odoo for each field type."""

from __future__ import annotations

import re

import pytest

from .conftest import CONTRACT, Client, load

SAMPLE_FILES = sorted(p for p in (CONTRACT / "samples").glob("*.json") if not p.stem.startswith("_"))
DT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def busy_sim(sim):
    """An hour of scenario activity so every sampled model has rows (orders, activities...)."""
    sim.advance(3600)
    return sim


def check_value(fdef: dict, value) -> None:
    ftype = fdef["type"]
    if ftype == "many2one":
        assert value is False or (
            isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)
        ), value
    elif ftype in ("one2many", "many2many"):
        assert isinstance(value, list) and all(isinstance(v, int) for v in value), value
    elif ftype == "datetime":
        assert value is False or DT.match(value), value
    elif ftype == "date":
        assert value is False or DATE.match(value), value
    elif ftype == "selection":
        assert value is False or value in [k for k, _ in fdef["selection"]], value
    elif ftype in ("float", "monetary"):
        assert isinstance(value, float), value
    elif ftype == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), value
    elif ftype == "boolean":
        assert isinstance(value, bool), value
    elif ftype in ("char", "text", "html"):
        assert value is False or isinstance(value, str), value


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_reads_have_the_recorded_shape(busy_sim, path):
    recorded = load(path)
    model = recorded["model"]
    rpc = Client(busy_sim.url)
    args = recorded["search_read"]["request"]["body"]["params"]["args"]
    kwargs = args[6]
    want_rows = recorded["search_read"]["response"]["body"]["result"]
    rows = rpc.call(model, "search_read", *args[5], **kwargs)
    assert rows, f"the simulator has no {model} rows to compare"
    fields = rpc.call(model, "fields_get", [], attributes=["type", "selection", "relation"])
    want_keys = sorted(want_rows[0])
    for row in rows:
        assert sorted(row) == want_keys
        for fname, value in row.items():
            if fname != "id":
                check_value(fields[fname], value)
    assert rows == sorted(rows, key=lambda r: r["id"])  # order "id asc"

    count = rpc.call(model, "search_count", [])
    assert isinstance(count, int) and count >= len(rows)
    if recorded.get("search_count_filtered"):
        f_args = recorded["search_count_filtered"]["request"]["body"]["params"]["args"]
        assert isinstance(rpc.call(model, "search_count", *f_args[5], **f_args[6]), int)


def test_fields_get_answers_the_recorded_definitions(sim):
    rpc = Client(sim.url)
    for path in sorted((CONTRACT / "fields").glob("*.json")):
        recorded = load(path)
        attributes = recorded["request"]["body"]["params"]["args"][6]["attributes"]
        model = recorded["request"]["body"]["params"]["args"][3]
        assert rpc.call(model, "fields_get", [], attributes=attributes) == recorded["response"]["body"]["result"], model


def test_misc_reads(sim):
    """read_group, read, name_search, search, tz/lang contexts: same result shapes as recorded."""
    rpc = Client(sim.url)
    misc = load(CONTRACT / "samples" / "_misc_reads.json")
    for name, exchange in misc.items():
        if not isinstance(exchange, dict) or "request" not in exchange:
            continue
        args = exchange["request"]["body"]["params"]["args"]
        model, method, m_args, m_kwargs = args[3], args[4], args[5], args[6]
        if method == "read":
            m_args = [rpc.call(model, "search", [], limit=2)]
        if name == "search_read_with_tz_context":
            m_kwargs = {**m_kwargs, "domain": [["id", "in", rpc.call(model, "search", [], limit=2)]]}
        want = exchange["response"]["body"]["result"]
        got = rpc.call(model, method, *m_args, **m_kwargs)
        assert type(got) is type(want), name
        if isinstance(want, list) and want and isinstance(want[0], dict):
            assert got and sorted(got[0]) == sorted(want[0]), name
        if isinstance(want, list) and want and isinstance(want[0], list):
            assert got and [type(x) for x in got[0]] == [type(x) for x in want[0]], name
        if isinstance(want, dict):
            assert sorted(got) == sorted(want), name
            if name == "fields_get_picking_state_only":
                assert got == want
