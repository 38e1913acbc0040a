"""Every word a person reads in a template is marked for translation (issue 24, languages).

The scanner (tests/core/template_text.py) strips Django tags, variables, comments, scripts and the
marked strings from every template; words left over are an unmarked string. Things that are not
language (the product's name, acronyms, units) are on its short, commented allow-list.
"""

from __future__ import annotations

import pytest

from tests.core.template_text import ROOT, template_files, unmarked_strings


def test_every_user_visible_template_string_is_marked_for_translation():
    unmarked = [
        f"{path.relative_to(ROOT)}:{line}: {text[:100]}"
        for path in template_files()
        for line, text in unmarked_strings(path.read_text(encoding="utf-8"))
    ]
    assert not unmarked, "Mark these with {% translate %} / {% blocktranslate %}:\n" + "\n".join(unmarked)


def test_there_are_templates_to_check():
    assert len(template_files()) > 50


@pytest.mark.parametrize(
    "source",
    [
        "<p>Nothing waits on you.</p>",
        '{% load i18n %}<h1>{% translate "Inbox" %} <small>waiting on you</small></h1>',
        '<button title="Close the panel">×</button>',
        "{% if late %}{{ count }} trucks late{% endif %}",
        '<input placeholder="{{ hint }} or a reference">',
    ],
)
def test_an_unmarked_string_is_found(source):
    assert list(unmarked_strings(source))


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Nothing waits on you." %}</p>',
        "{% load i18n %}<p>{% blocktranslate with n=count %}{{ n }} trucks late{% endblocktranslate %}</p>",
        '<button title="{% translate "Close the panel" %}">×</button>',
        "{# a comment in English #}<span>{{ case.title }}</span> · 12 min",  # data and units are not language
        "<script>const words = 'are not template text';</script>",
        "{% block title %}Control Tower{% endblock %}",  # the brand
        "{% block body_class %}desk login-page{% endblock %}",  # CSS classes
        '<div class="{% if a > b %}ap-bad{% endif %}">{{ value }}</div>',  # a comparison inside a tag
    ],
)
def test_marked_strings_data_and_code_are_not_flagged(source):
    assert not list(unmarked_strings(source))
