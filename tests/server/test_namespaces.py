"""test_namespaces.py — parallel test isolation (ours, not the API's): with --admin, a request
naming a namespace (the header X-Custrpc-Namespace: NAME, or the path prefix /ns/NAME/) runs on a
store and journal of its own, so test runs sharing one server never see each other (WireMock
#169/#273). Driven by clients we did not write: Python's xmlrpc.client through the path prefix
(it cannot set headers), http.client and urllib with the header, the harness's own Digest class,
and curl for the journal."""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client

from harness import Digest, Server, base, call_body, main, post, unique

ADMIN_PW = "Admin-pw-ns-1"
HEADER = "X-Custrpc-Namespace"


def server(*args, admin=True):
    """Open local mode (no root password: loopback requests without credentials act as root, so
    xmlrpc.client needs none) with the admin interface's own login."""
    tmp = tempfile.mkdtemp(prefix="custrpc-test-")
    with open(os.path.join(tmp, "admin.pw"), "w") as f:
        f.write(ADMIN_PW + "\n")
    cfg = ("<custrpc-server>" + ('<admin login="ops" password-file="admin.pw"/>' if admin else "")
           + '<tariff i_tariff="1" name="Default"/></custrpc-server>')
    srv = Server(*(("--admin",) if admin else ()) + args, config=cfg, tmp=tmp)
    srv.owns_tmp = True
    return srv


def root_url(srv):
    return srv.url.replace("/RPC2", "")


def ns_proxy(srv, ns):
    """Python's own XML-RPC client on the namespace's path."""
    return xmlrpc.client.ServerProxy(root_url(srv) + "/ns/%s/RPC2" % ns, allow_none=True)


def call(srv, method, arg, ns=None, auth=None, path="/RPC2"):
    """An XML-RPC call with http.client, the namespace named by the header."""
    headers = {HEADER: ns} if ns else {}
    body = call_body(method, arg)
    if not auth:
        return post(srv.url, body, headers, path=path)
    url = root_url(srv) + path
    if auth.challenge is None:
        # Open local mode answers a request without credentials as root: ask for a challenge
        # with credentials that cannot be right.
        r = post(url, body, dict(headers, Authorization='Digest username="nobody"'))
        assert r.status == 401, (r.status, r.body)
        auth.challenge, auth.nc = auth.parse_challenge(r.challenges()[0]), 0
    return post(url, body, dict(headers, Authorization=auth.authorization("POST", path)))


def names(srv, ns=None):
    r = call(srv, "listCustomers", {}, ns)
    return sorted(c["name"] for c in r.value()["customers"])


def journal(srv, query="", ns=None, path="/admin/journal"):
    auth = Digest("ops", ADMIN_PW)
    url = root_url(srv) + path + query
    headers = {HEADER: ns} if ns else {}
    r = post(url, None, headers, method="GET")
    assert r.status == 401, (r.status, r.body)
    auth.challenge = auth.parse_challenge(r.challenges()[0])
    target = path + query
    r = post(url, None, dict(headers, Authorization=auth.authorization("GET", target)), method="GET")
    assert r.status == 200, (r.status, r.body)
    return json.loads(r.body)["entries"]


def reset(srv, ns=None):
    auth = Digest("ops", ADMIN_PW)
    path = "/ns/%s/admin/reset" % ns if ns else "/admin/reset"
    r = auth.request("POST", root_url(srv) + path)
    assert r.status == 200, (r.status, r.body)


def health(srv):
    return json.loads(post(srv.url, None, path="/health", method="GET").body)


