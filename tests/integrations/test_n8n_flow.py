"""The importable n8n example (docs/integrations/n8n-case-flow.json): its signature check, run in Node the way
n8n's Code node runs it, accepts a delivery we sign and refuses a tampered or replayed one; its HTTP Request
nodes call API paths that exist."""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from apps.outbound.signing import secret_new, signed_headers

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = json.loads((ROOT / "docs" / "integrations" / "n8n-case-flow.json").read_text())
NODE = shutil.which("node")

# Runs a Code node's JavaScript as n8n does: inside an async function, with $input, $env and this.helpers.
HARNESS = r"""
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const run = new AsyncFunction('$input', '$env', 'require', input.code);
const item = { json: { headers: input.headers, body: JSON.parse(input.body) }, binary: {} };
const helpers = { getBinaryDataBuffer: async (index, name) => Buffer.from(input.body, 'utf8') };
run.call({ helpers }, { first: () => item, all: () => [item] }, { CT_WEBHOOK_SECRET: input.secret }, require)
  .then((out) => { process.stdout.write(JSON.stringify(out)); })
  .catch((error) => { process.stdout.write(JSON.stringify({ refused: error.message })); });
"""


def node_by_type(kind: str) -> dict:
    (found,) = [node for node in WORKFLOW["nodes"] if node["type"] == kind]
    return found


def run_check(secret: str, headers: dict[str, str], body: str) -> dict | list:
    code = node_by_type("n8n-nodes-base.code")["parameters"]["jsCode"]
    payload = json.dumps({"code": code, "headers": headers, "body": body, "secret": secret})
    answer = subprocess.run(
        [NODE, "-e", HARNESS], input=payload, capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(answer.stdout)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_flow_s_check_accepts_our_signature_and_refuses_tampering_and_replays():
    secret = secret_new()
    body = json.dumps({"type": "case.opened", "site": "BRU", "data": {"case": 17, "title": "Receipt late"}})
    now = int(time.time())
    headers = signed_headers([secret_new(), secret], "msg_n8n", now, body)  # the right secret is the second one

    accepted = run_check(secret, headers, body)
    assert accepted == [{"json": json.loads(body)}]
    assert run_check(secret, headers, body.replace("17", "18")) == {"refused": "Invalid webhook signature: refused."}
    assert run_check(secret_new(), headers, body) == {"refused": "Invalid webhook signature: refused."}
    old = signed_headers([secret], "msg_n8n", now - 3600, body)
    assert "5-minute window" in run_check(secret, old, body)["refused"]  # type: ignore[call-overload]


def test_the_flow_starts_at_a_webhook_verifies_then_calls_our_api():
    assert node_by_type("n8n-nodes-base.webhook")["parameters"]["options"]["rawBody"] is True  # exact bytes
    connections = WORKFLOW["connections"]
    assert connections["Control Tower webhook"]["main"][0][0]["node"] == "Verify signature"
    calls = [node for node in WORKFLOW["nodes"] if node["type"] == "n8n-nodes-base.httpRequest"]
    assert len(calls) == 2
    for call in calls:
        assert call["parameters"]["genericAuthType"] == "httpHeaderAuth"  # Authorization: Bearer ct_…
        path = re.sub(r"\{\{[^}]*\}\}", "1", call["parameters"]["url"].split("}}", 1)[1])
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"the flow calls {path}, which the API does not have")
