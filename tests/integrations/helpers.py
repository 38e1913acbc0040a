"""An independent Standard Webhooks verifier for the tests (hashlib, not our signing module)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance_s: int = 300) -> bool:
    """True when one of the header's v1 signatures matches and the timestamp is within the replay window."""
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    offered = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ") if part.startswith("v1,")]
    return any(hmac.compare_digest(expected.decode(), signature) for signature in offered)
