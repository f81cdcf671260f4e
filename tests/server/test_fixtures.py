"""test_fixtures.py — custrpc-server --fixtures and --partner-fixtures: a known state loaded at
start (custrpc import's CSV or JSON files plus our "parent" column) that POST /admin/reset returns
to, with the same ids. Driven by clients we did not write: Python's xmlrpc.client (over the
harness's Digest transport for credentials) and its json/http.client for the partner API."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import xmlrpc.client

from harness import Digest, Server, call_body, main, post, unique

ROOT_PW = "Root-pw-fixtures-1"
PARTNER_PW = "Partner-root-pw-2"
RESELLER_PW = "Reseller-api-pw-3"
PARTNER_USER_PW = "Reseller-partner-pw-4"

# A reseller with API access, a customer below it, one below that, and one below the root.
CSV = ("\ufeffname;web_password;i_tariff;web_login;api_access;api_password;customers_mgmt;"
       "max_depth;description;parent\r\n"
       "Reseller A;pw-a;1;reseller-a;1;%s;7;3;\"top; level\";\r\n"
       "Sub A1;pw-a1;1;;;;7;;;Reseller A\r\n"
       "Leaf A1x;pw-x;1;;;;;;;Sub A1\r\n"
       "Other B;pw-b;7;;;;;;second tariff;\r\n" % RESELLER_PW)
JSON = [
    {"name": "Reseller A", "web_password": "pw-a", "i_tariff": 1, "web_login": "reseller-a",
     "api_access": 1, "api_password": RESELLER_PW, "customers_mgmt": "7", "max_depth": 3,
     "description": "top; level"},
    {"name": "Sub A1", "web_password": "pw-a1", "i_tariff": 1, "customers_mgmt": 7,
     "parent": "Reseller A"},
    {"name": "Leaf A1x", "web_password": "pw-x", "i_tariff": 1, "parent": "Sub A1"},
    {"name": "Other B", "web_password": "pw-b", "i_tariff": "7", "description": "second tariff",
     "parent": None},
]
# name -> (i_customer, i_parent) as the file's order gives them (the root is 1).
EXPECTED = {"Reseller A": (2, 1), "Sub A1": (3, 2), "Leaf A1x": (4, 3), "Other B": (5, 1)}

PARTNERS_CSV = ("Name,Level,Company.PostAddress.Country,parent\n"
                "Reseller One,Reseller,DE,\n"
                "Shop One,EndCustomer,,Reseller One\n")


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def config(tmp):
    for name, pw in (("root.pw", ROOT_PW), ("partner.pw", PARTNER_PW),
                     ("puser.pw", PARTNER_USER_PW)):
        write(tmp, name, pw + "\n")
    return ('<custrpc-server><root login="root" password-file="root.pw"/>'
            '<partner-root name="Top" login="api-root" password-file="partner.pw"/>'
            '<partner-user partner="Reseller One" login="reseller-api" password-file="puser.pw"/>'
            '<tariff i_tariff="1" name="Default"/><tariff i_tariff="7" name="Gold"/>'
            "</custrpc-server>")


def server(*args, tmp=None, **kw):
    tmp = tmp or tempfile.mkdtemp(prefix="custrpc-test-")
    srv = Server("--admin", *args, config=config(tmp), tmp=tmp, **kw)
    srv.owns_tmp = True
    return srv


class DigestTransport(xmlrpc.client.Transport):
    """xmlrpc.client over the harness's Digest client: the stdlib marshals and parses."""

    def __init__(self, user, password):
        super().__init__()
        self.digest = Digest(user, password)

    def request(self, host, handler, request_body, verbose=False):
        r = self.digest.post("http://%s%s" % (host, handler), request_body)
        if r.status != 200:
            raise xmlrpc.client.ProtocolError(host + handler, r.status, r.body[:200], {})
        p, u = self.getparser()
        p.feed(r.body)
        p.close()
        return u.close()


