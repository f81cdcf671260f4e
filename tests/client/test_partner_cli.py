"""test_partner_cli.py — custrpc partner ... and custrpc import --partners against independent
servers: tests/conformance/partner_spec_server.py (a JSON-RPC server written from the API text by
someone else, with its bug modes) and a small scripted fake here that records every request (the
visa sent, the method, the id) and can refuse every visa. The visa rules: the newest visa on every
call, at the top level; one Login again after 1701, never a loop; an expired visa after an idle
time costs one Login (tests/partner_session_prog keeps one session across the idle time); secrets
never in the trace. Every PartnerInfo option reaches the wire; imports from CSV and JSON; hostile
input is refused before anything is sent, naming the option or member."""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))
try:
    from partner_spec_server import PartnerSpecServer  # noqa: E402
except ImportError:  # not merged yet: the fake's tests still run
    PartnerSpecServer = None

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
PROG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CLIENT))), "tests",
                    "partner_session_prog")
ROOT = ("Root Partner", "admin", "root-secret-pw")
needs_spec = unittest.skipIf(PartnerSpecServer is None, "tests/conformance/partner_spec_server.py missing")


def custrpc(*args, env=None, stdin=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
    e.update(env or {})
    return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=120, env=e,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


class FakeServer:
    """A JSON-RPC server that records each request. Login checks the password and answers a new
    visa; with refuse_visas every other call is error 1701 (no visa: the caller is unknown), else
    a call with the newest visa is answered (GetPartnerInfoById, AddPartner, EnumeratePartners)
    and an older one is recorded as stale and answered too, so that the test sees it."""

    def __init__(self, password="fake-pw-1234", refuse_visas=False):
        self.password, self.refuse_visas = password, refuse_visas
        self.requests, self.issued, self.lock = [], [], threading.Lock()
        self.next_id = 100
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with server.lock:
                    out = server.answer(json.loads(body), self.headers.get("Content-Type"))
                data = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d/jsonapi" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def visa(self):
        v = "fakevisa-%d-%s" % (len(self.issued) + 1, "%032X" % (len(self.issued) * 7919 + 12345))
        self.issued.append(v)
        return v

    def answer(self, req, ctype):
        self.requests.append(dict(req, content_type=ctype))
        rid, method, params = req.get("id"), req.get("method"), req.get("params", {})
        out = {"jsonrpc": "2.0", "id": rid}
        if method == "Login":
            if params.get("password") != self.password:
                out["error"] = {"code": -32603, "data": 2100, "message": "Unknown partner/username or bad password"}
                return out
            out["result"] = {"result": {"Id": 7, "Name": params["username"], "PartnerId": 3,
                                        "Password": None, "Flags": ["AllowApiAuthentication"]}}
        elif self.refuse_visas or req.get("visa") not in self.issued:
            out["error"] = {"code": -32603, "data": 1701, "message": "Visa is inconsistent/corrupted."}
            return out
        elif method == "AddPartner":
            self.next_id += 1
            out["result"] = {"result": self.next_id}
        elif method == "GetPartnerInfoById":
            out["result"] = {"result": {"Id": params["partnerId"], "ParentId": 3, "Name": "P%d" % params["partnerId"],
                                        "Level": "Reseller", "Extra": {"x": 1}}}
        elif method == "EnumeratePartners":
            out["result"] = {"result": []}
        else:
            out["error"] = {"code": -32601, "message": "Method not found"}
            return out
        out["visa"] = self.visa()
        return out

    def methods(self):
        return [r["method"] for r in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custrpc-partner-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.close()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def login_args(self, url, partner, user, password):
        self.n_files = getattr(self, "n_files", 0) + 1
        return ["--url", url, "--partner", partner, "--user", user,
                "--password-file", self.write("pw-%d" % self.n_files, password + "\n")]

    def run_ok(self, *args, **kw):
        r = custrpc(*args, **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r


class AgainstFake(Base):
    def fake(self, **kw):
        s = FakeServer(**kw)
        self.servers.append(s)
        return s, self.login_args(s.url, "Fake Partner", "fakeuser", s.password)

    def test_newest_visa_on_every_call_at_the_top_level(self):
        s, conn = self.fake()
        rows = self.write("p.csv", "Name,Level\nA,Reseller\nB,Reseller\nC,EndCustomer\n")
        r = custrpc("import", "--partners", rows, "--jobs", "1", *conn)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(s.methods(), ["Login", "AddPartner", "AddPartner", "AddPartner"])
        ids = [q["id"] for q in s.requests]
        self.assertTrue(all(type(i) is int for i in ids) and ids == sorted(set(ids)), ids)
        self.assertNotIn("visa", s.requests[0])  # Login sends none
        for i, q in enumerate(s.requests[1:]):
            self.assertEqual(q["visa"], s.issued[i])  # the visa of the answer just before
            self.assertNotIn("visa", q["params"])
            self.assertEqual(q["content_type"], "application/json")
        self.assertEqual(s.requests[1]["params"], {"partnerInfo": {"Name": "A", "Level": "Reseller"},
                                                   "createDefaultAccount": False})

    def test_always_1701_fails_after_exactly_one_new_login(self):
        s, conn = self.fake(refuse_visas=True)
        r = custrpc("partner", "get", "--id", "9", *conn)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("fault 1701: Visa is inconsistent/corrupted.", r.stderr)
        self.assertEqual(s.methods(), ["Login", "GetPartnerInfoById", "Login", "GetPartnerInfoById"])

    def test_import_with_always_1701_does_not_loop(self):
        s, conn = self.fake(refuse_visas=True)
        rows = self.write("p.csv", "Name\nA\n")
        r = custrpc("partner", "import", rows, "--jobs", "1", *conn)
        self.assertEqual(r.returncode, 2, r.stderr)
        # AddPartner (1701, Login, again), then the lookup (1701, Login, again): bounded.
        # (the lookup starts with the visa of the Login just before: no Login of its own)
        self.assertEqual(s.methods(), ["Login", "AddPartner", "Login", "AddPartner",
                                       "GetPartnerInfo", "Login", "GetPartnerInfo"])

    def test_trace_masks_password_and_visas(self):
        s, conn = self.fake()
        r = custrpc("partner", "get", "--id", "5", "-v", *conn)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"visa":"***"', r.stderr)
        self.assertIn('"password":"***"', r.stderr)
        for secret in [s.password] + s.issued:
            self.assertNotIn(secret, r.stderr + r.stdout)
        # An unknown member of the answer is named, not shown and not fatal.
        self.assertIn("not in the model, not shown: result.Extra", r.stderr)
        self.assertIn("Name: P5\n", r.stdout)

    def test_wrong_password_is_2100(self):
        s, conn = self.fake(password="the-right-one")
        conn[conn.index("--password-file") + 1] = self.write("bad", "the-wrong-one\n")
        r = custrpc("partner", "login", *conn)
        self.assertEqual(r.returncode, 1)
        self.assertIn("fault 2100: Unknown partner/username or bad password", r.stderr)
        self.assertNotIn("the-wrong-one", r.stderr)

    def test_bad_input_sends_nothing(self):
        s, conn = self.fake()
        cases = [
            (["partner", "add", "--name", "X", "--level", "Boss"], 65,
             ['--level: Level: "Boss" is not a Level (allowed: Undefined, Root, SubRoot, Distributor, '
              'SubDistributor, Reseller, EndCustomer, Site)']),
            (["partner", "add", "--name", "X", "--flags", "HasCustomBranding,Shiny"], 65,
             ["--flags:", '"Shiny"', "HasCustomBranding, HasCustomUpdatePackages"]),
            (["partner", "add", "--name", "X", "--child-service-types", "Everything"], 65,
             ["--child-service-types:", "AllInclusive, SoftwareOnly"]),
            (["partner", "add", "--name", "X", "--parent-id", "twelve"], 65, ["--parent-id:"]),
            (["partner", "add", "--level", "Reseller"], 65, ["Name"]),
            (["partner", "add", "--name", "X", "--password", "x"], 64, ["--password-file"]),
            (["partner", "modify", "--name", "X"], 65, ["Id"]),
            (["partner", "get"], 64, ["--id"]),
            (["partner", "frobnicate"], 64, ["unknown command"]),
            (["partner", "add", "--name", "X", "--json", self.write("bad.json", '{\n  "ParentId": 019283\n}')],
             65, ["bad.json", "line 2, column"]),
            (["partner", "add", "--json", self.write("u.json", '{"Name": "X", "Company": {"PostAdress": {}}}')],
             65, ["Company.PostAdress: unknown member of PartnerCompanyInfo"]),
            (["partner", "add", "--json", self.write("t.json", '{"Name": "X", "LocationId": "7"}')],
             65, ["LocationId: wrong type string, expected integer"]),
            (["partner", "add", "--json", self.write("a.json", '[{"Name": "X"}]')], 65, ["expected a JSON object"]),
            (["import", "--partners", self.write("c.csv", "Name,Company.PostAddress.Cty\nX,Y\n")], 65,
             ['"Company.PostAddress.Cty" is not a member of PartnerInfo']),
            (["import", "--partners", self.write("j.json", '[{"Name": "X",}]')], 65, ["j.json", "line 1, column"]),
            (["import", "--partners", self.write("d.csv", "Name,Level\nX,Reseller\nX,Reseller\n")], 65,
             ['"X" is also on line 2', "nothing was sent"]),
        ]
        for args, code, texts in cases:
            r = custrpc(*(args + conn))
            self.assertEqual(r.returncode, code, (args, r.stderr))
            for t in texts:
                self.assertIn(t, r.stderr, args)
        self.assertEqual(s.requests, [])

    def test_json_from_stdin_with_options_overriding(self):
        r = self.run_ok("partner", "add", "--dry-run", "--json", "-", "--name", "From Option",
                        "--company-post-address-city", "Patras",
                        stdin='{"Name": "From JSON", "Level": "Reseller", "Company": {"VatNumber": "EL1"}}')
        self.assertEqual(json.loads(r.stdout), {"partnerInfo": {
            "Name": "From Option", "Level": "Reseller",
            "Company": {"VatNumber": "EL1", "PostAddress": {"City": "Patras"}}}, "createDefaultAccount": False})

    def test_help_lists_every_member_and_enum_values(self):
        r = self.run_ok("partner", "add", "--help")
        for text in ("--company-post-address-city TEXT", "--advanced-partner-properties-region-id N",
                     "--child-service-types NAME,...", "--country TEXT", "--partner NAME",
                     "one of: Undefined, Root, SubRoot, Distributor, SubDistributor, Reseller, EndCustomer, Site",
                     "any of: HasCustomBranding, HasCustomUpdatePackages, UnsubscribedFromTrialNotifications, "
                     "CanInvoiceOthers", "/jsonapi"):
            self.assertIn(text, r.stdout)
        self.assertIn("partner", self.run_ok("--help").stdout)
        self.assertIn("--partners", self.run_ok("import", "--partners", "--help").stdout)

    def test_refused_connection_and_no_password(self):
        r = custrpc("partner", "login", "--url", "http://127.0.0.1:1/jsonapi", "--partner", "P", "--user", "u",
                    env={"CUSTRPC_PASSWORD": "pw-from-env"})
        self.assertEqual(r.returncode, 69, r.stderr)
        r = custrpc("partner", "login", "--partner", "P", "--user", "u")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("needs a password", r.stderr)


def members(help_text):
    """The PartnerInfo options --help lists."""
    part = help_text.split("PartnerInfo members", 1)[1]
    return set(re.findall(r"^  --([a-z-]+)", part, re.M))


@needs_spec
class AgainstSpecServer(Base):
    def spec(self, **kw):
        s = PartnerSpecServer(ROOT, **kw)
        self.servers.append(s)
        return s, self.login_args(s.url, *ROOT)

    def test_add_under_a_reseller(self):
        s, root = self.spec()
        reseller = int(self.run_ok("partner", "add", "--name", "Reseller One", "--level", "Reseller", *root).stdout)
        s.add_user(reseller, "res-login", "res-password")
        conn = self.login_args(s.url, "Reseller One", "res-login", "res-password")
        r = self.run_ok("partner", "login", *conn, "--output", "json")
        self.assertEqual(json.loads(r.stdout)["PartnerId"], reseller)
        new = int(self.run_ok("partner", "add", "--name", "Zeus & Sons", "--level", "EndCustomer",
                              "--service-type", "AllInclusive", "--child-service-types", "AllInclusive",
                              "--country", "Greece", *conn).stdout)
        got = json.loads(self.run_ok("partner", "get", "--id", str(new), "--output", "json", *conn).stdout)
        self.assertEqual((got["ParentId"], got["Level"], got["Name"]), (reseller, "EndCustomer", "Zeus & Sons"))
        self.assertEqual(got["Company"]["PostAddress"]["Country"], "Greece")
        # The Level rule, as the server tells it: a Reseller's child cannot be a Distributor.
        r = custrpc("partner", "add", "--name", "Too High", "--level", "Distributor", *conn)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"fault \d+: ")
        listed = self.run_ok("partner", "list", *conn).stdout
        self.assertRegex(listed, r"(?m)^%d +%d +EndCustomer +InProduction +Zeus & Sons$" % (new, reseller))
        listed = json.loads(self.run_ok("partner", "list", "--parent-id", "1", "--recursive", "--output", "json",
                                        *root).stdout)
        self.assertEqual([(p["Id"], p["Name"], p["ChildServiceTypes"]) for p in listed if p["Id"] == new],
                         [(new, "Zeus & Sons", ["AllInclusive"])])
        self.assertEqual(json.loads(self.run_ok("partner", "locations", "--output", "json", *root).stdout)[0]["Id"], 1)

    def test_every_option_reaches_the_wire(self):
        s, root = self.spec()
        parent = self.run_ok("partner", "add", "--name", "Dist", "--level", "Distributor", *root).stdout.strip()
        options = {
            "parent-id": (parent, ("ParentId",), int(parent)),
            "name": ("Every Member", ("Name",), "Every Member"),
            "level": ("Reseller", ("Level",), "Reseller"),
            "service-type": ("SoftwareOnly", ("ServiceType",), "SoftwareOnly"),
            "child-service-types": ("AllInclusive,SoftwareOnly", ("ChildServiceTypes",),
                                    ["AllInclusive", "SoftwareOnly"]),
            "state": ("InTrial", ("State",), "InTrial"),
            "device-country": ("NL", ("DeviceCountry",), "NL"),
            "location-id": ("3", ("LocationId",), 3),
            "flags": ("CanInvoiceOthers,HasCustomBranding", ("Flags",), ["HasCustomBranding", "CanInvoiceOthers"]),
            "company-post-address-country": ("GB", ("Company", "PostAddress", "Country"), "GB"),
            "company-post-address-state": ("Kent", ("Company", "PostAddress", "State"), "Kent"),
            "company-post-address-district": ("Dover", ("Company", "PostAddress", "District"), "Dover"),
            "company-post-address-city": ("Deal", ("Company", "PostAddress", "City"), "Deal"),
            "company-post-address-zip-code": ("CT14 6AA", ("Company", "PostAddress", "ZipCode"), "CT14 6AA"),
            "company-post-address-address": ("1 Beach St", ("Company", "PostAddress", "Address"), "1 Beach St"),
            "company-phone-number": ("+44 1", ("Company", "PhoneNumber"), "+44 1"),
            "company-fax-number": ("+44 2", ("Company", "FaxNumber"), "+44 2"),
            "company-website-address": ("https://e.example", ("Company", "WebsiteAddress"), "https://e.example"),
            "company-legal-company-name": ("Every Ltd", ("Company", "LegalCompanyName"), "Every Ltd"),
            "company-chamber-of-commerce-number": ("CC-9", ("Company", "ChamberOfCommerceNumber"), "CC-9"),
            "company-vat-number": ("GB123", ("Company", "VatNumber"), "GB123"),
            "company-bank-account-number": ("IBAN-1", ("Company", "BankAccountNumber"), "IBAN-1"),
            "company-billing-contact-person-id": ("bc-7", ("Company", "BillingContactPersonId"), "bc-7"),
            "trial-registration-time": ("1535673599", ("TrialRegistrationTime",), 1535673599),
            "trial-expiration-time": ("1538265599", ("TrialExpirationTime",), 1538265599),
            "advanced-partner-properties-region-id": ("44", ("AdvancedPartnerProperties", "RegionId"), 44),
            "advanced-partner-properties-responsible-user-id": ("45", ("AdvancedPartnerProperties",
                                                                       "ResponsibleUserId"), 45),
        }
        # Id is the server's (AddPartner ignores it; ModifyPartner's selector, tested below), and so
        # is CreationTime; Country is the vendor samples' spelling of Company.PostAddress.Country,
        # tested in the reseller case.
        listed = members(self.run_ok("partner", "add", "--help").stdout)
        self.assertEqual(listed - {"id", "country", "creation-time"}, set(options))
        args = [x for name, (value, _, _) in options.items() for x in ("--" + name, value)]
        new = self.run_ok("partner", "add", *args, *root).stdout.strip()
        got = json.loads(self.run_ok("partner", "get", "--id", new, "--output", "json", *root).stdout)
        for name, (_, path, want) in options.items():
            v = got
            for k in path:
                v = v[k]
            self.assertEqual(v, want, name)
        text = self.run_ok("partner", "get", "--id", new, *root).stdout
        self.assertIn("Company.PostAddress.ZipCode: CT14 6AA\n", text)
        self.assertIn("Flags: HasCustomBranding,CanInvoiceOthers\n", text)
        # ModifyPartner sends the members given, Id naming the partner (this server replaces a
        # Company whole).
        self.run_ok("partner", "modify", "--id", new, "--company-post-address-city", "Sandwich",
                    "--state", "InProduction", *root)
        got = json.loads(self.run_ok("partner", "get", "--name", "Every Member", "--output", "json", *root).stdout)
        self.assertEqual((got["Company"]["PostAddress"]["City"], got["State"]), ("Sandwich", "InProduction"))
        self.assertEqual(self.run_ok("partner", "state", "--id", new, *root).stdout, "InProduction\n")
        r = custrpc("partner", "remove", "--id", parent, *root)  # has a child
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.run_ok("partner", "remove", "--id", new, *root).stdout, "removed partner %s\n" % new)
        r = custrpc("partner", "get", "--id", new, *root)
        self.assertEqual(r.returncode, 1, r.stderr)
        locations = self.run_ok("partner", "locations", *root).stdout
        self.assertRegex(locations, r"(?m)^1 +\S")

    def test_wrong_password(self):
        s, root = self.spec()
        conn = self.login_args(s.url, ROOT[0], ROOT[1], "not-the-password")
        r = custrpc("partner", "login", *conn)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("fault 2100: ", r.stderr)
        r = self.run_ok("partner", "login", *root)
        self.assertRegex(r.stdout, r"^Id: \d+\nName: admin\nPartnerId: 1\n$")

    def test_visa_not_rotated_does_not_break_the_client(self):
        s, root = self.spec(bug="visa-not-rotated")
        rows = self.write("p.csv", "Name,Level\nR1,Reseller\nR2,Reseller\nR3,Reseller\n")
        self.run_ok("import", "--partners", rows, "--jobs", "1", *root)
        self.assertEqual(self.run_ok("partner", "list", *root).stdout.count("Reseller"), 3)

    def session(self, s, idle, refresh=None):
        pw = self.write("pw-prog", ROOT[2] + "\n")
        args = [PROG, s.url, ROOT[0], ROOT[1], pw, str(idle)] + ([str(refresh)] if refresh else [])
        return subprocess.run(args, capture_output=True, text=True, timeout=120)

    def test_expired_visa_costs_one_login(self):
        s, _ = self.spec(visa_ttl=3)
        r = self.session(s, 5)  # idle beyond the visa's life: the server answers 1701 once
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "ok requests=4 logins=2 visa_relogins=1 refresh_logins=0\n")

    def test_visa_refreshed_before_its_age(self):
        s, _ = self.spec()
        r = self.session(s, 2, refresh=1)  # no 1701: a Login before the call
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "ok requests=3 logins=2 visa_relogins=0 refresh_logins=1\n")

    def test_import_csv_and_json(self):
        s, root = self.spec()
        csv = self.write("partners.csv",
                         "Name,Level,ParentId,Company.PostAddress.City,ChildServiceTypes,Flags,AdvancedPartnerProperties.RegionId\n"
                         'Dist A,Distributor,1,Lyon,"AllInclusive,SoftwareOnly",CanInvoiceOthers,5\n'
                         "Dist B,Distributor,,,,,\n")
        r = self.run_ok("import", "--partners", csv, "--jobs", "2", *root)
        self.assertIn("2 added, 0 already present", r.stderr)
        a = json.loads(self.run_ok("partner", "get", "--name", "Dist A", "--output", "json", *root).stdout)
        self.assertEqual((a["Level"], a["ParentId"], a["Company"]["PostAddress"]["City"], a["ChildServiceTypes"],
                          a["Flags"], a["AdvancedPartnerProperties"]["RegionId"]),
                         ("Distributor", 1, "Lyon", ["AllInclusive", "SoftwareOnly"], ["CanInvoiceOthers"], 5))
        # A second run finds them there.
        r = self.run_ok("import", "--partners", csv, *root)
        self.assertIn("0 added, 2 already present", r.stderr)
        with open(csv + ".results.csv") as f:
            self.assertEqual([line.split(",")[3] for line in f.read().splitlines()[1:]], ["exists", "exists"])
        js = self.write("partners.json", json.dumps([
            {"Name": "Res A", "Level": "Reseller", "ParentId": a["Id"], "Country": "US"},
            {"Name": "Res B", "Level": "Reseller", "ParentId": a["Id"],
             "Company": {"PostAddress": {"City": "Austin", "Country": "US"}, "VatNumber": "V1"}},
            {"Name": "Res C", "Level": "Distributor", "ParentId": a["Id"]},  # refused: Level rule
        ], indent=1))
        r = custrpc("partner", "import", js, *root)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("2 added, 0 already present, 1 failed", r.stderr)
        b = json.loads(self.run_ok("partner", "get", "--name", "Res B", "--output", "json", *root).stdout)
        self.assertEqual((b["ParentId"], b["Company"]["VatNumber"]), (a["Id"], "V1"))
        with open(js + ".results.csv") as f:
            lines = f.read().splitlines()
        self.assertRegex(lines[3], r'^3,\d+,"Res C",failed,,\d+,')

    def test_result_not_nested_is_a_protocol_error(self):
        s, root = self.spec(bug="result-not-nested")
        r = custrpc("partner", "add", "--name", "N", "--level", "Reseller", *root)
        self.assertEqual(r.returncode, 76, r.stderr)
        self.assertIn("the answer's result", r.stderr)

    def test_errors_with_http_500(self):
        s, root = self.spec(bug="errors-http-500")
        conn = self.login_args(s.url, ROOT[0], ROOT[1], "wrong-password")
        r = custrpc("partner", "login", *conn)
        self.assertEqual(r.returncode, 76, r.stderr)
        self.assertIn("HTTP 500", r.stderr)
        self.assertIn("2100", r.stderr)
        self.assertNotIn("wrong-password", r.stderr)