class Isolation(unittest.TestCase):
    def test_same_name_in_two_namespaces_at_once(self):
        with server() as srv:
            start = threading.Barrier(2, timeout=60)
            got = {}

            def by_path():  # xmlrpc.client: the path prefix
                start.wait()
                got["run1"] = ns_proxy(srv, "run1").createCustomer(
                    base(name="same", email="one@example.com"))

            def by_header():  # http.client: the header
                start.wait()
                got["run2"] = call(srv, "createCustomer", base(name="same", email="two@example.com"),
                                   ns="run2").value()

            threads = [threading.Thread(target=f) for f in (by_path, by_header)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            self.assertEqual(got["run1"]["result"], "OK")
            self.assertEqual(got["run2"]["result"], "OK")
            # Each run sees its own customer, with the id a fresh server would give.
            one = ns_proxy(srv, "run1").getCustomerInfo({"name": "same"})["customer"]
            two = call(srv, "getCustomerInfo", {"name": "same"}, ns="run2").value()["customer"]
            self.assertEqual((one["email"], one["i_customer"]), ("one@example.com", 2))
            self.assertEqual((two["email"], two["i_customer"]), ("two@example.com", 2))
            # The name is unique within a namespace all the same.
            self.assertEqual(call(srv, "createCustomer", base(name="same"), ns="run2").fault()[0],
                             1010)
            # The default namespace has neither.
            self.assertEqual(call(srv, "getCustomerInfo", {"name": "same"}).fault()[0], 1040)
            self.assertEqual(health(srv)["customers"], 1)
            self.assertEqual(health(srv)["namespaces"], 2)
            srv.log_showing(r"login=- method=createCustomer OK i_customer=2 ns=run1 \d")

    def test_digest_sub_customer_only_in_its_namespace(self):
        with server() as srv:
            login, pw = unique("sub"), "Sub-api-pw-7"
            r = call(srv, "createCustomer",
                     base(web_login=login, api_access=1, api_password=pw), ns="d1")
            self.assertEqual(r.value()["result"], "OK")
            # Its namespace, by the path (the uri Digest hashes includes the prefix) and by
            # the header.
            r = call(srv, "listCustomers", {}, auth=Digest(login, pw), path="/ns/d1/RPC2")
            self.assertEqual(r.status, 200, r.body)
            r = call(srv, "listCustomers", {}, ns="d1", auth=Digest(login, pw))
            self.assertEqual(r.status, 200, r.body)
            # Nowhere else: the default namespace and another one do not know the login.
            for kw in ({}, {"ns": "d2"}, {"path": "/ns/d2/RPC2"}):
                r = call(srv, "listCustomers", {}, auth=Digest(login, pw), **kw)
                self.assertEqual(r.status, 401, (kw, r.body))
                self.assertNotIn("stale=true", " ".join(r.challenges()).lower())

    def test_default_namespace_unaffected(self):
        with server() as srv:
            proxy = srv.proxy()
            self.assertEqual(proxy.createCustomer(base(name="dflt"))["result"], "OK")
            ns_proxy(srv, "other").createCustomer(base(name="nsonly"))
            self.assertIn("dflt", names(srv))
            self.assertNotIn("nsonly", names(srv))
            self.assertNotIn("dflt", names(srv, "other"))
            self.assertEqual(health(srv)["customers"], 2)  # the root and dflt
            text = post(srv.url, None, path="/metrics", method="GET").body.decode()
            self.assertIn("custrpc_customers 2\n", text)
            # A default reset leaves the namespaces alone (ours).
            reset(srv)
            self.assertNotIn("dflt", names(srv))
            self.assertIn("nsonly", names(srv, "other"))

    def test_eight_parallel_runs(self):
        with server("--threads", "4") as srv:
            errors, runs = [], 8
            start = threading.Barrier(runs, timeout=120)

            def run(i):
                ns = "par-%d" % i
                try:
                    start.wait()
                    created = []
                    for k in range(6):
                        name = "cust-%d" % k  # the same names in every run
                        if i % 2:
                            r = ns_proxy(srv, ns).createCustomer(base(name=name))
                        else:
                            r = call(srv, "createCustomer", base(name=name), ns=ns).value()
                        assert r["result"] == "OK", r
                        created.append(r["i_customer"])
                    assert created == list(range(2, 8)), created
                    seen = [c["name"] for c in ns_proxy(srv, ns).listCustomers({})["customers"]]
                    assert sorted(seen) == ["cust-%d" % k for k in range(6)], seen
                except Exception as e:  # reported by the main thread
                    errors.append((i, repr(e)))

            threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(300)
            self.assertEqual(errors, [])
            for i in range(runs):
                entries = journal(srv, "?method=createCustomer", ns="par-%d" % i)
                self.assertEqual(len(entries), 6)
                self.assertEqual({e["namespace"] for e in entries}, {"par-%d" % i})
            self.assertEqual(health(srv)["customers"], 1)


class Journal(unittest.TestCase):
    def test_journal_isolation(self):
        with server() as srv:
            ns_proxy(srv, "ja").createCustomer(base(name="in-a"))
            call(srv, "createCustomer", base(name="in-b"), ns="jb").value()
            srv.proxy().createCustomer(base(name="in-default"))

            def created(entries):
                return [e["namespace"] for e in entries if e["method"] == "createCustomer"]

            self.assertEqual(created(journal(srv, path="/ns/ja/admin/journal")), ["ja"])
            self.assertEqual(created(journal(srv, ns="jb")), ["jb"])
            self.assertEqual(created(journal(srv)), [None])  # the default's only
            self.assertEqual(sorted(created(journal(srv, "?namespace=*")), key=str),
                             sorted([None, "ja", "jb"], key=str))
            self.assertIn("in-a", journal(srv, ns="ja")[0]["request"])
            # curl, with the header.
            if shutil.which("curl"):
                out = subprocess.run(["curl", "-sS", "--fail", "--digest", "-u", "ops:" + ADMIN_PW,
                                      "-H", HEADER + ": jb",
                                      root_url(srv) + "/admin/journal?method=createCustomer"],
                                     capture_output=True, timeout=60, check=True).stdout
                entries = json.loads(out)["entries"]
                self.assertEqual([(e["namespace"], "in-b" in e["request"]) for e in entries],
                                 [("jb", True)])
            # Only * may be asked for by query.
            auth = Digest("ops", ADMIN_PW)
            r = auth.request("GET", root_url(srv) + "/admin/journal?namespace=ja")
            self.assertEqual(r.status, 400)
            self.assertIn("namespace", json.loads(r.body)["error"])

    def test_reset_of_one_namespace_leaves_another_intact(self):
        with server() as srv:
            for ns in ("ra", "rb"):
                self.assertEqual(ns_proxy(srv, ns).createCustomer(base(name="keep"))["result"], "OK")
            srv.proxy().createCustomer(base(name="keep"))
            self.assertEqual(health(srv)["namespaces"], 2)
            listing = lambda: json.loads(Digest("ops", ADMIN_PW).request(
                "GET", root_url(srv) + "/admin/namespaces").body)["namespaces"]
            self.assertEqual(listing(), ["ra", "rb"])  # oldest first (ours)
            reset(srv, "ra")
            self.assertEqual(health(srv)["namespaces"], 1)
            self.assertEqual(listing(), ["rb"])
            self.assertEqual(journal(srv, ns="ra"), [])
            self.assertEqual(len(journal(srv, "?method=createCustomer", ns="rb")), 1)
            self.assertEqual(len(journal(srv, "?method=createCustomer")), 1)
            self.assertIn("keep", names(srv, "rb"))
            self.assertIn("keep", names(srv))
            # ra is made afresh by its next request: seeded, ids from 2 again.
            self.assertNotIn("keep", names(srv, "ra"))
            self.assertEqual(ns_proxy(srv, "ra").createCustomer(base(name="keep"))["i_customer"], 2)
            # Resetting a namespace that does not exist is no error.
            reset(srv, "never-made")

    def test_reset_while_requests_run_in_the_namespace(self):
        """A request holding a namespace that is discarded finishes on the old store (freed by
        its last holder: the sanitizer build checks the order)."""
        with server("--threads", "4") as srv:
            stop, errors, done = threading.Event(), [], []

            def creator(by_path):
                while not stop.is_set():
                    try:
                        if by_path:
                            r = ns_proxy(srv, "hot").createCustomer(base())
                        else:
                            r = call(srv, "createCustomer", base(), ns="hot").value()
                        assert r["result"] == "OK", r
                        done.append(1)
                    except Exception as e:
                        errors.append(repr(e))
                        return

            threads = [threading.Thread(target=creator, args=(i % 2 == 0,)) for i in range(4)]
            for t in threads:
                t.start()
            for _ in range(20):
                reset(srv, "hot")
            stop.set()
            for t in threads:
                t.join(120)
            self.assertEqual(errors, [])
            self.assertGreater(len(done), 0)
            reset(srv, "hot")
            self.assertEqual(journal(srv, ns="hot"), [])
            self.assertEqual(names(srv, "hot"), [])

    def test_made_and_discarded_many_times_memory_stays_flat(self):
        """Each cycle makes a namespace (a seeded in-memory store, its environments) and
        discards it: its memory goes back. Measured after a warm-up long enough for the
        sanitizer build's quarantine of freed memory to fill (about 1,000 cycles)."""
        with server() as srv:
            auth = Digest("ops", ADMIN_PW)
            body = call_body("createCustomer", base())

            def cycles(start, n):
                for i in range(start, start + n):
                    ns = "m%d" % i
                    r = post(srv.url, body, {HEADER: ns})
                    self.assertEqual(r.status, 200)
                    url, path = root_url(srv) + "/ns/%s/admin/reset" % ns, "/ns/%s/admin/reset" % ns
                    if auth.challenge is None:
                        auth.challenge = auth.parse_challenge(post(url, None).challenges()[0])
                    r = post(url, None, {"Authorization": auth.authorization("POST", path)})
                    if r.status == 401:  # the nonce went stale
                        auth.challenge, auth.nc = auth.parse_challenge(r.challenges()[0]), 0
                        r = post(url, None, {"Authorization": auth.authorization("POST", path)})
                    self.assertEqual(r.status, 200, r.body)

            cycles(0, 1200)
            before = rss_kib(srv.proc.pid)
            cycles(1200, 600)
            after = rss_kib(srv.proc.pid)
            self.assertEqual(health(srv)["namespaces"], 0)
            # A namespace kept would be some 100 KiB or more: 600 of them, 60 MiB.
            self.assertLess(after - before, 12 * 1024, "VmRSS %d KiB -> %d KiB" % (before, after))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))