def proxy(srv, user="root", password=ROOT_PW):
    return xmlrpc.client.ServerProxy(srv.url, transport=DigestTransport(user, password),
                                     allow_none=True)


def reset(srv):
    r = Digest("root", ROOT_PW).request("POST", srv.url.replace("/RPC2", "/admin/reset"), b"")
    assert (r.status, json.loads(r.body)) == (200, {"status": "ok"}), (r.status, r.body)


def tree(srv):
    """name -> (i_customer, i_parent) of every customer below the root."""
    p = proxy(srv)
    out = {}
    for c in p.listCustomers({"limit": 1000})["customers"]:
        info = p.getCustomerInfo({"i_customer": c["i_customer"]})["customer"]
        out[info["name"]] = (info["i_customer"], info["i_parent"])
    return out


def jcall(srv, method, params, visa=None):
    msg = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    if visa:
        msg["visa"] = visa
    r = post(srv.url.replace("/RPC2", "/jsonapi"), json.dumps(msg).encode(),
             {"Content-Type": "application/json"})
    return json.loads(r.body)


class Loaded(unittest.TestCase):
    def check_loaded(self, srv):
        self.assertEqual(tree(srv), EXPECTED)
        p = proxy(srv)
        a = p.getCustomerInfo({"name": "Reseller A"})["customer"]
        self.assertEqual((a["i_customer"], a["web_login"], a["description"], a["max_depth"]),
                         (2, "reseller-a", "top; level", 3))
        self.assertNotIn("api_password", a)
        self.assertEqual(p.getCustomerInfo({"name": "Other B"})["customer"]["i_tariff"], 7)
        # A row without max_depth got its parent's minus one, as createCustomer completes it.
        self.assertEqual(p.getCustomerInfo({"name": "Sub A1"})["customer"]["max_depth"], 2)
        # The fixture reseller logs in with Digest (its api_password was hashed as usual) and
        # creates below itself; it sees its subtree, not its siblings.
        r = proxy(srv, "reseller-a", RESELLER_PW)
        created = r.createCustomer({"name": unique(), "web_password": "pw", "i_tariff": 1})
        self.assertEqual(created["result"], "OK")
        self.assertEqual(p.getCustomerInfo({"i_customer": created["i_customer"]})["customer"]["i_parent"], 2)
        self.assertEqual(r.getCustomerInfo({"name": "Leaf A1x"})["customer"]["i_customer"], 4)
        with self.assertRaises(xmlrpc.client.Fault):
            r.getCustomerInfo({"name": "Other B"})
        with self.assertRaises(xmlrpc.client.ProtocolError):
            proxy(srv, "reseller-a", "wrong").getCustomerInfo({"i_customer": 2})

    def test_csv_with_bom_semicolons_and_crlf(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "fixtures.txt", CSV)  # no extension: the reader sniffs CSV and ';'
        with server("--fixtures", path, tmp=tmp) as srv:
            self.check_loaded(srv)
            self.assertIn("4 customers and 0 partners loaded", srv.log_text())

    def test_json(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "fixtures.json", json.dumps(JSON, indent=1))
        with server("--fixtures", path, tmp=tmp) as srv:
            self.check_loaded(srv)

    def test_partners(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "partners.csv", PARTNERS_CSV)
        cust = write(tmp, "fixtures.json", json.dumps(JSON))
        with server("--fixtures", cust, "--partner-fixtures", path, tmp=tmp) as srv:
            def check():
                a = jcall(srv, "Login", {"partner": "Top", "username": "api-root",
                                         "password": PARTNER_PW})
                top = int(a["result"]["result"]["PartnerId"])
                one = jcall(srv, "GetPartnerInfo", {"name": "Reseller One"}, a["visa"])["result"]["result"]
                shop = jcall(srv, "GetPartnerInfo", {"name": "Shop One"}, a["visa"])["result"]["result"]
                self.assertEqual((one["ParentId"], one["Level"]), (top, "Reseller"))
                self.assertEqual((shop["ParentId"], shop["Level"]), (one["Id"], "EndCustomer"))
                # The location rule of AddPartner: Germany's, and the parent's for the shop.
                self.assertEqual(shop["LocationId"], one["LocationId"])
                self.assertTrue(one["LocationId"])
                return one["Id"], shop["Id"]

            ids = check()
            # The configured user of the fixture partner can log in: its partner exists.
            u = jcall(srv, "Login", {"partner": "Reseller One", "username": "reseller-api",
                                     "password": PARTNER_USER_PW})
            self.assertEqual(int(u["result"]["result"]["PartnerId"]), ids[0])
            added = jcall(srv, "AddPartner", {"partnerInfo": {"Name": "Extra", "Level": "Site"}},
                          u["visa"])
            self.assertEqual(added["result"]["result"], ids[1] + 1)
            reset(srv)
            self.assertEqual(check(), ids)
            self.assertEqual(tree(srv), EXPECTED)


