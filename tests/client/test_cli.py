"""test_cli.py — the custrpc command against an independent XML-RPC server (Python's
xmlrpc.server, recording each request) and against custrpc-server: every field arrives with the
XML-RPC type the API text gives it, faults and HTTP failures are reported faithfully, and the
exit codes are the documented ones."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Server, main, unique  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def custrpc(*args, env=None, input=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_") or k in ("CUSTRPC_SERVER", "CUSTRPC_CLIENT")}
    e.update(env or {})
    return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=120, env=e,
                          stdin=subprocess.DEVNULL if input is None else None, input=input)


def spec_types():
    types = {}
    with open(os.path.join(DATA, "spec-fields.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, typ, _ = line.split()
                types[name] = typ
    return types


class Recorder:
    """Python's own XML-RPC server; keeps the raw body of every request."""

    def __init__(self, fault_for=None):
        bodies = self.bodies = []
        agents = self.agents = []

        class Handler(SimpleXMLRPCRequestHandler):
            rpc_paths = ("/RPC2",)

            def decode_request_content(self, data):
                bodies.append(data)
                agents.append(self.headers.get("User-Agent"))
                return data

            def log_message(self, *a):
                pass

        self.server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Handler, allow_none=True, logRequests=False)
        self.next_id = 100

        def create(arg):
            if fault_for and arg.get("name") == fault_for:
                raise xmlrpc.client.Fault(1010, 'name: "%s" already exists' % fault_for)
            self.next_id += 1
            return {"result": "OK", "i_customer": self.next_id}

        def info(arg):
            # As the real API: more members than createCustomer has, and balance sign-inverted;
            # customer 8 has a member the table lacks and one of a type it does not expect.
            c = {"i_customer": arg.get("i_customer", 7), "name": "Py Co", "balance": -12.5, "i_parent": 1,
                 "i_tariff": 3, "credit_limit": 100, "max_sessions": None, "commission_size": 33.333333333}
            if c["i_customer"] == 8:
                c.update(suspended=True, max_depth="three")
            if c["i_customer"] == 9:  # a hostile server: a forged line, and a password
                c.update(name="x\nname: forged", api_password="leaked-Pw")
            return {"result": "OK", "customer": c}

        self.server.register_function(create, "createCustomer")
        self.server.register_function(info, "getCustomerInfo")
        self.url = "http://127.0.0.1:%d/RPC2" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def members(self, i=-1):
        """{name: (xmlrpc type element, text)} of the struct in request i."""
        root = ET.fromstring(self.bodies[i])
        out = {}
        for m in root.iter("member"):
            value = m.find("value")
            typed = list(value)
            out[m.find("name").text] = (typed[0].tag, typed[0].text) if typed else ("string", value.text)
        return out


