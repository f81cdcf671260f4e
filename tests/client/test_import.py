"""test_import.py — custrpc import: 10,000 rows over several connections, bad rows reported by
line before anything is sent, JSON files, an interrupted run resumed to completion (no row
created twice, none lost), and no blind re-send after a timeout."""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from xmlrpc.server import SimpleXMLRPCServer
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Server, call_body, main, post, unique  # noqa: E402
from test_cli import CLIENT, custrpc  # noqa: E402


def write_csv(path, rows, header=("name", "web_password", "i_tariff", "customers_mgmt", "balance", "email")):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def results(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class ForeignServer:
    """A createCustomer server that shares none of custrpc's fault codes (Python's own XML-RPC
    server): a taken name is fault 7, an unknown one on lookup fault 404."""

    def __init__(self):
        self.server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
        self.customers, self.creates = {}, 0
        lock = threading.Lock()

        def create(arg):
            with lock:
                self.creates += 1
                if arg["name"] in self.customers:
                    raise xmlrpc.client.Fault(7, "duplicate")
                self.customers[arg["name"]] = len(self.customers) + 100
                return {"result": "OK", "i_customer": self.customers[arg["name"]]}

        def info(arg):
            with lock:
                if arg.get("name") not in self.customers:
                    raise xmlrpc.client.Fault(404, "no such customer")
                return {"result": "OK", "customer": {"i_customer": self.customers[arg["name"]], "name": arg["name"],
                                                     "registered": "2026-11-25"}}

        self.server.register_function(create, "createCustomer")
        self.server.register_function(info, "getCustomerInfo")
        self.url = "http://127.0.0.1:%d/RPC2" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Import(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custrpc-import-")
        self.prefix = unique("imp")

    def rows(self, n):
        return [["%s %d" % (self.prefix, i), "pw", "1" if i % 2 else "own", "add", "%d.25" % i,
                 "u%d@example.com" % i] for i in range(n)]

    def test_rerun_against_a_server_with_other_fault_codes(self):
        # "Already there" is decided by looking the name up, never by custrpc's fault 1010.
        path = os.path.join(self.tmp, "foreign.csv")
        write_csv(path, self.rows(30))
        srv = ForeignServer()
        try:
            r = custrpc("import", path, "--url", srv.url, "--jobs", "3")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertEqual({x["status"] for x in results(path + ".results.csv")}, {"created"})
            again = os.path.join(self.tmp, "again.csv")
            r = custrpc("import", path, "--url", srv.url, "--jobs", "3", "--results", again)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            res = results(again)
            self.assertEqual({x["status"] for x in res}, {"exists"})
            self.assertEqual([int(x["i_customer"]) for x in res], [srv.customers[x["name"]] for x in res])
            self.assertEqual(len(srv.customers), 30)
        finally:
            srv.close()

    def test_rerun_against_the_spec_only_server(self):
        # The server written from the API text alone (its own fault codes, Digest of its own):
        # a second run reports every row "exists", found by name, nothing created twice.
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
        from spec_server import SpecServer
        path = os.path.join(self.tmp, "spec.csv")
        write_csv(path, self.rows(40))
        pw = os.path.join(self.tmp, "root.pw")
        with open(pw, "w") as f:
            f.write("spec-root-pw\n")
        with SpecServer(root=("spec-root", "spec-root-pw")) as srv:
            login = ["--url", srv.url, "--user", "spec-root", "--password-file", pw, "--jobs", "4"]
            r = custrpc("import", path, *login)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            first = results(path + ".results.csv")
            self.assertEqual({x["status"] for x in first}, {"created"})
            again = os.path.join(self.tmp, "spec-again.csv")
            r = custrpc("import", path, *login, "--results", again)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            res = results(again)
            self.assertEqual({x["status"] for x in res}, {"exists"})
            self.assertEqual([x["i_customer"] for x in res], [x["i_customer"] for x in first])

    def test_refused_connection_stops_at_once(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nobody listens there now
        path = os.path.join(self.tmp, "refused.csv")
        write_csv(path, self.rows(49))
        start = time.monotonic()
        r = custrpc("import", path, "--url", "http://127.0.0.1:%d/RPC2" % port, "--jobs", "4")
        self.assertLess(time.monotonic() - start, 20)  # no per-row retries and waits
        self.assertEqual(r.returncode, 69, r.stderr)
        self.assertEqual(r.stderr.count("cannot connect to http://127.0.0.1:%d/RPC2" % port), 1, r.stderr)
        res = results(path + ".results.csv")
        self.assertEqual(len(res), 49)
        self.assertEqual({x["status"] for x in res}, {"not-sent"})

    def test_ten_thousand_rows(self):
        path = os.path.join(self.tmp, "big.csv")
        write_csv(path, self.rows(10000))
        with Server() as srv:
            r = custrpc("import", path, "--url", srv.url, "--jobs", "4")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            res = results(path + ".results.csv")
            self.assertEqual(len(res), 10000)
            self.assertEqual({x["status"] for x in res}, {"created"})
            ids = [int(x["i_customer"]) for x in res]
            self.assertEqual(len(set(ids)), 10000)
            self.assertEqual(res[9999]["line"], "10001")
            got = post(srv.url, call_body("getCustomerInfo", {"name": res[1234]["name"]})).value()["customer"]
            self.assertEqual((got["i_customer"], got["balance"]), (int(res[1234]["i_customer"]), -1234.25))
            # A second run finds every row present and creates nothing.
            r = custrpc("import", path, "--url", srv.url, "--jobs", "4", "--results", os.path.join(self.tmp, "again.csv"))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            again = results(os.path.join(self.tmp, "again.csv"))
            self.assertEqual({x["status"] for x in again}, {"exists"})
            self.assertEqual([int(x["i_customer"]) for x in again], ids)

    def test_progress_on_a_terminal_and_in_a_log(self):
        import pty
        path = os.path.join(self.tmp, "progress.csv")
        write_csv(path, self.rows(3000))
        with Server() as srv:
            master, slave = pty.openpty()
            p = subprocess.Popen([CLIENT, "import", path, "--url", srv.url, "--jobs", "1"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            seen = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            p.wait(timeout=120)
            os.close(master)
            self.assertEqual(p.returncode, 0)
            # A terminal gets one line redrawn in place: done/total, outcomes, rate, ETA.
            self.assertRegex(seen.decode(), r"\rimport: 3,000/3,000 rows  3,000 created  0 exist  0 failed  "
                                            r"[\d,]+ rows/s  ETA 0s")
            # A log gets plain lines.
            r = custrpc("import", path, "--url", srv.url, "--results", os.path.join(self.tmp, "r2.csv"))
            self.assertRegex(r.stderr, r"(?m)^import: 3,000/3,000 rows  0 created  3,000 exist  0 failed  "
                                       r"[\d,]+ rows/s  ETA 0s$")
            self.assertNotIn("\r", r.stderr)

    def test_bad_rows_reported_with_lines_and_nothing_sent(self):
        path = os.path.join(self.tmp, "bad.csv")
        rows = self.rows(6)
        rows[1][3] = "add,fly"              # line 3
        rows[3][4] = "lots"                 # line 5
        rows[4][0] = rows[0][0]             # line 6: duplicate of line 2
        write_csv(path, rows)
        with Server() as srv:
            r = custrpc("import", path, "--url", srv.url)
            self.assertEqual(r.returncode, 65, r.stderr)
            self.assertIn(path + ":3: customers_mgmt: unknown right \"fly\"", r.stderr)
            self.assertIn(path + ":5: balance: \"lots\" is not a decimal number", r.stderr)
            self.assertIn(path + ":6: name: \"%s\" is also on line 2" % rows[0][0], r.stderr)
            self.assertIn("3 of 6 rows are invalid; nothing was sent", r.stderr)
            self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"name": rows[0][0]})).fault()[0], 1040)
            r = custrpc("import", path, "--url", srv.url, "--keep-going")
            self.assertEqual(r.returncode, 2, r.stderr)
            res = results(path + ".results.csv")
            self.assertEqual([x["status"] for x in res], ["created", "invalid", "created", "invalid", "invalid", "created"])

    def test_whole_file_errors(self):
        path = os.path.join(self.tmp, "cols.csv")
        write_csv(path, [["a", "pw", "1"]], header=("name", "web_password", "tariff"))
        r = custrpc("import", path, "--url", "http://127.0.0.1:1/RPC2")
        self.assertEqual(r.returncode, 65)
        self.assertIn("\"tariff\" is not a createCustomer member", r.stderr)
        r = custrpc("import", os.path.join(self.tmp, "missing.csv"), "--url", "http://127.0.0.1:1/RPC2")
        self.assertEqual(r.returncode, 65)

    def test_json(self):
        path = os.path.join(self.tmp, "rows.json")
        with open(path, "w") as f:
            f.write("[\n")
            f.write('  {"name": "%s a", "web_password": "pw", "i_tariff": null, "credit_limit": 5,\n'
                    '   "callshop_enabled": true},\n' % self.prefix)
            f.write('  {"name": "%s b", "web_password": "pw", "i_tariff": 1, "max_sessions": null}\n' % self.prefix)
            f.write("]\n")
        with Server() as srv:
            r = custrpc("import", path, "--url", srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            res = results(path + ".results.csv")
            self.assertEqual([x["line"] for x in res], ["2", "4"])
            got = post(srv.url, call_body("getCustomerInfo", {"name": self.prefix + " a"})).value()["customer"]
            self.assertEqual((got["credit_limit"], got["callshop_enabled"]), (5.0, True))
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('[\n{"name": "x", "web_password": "pw", "i_tariff": true}\n]\n')
        r = custrpc("import", bad, "--url", "http://127.0.0.1:1/RPC2")
        self.assertEqual(r.returncode, 65)
        self.assertIn(bad + ":2: i_tariff: wrong type boolean", r.stderr)

    def test_interrupted_run_resumed(self):
        path = os.path.join(self.tmp, "resume.csv")
        write_csv(path, self.rows(10000))
        with Server() as srv:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_PASSWORD")}
            p = subprocess.Popen([CLIENT, "import", path, "--url", srv.url, "--jobs", "2"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            res_path = path + ".results.csv"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                time.sleep(0.02)
                if os.path.exists(res_path) and os.path.getsize(res_path) > 2000:
                    break
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 2, err[-2000:])
            self.assertIn("(interrupted)", err)
            first = results(res_path)
            self.assertEqual(len(first), 10000)
            created = {x["name"]: int(x["i_customer"]) for x in first if x["status"] == "created"}
            unsent = [x["name"] for x in first if x["status"] == "not-sent"]
            self.assertGreater(len(created), 0)
            self.assertGreater(len(unsent), 0)
            self.assertEqual(len(created) + len(unsent), 10000)
            # The file tells the truth: created rows exist, unsent ones do not.
            for name in list(created)[:50]:
                self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"name": name})).value()["customer"]["i_customer"],
                                 created[name])
            for name in unsent[:50]:
                self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"name": name})).fault()[0], 1040)
            r = custrpc("import", path, "--url", srv.url, "--jobs", "2")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            second = results(res_path)
            for x in second:
                if x["name"] in created:
                    self.assertEqual((x["status"], int(x["i_customer"])), ("exists", created[x["name"]]))
                else:
                    self.assertEqual(x["status"], "created")
            ids = [int(x["i_customer"]) for x in second]
            self.assertEqual(len(set(ids)), 10000)  # every row exactly once


