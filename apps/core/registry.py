"""Registries: how a lower layer lets higher apps plug in without importing them.

The apps are layered (see ``[tool.importlinter]`` in pyproject.toml): a module may import only
from its own layer's app or from the layers below. When a lower app must reach code that lives
higher up — the mirror hands change sets to detectors, the outbox tells the cases app an entry
needs a person, the pulse shows counts that cases and approvals own — the lower app owns a
``Registry`` (or ``Hooks``, a registry of callbacks) and the higher app fills it in its
``AppConfig.ready()``::

    # apps/mirror/changes.py (lower layer): owns the registry
    CHANGE_SUBSCRIBERS: Hooks[[ChangeSet]] = Hooks("mirror change-set subscribers")

    # apps/cases/apps.py (higher layer): fills it once the app registry is ready
    def ready(self) -> None:
        CHANGE_SUBSCRIBERS.register(detect_changes)

    # the lower layer calls whatever is registered, without knowing who
    CHANGE_SUBSCRIBERS.call_each(changes)

Rules every registry keeps:
- Registering the same item twice keeps one registration (``ready()`` may run twice in tests).
- Two different items under one name is a mistake (two detectors with one code): it raises
  ``ImproperlyConfigured`` at start-up instead of one silently replacing the other.
- Items keep their registration order; iteration is over a snapshot, so a callback may
  unregister itself.
- ``unregister`` and ``clear`` exist for tests; production code registers once and never removes.
- ``Hooks.call_each`` calls every callback, logs a failing one with the registry's name and goes
  on: one broken subscriber never stops the others (the caller's state is already saved).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")


class Registry(Generic[T]):
    """An ordered set of items, optionally named, filled by higher apps in ``AppConfig.ready()``."""

    def __init__(self, description: str) -> None:
        self.description = description  # what it holds, for errors and logs
        self._entries: list[tuple[str | None, T]] = []

    def register(self, item: T, *, name: str | None = None) -> T:
        """Add ``item`` (returned unchanged, so this works as a decorator). Idempotent.

        ``name`` makes the item retrievable with ``get(name)``; a second, different item under a
        name already taken raises ImproperlyConfigured.
        """
        for existing_name, existing in self._entries:
            if existing == item and existing_name == name:
                return item
            if name is not None and existing_name == name:
                raise ImproperlyConfigured(
                    f"{self.description}: {name!r} is already registered ({existing!r}); cannot add {item!r}."
                )
        self._entries.append((name, item))
        return item

    def unregister(self, item: T) -> None:
        """Forget ``item`` if registered (tests)."""
        self._entries = [(name, existing) for name, existing in self._entries if existing != item]

    def clear(self) -> None:
        """Forget everything (tests that need an empty registry, then re-run ``ready()``)."""
        self._entries = []

    def get(self, name: str) -> T:
        """The item registered under ``name``; KeyError names the known ones otherwise."""
        for existing_name, item in self._entries:
            if existing_name == name:
                return item
        raise KeyError(f"{self.description}: nothing registered as {name!r} (known: {', '.join(self.names())}).")

    def names(self) -> list[str]:
        return [name for name, _ in self._entries if name is not None]

    def __iter__(self) -> Iterator[T]:
        return iter([item for _, item in self._entries])

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item: object) -> bool:
        return any(existing == item for _, existing in self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.description!r}: {len(self)} registered>"


class Hooks(Registry[Callable[P, object]], Generic[P]):
    """A registry of callbacks that the owning layer calls with the same arguments."""

    def call_each(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback in registration order; a failing one is logged and skipped."""
        for callback in self:
            try:
                callback(*args, **kwargs)
            except Exception:
                logger.exception("%s: callback failed", self.description, extra={"callback": repr(callback)})