class Rules(unittest.TestCase):
    def test_invalid_names(self):
        with server() as srv:
            body = call_body("listCustomers", {})
            for value in ("", "a b", "x" * 65, "ä", "a/b", "*"):
                r = post(srv.url, body, {HEADER: value.encode("utf-8").decode("latin-1")})
                self.assertEqual(r.status, 400, (value, r.body))
                self.assertIn(HEADER.encode(), r.body)
                self.assertIn(b"1 to 64 of A-Z a-z 0-9 . _ -", r.body)
            # Dot segments: curl would send /ns/../RPC2 as /RPC2, the default namespace.
            for value in (".", ".."):
                r = post(srv.url, body, {HEADER: value})
                self.assertEqual(r.status, 400, (value, r.body))
                self.assertIn(b"not . or ..", r.body)
            self.assertEqual(call(srv, "listCustomers", {}, ns="...").status, 200)
            self.assertEqual(call(srv, "listCustomers", {}, ns=".a").status, 200)
            for path in ("/ns//RPC2", "/ns/a%20b/RPC2", "/ns/" + "x" * 65 + "/RPC2", "/ns/only",
                         "/ns/../RPC2", "/ns/./RPC2", "/ns/%2e%2e/RPC2"):
                r = post(srv.url, body, path=path)
                self.assertEqual(r.status, 400, (path, r.body))
                self.assertIn(b"/ns/NAME/", r.body)
            # 64 characters of the set are a name.
            longest = "A-z_0.9" + "x" * 57
            self.assertEqual(call(srv, "listCustomers", {}, ns=longest).status, 200)
            # Both, differing: refused; both the same: fine.
            r = post(srv.url, body, {HEADER: "one"}, path="/ns/two/RPC2")
            self.assertEqual(r.status, 400)
            self.assertIn(b'"one"', r.body)
            r = post(srv.url, body, {HEADER: "one"}, path="/ns/one/RPC2")
            self.assertEqual(r.status, 200)
            # The header twice, differing or not: refused, not the first one taken quietly.
            for second in ("two", "one"):
                u = urllib.parse.urlsplit(srv.url)
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                conn.putrequest("POST", "/RPC2")
                conn.putheader(HEADER, "one")
                conn.putheader(HEADER.lower(), second)
                conn.putheader("Content-Type", "text/xml")
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                r = conn.getresponse()
                self.assertEqual(r.status, 400, second)
                self.assertIn(b"given 2 times", r.read())
                conn.close()
            # An unknown endpoint under a namespace is a 404 like any other.
            self.assertEqual(post(srv.url, body, path="/ns/one/nothing").status, 404)

    def test_the_limit(self):
        with server("--max-namespaces", "2") as srv:
            ns_proxy(srv, "l1").listCustomers({})
            call(srv, "listCustomers", {}, ns="l2").value()
            r = call(srv, "listCustomers", {}, ns="l3")
            self.assertEqual(r.status, 503)
            self.assertIn(b"--max-namespaces 2", r.body)
            with self.assertRaises(xmlrpc.client.ProtocolError) as cm:
                ns_proxy(srv, "l3").listCustomers({})
            self.assertEqual(cm.exception.errcode, 503)
            # Existing ones go on; a reset makes room.
            self.assertEqual(call(srv, "listCustomers", {}, ns="l1").status, 200)
            reset(srv, "l1")
            self.assertEqual(call(srv, "listCustomers", {}, ns="l3").status, 200)

    def test_needs_admin(self):
        with server(admin=False) as srv:
            r = call(srv, "listCustomers", {}, ns="x")
            self.assertEqual(r.status, 400)
            self.assertIn(b"--admin", r.body)
            r = post(srv.url, call_body("listCustomers", {}), path="/ns/x/RPC2")
            self.assertEqual(r.status, 404)
            self.assertIn(b"--admin", r.body)
        out = subprocess.run([os.environ.get("CUSTRPC_SERVER", "server/custrpc-server"),
                              "--max-namespaces", "3"], capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 64)
        self.assertIn(b"--max-namespaces needs --admin", out.stderr)


