"""test_inject_cli.py — `custrpc admin inject` (client/cmd_admin.c on custrpc_admin_inject), and
the client's own behaviour under the failures it injects into a real custrpc-server: `custrpc
import` creates every row exactly once through dropped, reset and HTTP 500 answers to creates
that were carried out, and through a delay longer than its timeout; `custrpc create` says that
it cannot know whether the customer was created, and how to check, with its own exit status.
What landed is counted with Python's xmlrpc.client (listCustomers, getCustomerInfo)."""
import csv
import json
import os
import shutil
import sys
import tempfile
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import base, main, unique  # noqa: E402
from test_admin import ADMIN_PW, ROOT_PW, server  # noqa: E402
from test_cli import custrpc  # noqa: E402

EXIT_UNKNOWN = 75


def admin_server(*args, **kw):
    return server("--admin", *args, root=False, admin=True, **kw)


class Inject(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custrpc-inject-")
        self.pw = os.path.join(self.tmp, "admin.pw")
        with open(self.pw, "w") as f:
            f.write(ADMIN_PW + "\n")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def admin(self, srv, *args):
        return custrpc("admin", "inject", "--url", srv.url, "--user", "ops", "--password-file",
                       self.pw, *args)

    def inject(self, srv, *args):
        r = self.admin(srv, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def names(self, srv):
        customers = srv.proxy().listCustomers({"limit": 1000})["customers"]
        return sorted(c["name"] for c in customers)

    def import_rows(self, srv, n, *args):
        path = os.path.join(self.tmp, unique("rows") + ".csv")
        rows = [(unique("imp"), "pw", 1) for _ in range(n)]
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(("name", "web_password", "i_tariff"))
            w.writerows(rows)
        r = custrpc("import", path, "--url", srv.url, *args)
        with open(path + ".results.csv", newline="") as f:
            res = list(csv.DictReader(f))
        return r, sorted(row[0] for row in rows), res

    # --- the command -----------------------------------------------------------------------

    def test_each_kind_from_the_command_line(self):
        with admin_server() as srv:
            r = self.inject(srv, "--method", "createCustomer", "--times", "2", "--fault-code",
                            "503", "--fault-string", "busy")
            self.assertEqual(r.stdout, "rule 1: the next 2 createCustomer calls get fault 503\n")
            self.inject(srv, "--method", "*", "--probability", "0.25", "--delay-ms", "10")
            r = self.inject(srv, "--method", "getCustomerInfo", "--times", "1", "--transport",
                            "reset", "--after", "--output", "json")
            self.assertEqual(json.loads(r.stdout), {"status": "ok", "id": 3})
            r = self.inject(srv, "--method", "createCustomer", "--times", "1", "--transport",
                            "drop", "--after")
            self.assertEqual(r.stdout, "rule 4: the next createCustomer call gets a transport "
                                       "failure after it is carried out\n")
            rules = json.loads(self.inject(srv, "--list").stdout)["rules"]
            self.assertEqual([(x["method"], x["kind"], x.get("times"), x.get("probability"),
                               x["after"]) for x in rules],
                             [("createCustomer", "fault", 2, None, False),
                              ("*", "delay", None, 0.25, True),
                              ("getCustomerInfo", "reset", 1, None, True),
                              ("createCustomer", "drop", 1, None, True)])
            self.assertEqual((rules[0]["fault_code"], rules[0]["fault_string"]), (503, "busy"))
            with self.assertRaises(xmlrpc.client.Fault) as f:
                srv.proxy().createCustomer({"name": unique(), "web_password": "pw", "i_tariff": 1})
            self.assertEqual(f.exception.faultCode, 503)

    def test_list_shows_a_probability_as_given(self):
        with admin_server() as srv:
            self.inject(srv, "--method", "createCustomer", "--probability", "0.1", "--delay-ms", "1")
            self.assertIn('"probability":0.1,', self.inject(srv, "--list").stdout)

    def test_usage_errors_and_refusals(self):
        with admin_server() as srv:
            for args, text in [
                (("--times", "1", "--transport", "drop"), "--method is required"),
                (("--method", "m", "--transport", "drop"), "--times and --probability"),
                (("--method", "m", "--times", "1", "--probability", "0.5", "--transport", "drop"),
                 "--times and --probability"),
                (("--method", "m", "--times", "1"), "one kind"),
                (("--method", "m", "--times", "1", "--transport", "drop", "--delay-ms", "5"),
                 "one kind"),
                (("--method", "m", "--times", "1", "--fault-code", "5"), "go together"),
                (("--method", "m", "--times", "1", "--transport", "explode"), "explode"),
                (("--method", "m", "--times", "1", "--delay-ms", "600001"), "delay-ms"),
                (("--method", "m", "--times", "1", "--delay-ms", "5", "--after"), "--after"),
                (("--method", "m", "--probability", "2", "--transport", "drop"), "probability"),
                (("--list", "--method", "m"), "--list"),
            ]:
                r = self.admin(srv, *args)
                self.assertEqual(r.returncode, 64, (args, r.stderr))
                self.assertIn(text, r.stderr, args)
            # What only the server checks: a 400 naming the member.
            r = self.admin(srv, "--method", "m", "--times", "1", "--fault-code", "5",
                           "--fault-string", "bell\x07")
            self.assertEqual(r.returncode, 76, r.stderr)
            self.assertIn("fault_string:", r.stderr)
            r = custrpc("admin", "inject", "--url", srv.url, "--method", "m", "--times", "1",
                        "--transport", "drop")
            self.assertEqual(r.returncode, 77, r.stderr)
        with server() as srv:  # no --admin
            r = self.admin(srv, "--list")
            self.assertEqual(r.returncode, 76, r.stderr)
            self.assertIn("--admin", r.stderr)

    # --- did it land? ----------------------------------------------------------------------

    def test_import_through_failures_after_the_create(self):
        with admin_server() as srv:
            for transport in ("drop", "reset", "http500"):
                self.inject(srv, "--method", "createCustomer", "--times", "2", "--transport",
                            transport, "--after")
            r, names, res = self.import_rows(srv, 20, "--jobs", "3")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual([x["status"] for x in res], ["created"] * 20, res)
            self.assertEqual(self.names(srv), names)  # each once, none missing
            self.assertEqual(json.loads(self.inject(srv, "--list").stdout)["rules"], [])

    def test_no_blind_resend_on_a_reused_connection(self):
        # libcurl sends a request again by itself when a reused keep-alive connection closes
        # before any answer: a second createCustomer (here refused as a duplicate name, but a
        # second customerAddFunds would pay twice). The first create of the worker's
        # connection passes (a delay of 0), the second loses its answer after it was carried
        # out: the server must see it once.
        for transport in ("drop", "reset"):
            with admin_server() as srv:
                self.inject(srv, "--method", "createCustomer", "--times", "1", "--delay-ms", "0")
                self.inject(srv, "--method", "createCustomer", "--times", "1", "--transport",
                            transport, "--after")
                r, names, res = self.import_rows(srv, 3, "--jobs", "1")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual([x["status"] for x in res], ["created"] * 3, res)
                r = custrpc("admin", "journal", "--url", srv.url, "--user", "ops",
                            "--password-file", self.pw, "--method", "createCustomer",
                            "--output", "json")
                entries = json.loads(r.stdout)["entries"]
                self.assertEqual([(e["outcome"], e["fault_code"]) for e in entries],
                                 [("ok", None), ("http_error", None), ("ok", None)], transport)

    def test_import_through_failures_before_the_create(self):
        with admin_server() as srv:
            # Two failures at most for any row: its third attempt lands.
            for transport in ("reset", "http500"):
                self.inject(srv, "--method", "createCustomer", "--times", "1", "--transport",
                            transport)
            r, names, res = self.import_rows(srv, 10, "--jobs", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual([x["status"] for x in res], ["created"] * 10, res)
            self.assertEqual(self.names(srv), names)

    def test_create_through_a_delay_longer_than_the_timeout(self):
        with admin_server() as srv:
            self.inject(srv, "--method", "createCustomer", "--times", "1", "--delay-ms", "4000")
            name = unique("slow")
            r = custrpc("create", "--url", srv.url, "--name", name, "--i-tariff", "1",
                        "--timeout", "1", env={"CUSTRPC_WEB_PASSWORD": "pw"})
            self.assertEqual(r.returncode, EXIT_UNKNOWN, r.stderr)
            self.assertIn("unknown whether customer %s was created" % name, r.stderr)
            # A delayed call is carried out: it is there.
            r = custrpc("get", "--url", srv.url, "--name", name)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_import_through_a_delay_longer_than_the_timeout(self):
        with admin_server() as srv:
            self.inject(srv, "--method", "createCustomer", "--times", "2", "--delay-ms", "4000")
            r, names, res = self.import_rows(srv, 6, "--jobs", "2", "--timeout", "1")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual([x["status"] for x in res], ["created"] * 6, res)
            self.assertEqual(self.names(srv), names)

    def test_create_says_it_cannot_know(self):
        with admin_server() as srv:
            # An answer that is not the API's keeps exit 76 (more often a wrong URL than a lost
            # answer), with the same advice.
            for transport, after, status in (("drop", True, EXIT_UNKNOWN),
                                             ("reset", False, EXIT_UNKNOWN),
                                             ("http500", True, EXIT_UNKNOWN),
                                             ("empty", True, 76), ("malformed", False, 76)):
                name = unique(transport)
                args = ("--method", "createCustomer", "--times", "1", "--transport", transport)
                self.inject(srv, *args + (("--after",) if after else ()))
                r = custrpc("create", "--url", srv.url, "--name", name, "--i-tariff", "1",
                            env={"CUSTRPC_WEB_PASSWORD": "pw"})
                self.assertEqual(r.returncode, status, (transport, r.stderr))
                if status == EXIT_UNKNOWN:
                    self.assertIn("unknown whether customer %s was created" % name, r.stderr)
                self.assertIn("check with: custrpc get --name %s" % name, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(name in self.names(srv), after)
            # A fault is an answer: not this status.
            self.inject(srv, "--method", "createCustomer", "--times", "1", "--fault-code", "9",
                        "--fault-string", "no")
            r = custrpc("create", "--url", srv.url, "--name", unique(), "--i-tariff", "1",
                        env={"CUSTRPC_WEB_PASSWORD": "pw"})
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertNotIn("custrpc get", r.stderr)
            help_text = custrpc("create", "--help").stdout
            self.assertIn("75", help_text)
            self.assertIn("unknown whether", help_text)

    def test_a_payment_whose_answer_is_lost_is_unknown_not_failed(self):
        # add-funds sent again after a lost answer would pay twice: exit 75 and how to check,
        # and the balance shows the one payment that landed.
        with admin_server() as srv:
            i = srv.proxy().createCustomer(dict(base(), balance=0.0, payment_currency="USD"))["i_customer"]
            self.inject(srv, "--method", "customerAddFunds", "--times", "1", "--transport", "drop",
                        "--after")
            r = custrpc("add-funds", "--url", srv.url, "--i-customer", str(i), "--amount", "10.5",
                        "--currency", "USD")
            self.assertEqual(r.returncode, EXIT_UNKNOWN, r.stderr)
            self.assertIn("unknown whether customerAddFunds of 10.5 USD to customer %d took effect" % i,
                          r.stderr)
            self.assertIn("check with: custrpc get --i-customer %d" % i, r.stderr)
            self.assertEqual(r.stdout, "")
            info = srv.proxy().getCustomerInfo({"i_customer": i})["customer"]
            self.assertEqual(abs(float(info["balance"])), 10.5)  # paid once, not twice

    def test_create_with_digest_is_not_sent_twice(self):
        # With credentials the create is sent twice on one connection: first refused with 401,
        # then with Digest. When the second loses its answer, libcurl would send it a third
        # time by itself on a new connection (the 401 answered the first): a duplicate.
        root_pw = os.path.join(self.tmp, "root.pw")
        with open(root_pw, "w") as f:
            f.write(ROOT_PW + "\n")
        with server("--admin") as srv:
            for transport in ("drop", "reset"):
                name = unique(transport)
                custrpc("admin", "inject", "--url", srv.url, "--user", "root", "--password-file",
                        root_pw, "--method", "createCustomer", "--times", "1", "--transport",
                        transport, "--after")
                r = custrpc("create", "--url", srv.url, "--user", "root", "--password-file",
                            root_pw, "--name", name, "--i-tariff", "1",
                            env={"CUSTRPC_WEB_PASSWORD": "pw"})
                self.assertEqual(r.returncode, EXIT_UNKNOWN, (transport, r.stderr))
                self.assertIn("unknown whether customer %s was created" % name, r.stderr)
                r = custrpc("admin", "journal", "--url", srv.url, "--user", "root",
                            "--password-file", root_pw, "--method", "createCustomer",
                            "--limit", "2", "--output", "json")
                entries = json.loads(r.stdout)["entries"]
                self.assertEqual(entries[0]["outcome"], "http_error", (transport, entries))
                self.assertIn(name, entries[0]["request"])
                self.assertNotIn(name, entries[1]["request"] if len(entries) > 1 else "")


if __name__ == "__main__":
    main()
