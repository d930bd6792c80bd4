"""Every word a person reads in the couples templates goes through translation
(issue 15, item 9): no English left as bare text, nor in the attributes a screen
reader or a browser shows (aria-label, title, placeholder, alt, a text input's value).

Read straight from the template source, so it needs no compiled catalogue. What is
left of a template once its translate/blocktranslate tags, variables, other tags
and comments are taken out must hold no words. The therapy templates and the
notifications page are marked in their own pieces of work (docs/decisions.md,
"Languages: the couples templates").
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "couples"
NOT_HERE = {"notifications.html", "sections/therapy.html"}

COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
BLOCKTRANSLATE = re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S)
TEMPLATE_COMMENT = re.compile(r"{#.*?#}", re.S)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
READ_ATTRIBUTE = re.compile(r'\b(aria-label|title|placeholder|alt)\s*=\s*"([^"]*)"')
INPUT_VALUE = re.compile(r'\bvalue\s*=\s*"([^"]*)"')
WORD = re.compile(r"[A-Za-z]{2,}")


def templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith("therapy/") or name in NOT_HERE:
            continue
        yield name


def untranslated(source: str) -> list[str]:
    """The words left in ``source`` outside translation tags."""
    for pattern in (COMMENT_BLOCK, BLOCKTRANSLATE, TEMPLATE_COMMENT):
        source = pattern.sub("", source)
    # A tag inside an attribute value leaves the attribute's quotes in place.
    source = TEMPLATE_CODE.sub("\x00", source)
    source = SCRIPT_OR_STYLE.sub("", source)
    found = []
    for tag in TAG.findall(source):
        found += [value for _, value in READ_ATTRIBUTE.findall(tag) if WORD.search(value)]
        is_text_input = tag.startswith("<input") and not re.search(
            r'type="(hidden|radio|checkbox)"', tag
        )
        if is_text_input:
            found += [value for value in INPUT_VALUE.findall(tag) if WORD.search(value)]
    text = TAG.sub("\n", source)
    found += [line.replace("\x00", "").strip() for line in text.splitlines() if WORD.search(line)]
    return found


def test_the_checker_finds_bare_words_and_passes_translated_ones():
    bare = '<p>Hello {{ name }}</p><a aria-label="Go back" href="/">{% translate "Back" %}</a>'
    assert untranslated(bare) == ["Go back", "Hello"]
    marked = (
        "{% load i18n %}<p>{% blocktranslate trimmed with name=x %}Hello {{ name }}"
        '{% endblocktranslate %}</p><input type="hidden" name="answer" value="yes">'
        '<input type="text" value="{% translate "How we ask" %}">'
        '<a aria-label="{% translate "Go back" %}" href="/">{% translate "Back" %}</a>'
    )
    assert untranslated(marked) == []


@pytest.mark.parametrize("name", list(templates()))
def test_couples_template_has_no_untranslated_words(name):
    assert untranslated((TEMPLATES / name).read_text()) == []
