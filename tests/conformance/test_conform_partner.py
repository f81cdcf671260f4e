"""test_conform_partner.py — custrpc-conform's partner API cases (p0NN-*.xml, JSON-RPC 2.0 at
/jsonapi): the api profile passes partner_spec_server.py, a server written from the API text
alone, and fails on each of its bug modes naming the case that catches it; the custrpc profile
names this project's codes and rules; the options, reports, masking and --cleanup; and, once
custrpc-server serves /jsonapi, the custrpc profile passes it (skipped until then)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from harness import Server, main  # noqa: E402
from partner_spec_server import BUGS, PartnerSpecServer  # noqa: E402

CONFORM = os.environ.get("CUSTRPC_CONFORM", "conform/custrpc-conform")
CASES = os.path.join(HERE, "cases")
ROOT = ("Conform Root & Co", "conform-admin", "pw:with \"quotes\" \\ and colons")
# What a visa of partner_spec_server.py looks like: it must never show in output.
SPEC_VISA = re.compile(r"\d+-\d+-\d+-\d+-[0-9A-F]{64}")


def password_file(password):
    d = tempfile.mkdtemp(prefix="custrpc-partner-")
    path = os.path.join(d, "pw")
    with open(path, "w") as f:
        f.write(password + "\n")
    return path


def conform(url, *args, root=ROOT, login=True):
    cmd = [CONFORM, "--url", url, "--cases", CASES]
    if login:
        cmd += ["--partner", root[0], "--user", root[1], "--password-file", password_file(root[2])]
    r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    return r, failing(r.stdout)


def failing(stdout):
    """The FAIL and ERROR lines without their first word: "<name>: <reason>"."""
    return [line.split(" ", 1)[1] for line in stdout.splitlines() if line.startswith(("FAIL ", "ERROR "))]


def names(failed):
    """The case names of failing()'s lines, among the partner cases' names."""
    known = [ET.parse(os.path.join(CASES, f)).getroot().get("name") for f in os.listdir(CASES) if f.startswith("p")]
    return [max((k for k in known if line.startswith(k + ": ")), key=len, default=line) for line in failed]


def summary(stdout):
    return stdout.strip().splitlines()[-1]


# Each bug mode of partner_spec_server.py and the case of the api profile that must catch it.
CATCHES = {
    "visa-not-rotated": "partner visa: every answer carries a new visa, not the one sent",
    "visa-in-params": "partner visa: a visa inside params (and none at the top level) is refused",
    "level-not-enforced": "partner level: a Distributor under a Reseller is refused (1036)",
    "result-not-nested": "partner login: Login answers the user in result.result and the visa at the top level",
    "errors-http-500": "partner visa: a call without a visa is error 1701, with HTTP 200",
}
# The partner cases of the custrpc profile: this project's rules, which the text-only server
# does not follow even where codes are forgiven (--any-fault-code).
CUSTRPC_RULES = [
    "partner members: an unknown PartnerInfo member is error -32602 (1004)",
    "partner members: a country outside the location table is error 1037",
]


class AgainstPartnerSpecServer(unittest.TestCase):
    def test_api_profile_passes(self):
        with PartnerSpecServer(root=ROOT) as spec:
            r, failed = conform(spec.url)
            self.assertEqual(failed, [], r.stdout[-3000:])
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
            self.assertRegex(summary(r.stdout), r"^profile api: \d+ passed, 0 failed$")  # nothing skipped
            self.assertGreaterEqual(int(summary(r.stdout).split()[2]), 30)
            # Only the partner cases ran: the URL ends in /jsonapi.
            self.assertNotIn("create:", r.stdout)
            self.assertRegex(r.stdout, r"\nnot run: \d+ cases of the custrpc profile")
            # The partners it left are named; the one a case removed is not among them.
            self.assertRegex(r.stdout, r"\ncreated 2 partners \(the server keeps them; on a real service remove them\):\n"
                                       r"  partner Id \d+  conform-[0-9a-f]{6}-reseller\n"
                                       r"  partner Id \d+  conform-[0-9a-f]{6}-Zeus & Sons\n")
            self.assertEqual(len(spec.store.partners), 3)

    def test_each_bug_mode_is_caught(self):
        self.assertEqual(set(CATCHES), set(BUGS))
        for bug, case in CATCHES.items():
            with self.subTest(bug=bug), PartnerSpecServer(root=ROOT, bug=bug) as spec:
                r, failed = conform(spec.url)
                self.assertEqual(r.returncode, 1, "%s passed:\n%s" % (bug, r.stdout[-2000:]))
                self.assertIn(case, names(failed), "%s: expected %r among the failures:\n%s" % (bug, case, "\n".join(failed)))

    def test_custrpc_profile_names_this_projects_codes_and_rules(self):
        with PartnerSpecServer(root=ROOT) as spec:
            d = tempfile.mkdtemp()
            junit = os.path.join(d, "junit.xml")
            r, failed = conform(spec.url, "--profile", "custrpc", "--output", "json", "--junit", junit)
            self.assertEqual(r.returncode, 1)
            out = json.loads(r.stdout)
            self.assertEqual((out["profile"], out["api"]), ("custrpc", "partner"))
            results = {c["name"]: c for c in out["cases"]}
            for case in CUSTRPC_RULES:
                self.assertEqual((results[case]["status"], results[case]["basis"]), ("failed", "custrpc"), case)
            # Every other failure is an error code or data of this project's (the spec server's are 2000x).
            for c in out["cases"]:
                if c["status"] == "failed" and c["name"] not in CUSTRPC_RULES:
                    self.assertRegex(c["reason"], r"^error -?\d+( \(data \d+\))?: .*, expected error -?\d+( data \d+)?$", c["name"])
            level = results["partner level: a Distributor under a Reseller is refused (1036)"]
            self.assertRegex(level["reason"], r"^error -32603 \(data 20002\): .*, expected error -32603 data 1036$")
            self.assertIn('"Level": "Distributor"', level["request"])
            suite = ET.parse(junit).getroot().find("testsuite")
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            self.assertEqual((props["profile"], props["api"]), ("custrpc", "partner"))
            self.assertRegex(props["created-partner"], r"^Id \d+ conform-")
            # --any-fault-code forgives the codes, not this project's other rules.
            r, failed = conform(spec.url, "--profile", "custrpc", "--any-fault-code")
            self.assertEqual(sorted(names(failed)), sorted(CUSTRPC_RULES), r.stdout[-3000:])

    def test_secrets_never_shown(self):
        with PartnerSpecServer(root=ROOT) as spec:
            d = tempfile.mkdtemp()
            junit = os.path.join(d, "junit.xml")
            r, _ = conform(spec.url, "-v", "--profile", "custrpc", "--junit", junit)
            with open(junit, encoding="utf-8") as f:
                report = f.read()
            r2, _ = conform(spec.url, "--output", "json", "--profile", "custrpc")
            for text in (r.stdout, r.stderr, report, r2.stdout, r2.stderr):
                self.assertNotIn("with \\\"quotes\\\"", text)  # the password, JSON-escaped on the wire
                self.assertNotIn("with \"quotes\"", text)
                self.assertIsNone(SPEC_VISA.search(text))
            # The trace shows the Login with the password masked, each visa by its number.
            self.assertIn('"password": "***"', r.stderr)
            self.assertRegex(r.stderr, r'"visa": "<visa 1>"')
            self.assertNotIn("(no credentials)", r.stderr)

    def test_cleanup_removes_children_first(self):
        with PartnerSpecServer(root=ROOT) as spec:
            r, _ = conform(spec.url, "--cleanup")
            self.assertEqual(r.returncode, 0, r.stdout[-2000:])
            self.assertRegex(r.stdout, r"cleanup: removed partner Id \d+  conform-[0-9a-f]{6}-Zeus & Sons\n"
                                       r"cleanup: removed partner Id \d+  conform-[0-9a-f]{6}-reseller\n"
                                       r"cleanup: removed 2 of the 2 partners the run left\n")
            self.assertNotIn("created 2 partners", r.stdout)
            self.assertEqual(list(spec.store.partners), [1])  # the root alone
            # The custrpc profile leaves more (its refused cases were accepted here): all go.
            r, _ = conform(spec.url, "--cleanup", "--profile", "custrpc")
            self.assertRegex(r.stdout, r"cleanup: removed (\d+) of the \1 partners the run left\n")
            self.assertEqual(list(spec.store.partners), [1])

    def test_api_selection_and_usage(self):
        with PartnerSpecServer(root=ROOT) as spec:
            # The partner API needs its Login.
            r, _ = conform(spec.url, login=False)
            self.assertEqual(r.returncode, 64)
            self.assertIn("the partner API needs --partner NAME and --user LOGIN", r.stderr)
            r, _ = conform(spec.url, "--wholesaler", "1")
            self.assertEqual(r.returncode, 64)
            self.assertIn("--wholesaler is XML-RPC's trusted mode", r.stderr)
            # --api xmlrpc against /jsonapi: the XML-RPC cases run there (and fail), no partner case.
            r, _ = conform(spec.url, "--api", "xmlrpc", "--only", "create:*", login=False)
            self.assertEqual(r.returncode, 1)
            self.assertNotIn("partner ", r.stdout)
            r, _ = conform(spec.url, "--api", "xmlrpc")
            self.assertEqual(r.returncode, 64)
            self.assertIn("--partner is the partner API's", r.stderr)
            r, _ = conform(spec.url, "--api", "soap")
            self.assertEqual(r.returncode, 64)
            # --only picks among the partner cases; a pattern of XML-RPC cases selects none.
            r, _ = conform(spec.url, "--only", "partner visa:*")
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertRegex(summary(r.stdout), r"^profile api: \d+ passed, 0 failed, \d+ skipped$")
            self.assertIn("needs {{root_id}}", r.stdout)  # Login was not selected
            r, _ = conform(spec.url, "--only", "create:*")
            self.assertEqual(r.returncode, 5)
            self.assertIn("matches no case of the partner API", r.stderr)
            # A URL of another path with --api partner: the cases go to that URL as given.
            parts = urllib.parse.urlsplit(spec.url)
            r, failed = conform("%s://%s/RPC2" % (parts.scheme, parts.netloc), "--api", "partner",
                                "--only", "partner login:*")
            self.assertEqual(r.returncode, 1)
            self.assertIn("HTTP 404, expected 200", r.stdout)

    def test_case_format_errors(self):
        d = tempfile.mkdtemp()

        def load(text):
            with open(os.path.join(d, "p001-x.xml"), "w") as f:
                f.write(text)
            return subprocess.run([CONFORM, "--url", "http://127.0.0.1:1/jsonapi", "--cases", d, "--partner", "p",
                                   "--user", "u", "--password-file", password_file("x")],
                                  capture_output=True, text=True, timeout=60)

        head = '<case name="x" api="partner" basis="custrpc"><request><body>{}</body></request>'
        r = load(head + '<expect><xpath expr="1" equals="1"/></expect></case>')
        self.assertEqual(r.returncode, 65)
        self.assertIn("a partner case checks with <json>", r.stderr)
        r = load(head + '<expect><json path="result..x" exists="true"/></expect></case>')
        self.assertIn("an empty member name", r.stderr)
        r = load(head + '<expect><json path="result[x]" exists="true"/></expect></case>')
        self.assertIn("a selector is [N] or [Key=VALUE]", r.stderr)
        r = load(head + '<expect><json path="result" kind="float"/></expect></case>')
        self.assertIn("kind is object, array, string, integer, number, boolean or null", r.stderr)
        r = load(head + '<expect><json path="result"/></expect></case>')
        self.assertIn("<json> needs equals, not-equals, contains, kind, exists or length", r.stderr)
        r = load('<case name="x" api="partner" basis="custrpc"><request user="a"><body>{}</body></request></case>')
        self.assertIn("a partner case logs in with a Login call", r.stderr)
        r = load('<case name="x" api="json" basis="custrpc"><request><body>{}</body></request></case>')
        self.assertIn("api must be xmlrpc or partner", r.stderr)
        r = load('<case name="x" basis="custrpc"><request><body>x</body></request><expect fault-data="1"/></case>')
        self.assertIn("fault-data is JSON-RPC's error.data: partner cases only", r.stderr)
        r = load(head + '<capture var="v" xpath="string(/)"/></case>')
        self.assertIn("<capture> of a partner case needs var and json", r.stderr)


class AgainstReference(unittest.TestCase):
    """custrpc-server's /jsonapi under the custrpc profile: its contract, exact codes and data."""

    def test_custrpc_profile_passes(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-partner-")
        with open(os.path.join(tmp, "partner.pw"), "w") as f:
            f.write(ROOT[2] + "\n")
        cfg = ('<custrpc-server><partner-root name="%s" login="%s" password-file="%s"/></custrpc-server>'
               % (ROOT[0].replace("&", "&amp;"), ROOT[1], os.path.join(tmp, "partner.pw")))
        with Server(config=cfg, tmp=tmp) as srv:
            parts = urllib.parse.urlsplit(srv.url)
            url = "%s://%s/jsonapi" % (parts.scheme, parts.netloc)
            r, failed = conform(url, "--profile", "custrpc", "--cleanup")
            self.assertEqual(failed, [], r.stdout[-3000:] + srv.log_text()[-2000:])
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
            self.assertRegex(summary(r.stdout), r"^profile custrpc: \d+ passed, 0 failed$")
            self.assertRegex(r.stdout, r"cleanup: removed (\d+) of the \1 partners the run left\n")
            # The api profile passes too: the text's rules are part of the contract.
            r, failed = conform(url)
            self.assertEqual((r.returncode, failed), (0, []), r.stdout[-3000:])


if __name__ == "__main__":
    main()