class Refused(unittest.TestCase):
    def refused(self, text, name="fixtures.csv", option="--fixtures"):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, name, text) if text is not None else os.path.join(tmp, name)
        srv = server(option, path, tmp=tmp)
        with self.assertRaises(AssertionError):
            srv.start()
        status, log = srv.proc.wait(timeout=60), srv.log_text()
        srv.log.close()
        shutil.rmtree(tmp, ignore_errors=True)
        lines = [l for l in log.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, log)
        return status, lines[0]

    def test_bad_rows_refuse_to_start_with_one_line(self):
        head = "name,web_password,i_tariff,customers_mgmt,max_depth,parent\n"
        cases = [
            # a value the field table refuses
            (head + "a,pw,1,7,,\nb,pw,1,,many,a\n", "fixtures.csv:3: max_depth: "),
            # a parent that is not above
            (head + "a,pw,1,7,,b\nb,pw,1,,,\n", 'fixtures.csv:2: parent: "b" is not the name'),
            # a member createCustomer requires
            ("name,web_password\na,pw\n", "fixtures.csv:2: i_tariff: mandatory member is missing"),
            # a hierarchy rule: rights beyond the parent's
            (head + "a,pw,1,1,,\nb,pw,1,7,,a\n", "fixtures.csv:3: customers_mgmt: "),
            # a parent without the add right
            (head + "a,pw,1,0,,\nb,pw,1,,,a\n", "fixtures.csv:3: parent: \"a\": customer 2 may not add"),
            # an unknown tariff
            (head + "a,pw,99,,,\n", "fixtures.csv:2: i_tariff: "),
            # the same name twice
            (head + "a,pw,1,,,\na,pw,1,,,\n", "fixtures.csv:3: name: "),
            # a column that is no member
            ("name,web_password,i_tariff,colour\na,pw,1,red\n", '"colour" is not a createCustomer member'),
        ]
        for text, expected in cases:
            with self.subTest(expected=expected):
                status, line = self.refused(text)
                self.assertEqual(status, 78, line)
                self.assertTrue(line.startswith("custrpc-server: fixtures: "), line)
                self.assertIn(expected, line)

    def test_json_row_and_missing_file(self):
        status, line = self.refused('[{"name": "a", "web_password": "pw", "i_tariff": 1},\n'
                                    ' {"name": "b", "web_password": "pw", "i_tariff": 1, '
                                    '"parent": 5}]', "f.json")
        self.assertEqual(status, 78)
        self.assertIn("f.json:2: parent: expected a string (row 2)", line)
        status, line = self.refused(None, "absent.csv")
        self.assertEqual(status, 78)
        self.assertRegex(line, r"fixtures: .*absent\.csv: No such file or directory$")
        status, line = self.refused("Name,Level,parent\nX,Root,\n", "p.csv", "--partner-fixtures")
        self.assertEqual(status, 78)
        self.assertIn("p.csv:2: partnerInfo.Level: Level Root is not below", line)
        # The extra column first: the header check compared a member with it (a NULL path;
        # fuzz_import found the crash).
        status, line = self.refused("parent,Name,Level\n,X,Root\n", "p.csv", "--partner-fixtures")
        self.assertEqual(status, 78)
        self.assertIn("p.csv:2: partnerInfo.Level: Level Root is not below", line)
        # Said once that it is not JSON.
        status, line = self.refused("[" * 3000 + "]" * 3000, "deep.json")
        self.assertEqual(status, 78)
        self.assertRegex(line, r"deep\.json: not valid JSON: line 1, column \d+: maximum parsing "
                         r"depth reached$")

    def test_a_fifo_is_refused_not_waited_on(self):
        """Fixtures are read with SIGTERM already blocked: a FIFO nobody writes would keep the
        server from starting, and from stopping but by SIGKILL."""
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        try:
            path = os.path.join(tmp, "fifo.csv")
            os.mkfifo(path)
            for option in ("--fixtures", "--partner-fixtures"):
                out = subprocess.run([os.environ.get("CUSTRPC_SERVER", "server/custrpc-server"),
                                      "--listen", "127.0.0.1:0", option, path],
                                     capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
                self.assertEqual(out.returncode, 78, out.stderr)
                self.assertEqual(out.stderr.decode(),
                                 "custrpc-server: fixtures: %s: not a regular file\n" % path)
        finally:
            shutil.rmtree(tmp)


class Reset(unittest.TestCase):
    def test_reset_returns_exactly_to_the_fixtures(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "fixtures.csv", CSV)
        with server("--fixtures", path, tmp=tmp) as srv:
            p = proxy(srv)
            before = {n: p.getCustomerInfo({"name": n})["customer"] for n in EXPECTED}
            new = p.createCustomer({"name": "Created", "web_password": "pw", "i_tariff": 1})
            self.assertEqual(new["i_customer"], 6)
            p.deleteCustomer({"i_customer": 4})
            p.updateCustomer({"i_customer": 2, "description": "changed"})
            p.blockCustomer({"i_customer": 5})
            reset(srv)
            self.assertEqual(tree(srv), EXPECTED)
            after = {n: p.getCustomerInfo({"name": n})["customer"] for n in EXPECTED}
            self.assertEqual(after, before)
            # Ids count on from the fixtures, as at start.
            again = p.createCustomer({"name": "Created", "web_password": "pw", "i_tariff": 1})
            self.assertEqual(again["i_customer"], 6)
            proxy(srv, "reseller-a", RESELLER_PW).getCustomerInfo({"i_customer": 3})

    def test_reload_that_would_break_the_fixtures_is_refused(self):
        """A SIGHUP configuration without a tariff a fixture row uses is checked as at start
        (it refuses to start): kept out, or every later reset and new namespace would fail."""
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "fixtures.csv", CSV)  # "Other B" has i_tariff 7
        with server("--fixtures", path, tmp=tmp) as srv:
            write(tmp, "server.xml.new", config(tmp).replace('<tariff i_tariff="7" name="Gold"/>', ""))
            os.replace(os.path.join(tmp, "server.xml.new"), os.path.join(tmp, "server.xml"))
            srv.proc.send_signal(signal.SIGHUP)
            line = srv.log_showing(r"reload: .*previous configuration")
            self.assertRegex(line, r"custrpc-server: reload: fixtures: .*fixtures\.csv:5: i_tariff: "
                             r".*; keeping the previous configuration")
            reset(srv)
            self.assertEqual(tree(srv), EXPECTED)
            # A configuration the fixtures still fit is taken.
            write(tmp, "server.xml.new", config(tmp).replace(
                '<tariff i_tariff="7" name="Gold"/>',
                '<tariff i_tariff="7" name="Gold"/><tariff i_tariff="8" name="New"/>'))
            os.replace(os.path.join(tmp, "server.xml.new"), os.path.join(tmp, "server.xml"))
            srv.proc.send_signal(signal.SIGHUP)
            srv.log_showing("configuration reloaded")
            reset(srv)
            self.assertEqual(tree(srv), EXPECTED)

    def test_reset_while_creating_and_reading(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        path = write(tmp, "fixtures.json", json.dumps(JSON))
        with server("--fixtures", path, tmp=tmp, db=os.path.join(tmp, "store.db")) as srv:
            lock = threading.Lock()
            done = []  # (sent_at, i_customer, name)
            errors, views = [], []
            stop = threading.Event()

            def creator():
                auth = Digest("reseller-a", RESELLER_PW)
                while not stop.is_set():
                    name = unique("load")
                    sent = time.monotonic()
                    r = auth.post(srv.url, call_body("createCustomer", {
                        "name": name, "web_password": "pw", "i_tariff": 1}))
                    if r.status != 200 or b"faultCode" in r.body:
                        errors.append((r.status, r.body[:300]))
                        continue
                    with lock:
                        done.append((sent, r.value()["i_customer"], name))

            def reader():
                # Every snapshot holds all the fixtures with their ids, never a part of them.
                auth = Digest("root", ROOT_PW)
                while not stop.is_set():
                    r = auth.post(srv.url, call_body("listCustomers", {"limit": 1000}))
                    ids = {c["name"]: c["i_customer"] for c in r.value()["customers"]}
                    views.append({n: ids.get(n) for n in EXPECTED} == {n: v[0] for n, v in EXPECTED.items()})

            threads = [threading.Thread(target=creator) for _ in range(3)]
            threads.append(threading.Thread(target=reader))
            for t in threads:
                t.start()
            root = proxy(srv)
            last_reset, checked = time.monotonic(), 0
            try:
                for _ in range(6):
                    time.sleep(0.2)
                    with lock:
                        since = [d for d in done if d[0] > last_reset]
                    self.assertEqual(len({d[1] for d in since}), len(since))
                    for _, cid, name in since[-5:]:
                        info = root.getCustomerInfo({"name": name})["customer"]
                        self.assertEqual((info["i_customer"], info["i_parent"]), (cid, 2))
                        checked += 1
                    reset(srv)
                    last_reset = time.monotonic()
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=120)
            self.assertEqual(errors, [])
            self.assertGreater(len(done), 10)
            self.assertGreater(checked, 0)
            self.assertTrue(views and all(views), views.count(False))
            reset(srv)
            self.assertEqual(tree(srv), EXPECTED)


