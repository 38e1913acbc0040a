"""Secrets never reach a log line: the webhook secret in its URL, display tokens, API keys and tokens, bearer tokens.

One `redact()` serves the application logs (a logging filter on every handler, settings.LOGGING)
and Daphne's access log (controltower/serve.py), which writes request paths with their query strings.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

from apps.core.logging import extra_fields

MASK = "<redacted>"
_PATTERNS = [
    (re.compile(r"(/hooks/odoo/)[^/\s?\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"([?&](?:token|api_key|apikey|key|secret|password|access_token)=)[^&\s\"']*", re.I), rf"\g<1>{MASK}"),
    (re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]+", re.I), rf"\g<1>{MASK}"),
    (re.compile(r"\b(ct_[0-9a-f]{8}_)[A-Za-z0-9_-]+"), rf"\g<1>{MASK}"),  # API tokens: keep the public prefix
]
_SECRET_SETTINGS = (
    "ODOO_WEBHOOK_SECRET", "ODOO_API_KEY", "ODOO_PASSWORD", "METRICS_TOKEN", "SECRET_KEY", "ADVISOR_LLM_API_KEY",
)  # fmt: skip
_MIN_SECRET_LENGTH = 8  # a short value ("admin") would mask ordinary words


def redact(text: str) -> str:
    """The text with every known secret shape and every configured secret value masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    for name in _SECRET_SETTINGS:
        value = getattr(settings, name, "") if settings.configured else ""
        if isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH and value in text:
            text = text.replace(value, MASK)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message, `extra` fields and traceback text with the secrets masked;
    drops nothing. Extras matter: both formatters write them (django.request passes the request,
    whose repr holds the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        for key, value in extra_fields(record).items():
            if value is record.args:
                continue
            text = str(value)
            masked = redact(text)
            if masked != text:
                setattr(record, key, masked)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