sys.path.insert(0, os.path.join(HERE, "..", "server"))
from harness import Server  # noqa: E402


class AgainstCustrpcServer(Base):
    """The same commands against our own server, with a partner user configured for the
    reseller: one custrpc-server serves the partner tree the user's scripts build."""

    def test_add_under_a_reseller(self):
        srv = Server()
        for name, pw in (("root.pw", "root-partner-pw"), ("res.pw", "reseller-pw")):
            with open(os.path.join(srv.tmp, name), "w") as f:
                f.write(pw + "\n")
        srv.__init__(config='<custrpc-server><partner-root name="Root Partner" login="admin" '
                            'password-file="root.pw"/><partner-user partner="Reseller One" '
                            'login="res-login" password-file="res.pw"/></custrpc-server>', tmp=srv.tmp)
        with srv:
            url = srv.url.replace("/RPC2", "/jsonapi")
            root = self.login_args(url, "Root Partner", "admin", "root-partner-pw")
            reseller = int(self.run_ok("partner", "add", "--name", "Reseller One", "--level", "Reseller",
                                       *root).stdout)
            conn = self.login_args(url, "Reseller One", "res-login", "reseller-pw")
            new = int(self.run_ok("partner", "add", "--name", "Zeus & Sons", "--level", "EndCustomer",
                                  "--country", "Greece", "--company-post-address-city", "Athens",
                                  *conn).stdout)
            got = json.loads(self.run_ok("partner", "get", "--id", str(new), "--output", "json", *conn).stdout)
            self.assertEqual((got["ParentId"], got["Level"], got["Company"]["PostAddress"]),
                             (reseller, "EndCustomer", {"Country": "Greece", "City": "Athens"}))
            r = custrpc("partner", "add", "--name", "Too High", "--level", "Distributor", *conn)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("fault 1036: partnerInfo.Level", r.stderr)
            r = custrpc("partner", "get", "--id", "1", *conn)
            self.assertIn("fault 13501", r.stderr)
            self.assertNotIn("reseller-pw", srv.log_showing("method=GetPartnerInfoById fault=13501"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
