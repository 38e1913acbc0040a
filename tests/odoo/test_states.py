"""Screens name an Odoo record's state with Odoo's own word ("Ready", not "assigned"), from the
labels a real Odoo 17 answers for each model's `state` field, in the reader's language."""

import json
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.odoo.states import STATE_LABELS, state_label

FIELDS = Path(__file__).resolve().parents[1] / "contract" / "odoo17" / "fields"


@pytest.mark.parametrize("model", sorted(STATE_LABELS))
def test_every_state_reads_as_odoo_17_names_it(model):
    recorded = json.loads((FIELDS / f"{model}.json").read_text())["response"]["body"]["result"]["state"]
    with translation.override("en"):
        assert {code: state_label(model, code) for code, _label in recorded["selection"]} == dict(recorded["selection"])


def test_a_state_odoo_adds_later_or_an_unknown_model_reads_as_stored():
    assert state_label("stock.picking", "quality_check") == "quality_check"
    assert state_label("mrp.production", "progress") == "progress"
    assert state_label("stock.picking", None) == "—"


def test_a_template_shows_the_word_in_the_readers_language():
    template = Template(
        '{% load odoo_states %}{{ state|odoo_state:"stock.picking" }} · {{ so|odoo_state:"sale.order" }}'
    )
    context = Context({"state": "assigned", "so": "sale"})
    with translation.override("en"):
        assert template.render(context) == "Ready · Sales Order"
    with translation.override("fr"):
        assert template.render(context) == "Prêt · Bon de commande"
