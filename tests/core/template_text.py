"""Find the words a person reads in our templates that are not marked for translation.

Used by tests/core/test_templates_translated.py. A template is cut into Django tags, variables,
comments, HTML tags, scripts and text; what is left of the text (and of the attributes a person
reads or hears: title, aria-label, placeholder, alt, data-announce-*) once every marked string
({% translate %}, {% blocktranslate %}…{% endblocktranslate %}) is taken out must hold no words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TOKEN = re.compile(
    r"(\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{#.*?#\}"
    r"|\{%\s*block\s+body_class\s*%\}.*?\{%\s*endblock\s*%\}"  # CSS class names, not words
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%.*?%\}"
    r"|\{\{.*?\}\}"
    r"|<script\b.*?</script>"
    r"|<style\b.*?</style>"
    r"|<!--.*?-->"
    r"|<[a-zA-Z/!](?:\{%.*?%\}|\{\{.*?\}\}|[^>])*>)",
    re.S,
)
READ_ATTRIBUTES = re.compile(
    r"""\s(title|aria-label|aria-description|placeholder|alt|data-announce[\w-]*)="((?:\{%.*?%\}|\{\{.*?\}\}|[^"])*)\"""",
    re.S,
)
WORD = re.compile(r"[^\W\d_]{2,}")

# Words that are not language: the same in every language we ship.
ALLOWED = {
    "Control", "Tower",  # the product's name
    "Odoo",  # the ERP's name
    "SLA", "KPI", "KPIs", "API", "UTC", "CSV", "JSON", "URL", "HTTP", "HTTPS", "ID", "SMTP", "CSRF",  # acronyms
    "min", "kg", "ms",  # units
    "px",  # CSS in a style attribute
}  # fmt: skip


def template_files() -> list[Path]:
    """Every HTML template we ship (the project's and each app's)."""
    files = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "apps").glob("*/templates/**/*.html"))
    return [path for path in files if "odoosim" not in path.parts]


def unmarked_words(text: str) -> list[str]:
    """The words of a piece of template text that are not on the allow-list."""
    return [word for word in WORD.findall(text) if word not in ALLOWED]


def unmarked_strings(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) for each piece of text a person reads that is not marked for translation."""
    position = 0
    for match in TOKEN.finditer(source):
        yield from _text(source, position, match.start())
        token = match.group(0)
        if token.startswith("<") and not token.startswith(("<script", "<style", "<!--")):
            for attribute in READ_ATTRIBUTES.finditer(token):
                value = TOKEN.sub(" ", attribute.group(2))
                if unmarked_words(value):
                    line = source.count("\n", 0, match.start()) + 1
                    yield line, f'{attribute.group(1)}="{attribute.group(2).strip()}"'
        position = match.end()
    yield from _text(source, position, len(source))


def _text(source: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    text = source[start:end]
    if unmarked_words(text):
        yield source.count("\n", 0, start) + 1, " ".join(text.split())
