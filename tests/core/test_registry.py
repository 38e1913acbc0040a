"""The one registry mechanism that lower layers offer to higher apps (apps/core/registry.py)."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.cases.detectors import detectors
from apps.cases.detectors.base import DETECTORS
from apps.core.registry import Hooks, Registry
from apps.live.publisher import PUBLISH_LISTENERS
from apps.live.pulse import SITE_HEADLINE
from apps.mirror.changes import CHANGE_SUBSCRIBERS
from apps.writeback.hooks import NEEDS_ATTENTION


def test_registering_twice_keeps_one_registration_in_order():
    registry: Registry[str] = Registry("words")
    registry.register("b")
    registry.register("a")
    registry.register("b")
    assert list(registry) == ["b", "a"]


def test_two_items_under_one_name_fail_at_start_up_naming_both():
    registry: Registry[str] = Registry("exception detectors")
    registry.register("first", name="late_receipt")
    with pytest.raises(ImproperlyConfigured, match="exception detectors: 'late_receipt' is already registered"):
        registry.register("second", name="late_receipt")
    assert registry.get("late_receipt") == "first"


def test_an_unknown_name_is_refused_with_the_known_ones():
    registry: Registry[str] = Registry("write-back operations")
    registry.register("x", name="release_delivery")
    with pytest.raises(KeyError, match="known: release_delivery"):
        registry.get("cancel")


def test_a_failing_callback_is_logged_and_the_others_still_run(caplog):
    hooks: Hooks[[int]] = Hooks("test hooks")
    received = []

    def broken(value: int) -> None:
        raise RuntimeError("boom")

    hooks.register(broken)
    hooks.register(received.append)
    with caplog.at_level(logging.ERROR, logger="apps.core.registry"):
        hooks.call_each(7)
    assert received == [7]
    assert "test hooks: callback failed" in caplog.text


def test_a_callback_may_unregister_itself_while_being_called():
    hooks: Hooks[[]] = Hooks("test hooks")
    calls = []

    def once() -> None:
        calls.append("once")
        hooks.unregister(once)

    hooks.register(once)
    hooks.call_each()
    hooks.call_each()
    assert calls == ["once"]


def test_the_apps_fill_the_lower_layers_registries_when_django_starts():
    from apps.approvals.rules import on_change_set
    from apps.cases.services.detection import detect_changes
    from apps.cases.services.intake import on_outbox_needs_attention
    from apps.live.mirror_feed import publish_picking_changes
    from apps.wall.refresh import refresh_tiles_for_changes, refresh_tiles_for_published

    assert {detect_changes, on_change_set, publish_picking_changes, refresh_tiles_for_changes} <= set(
        CHANGE_SUBSCRIBERS
    )
    assert on_outbox_needs_attention in NEEDS_ATTENTION
    assert refresh_tiles_for_published in PUBLISH_LISTENERS
    assert sorted(SITE_HEADLINE.names()) == ["decisions", "deliveries", "exceptions"]  # cases, live, approvals
    assert len(detectors()) == len(DETECTORS.names()) >= 10  # every detector by its own code
