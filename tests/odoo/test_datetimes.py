"""Odoo's naive UTC strings <-> aware datetimes; many2one and x2many helpers."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from apps.odoo.datetimes import (
    format_date,
    format_datetime,
    many2one,
    many2one_id,
    many2one_name,
    none_if_false,
    parse_date,
    parse_datetime,
    x2many_ids,
)


def test_parse_rpc_datetime_is_aware_utc():
    value = parse_datetime("2026-11-27 16:27:03")
    assert value == datetime(2026, 11, 27, 16, 27, 3, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_parse_webhook_datetime_keeps_microseconds():
    assert parse_datetime("2026-11-27 16:26:00.521731") == datetime(2026, 11, 27, 16, 26, 0, 521731, tzinfo=UTC)


@pytest.mark.parametrize("empty", [False, None, ""])
def test_empty_values_are_none(empty):
    assert parse_datetime(empty) is None
    assert parse_date(empty) is None


def test_parse_date():
    assert parse_date("2030-01-15") == date(2030, 1, 15)
    assert parse_datetime("2030-01-15") == datetime(2030, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2030-01-15T09:30:00Z", "yesterday", 12])
def test_parse_rejects_other_forms(bad):
    with pytest.raises(ValueError):
        parse_datetime(bad)


def test_format_converts_to_utc_and_drops_microseconds():
    brussels = datetime(2030, 1, 15, 10, 30, 0, 999999, tzinfo=ZoneInfo("Europe/Brussels"))
    assert format_datetime(brussels) == "2030-01-15 09:30:00"


def test_format_never_uses_t_z_or_offsets():
    text = format_datetime(datetime(2030, 6, 1, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))))
    assert text == "2030-06-02 04:59:59"
    assert "T" not in text and "Z" not in text and "+" not in text


def test_format_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        format_datetime(datetime(2030, 1, 15, 9, 30))


@pytest.mark.parametrize("text", ["2026-11-27 16:27:03", "2030-01-15 00:00:00", "2000-02-29 23:59:59"])
def test_round_trip(text):
    assert format_datetime(parse_datetime(text)) == text


def test_format_date():
    assert format_date(date(2030, 1, 5)) == "2030-01-05"
    with pytest.raises(TypeError):
        format_date(datetime(2030, 1, 5, tzinfo=UTC))


def test_many2one_helpers():
    assert many2one_id([9, "Deco Addict"]) == 9
    assert many2one_name([9, "Deco Addict"]) == "Deco Addict"
    assert many2one([9, "Deco Addict"]) == (9, "Deco Addict")
    # webhook payloads send a bare int
    assert many2one_id(9) == 9
    assert many2one(9) == (9, None)
    assert many2one_id(False) is None
    assert many2one(False) is None
    assert many2one_name(False) is None


def test_x2many_and_false():
    assert x2many_ids([3, 4]) == [3, 4]
    assert x2many_ids(False) == []
    assert none_if_false(False) is None
    assert none_if_false("WH/OUT/00001") == "WH/OUT/00001"
