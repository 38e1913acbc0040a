"""Standard Webhooks signatures (https://www.standardwebhooks.com): the receiver recomputes
base64(HMAC-SHA256(secret, f"{webhook-id}.{webhook-timestamp}.{body}")) and compares it with one of the
space-separated ``v1,<signature>`` entries of the ``webhook-signature`` header. Secrets look like
``whsec_<base64 of the key bytes>``.

Deliveries are signed at the moment they are sent (a retry hours later carries a fresh timestamp that a
receiver's replay window accepts). Which secrets sign a delivery is asked of the app that owns it, through
SIGNERS (filled by higher apps in AppConfig.ready, see apps/core/registry.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable

from apps.core.registry import Registry

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)

# name -> callable(source_ref) returning the secrets to sign with now (two while a rotation overlaps).
SIGNERS: Registry[Callable[[str], list[str]]] = Registry("outbound delivery signers")


def secret_new() -> str:
    """A new signing secret: 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The base64 HMAC-SHA256 of "id.timestamp.body" under the secret."""
    content = f"{message_id}.{timestamp}.{body}".encode()
    return base64.b64encode(hmac.new(_key(secret), content, hashlib.sha256).digest()).decode()


def signature_header(secret_list: list[str], message_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature value: one "v1,<signature>" per secret, separated by spaces."""
    return " ".join(f"v1,{signature(secret, message_id, timestamp, body)}" for secret in secret_list)


def signed_headers(secret_list: list[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secret_list, message_id, timestamp, body),
    }