class DbRule(unittest.TestCase):
    def test_fixtures_load_only_into_a_store_without_data(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        db = os.path.join(tmp, "store.db")
        path = write(tmp, "fixtures.csv", CSV)
        # A new database gets them.
        with server("--fixtures", path, db=db) as srv:
            self.assertEqual(tree(srv), EXPECTED)
            proxy(srv).createCustomer({"name": "Kept", "web_password": "pw", "i_tariff": 1})
        # One with data keeps it, and says the fixtures were not loaded.
        other = write(tmp, "other.csv", "name,web_password,i_tariff\nNew One,pw,1\n")
        with server("--fixtures", other, db=db) as srv:
            self.assertIn("fixtures from %s not loaded" % other, srv.log_text())
            t = tree(srv)
            self.assertEqual(t["Kept"], (6, 1))
            self.assertNotIn("New One", t)
            # The reset replaces the store with the fixtures given now.
            reset(srv)
            self.assertEqual(tree(srv), {"New One": (2, 1)})
        # The reset's store is what a restart finds; it still holds data, so nothing is loaded.
        with server("--fixtures", path, db=db) as srv:
            self.assertEqual(tree(srv), {"New One": (2, 1)})
        # A bad file refuses to start even when the store is not loaded from it.
        bad = write(tmp, "bad.csv", "name,web_password,i_tariff\nX,pw,nope\n")
        srv = server("--fixtures", bad, db=db)
        with self.assertRaises(AssertionError):
            srv.start()
        self.assertEqual(srv.proc.wait(timeout=60), 78)
        srv.log.close()


if __name__ == "__main__":
    main()
