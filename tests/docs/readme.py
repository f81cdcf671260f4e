"""readme.py — what the README's tests share: the text between a README marker pair, and the
build's programs and compiler as make check passes them."""
import os
import re

SRCDIR = os.environ.get("CUSTRPC_TOP_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILDDIR = os.environ.get("CUSTRPC_TOP_BUILDDIR", os.getcwd())


def readme():
    with open(os.path.join(SRCDIR, "README.md"), encoding="utf-8") as f:
        return f.read()


def between(text, start, end):
    """The text between the marker lines <!-- start --> and <!-- end -->, exactly one pair."""
    opening = "<!-- %s -->\n" % start
    closing = "<!-- %s -->\n" % end
    if text.count(opening) != 1 or text.count(closing) != 1:
        raise AssertionError("README.md needs exactly one %r and one %r" % (opening, closing))
    a = text.index(opening) + len(opening)
    b = text.index(closing, a)
    return text[a:b]


def fenced(text, lang):
    """The fenced blocks of one language in text, in order."""
    return re.findall(r"^```%s\n(.*?)^```\n" % re.escape(lang), text, re.S | re.M)
