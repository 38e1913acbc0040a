"""A startup warning for ODOO_* / CT_* environment variables nothing reads (a typo is silently ignored).

`ODOO_DB=prod` does nothing: the setting is ODOO_DATABASE, and the default ("demo") is used. Every
process (web, worker, beat, manage.py) logs one warning naming the unknown variable and the
closest known name.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterable, Mapping

logger = logging.getLogger("apps.core")

PREFIXES = ("ODOO_", "CT_")
#: read outside settings (browser tests)
EXTRA_KNOWN = frozenset({"CT_CHROMIUM", "CT_REQUIRE_BROWSER"})
#: names people reach for from other tools (odoorpc, Odoo's own config), and what they meant
SYNONYMS = {
    "ODOO_DB": "ODOO_DATABASE",
    "ODOO_DBNAME": "ODOO_DATABASE",
    "ODOO_DB_NAME": "ODOO_DATABASE",
    "ODOO_USER": "ODOO_LOGIN",
    "ODOO_USERNAME": "ODOO_LOGIN",
    "ODOO_PASS": "ODOO_PASSWORD",
    "ODOO_PWD": "ODOO_PASSWORD",
    "ODOO_KEY": "ODOO_API_KEY",
    "ODOO_APIKEY": "ODOO_API_KEY",
    "ODOO_TOKEN": "ODOO_API_KEY",
    "ODOO_HOST": "ODOO_URL",
    "ODOO_SERVER": "ODOO_URL",
}


def known_names(settings_module: object) -> set[str]:
    """The ODOO_* / CT_* names settings reads from the environment (settings keep the same names)."""
    return {name for name in dir(settings_module) if name.startswith(PREFIXES) and name.isupper()} | EXTRA_KNOWN


def unknown_variables(environ: Mapping[str, str], known: Iterable[str]) -> list[tuple[str, str | None]]:
    """(name, closest known name or None) for each ODOO_* / CT_* variable nothing reads.

    `<NAME>_FILE` counts as `<NAME>` (secrets may come from files).
    """
    known = set(known)
    found = []
    for name in sorted(environ):
        if not name.startswith(PREFIXES):
            continue
        base = name.removesuffix("_FILE")
        if base in known:
            continue
        suggestion = SYNONYMS.get(base)
        if suggestion is None:
            close = difflib.get_close_matches(base, sorted(known), n=1, cutoff=0.6)
            suggestion = close[0] if close else None
        if suggestion and name.endswith("_FILE") and base != name:
            suggestion += "_FILE"
        found.append((name, suggestion))
    return found


def warn_about_unknown_variables(settings_module: object, environ: Mapping[str, str] | None = None) -> list[str]:
    """Log one warning per unknown variable; returns the messages (for tests)."""
    messages = []
    for name, suggestion in unknown_variables(os.environ if environ is None else environ, known_names(settings_module)):
        hint = f" Did you mean {suggestion}?" if suggestion else ""
        message = f"Environment variable {name} is not a Control Tower setting and is ignored.{hint}"
        logger.warning(message)
        messages.append(message)
    return messages
