"""One vocabulary on screen: the server (Python) and the browser (static/js/vocabulary.js) say the
same durations and the same severity and status words, checked by running both on the same inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from apps.core import vocabulary
from apps.core.templatetags.vocabulary import severity_badge

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "vocabulary.js"
CHROMIUM = os.environ.get("CT_CHROMIUM", "/usr/bin/chromium")

MIN, HOUR, DAY = 60, 3600, 86400
SECONDS = [0, 59, MIN, 59 * MIN, 60 * MIN, 61 * MIN, 150 * MIN, 23 * HOUR, 25 * HOUR, 3 * DAY, 90.5, 3599.9]
SECONDS += [-s for s in SECONDS if s] + [-30]
LEVELS = [*vocabulary.SEVERITY, "unheard-of"]
STATES = [*vocabulary.STATUS, "unheard-of"]


def python_side() -> dict:
    return {
        "duration": [vocabulary.duration_words(s) for s in SECONDS],
        "left": [vocabulary.time_left_words(s) for s in SECONDS],
        "due": [vocabulary.due_in_words(s) for s in SECONDS],
        "ago": [vocabulary.ago_words(s) for s in SECONDS],
        "severity": [vocabulary.severity_text(level) for level in LEVELS],
        "status": [vocabulary.status_text(state) for state in STATES],
    }


JS_CALLS = """
  V.useTables(TABLES);
  return {
    duration: SECONDS.map(V.durationWords), left: SECONDS.map(V.timeLeftWords),
    due: SECONDS.map(V.dueInWords), ago: SECONDS.map(V.agoWords),
    severity: LEVELS.map(V.severityText), status: STATES.map(V.statusText),
  };
"""


def inputs_js() -> str:
    return (
        f"const TABLES = {json.dumps(vocabulary.vocabulary_table())};"
        f"const SECONDS = {json.dumps(SECONDS)}; const LEVELS = {json.dumps(LEVELS)};"
        f"const STATES = {json.dumps(STATES)};"
    )


def js_side() -> dict:
    """Run static/js/vocabulary.js in node when the machine has it, else in Chromium."""
    node = shutil.which("node")
    if node:
        program = (
            f"const V = require({json.dumps(str(SCRIPT))}); {inputs_js()}"
            f"console.log(JSON.stringify((function () {{ {JS_CALLS} }})()));"
        )
        result = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=30, check=True)
        return json.loads(result.stdout)
    if not shutil.which(CHROMIUM):
        pytest.skip("neither node nor Chromium is installed to run the browser's side")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.add_script_tag(content=SCRIPT.read_text())
        answer = page.evaluate(f"() => {{ const V = window.ControlTowerVocabulary; {inputs_js()} {JS_CALLS} }}")
        browser.close()
        return answer


def test_python_and_the_browser_say_the_same_durations_and_levels():
    python, js = python_side(), js_side()
    for key in python:
        assert js[key] == python[key], key


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "<1 min"),
        (59, "<1 min"),
        (60, "1 min"),
        (59 * MIN, "59 min"),
        (60 * MIN, "1 h"),
        (61 * MIN, "1 h 1 min"),
        (150 * MIN, "2 h 30 min"),  # never "2 h" on one screen and "3 h" on another
        (23 * HOUR, "23 h"),
        (25 * HOUR, "1 d 1 h"),
        (3 * DAY, "3 d"),
        (-150 * MIN, "2 h 30 min"),
    ],
)
def test_durations_read_like_a_person_says_them(seconds, words):
    assert vocabulary.duration_words(seconds) == words


def test_past_due_times_say_overdue_by():
    assert vocabulary.time_left_words(-12 * MIN) == "overdue by 12 min"
    assert vocabulary.time_left_words(40 * MIN) == "40 min left"
    assert vocabulary.due_in_words(-15 * MIN) == "overdue by 15 min"
    assert vocabulary.due_in_words(20 * MIN) == "in 20 min"


def test_severity_and_status_never_share_a_symbol_and_each_has_a_word():
    severity = {label["symbol"] for label in vocabulary.SEVERITY.values()}
    status = {label["symbol"] for label in vocabulary.STATUS.values()}
    assert len(severity) == len(vocabulary.SEVERITY) and len(status) == len(vocabulary.STATUS)
    assert not severity & status
    assert all(label["word"] for label in [*vocabulary.SEVERITY.values(), *vocabulary.STATUS.values()])


def test_a_severity_badge_carries_symbol_word_and_colour_class():
    html = severity_badge("critical")
    assert 'class="sev-badge sev--critical ' in html and "⬣" in html and "Critical" in html
