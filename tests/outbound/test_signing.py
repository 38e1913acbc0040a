"""Our signatures against the Standard Webhooks specification's published test vector, checked by hand with
hashlib (the `standardwebhooks` package is not installed here)."""

import base64
import hashlib
import hmac

from apps.outbound.signing import SECRET_PREFIX, secret_new, signature_header, signed_headers

# The vector published with the specification (its reference libraries test "sign function works" with it).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def independent_signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.split("_", 1)[1])
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def test_we_produce_the_specification_s_signature():
    assert signature_header([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert independent_signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_headers_carry_id_timestamp_and_one_signature_per_secret_during_a_rotation():
    new, old = secret_new(), secret_new()
    headers = signed_headers([new, old], "msg_1", 1700000000, '{"a":1}')
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == "1700000000"
    first, second = headers["webhook-signature"].split(" ")
    assert first == independent_signature(new, "msg_1", 1700000000, '{"a":1}')
    assert second == independent_signature(old, "msg_1", 1700000000, '{"a":1}')


def test_a_new_secret_is_whsec_and_32_random_bytes():
    secret = secret_new()
    assert secret.startswith(SECRET_PREFIX)
    assert len(base64.b64decode(secret.removeprefix(SECRET_PREFIX))) == 32
    assert secret != secret_new()
