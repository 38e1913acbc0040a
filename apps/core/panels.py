"""Panels: small fragments a higher app adds to a lower app's screen of one record.

The case and approval-request screens belong to apps that must not import the advisor (or any app above
them), yet a recommendation about the case belongs on the case. So the screen renders
``{% load panels %}{% subject_panels case %}`` and whoever registered a panel here fills it::

    # apps/advisor/apps.py
    SUBJECT_PANELS.register(recommendation_panel, name="advisor")

A panel is ``(request, subject) -> str``: HTML it rendered itself (escaped by its own template), or ""
when it has nothing to say about this subject or this user. A failing panel is logged and left out:
one broken panel never breaks the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from apps.core.registry import Registry

logger = logging.getLogger(__name__)

SubjectPanel = Callable[[HttpRequest, Any], str]

SUBJECT_PANELS: Registry[SubjectPanel] = Registry("record screen panels")


def render_panels(request: HttpRequest, subject: Any) -> str:
    """Every registered panel's HTML for this subject, in registration order."""
    parts = []
    for panel in SUBJECT_PANELS:
        try:
            parts.append(panel(request, subject) or "")
        except Exception:
            logger.exception("panel failed", extra={"panel": repr(panel)})
    return "".join(parts)
