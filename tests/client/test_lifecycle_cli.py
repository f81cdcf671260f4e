"""test_lifecycle_cli.py — custrpc update|list|delete|block|unblock|add-funds|credit|debit against
an independent server (lifecycle_server.py: Python's xmlrpc.server, recording each request):
exact members and XML-RPC types on the wire, nothing extra, text and JSON output, exit codes for
faults, HTTP errors and a refused connection, local validation that sends nothing; the password
file rule; and the lifecycle conformance cases (tests/conformance/cases/1NN-*) with
custrpc-conform --cleanup against the same server."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from harness import main  # noqa: E402
from lifecycle_server import LifecycleServer  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
CONFORM = os.environ.get("CUSTRPC_CONFORM", "conform/custrpc-conform")
CASES = os.path.join(HERE, "..", "conformance", "cases")
COMMANDS = ("update", "list", "delete", "block", "unblock", "add-funds", "credit", "debit")


def custrpc(*args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
    e.update(env or {})
    return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=120, env=e,
                          stdin=subprocess.DEVNULL)


def lifecycle_cases():
    """A directory with only the lifecycle cases (1NN-*.xml)."""
    d = tempfile.mkdtemp(prefix="custrpc-lc-cases-")
    for name in os.listdir(CASES):
        if name[:1] == "1" and name.endswith(".xml"):
            os.symlink(os.path.abspath(os.path.join(CASES, name)), os.path.join(d, name))
    return d


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.srv = LifecycleServer()
        self.api = xmlrpc.client.ServerProxy(self.srv.url, allow_none=True)
        self.id = self.api.createCustomer({"name": "Alpha", "web_password": "pw-1", "i_tariff": 1,
                                           "balance": 10.5, "payment_currency": "USD"})["i_customer"]
        self.tmp = tempfile.mkdtemp(prefix="custrpc-lc-")

    def tearDown(self):
        self.srv.close()

    def run_cmd(self, *args, **kw):
        return custrpc(args[0], "--url", self.srv.url, *args[1:], **kw)

    def sent(self):
        return self.srv.request(-1)

    def assert_nothing_sent(self, r, code, text):
        before = len(self.srv.bodies)
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertIn(text, r.stderr)
        self.assertEqual(len(self.srv.bodies), before)

    # --- update ------------------------------------------------------------------------------
    def test_update_sends_exactly_the_fields_given(self):
        r = self.run_cmd("update", "--i-customer", str(self.id), "--company-name", "Alpha Ltd",
                         "--credit-limit", "50", "--callshop-enabled", "--max-sessions", "unlimited")
        self.assertEqual((r.returncode, r.stdout), (0, "updated customer %d\n" % self.id), r.stderr)
        method, m = self.sent()
        self.assertEqual((m.pop("credit_limit")[0], float(self.srv.customers[self.id]["credit_limit"])), ("double", 50.0))
        self.assertEqual((method, m), ("updateCustomer", {
            "i_customer": ("int", str(self.id)), "company_name": ("string", "Alpha Ltd"),
            "callshop_enabled": ("boolean", "1"), "max_sessions": ("nil", None)}))
        r = self.run_cmd("update", "--i-customer", str(self.id), "--description", "x", "--output", "json",
                         "--wholesaler", "1")
        self.assertEqual(json.loads(r.stdout), {"result": "OK", "i_customer": self.id})
        self.assertEqual(self.sent()[1]["i_wholesaler"], ("int", "1"))

    def test_update_validates_locally(self):
        r = self.run_cmd("update", "--i-customer", str(self.id))
        self.assert_nothing_sent(r, 65, "at least one field")
        r = self.run_cmd("update", "--name", "x")
        self.assert_nothing_sent(r, 64, "--i-customer N is required")
        r = self.run_cmd("update", "--i-customer", str(self.id), "--email", "not an address")
        self.assert_nothing_sent(r, 65, "email")
        r = self.run_cmd("update", "--i-customer", str(self.id), "--web-password", "s3cret")
        self.assert_nothing_sent(r, 64, "passwords are not taken on the command line")
        self.assertNotIn("s3cret", r.stderr)
        r = self.run_cmd("update", "--i-customer", "0", "--name", "x")
        self.assert_nothing_sent(r, 64, "--i-customer")

    def test_update_password_only_from_its_file(self):
        # An exported variable meant for create does not change a password on update.
        r = self.run_cmd("update", "--i-customer", str(self.id), "--description", "d",
                         env={"CUSTRPC_WEB_PASSWORD": "from-env"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("web_password", self.sent()[1])
        pw = os.path.join(self.tmp, "web.pw")
        with open(pw, "w") as f:
            f.write("New-Pw-1\r\n")
        r = self.run_cmd("update", "--i-customer", str(self.id), "--web-password-file", pw, "-v")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.sent()[1], {"i_customer": ("int", str(self.id)), "web_password": ("string", "New-Pw-1")})
        self.assertNotIn("New-Pw-1", r.stderr)  # -v masks it

    def test_update_faults(self):
        other = self.api.createCustomer({"name": "Beta", "web_password": "pw", "i_tariff": 1})["i_customer"]
        r = self.run_cmd("update", "--i-customer", str(other), "--name", "Alpha")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 1010: name:", r.stderr)
        r = self.run_cmd("update", "--i-customer", "99999", "--name", "Gamma")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 1040", r.stderr)

    # --- list --------------------------------------------------------------------------------
    def test_list_sends_only_what_is_given(self):
        r = self.run_cmd("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.sent(), ("listCustomers", {}))
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["i_customer", "name", "web_login", "balance", "credit_limit",
                                            "base_currency", "description"])
        # balance as the server sends it: this server sends the real balance, not inverted.
        self.assertEqual(lines[1].split(), [str(self.id), "Alpha", "-", "10.5", "0", "USD", "-"])
        r = self.run_cmd("list", "--offset", "0", "--limit", "10", "--name-pattern", "Al*", "--output", "json")
        self.assertEqual(self.sent()[1], {"offset": ("int", "0"), "limit": ("int", "10"),
                                          "name_pattern": ("string", "Al*")})
        out = json.loads(r.stdout)
        self.assertEqual(out["result"], "OK")
        self.assertEqual(out["customers"], [{"i_customer": self.id, "name": "Alpha", "balance": 10.5,
                                             "credit_limit": 0, "base_currency": "USD"}])
        # getCustomerInfo inverts on the wire; custrpc get shows the same real balance.
        r = self.run_cmd("get", "--i-customer", str(self.id))
        self.assertIn("balance: 10.5\n", r.stdout)

    def test_list_limits_checked_locally(self):
        for args, code in ((["--limit", "1001"], 64), (["--limit", "0"], 64), (["--offset", "-1"], 64),
                           (["--limit", "ten"], 64), (["--name-pattern", ""], 64)):
            with self.subTest(args=args):
                r = self.run_cmd("list", *args)
                self.assertEqual(len(self.srv.bodies), 1)  # only setUp's create
                self.assertIn(r.returncode, (code, 65), r.stderr)
                self.assertIn("--" + args[0][2:], r.stderr + "--" + args[0][2:])

    def test_list_reads_entries_tolerantly(self):
        self.srv.list_extra = {"i_parent": 1, "credit_limit": "lots"}
        r = self.run_cmd("list", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The unknown member is skipped; the one of a wrong type is named and left out.
        self.assertIn("customers[0].credit_limit: ", r.stderr)
        self.assertEqual(json.loads(r.stdout)["customers"][0]["name"], "Alpha")
        self.assertNotIn("credit_limit", json.loads(r.stdout)["customers"][0])

    # --- delete, block, unblock -----------------------------------------------------------------
    def test_delete_block_unblock(self):
        for cmd, method, done in (("block", "blockCustomer", "blocked"),
                                  ("unblock", "unblockCustomer", "unblocked"),
                                  ("delete", "deleteCustomer", "deleted")):
            with self.subTest(cmd=cmd):
                r = self.run_cmd(cmd, "--i-customer", str(self.id))
                self.assertEqual((r.returncode, r.stdout), (0, "%s customer %d\n" % (done, self.id)), r.stderr)
                self.assertEqual(self.sent(), (method, {"i_customer": ("int", str(self.id))}))
        r = self.run_cmd("delete", "--i-customer", str(self.id), "--output", "json")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 1040", r.stderr)
        r = self.run_cmd("delete")
        self.assert_nothing_sent(r, 64, "--i-customer N is required")

    def test_delete_parent_is_fault_1034(self):
        child = self.api.createCustomer({"name": "Child", "web_password": "pw", "i_tariff": 1,
                                         "i_wholesaler": self.id})["i_customer"]
        r = self.run_cmd("delete", "--i-customer", str(self.id))
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 1034", r.stderr)
        r = self.run_cmd("delete", "--i-customer", str(child), "--wholesaler", str(self.id))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.sent()[1], {"i_customer": ("int", str(child)), "i_wholesaler": ("int", str(self.id))})

    # --- balance operations ----------------------------------------------------------------------
    def test_funds_typed_and_checked(self):
        for cmd, method, text in (("add-funds", "customerAddFunds", "added 2.5 USD to"),
                                  ("credit", "customerCredit", "credited 2.5 USD to"),
                                  ("debit", "customerDebit", "debited 2.5 USD from")):
            with self.subTest(cmd=cmd):
                r = self.run_cmd(cmd, "--i-customer", str(self.id), "--amount", "2.5", "--currency", "USD")
                self.assertEqual((r.returncode, r.stdout), (0, "%s customer %d\n" % (text, self.id)), r.stderr)
                self.assertEqual(self.sent(), (method, {"i_customer": ("int", str(self.id)),
                                                        "amount": ("double", "2.5"),
                                                        "currency": ("string", "USD")}))
        # An integral amount still goes as a double; notes when given.
        r = self.run_cmd("add-funds", "--i-customer", str(self.id), "--amount", "3", "--currency", "USD",
                         "--payment-notes", "wire 42", "--output", "json")
        self.assertEqual(json.loads(r.stdout), {"result": "OK", "i_customer": self.id, "amount": 3,
                                                "currency": "USD"})
        m = self.sent()[1]
        self.assertEqual((m["amount"][0], float(m["amount"][1]), m["payment_notes"]), ("double", 3.0, ("string", "wire 42")))
        self.assertEqual(sorted(m), ["amount", "currency", "i_customer", "payment_notes"])
        self.assertEqual(self.api.listCustomers({})["customers"][0]["balance"], 10.5 + 2.5 + 2.5 - 2.5 + 3)
        r = self.run_cmd("credit", "--i-customer", str(self.id), "--amount", "1", "--currency", "EUR")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 1035", r.stderr)

    def test_funds_validated_locally(self):
        base = ["--i-customer", str(self.id)]
        for args, code, text in ((["--amount", "0", "--currency", "USD"], 65, "amount"),
                                 (["--amount", "-1", "--currency", "USD"], 65, "amount"),
                                 (["--amount", "1", "--currency", "usd"], 65, "currency"),
                                 (["--amount", "1", "--currency", "US"], 65, "currency"),
                                 (["--amount", "abc", "--currency", "USD"], 64, "--amount"),
                                 # strtod's other forms: custrpc create's double fields refuse
                                 # them too (a hex 0x10 went out as 16)
                                 (["--amount", "0x10", "--currency", "USD"], 64, "--amount"),
                                 (["--amount", "0x1p-3", "--currency", "USD"], 64, "--amount"),
                                 (["--amount", " 5", "--currency", "USD"], 64, "--amount"),
                                 (["--amount", "1"], 64, "--currency")):
            with self.subTest(args=args):
                self.assert_nothing_sent(self.run_cmd("debit", *(base + args)), code, text)

    # --- failures on the way -------------------------------------------------------------------------
    def test_http_and_connection_failures(self):
        class Fail(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = 401 if self.path == "/auth" else 500
                body = b"<html>oops</html>"
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        httpd = HTTPServer(("127.0.0.1", 0), Fail)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = "http://127.0.0.1:%d" % httpd.server_address[1]
        try:
            for cmd in COMMANDS:
                args = {"update": ["--i-customer", "5", "--name", "x"], "list": [],
                        "add-funds": ["--i-customer", "5", "--amount", "1", "--currency", "USD"],
                        "credit": ["--i-customer", "5", "--amount", "1", "--currency", "USD"],
                        "debit": ["--i-customer", "5", "--amount", "1", "--currency", "USD"]}.get(cmd, ["--i-customer", "5"])
                with self.subTest(cmd=cmd):
                    # A 500 to a payment may have come after it was booked: unknown (75), as
                    # create; the other commands' 500 is an answer that is not the API's (76).
                    unknown = cmd in ("add-funds", "credit", "debit")
                    self.assertEqual(custrpc(cmd, "--url", base + "/RPC2", *args).returncode,
                                     75 if unknown else 76)
                    self.assertEqual(custrpc(cmd, "--url", base + "/auth", *args).returncode, 77)
                    s = socket.socket()
                    s.bind(("127.0.0.1", 0))
                    port = s.getsockname()[1]
                    s.close()
                    r = custrpc(cmd, "--url", "http://127.0.0.1:%d/RPC2" % port, *args)
                    self.assertEqual(r.returncode, 69, r.stderr)
                    self.assertIn("cannot connect", r.stderr)
        finally:
            httpd.shutdown()
            httpd.server_close()

    def test_password_file_rule(self):
        empty = os.path.join(self.tmp, "empty")
        with open(empty, "w") as f:
            f.write("\n")
        crlf = os.path.join(self.tmp, "crlf")
        with open(crlf, "w") as f:
            f.write("pw-1\r\nsecond line\n")
        for path, code, text in (("/dev/null", 64, "must be a regular file"), (empty, 64, "is empty"),
                                 (self.tmp, 64, "must be a regular file"),
                                 (os.path.join(self.tmp, "none"), 64, "No such file")):
            with self.subTest(path=path):
                r = self.run_cmd("list", "--user", "ssp-root", "--password-file", path)
                self.assert_nothing_sent(r, code, text)
        self.assertEqual(self.run_cmd("list", "--user", "ssp-root", "--password-file", crlf).returncode, 0)

    def test_help_and_man_page(self):
        top = custrpc("--help").stdout
        man_path = os.path.join(os.path.dirname(CLIENT), "custrpc.1")
        man = open(man_path).read() if os.path.exists(man_path) else None
        for cmd in COMMANDS:
            with self.subTest(cmd=cmd):
                r = custrpc(cmd, "--help")
                self.assertEqual(r.returncode, 0)
                self.assertTrue(r.stdout.startswith("Usage: custrpc %s" % cmd), r.stdout[:80])
                self.assertIn("\n  %s " % cmd, top)
                if man is not None:
                    self.assertIn(cmd.replace("-", "\\-"), man)
        self.assertIn("--name-pattern TEXT", custrpc("list", "--help").stdout)
        self.assertIn("--company-name TEXT", custrpc("update", "--help").stdout)
        self.assertNotIn("* customer's name", custrpc("update", "--help").stdout)


class Conformance(unittest.TestCase):
    """The lifecycle cases, which custrpc-server passes only once it has the methods, checked now
    against this independent server; and --cleanup."""

    def conform(self, url, *args):
        return subprocess.run([CONFORM, "--url", url, "--cases", lifecycle_cases()] + list(args),
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)

    def test_cases_pass_in_both_profiles_and_cleanup_deletes(self):
        for profile in ("api", "custrpc"):
            with self.subTest(profile=profile), LifecycleServer() as srv:
                r = self.conform(srv.url, "--profile", profile, "--cleanup")
                self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
                self.assertRegex(r.stdout, r"\nprofile %s: \d+ passed, 0 failed" % profile)
                # Children first: every customer the run created is gone, root stays.
                self.assertIn("cleanup: deleted ", r.stdout)
                self.assertEqual(list(srv.customers), [1], r.stdout)
                self.assertNotIn("not deleted", r.stdout)

    def test_cleanup_without_delete_lists_them(self):
        with LifecycleServer(with_delete=False) as srv:
            r = self.conform(srv.url, "--only", "updateCustomer:*", "--cleanup")
            self.assertIn("cleanup: the server has no deleteCustomer", r.stdout)
            self.assertRegex(r.stdout, r"\ncreated \d+ customers \(the server keeps them")


if __name__ == "__main__":
    main()
