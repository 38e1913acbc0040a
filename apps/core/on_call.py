"""Who is on call at a site: asked by apps that cannot import escalation (its siblings on the top layer).

Escalation owns contacts and the on-call calendar; it registers a directory here in its
AppConfig.ready. Another app (the advisor's shift summary) asks for the addresses to mail::

    on_call_emails(site_code="BRU", when=now)   # [] when nobody is on call or no directory is registered
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from apps.core.registry import Registry

#: callables (site_code, when) -> e-mail addresses of the contacts on call then, in role order
ON_CALL_DIRECTORIES: Registry[Callable[[str, datetime], list[str]]] = Registry("on-call directories")


def on_call_emails(*, site_code: str, when: datetime) -> list[str]:
    """The e-mail addresses of everyone on call at the site at `when` (each once, in order)."""
    found: list[str] = []
    for directory in ON_CALL_DIRECTORIES:
        for address in directory(site_code, when):
            if address and address not in found:
                found.append(address)
    return found