class AgainstPython(unittest.TestCase):
    def setUp(self):
        self.rec = Recorder(fault_for="taken")
        self.tmp = tempfile.mkdtemp(prefix="custrpc-cli-")

    def tearDown(self):
        self.rec.close()

    def test_every_field_typed_as_the_spec_says(self):
        fields = json.loads(custrpc("fields", "--output", "json").stdout)
        env = {}
        args = ["create", "--url", self.rec.url]
        for f in fields:
            if "trusted" in f["flags"]:
                continue
            if "secret" in f["flags"]:
                path = os.path.join(self.tmp, f["name"])
                with open(path, "w") as fp:
                    fp.write(f["example"] + "\n")
                args += ["--%s-file" % f["name"].replace("_", "-"), path]
            else:
                args += ["--%s=%s" % (f["name"].replace("_", "-"), f["example"])]
        r = custrpc(*args, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "101\n")
        got = self.rec.members()
        types = spec_types()
        del types["i_wholesaler"]
        self.assertEqual(set(got), set(types))
        for name, typ in types.items():
            tag = got[name][0]
            self.assertIn(tag, ("int", "i4") if typ == "int" else (typ,), name)
        self.assertEqual(got["customers_mgmt"][1], "1")          # "add"
        self.assertEqual(got["tariffs_mgmt"][1], "7")            # "all"
        self.assertEqual(got["callshop_enabled"][1], "1")
        self.assertEqual(got["web_password"][1], "s3cret-Pw")    # read from its file
        self.assertRegex(self.rec.agents[-1], r"^custrpc/\d+\.\d+\.\d+$")

    def test_nil_and_trusted_mode(self):
        r = custrpc("create", "--url", self.rec.url, "--name", "n", "--i-tariff", "own", "--max-sessions",
                    "unlimited", "--wholesaler", "7", env={"CUSTRPC_WEB_PASSWORD": "pw"})
        self.assertEqual(r.returncode, 0, r.stderr)
        got = self.rec.members()
        self.assertEqual(got["i_tariff"][0], "nil")
        self.assertEqual(got["max_sessions"][0], "nil")
        self.assertEqual(got["i_wholesaler"], ("i4", "7"))
        self.assertNotIn("Authorization", "")  # no credentials are configured at all

    def test_fault_reported_faithfully(self):
        r = custrpc("create", "--url", self.rec.url, "--name", "taken", "--i-tariff", "1",
                    env={"CUSTRPC_WEB_PASSWORD": "pw"})
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, 'custrpc: fault 1010: name: "taken" already exists\n')

    def test_local_errors_send_nothing(self):
        for args, code, text in (
                (["--name", "x", "--i-tariff", "1", "--customers-mgmt", "9"], 65, "bitmask 9 out of range 0..7"),
                (["--name", "x", "--i-tariff", "1", "--payment-currency", "usd"], 65, "payment_currency"),
                (["--name", "x", "--i-tariff", "x"], 65, "i_tariff"),
                (["--name", "x"], 65, "i_tariff: mandatory member is missing"),
                (["--name", "x", "--i-tariff", "1", "--web-password", "pw"], 64, "not taken on the command line"),
                (["--name", "x", "--i-tariff", "1", "--api-password=pw"], 64, "not taken on the command line"),
                (["--name", "x", "--i-tariff", "1", "--user", "u", "--password", "pw"], 64, "not taken"),
                (["--name", "x", "--i-tariff", "1", "--bogus"], 64, "bogus")):
            r = custrpc("create", "--url", self.rec.url, *args, env={"CUSTRPC_WEB_PASSWORD": "pw"})
            self.assertEqual(r.returncode, code, (args, r.stderr))
            self.assertIn(text, r.stderr)
            self.assertNotIn("pw:", r.stderr)  # a password given by mistake is never echoed
        self.assertEqual(self.rec.bodies, [])

    def test_missing_web_password_without_terminal(self):
        r = custrpc("create", "--url", self.rec.url, "--name", "x", "--i-tariff", "1")
        self.assertEqual(r.returncode, 65)
        self.assertIn("web_password: mandatory member is missing", r.stderr)

    def test_get_against_python(self):
        r = custrpc("get", "--url", self.rec.url, "--i-customer", "7", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(r.stdout)
        # balance back in its real sign; an <int> credit_limit read as the double it is;
        # i_parent, which createCustomer does not have, shown as sent, without a warning.
        self.assertEqual(got, {"i_customer": 7, "name": "Py Co", "balance": 12.5, "i_tariff": 3,
                               "credit_limit": 100, "max_sessions": None, "commission_size": 33.333333333,
                               "i_parent": 1})
        self.assertEqual(r.stderr, "")
        self.assertIn(self.rec.members()["i_customer"], (("int", "7"), ("i4", "7")))
        # Doubles in plain positional notation that reads back exactly.
        r = custrpc("get", "--url", self.rec.url, "--i-customer", "7")
        self.assertIn("credit_limit: 100\n", r.stdout)
        self.assertIn("balance: 12.5\n", r.stdout)
        self.assertIn("commission_size: 33.333333333\n", r.stdout)

    def test_get_shows_no_forged_lines_and_no_passwords(self):
        r = custrpc("get", "--url", self.rec.url, "--i-customer", "9")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("name: x\\nname: forged\n", r.stdout)
        self.assertNotIn("\nname: forged", r.stdout.replace("\\nname: forged", ""))
        self.assertNotIn("leaked-Pw", r.stdout + r.stderr)
        self.assertIn("the answer has api_password, which the API never returns", r.stderr)

    def test_get_tolerates_unexpected_members(self):
        # An unknown member and one of an unexpected type: shown, named on stderr, and the
        # rest of the answer still printed (exit 0).
        for output in ("text", "json"):
            r = custrpc("get", "--url", self.rec.url, "--i-customer", "8", "--output", output)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("custrpc get: the answer's suspended: unknown member (shown as sent)", r.stderr)
            self.assertIn("custrpc get: the answer's max_depth: wrong type string, expected int", r.stderr)
            if output == "json":
                got = json.loads(r.stdout)
                self.assertEqual((got["name"], got["suspended"], got["max_depth"]), ("Py Co", True, "three"))
            else:
                self.assertIn("name: Py Co\n", r.stdout)
                self.assertIn("suspended: true\n", r.stdout)
                self.assertIn("max_depth: three\n", r.stdout)

    def test_dry_run_prints_the_request(self):
        r = custrpc("create", "--name", "Zeus & Sons", "--i-tariff", "own", "--dry-run",
                    env={"CUSTRPC_WEB_PASSWORD": "pw"})
        self.assertEqual(r.returncode, 0, r.stderr)
        params, method = xmlrpc.client.loads(r.stdout)
        self.assertEqual(method, "createCustomer")
        self.assertEqual(params, ({"name": "Zeus & Sons", "web_password": "pw", "i_tariff": None},))
        self.assertEqual(self.rec.bodies, [])

    def test_verbose_trace_masks_passwords(self):
        r = custrpc("create", "--url", self.rec.url, "--name", "x", "--i-tariff", "1", "-v",
                    env={"CUSTRPC_WEB_PASSWORD": "Very-Secret-7"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("<name>web_password</name>", r.stderr)
        self.assertNotIn("Very-Secret-7", r.stderr)
        self.assertIn("<methodResponse>", r.stderr)


class Html(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"<html><body>Login required</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class AgainstOthers(unittest.TestCase):
    def test_html_page_and_no_server(self):
        httpd = HTTPServer(("127.0.0.1", 0), Html)
        t = threading.Thread(target=httpd.serve_forever, daemon=True)
        t.start()
        url = "http://127.0.0.1:%d/RPC2" % httpd.server_address[1]
        r = custrpc("create", "--url", url, "--name", "x", "--i-tariff", "1", env={"CUSTRPC_WEB_PASSWORD": "pw"})
        httpd.shutdown()
        httpd.server_close()
        self.assertEqual(r.returncode, 76, r.stderr)
        self.assertIn("not an XML-RPC response", r.stderr)
        r = custrpc("create", "--url", url, "--name", "x", "--i-tariff", "1", env={"CUSTRPC_WEB_PASSWORD": "pw"})
        self.assertEqual(r.returncode, 69, r.stderr)

    def test_against_reference_server_with_digest(self):
        cfg = '<custrpc-server><root login="ssp-root" password-file="root.pw"/></custrpc-server>'
        with Server(config=cfg, root_password="cli-root-pw") as srv:
            pwfile = os.path.join(srv.tmp, "api.pw")
            with open(pwfile, "w") as f:
                f.write("cli-root-pw\n")
            name = unique()
            r = custrpc("create", "--url", srv.url, "--user", "ssp-root", "--password-file", pwfile,
                        "--name", name, "--i-tariff", "own", "--balance", "-3.5", "--output", "json",
                        env={"CUSTRPC_WEB_PASSWORD": "pw"})
            self.assertEqual(r.returncode, 0, r.stderr)
            created = json.loads(r.stdout)
            self.assertEqual(created["result"], "OK")
            r = custrpc("get", "--url", srv.url, "--user", "ssp-root", "--name", name, "--output", "json",
                        env={"CUSTRPC_PASSWORD": "cli-root-pw"})
            self.assertEqual(r.returncode, 0, r.stderr)
            got = json.loads(r.stdout)
            self.assertEqual((got["i_customer"], got["name"], got["balance"]), (created["i_customer"], name, -3.5))
            r = custrpc("get", "--url", srv.url, "--user", "ssp-root", "--i-customer", str(created["i_customer"]),
                        env={"CUSTRPC_PASSWORD": "cli-root-pw"})
            self.assertIn("name: %s\n" % name, r.stdout)
            # The server's blocked is a known answer member: shown, and nothing on stderr.
            self.assertIn("blocked: false\n", r.stdout)
            self.assertEqual(r.stderr, "")
            r = custrpc("create", "--url", srv.url, "--user", "ssp-root", "--name", unique(), "--i-tariff", "1",
                        env={"CUSTRPC_WEB_PASSWORD": "pw", "CUSTRPC_PASSWORD": "wrong"})
            self.assertEqual(r.returncode, 77, r.stderr)
            self.assertIn("authentication failed", r.stderr)
            r = custrpc("get", "--url", srv.url, "--user", "ssp-root", "--i-customer", "9999",
                        env={"CUSTRPC_PASSWORD": "cli-root-pw"})
            self.assertEqual(r.returncode, 1)
            self.assertIn("fault 1040", r.stderr)

    def test_help_version_usage(self):
        r = custrpc("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Exit status", r.stdout)
        r = custrpc("create", "--help")
        self.assertEqual(r.returncode, 0)
        for line in ("--customers-mgmt RIGHTS", "--i-tariff N|own", "--max-sessions N|unlimited",
                     "--callshop-enabled[=yes|no]", "--web-password-file FILE"):
            self.assertIn(line, r.stdout)
        self.assertRegex(custrpc("--version").stdout, r"^custrpc \d+\.\d+\.\d+\n$")
        self.assertEqual(custrpc("frobnicate").returncode, 64)
        self.assertEqual(custrpc().returncode, 64)
        self.assertEqual(custrpc("get", "--url", "http://127.0.0.1:1/RPC2").returncode, 64)


if __name__ == "__main__":
    main()
