"""One synchronous call to an OpenAI-compatible chat completions API, with the promises of the
outbound transport (apps/outbound): the URL and the address actually connected to pass the
private-address guard, no proxies from the environment, no redirects followed, a total time limit,
and the answer read only up to a cap. Every failure is raised as ChatError with a short reason.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests
from django.conf import settings

from apps.outbound.guard import UnsafeUrl, check_url
from apps.outbound.transport import GuardedAdapter

MAX_ANSWER_BYTES = 256 * 1024  # a chat answer capped at a few hundred tokens is a few kB


class ChatError(Exception):
    """The model gave no usable answer: unreachable, slow, refused, or not the API's shape."""


def endpoint() -> str:
    """The chat completions URL from ADVISOR_LLM_URL (a base URL such as …/v1, or the full URL)."""
    url = settings.ADVISOR_LLM_URL.strip().rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def configured() -> bool:
    return bool(settings.ADVISOR_LLM_URL.strip() and settings.ADVISOR_LLM_MODEL.strip())


def complete(messages: list[dict[str, str]], *, json_answer: bool = True) -> str:
    """The text of the first choice's message. Raises ChatError on any failure."""
    if not configured():
        raise ChatError("No external model is configured (ADVISOR_LLM_URL, ADVISOR_LLM_MODEL).")
    url = endpoint()
    try:
        check_url(url)
    except UnsafeUrl as exc:
        raise ChatError(str(exc)) from None
    body: dict[str, Any] = {
        "model": settings.ADVISOR_LLM_MODEL,
        "messages": messages,
        "max_tokens": settings.ADVISOR_LLM_MAX_OUTPUT_TOKENS,
        "temperature": 0,
    }
    if json_answer:
        body["response_format"] = {"type": "json_object"}
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.ADVISOR_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.ADVISOR_LLM_API_KEY}"
    timeout_s = settings.ADVISOR_LLM_TIMEOUT_S
    deadline = time.monotonic() + timeout_s
    session = requests.Session()
    session.trust_env = False  # no proxy detour: the guard must see the server itself
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        with session:
            response = session.post(
                url, data=json.dumps(body).encode(), headers=headers,
                timeout=(min(timeout_s, 5.0), timeout_s), allow_redirects=False, stream=True,
            )  # fmt: skip
            with response:
                chunks: list[bytes] = []
                read = 0
                for chunk in response.iter_content(chunk_size=8192):
                    chunks.append(chunk)
                    read += len(chunk)
                    if read > MAX_ANSWER_BYTES:
                        raise ChatError(f"The model's answer is larger than {MAX_ANSWER_BYTES // 1024} kB.")
                    if time.monotonic() > deadline:
                        raise ChatError(f"No complete answer within {timeout_s:g} s.")
                status = response.status_code
    except UnsafeUrl as exc:
        raise ChatError(str(exc)) from None
    except requests.Timeout:
        raise ChatError(f"No answer within {timeout_s:g} s.") from None
    except requests.RequestException as exc:
        if isinstance(exc.__context__, UnsafeUrl):
            raise ChatError(str(exc.__context__)) from None
        raise ChatError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if not 200 <= status < 300:
        raise ChatError(f"The model's API answered HTTP {status}.")
    try:
        payload = json.loads(b"".join(chunks))
        content = payload["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ChatError("The model's API answered something that is not a chat completion.") from None
    if not isinstance(content, str) or not content.strip():
        raise ChatError("The model answered nothing.")
    return content


def parse_json_object(content: str) -> dict[str, Any]:
    """The JSON object in a model's answer (a ```json fence around it is tolerated)."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text[4:] if text.lower().startswith("json") else text
    try:
        value = json.loads(text)
    except ValueError:
        raise ChatError("The model's answer is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ChatError("The model's answer is not a JSON object.")
    return value