class SlowServer:
    """Answers the first createCustomer for a name after the client gave up; records calls."""

    def __init__(self, delay):
        self.calls = []
        self.names = {}
        srv = self.server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)

        def create(arg):
            self.calls.append(("createCustomer", arg["name"]))
            if arg["name"] in self.names:
                raise xmlrpc.client.Fault(1010, 'name: "%s" already exists' % arg["name"])
            self.names[arg["name"]] = 500 + len(self.names)
            time.sleep(delay)
            return {"result": "OK", "i_customer": self.names[arg["name"]]}

        def info(arg):
            self.calls.append(("getCustomerInfo", arg.get("name")))
            if arg.get("name") not in self.names:
                raise xmlrpc.client.Fault(1040, "customer not found")
            return {"result": "OK", "customer": {"name": arg["name"], "i_customer": self.names[arg["name"]]}}

        srv.register_function(create, "createCustomer")
        srv.register_function(info, "getCustomerInfo")
        self.url = "http://127.0.0.1:%d/RPC2" % srv.server_address[1]
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Timeouts(unittest.TestCase):
    def test_no_blind_resend_after_timeout(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-import-")
        path = os.path.join(tmp, "one.csv")
        write_csv(path, [["slow one", "pw", "1", "add", "1", "a@example.com"]])
        slow = SlowServer(delay=5)
        try:
            r = custrpc("import", path, "--url", slow.url, "--timeout", "1", "--jobs", "1")
        finally:
            slow.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([c for c in slow.calls if c[0] == "createCustomer"], [("createCustomer", "slow one")])
        self.assertIn(("getCustomerInfo", "slow one"), slow.calls)
        res = results(path + ".results.csv")
        self.assertEqual((res[0]["status"], res[0]["i_customer"]), ("created", "500"))


if __name__ == "__main__":
    main()
