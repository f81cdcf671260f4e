"""test_readme_example.py — the README's C client example, extracted verbatim from between its
markers, compiles with the build's warning (and sanitizer) flags against the built libcustrpc,
creates a customer on a custrpc-server started on port 0 (open mode, then Digest as the root),
and fails cleanly with an empty URL: an error message, exit status 1, no crash."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Server, main, unique  # noqa: E402
from readme import BUILDDIR, SRCDIR, between, fenced, readme  # noqa: E402


def compile_example(tmp):
    blocks = fenced(between(readme(), "example: client.c", "/example"), "c")
    assert len(blocks) == 1, "one ```c block between the example markers"
    src = os.path.join(tmp, "client.c")
    with open(src, "w") as f:
        f.write(blocks[0])
    cc = os.environ.get("CUSTRPC_CC", "cc")
    cflags = os.environ.get("CUSTRPC_EXAMPLE_CFLAGS", "-std=c11 -Wall -Wextra -Werror").split()
    # libtool links against the uninstalled library; -no-install gives a binary that finds it
    # without a wrapper script.
    cmd = [os.path.join(BUILDDIR, "libtool"), "--quiet", "--tag=CC", "--mode=link", cc] + cflags + [
        "-I" + os.path.join(SRCDIR, "lib"), "-no-install", src,
        os.path.join(BUILDDIR, "lib", "libcustrpc.la"), "-o", os.path.join(tmp, "client")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
    assert r.returncode == 0, "the README example does not build:\n%s\n%s" % (" ".join(cmd), r.stderr)
    return os.path.join(tmp, "client")


class ReadmeClientExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="custrpc-example-")
        cls.client = compile_example(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_client(self, *args, **env):
        e = dict(os.environ, CUSTRPC_WEB_PASSWORD="Self-care-pw-1")
        e.update(env)
        return subprocess.run([self.client] + list(args), capture_output=True, text=True, env=e,
                              timeout=120, stdin=subprocess.DEVNULL)

    def assert_no_crash(self, r):
        self.assertGreaterEqual(r.returncode, 0, "killed by signal %d\n%s" % (-r.returncode, r.stderr))
        for word in ("AddressSanitizer", "runtime error", "LeakSanitizer"):
            self.assertNotIn(word, r.stderr)

    def test_empty_url_is_an_error_not_a_crash(self):
        r = self.run_client("")
        self.assert_no_crash(r)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("client: no server URL", r.stderr)
        r = self.run_client()  # no argument: the same empty URL
        self.assert_no_crash(r)
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_creates_a_customer_in_open_mode(self):
        with Server() as srv:
            r = self.run_client(srv.url)  # no login: open local mode acts as the root
            self.assert_no_crash(r)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^i_customer \d+\n$")
            got = srv.proxy().getCustomerInfo({"i_customer": int(r.stdout.split()[1])})
            self.assertEqual(got["customer"]["name"], "Acme Telecom")

    def test_creates_a_customer_as_the_root_with_digest(self):
        cfg = '<custrpc-server><root password-file="root.pw"/><tariff i_tariff="1" name="Default"/></custrpc-server>'
        with Server(config=cfg, root_password="Root-pw-1") as srv:
            name = unique("example")
            r = self.run_client(srv.url, "ssp-root", name, CUSTRPC_PASSWORD="Root-pw-1")
            self.assert_no_crash(r)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^i_customer \d+\n$")
            # A wrong password is an error with its kind and code, exit 1.
            r = self.run_client(srv.url, "ssp-root", unique("example"), CUSTRPC_PASSWORD="wrong")
            self.assert_no_crash(r)
            self.assertEqual(r.returncode, 1)
            self.assertIn("code 2003", r.stderr)

    def test_missing_web_password_names_the_member(self):
        e = dict(os.environ)
        e.pop("CUSTRPC_WEB_PASSWORD", None)
        r = subprocess.run([self.client, "http://127.0.0.1:1/RPC2"], capture_output=True, text=True, env=e,
                           timeout=60, stdin=subprocess.DEVNULL)
        self.assert_no_crash(r)
        self.assertEqual(r.returncode, 1)
        self.assertIn("web_password", r.stderr)


if __name__ == "__main__":
    main()
