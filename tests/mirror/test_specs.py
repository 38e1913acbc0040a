"""A page converted column by column gives exactly what converting its rows one by one gives."""

from contextlib import suppress
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.mirror.specs import SPECS, spec_for

# What Odoo answers for each kind of field, the odd shapes included (empty as false, a number where
# text was expected, a many2one as [id, name], dates with and without seconds), and wrong shapes.
WIRE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "char": st.one_of(st.text(max_size=8), st.just(False), st.none(), st.integers(-5, 5), st.floats(-2, 2)),
    "float": st.one_of(st.floats(allow_nan=False), st.integers(-9, 9), st.just(False), st.just(-0.0), st.none()),
    "bool": st.one_of(st.booleans(), st.just(0), st.just(1)),
    "datetime": st.one_of(
        st.just(False), st.sampled_from(["2026-03-01 08:15:00", "2026-03-01 08:15:00.123456", "2026-03-01"])
    ),
    "date": st.one_of(st.just(False), st.sampled_from(["2026-03-01", "2026-12-31"])),
    "id": st.one_of(st.just(False), st.tuples(st.integers(1, 50), st.text(max_size=5)).map(list)),
    "name": st.one_of(st.just(False), st.tuples(st.integers(1, 50), st.text(max_size=5)).map(list)),
    "archived": st.booleans(),
}
WRONG_SHAPES = st.sampled_from(["2026-03-01T08:15:00Z", [1], {"a": 1}, "not a date", 7])


def odoo_rows(odoo_model: str, *, wrong: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    spec = spec_for(odoo_model)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in spec.fields:  # a field read into two columns (a many2one's id and name) has one value
        kind = "name" if field.kind == "id" else field.kind
        fields[field.odoo] = st.one_of(WIRE_VALUES[kind], WRONG_SHAPES) if wrong else WIRE_VALUES[kind]
    fields["write_date"] = WIRE_VALUES["datetime"]
    rows = st.lists(st.fixed_dictionaries({"id": st.integers(1, 10**6), **fields}), min_size=1, max_size=6)
    return rows


def one_by_one(spec, rows: list[dict[str, Any]]) -> list[tuple] | type[Exception]:
    try:
        return [spec.convert_values(row) for row in rows]
    except (KeyError, IndexError, TypeError, ValueError) as error:
        return type(error)


@pytest.mark.parametrize("odoo_model", sorted(SPECS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_page_converts_like_its_rows_one_by_one(odoo_model, data):
    spec = spec_for(odoo_model)
    rows = data.draw(odoo_rows(odoo_model, wrong=False))
    assert spec.convert_page(rows) == one_by_one(spec, rows)


@pytest.mark.parametrize("odoo_model", ["stock.move", "stock.picking", "res.partner"])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_page_with_a_malformed_value_fails_as_a_whole_when_a_row_would(odoo_model, data):
    """The upsert then converts that page row by row, to leave out only the malformed rows."""
    spec = spec_for(odoo_model)
    rows = data.draw(odoo_rows(odoo_model, wrong=True))
    expected = one_by_one(spec, rows)
    if isinstance(expected, list):
        # An unhashable value may make the whole page refuse; it is then converted row by row: same result.
        with suppress(TypeError, ValueError):
            assert spec.convert_page(rows) == expected
    else:
        with pytest.raises((KeyError, IndexError, TypeError, ValueError, AttributeError)):
            spec.convert_page(rows)