class PartnerApi(unittest.TestCase):
    """JSON-RPC with urllib: Login and AddPartner in a namespace see only that namespace."""

    def jcall(self, srv, method, params, ns=None, visa=None, by_header=False):
        path = "/jsonapi" if not ns or by_header else "/ns/%s/jsonapi" % ns
        msg = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        if visa:
            msg["visa"] = visa
        headers = {"Content-Type": "application/json"}
        if ns and by_header:
            headers[HEADER] = ns
        rq = urllib.request.Request(root_url(srv) + path, data=json.dumps(msg).encode(),
                                    headers=headers)
        with urllib.request.urlopen(rq, timeout=60) as r:
            return json.loads(r.read())

    def login(self, srv, ns=None, by_header=False):
        a = self.jcall(srv, "Login", {"partner": "root", "username": "root", "password": "any"},
                       ns, by_header=by_header)
        assert "result" in a, a
        return a["visa"]

    def test_partners_and_visas_isolated(self):
        with server() as srv:
            ids = {}
            for ns, by_header in (("p1", False), ("p2", True)):
                visa = self.login(srv, ns, by_header)
                a = self.jcall(srv, "AddPartner", {"partnerInfo": {"Name": "Reseller One",
                                                                   "Level": "Reseller"}},
                               ns, visa, by_header)
                self.assertIn("result", a, a)
                ids[ns] = a["result"]["result"]
                # Unique within its namespace all the same.
                again = self.jcall(srv, "AddPartner", {"partnerInfo": {"Name": "Reseller One",
                                                                       "Level": "Reseller"}},
                                   ns, a["visa"], by_header)
                self.assertIn("error", again, again)
            self.assertEqual(ids["p1"], ids["p2"])
            # The default namespace has no such partner.
            visa = self.login(srv)
            a = self.jcall(srv, "GetPartnerInfo", {"name": "Reseller One"}, None, visa)
            self.assertIn("error", a, a)
            # A visa from one namespace is refused in another and in the default one.
            v1 = self.login(srv, "p1")
            for ns in ("p2", None):
                a = self.jcall(srv, "GetPartnerInfo", {"name": "root"}, ns, v1)
                self.assertEqual(a["error"]["data"], 1701, a)
            a = self.jcall(srv, "GetPartnerInfo", {"name": "Reseller One"}, "p1", v1)
            self.assertEqual(a["result"]["result"]["Id"], ids["p1"])


if __name__ == "__main__":
    main()
