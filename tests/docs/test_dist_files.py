"""test_dist_files.py — the files a user looks for first: LICENSE (the MIT text), NEWS (GNU
style, its newest section for the version configure.ac builds), both distributed and both named
by the README."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402
from readme import SRCDIR, readme  # noqa: E402


def text(name):
    with open(os.path.join(SRCDIR, name), encoding="utf-8") as f:
        return f.read()


class DistFiles(unittest.TestCase):
    def test_license_is_mit(self):
        t = text("LICENSE")
        self.assertTrue(t.startswith("MIT License\n\nCopyright (c) "), t[:80])
        for sentence in ("Permission is hereby granted, free of charge, to any person obtaining a copy",
                         "The above copyright notice and this permission notice shall be included in all",
                         'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR'):
            self.assertIn(sentence, t)

    def test_news_leads_with_this_version(self):
        version = re.search(r"AC_INIT\(\[custrpc\], \[([^]]+)\]", text("configure.ac")).group(1)
        releases = re.findall(r"^\* Noteworthy changes in release (\S+) \(([^)]+)\)$", text("NEWS"), re.M)
        self.assertTrue(releases, "no '* Noteworthy changes in release V (DATE)' heading")
        self.assertEqual(releases[0][0], version, "NEWS's newest section is not for %s" % version)
        self.assertEqual(len({r[0] for r in releases}), len(releases), "a release twice")

    def test_distributed_and_named(self):
        am = text("Makefile.am")
        extra = " ".join(re.findall(r"^EXTRA_DIST \+?= ((?:.*\\\n)*.*)$", am, re.M))
        for name in ("LICENSE", "NEWS"):
            self.assertIn(name, extra.split(), "%s is not in EXTRA_DIST" % name)
            self.assertIn("(%s)" % name, readme())


if __name__ == "__main__":
    main()
