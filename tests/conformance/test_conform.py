"""test_conform.py — custrpc-conform against the reference server (every case passes, in
open, authenticated and trusted mode) and against deliberately faulty servers (each fault is
reported, naming the right case); the generated cases match the field table."""
import filecmp
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from faulty_proxy import BUGS, FaultyProxy  # noqa: E402
from harness import Server, main  # noqa: E402

CONFORM = os.environ.get("CUSTRPC_CONFORM", "conform/custrpc-conform")
GEN_CASES = os.environ.get("CUSTRPC_GEN_CASES", "conform/gen-cases")
CASES = os.path.join(HERE, "cases")
SPEC = os.path.join(HERE, "..", "data", "spec-fields.txt")


def conform(url, *args):
    r = subprocess.run([CONFORM, "--url", url, "--cases", CASES] + list(args), capture_output=True, text=True,
                       timeout=600, stdin=subprocess.DEVNULL)
    return r, failing_names(r.stdout)


def failing_names(stdout):
    """Case names of the FAIL lines ("FAIL <name>: <reason>")."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("FAIL "):
            out.append(line[5:])
    return out


class AgainstReference(unittest.TestCase):
    def test_open_mode_all_pass(self):
        with Server() as srv:
            d = tempfile.mkdtemp()
            r, _ = conform(srv.url, "--junit", os.path.join(d, "junit.xml"))
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
            last = r.stdout.strip().splitlines()[-1]
            self.assertRegex(last, r"^\d+ passed, 0 failed, \d+ skipped$")
            self.assertGreaterEqual(int(last.split()[0]), 60)
            with open(os.path.join(d, "junit.xml")) as f:
                junit = f.read()
            self.assertIn('<testsuite name="custrpc-conform"', junit)
            self.assertIn('failures="0"', junit)

    def test_authenticated_and_trusted_all_pass(self):
        cfg = ('<custrpc-server><root login="ssp-root" password-file="root.pw"/>'
               '<trusted-host address="127.0.0.1"/></custrpc-server>')
        with Server(config=cfg, root_password="conform-pw") as srv:
            # Trusted mode: no credentials from a trusted host, i_wholesaler in every create.
            r, _ = conform(srv.url, "--wholesaler", "1")
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
            self.assertIn("ok   trusted mode: an unknown i_wholesaler is fault 1033", r.stdout)
        cfg = '<custrpc-server><root login="ssp-root" password-file="root.pw"/></custrpc-server>'
        with Server(config=cfg, root_password="conform-pw") as srv:
            pw = os.path.join(srv.tmp, "pw")
            with open(pw, "w") as f:
                f.write("conform-pw\n")
            r, _ = conform(srv.url, "--user", "ssp-root", "--password-file", pw)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
            self.assertIn("ok   auth: a wrong password is HTTP 401", r.stdout)

    def test_only_and_usage(self):
        with Server() as srv:
            r, _ = conform(srv.url, "--only", "uniqueness:*")
            self.assertEqual(r.returncode, 0, r.stdout)
            # The duplicate-name case builds on the first create, which --only left out: skipped.
            self.assertEqual(r.stdout.strip().splitlines()[-1], "6 passed, 0 failed, 1 skipped")
            self.assertIn("skip uniqueness: the same name again is fault 1010: needs {{first_id}}", r.stdout)
        r = subprocess.run([CONFORM], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 64)
        r = subprocess.run([CONFORM, "--url", "http://127.0.0.1:1/RPC2", "--cases", tempfile.mkdtemp()],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 65)
        self.assertIn("no case files", r.stderr)

    def test_no_server_fails_every_case(self):
        r, failed = conform("http://127.0.0.1:1/RPC2", "--only", "create:*")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(failed and all("no answer" in line for line in failed), r.stdout)


EXPECTED = {
    "lowercase-ok": 'create: minimal request answers {result: "OK", i_customer: int}',
    "accept-unknown": "members: an unknown member is fault 1004, not ignored",
    "duplicate-id": "create: a second customer gets a new i_customer",
    "html-200": "uniqueness: the same name again is fault 1010",
    "fault-code-string": "params: two structs instead of one is fault -32602",
    "no-uniqueness": "uniqueness: the same name again is fault 1010",
    "extra-member": 'create: minimal request answers {result: "OK", i_customer: int}',
    "id-as-string": 'create: minimal request answers {result: "OK", i_customer: int}',
    "http-500-faults": "members: an unknown member is fault 1004, not ignored",
    "content-type-html": "introspection: system.listMethods names createCustomer",
    "bool-as-int": "field all-fields: 2-read-back",
    "ignores-hierarchy": "hierarchy: rights beyond the parent's are fault 1032",
}
# Faults that only an authenticated run can see (the hierarchy cases log in as a reseller).
NEEDS_AUTH = {"ignores-hierarchy"}
AUTH_CONFIG = '<custrpc-server><root login="ssp-root" password-file="root.pw"/></custrpc-server>'


class AgainstFaultyServers(unittest.TestCase):
    def test_each_fault_is_caught(self):
        self.assertEqual(set(EXPECTED), set(BUGS))
        for bug, case in EXPECTED.items():
            auth = bug in NEEDS_AUTH
            server = Server(config=AUTH_CONFIG, root_password="faulty-pw") if auth else Server()
            with self.subTest(bug=bug), server as srv:
                proxy = FaultyProxy(srv.url, bug, SPEC)
                args = []
                if auth:
                    pw = os.path.join(srv.tmp, "pw")
                    with open(pw, "w") as f:
                        f.write("faulty-pw\n")
                    args = ["--user", "ssp-root", "--password-file", pw]
                try:
                    r, _ = conform(proxy.url, *args)
                finally:
                    proxy.close()
                self.assertEqual(r.returncode, 1, "%s passed the suite:\n%s" % (bug, r.stdout[-2000:]))
                self.assertTrue(any(line.startswith(case + ":") for line in failing_names(r.stdout)),
                                "%s: expected %r among the failures:\n%s" % (bug, case, "\n".join(failing_names(r.stdout)[:20])))


class GeneratedCases(unittest.TestCase):
    def test_generated_cases_match_the_table(self):
        out = tempfile.mkdtemp(prefix="custrpc-cases-")
        subprocess.run([GEN_CASES, out], check=True, timeout=60)
        made = sorted(os.listdir(out))
        committed = sorted(f for f in os.listdir(CASES) if f.startswith("f-"))
        self.assertEqual(made, committed, "regenerate with: gen-cases tests/conformance/cases")
        _, mismatch, errors = filecmp.cmpfiles(out, CASES, made, shallow=False)
        self.assertEqual((mismatch, errors), ([], []), "regenerate with: gen-cases tests/conformance/cases")


if __name__ == "__main__":
    main()
