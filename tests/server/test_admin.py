"""test_admin.py — the test double's endpoints (issue 14): GET /health and GET /metrics without
credentials, and with --admin the journal and the reset, reached only with the root's Digest
credentials or <admin>'s. Driven by clients we did not write: Python's http.client with the
harness's own Digest class, and curl (--digest) when it is installed. /metrics is checked
against the Prometheus text format's grammar, line by line."""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

from harness import Digest, Server, base, call_body, main, post, unique

ROOT_PW = "Root-pw-admin-1"
ADMIN_PW = "Admin-pw-2"
PARTNER_PW = "Partner-root-pw-3"


def config(tmp, root=True, admin=False, partner=False):
    files = {"root.pw": ROOT_PW, "admin.pw": ADMIN_PW, "partner.pw": PARTNER_PW}
    for name, pw in files.items():
        with open(os.path.join(tmp, name), "w") as f:
            f.write(pw + "\n")
    return ("<custrpc-server>"
            + ('<root login="root" password-file="root.pw"/>' if root else "")
            + ('<admin login="ops" password-file="admin.pw"/>' if admin else "")
            + ('<partner-root name="Top" login="api-root" password-file="partner.pw"/>'
               if partner else "")
            + '<tariff i_tariff="1" name="Default"/><tariff i_tariff="7" name="Gold"/>'
            + "</custrpc-server>")


def server(*args, root=True, admin=False, partner=False, tmp=None, **kw):
    tmp = tmp or tempfile.mkdtemp(prefix="custrpc-test-")
    srv = Server(*args, config=config(tmp, root, admin, partner), tmp=tmp, **kw)
    srv.owns_tmp = True  # removed after a test that passed, as the harness does its own
    return srv


def get(srv, path):
    return post(srv.url, None, path=path, method="GET")


def base_url(srv):
    return srv.url.replace("/RPC2", "")


def journal(srv, auth, query=""):
    r = auth.request("GET", base_url(srv) + "/admin/journal" + query)
    assert r.status == 200, (r.status, r.body)
    assert r.headers["content-type"].startswith("application/json"), r.headers
    return json.loads(r.body)


# The Prometheus text exposition format 0.0.4, as its grammar gives it: comment lines
# (# HELP name text, # TYPE name type) and samples: name{label="value",...} value [timestamp].
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\\\|\\"|\\n)*"'
LABELS = r"\{(?:%s=%s(?:,%s=%s)*,?)?\}" % (r"[a-zA-Z_][a-zA-Z0-9_]*", LABEL_VALUE,
                                          r"[a-zA-Z_][a-zA-Z0-9_]*", LABEL_VALUE)
VALUE = r"(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)"
SAMPLE = re.compile(r"(%s)(%s)? (%s)(?: -?\d+)?" % (NAME, LABELS, VALUE))
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_metrics(text):
    """{(name, frozenset of label pairs): value}, and {family: type}; fails on any line the
    format's grammar does not allow, a sample before its family's TYPE, or a repeated series."""
    assert text.endswith("\n"), "the exposition ends with a line feed"
    samples, types = {}, {}
    for line in text.split("\n")[:-1]:
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % NAME, line)
            assert m, "bad comment line %r" % line
            if m.group(1) == "TYPE":
                assert m.group(3) in TYPES and m.group(2) not in types, line
                types[m.group(2)] = m.group(3)
            continue
        m = SAMPLE.fullmatch(line)
        assert m, "not a sample line by the format's grammar: %r" % line
        name = m.group(1)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        assert family in types, "sample %r before its # TYPE" % line
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
                                      m.group(2) or ""))
        key = (name, labels)
        assert key not in samples, "series repeated: %r" % line
        samples[key] = float(m.group(3))
    return samples, types


def requests_total(samples, method, outcome):
    return samples[("custrpc_requests_total", frozenset({("method", method), ("outcome", outcome)}))]


class HealthAndMetrics(unittest.TestCase):
    def test_health_needs_no_credentials_and_counts_customers(self):
        with server() as srv:  # no --admin
            r = get(srv, "/health")
            self.assertEqual(r.status, 200)
            self.assertTrue(r.headers["content-type"].startswith("application/json"))
            h = json.loads(r.body)
            self.assertEqual((h["status"], h["store"], h["customers"]), ("ok", "memory", 1))
            self.assertIsInstance(h["uptime_s"], int)
            self.assertEqual(create_ok(srv, Digest("root", ROOT_PW)), 2)
            self.assertEqual(json.loads(get(srv, "/health").body)["customers"], 2)
            self.assertEqual(post(srv.url, b"", path="/health").status, 405)
            # The request log names the endpoint (a probe's lines are told from the API's).
            log = srv.log_showing(r"login=- path=/health http=405 ")
            self.assertRegex(log, r"login=- path=/health OK \d")
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        with server(db=os.path.join(tmp, "store.db"), tmp=tmp) as srv:
            self.assertEqual(json.loads(get(srv, "/health").body)["store"], "file")

    def test_metrics_in_prometheus_text_format(self):
        with server() as srv:
            auth = Digest("root", ROOT_PW)
            for _ in range(3):
                create_ok(srv, auth)
            # A fault (an unknown tariff), an unknown method, a refused password.
            r = auth.post(srv.url, call_body("createCustomer", base(i_tariff=999)))
            self.assertEqual(r.status, 200)
            r.fault()
            r = auth.post(srv.url, call_body("noSuchMethodXyz", {}))
            r.fault()
            self.assertEqual(Digest("root", "wrong").post(srv.url, call_body("createCustomer", base())).status, 401)
            r = get(srv, "/metrics")
            self.assertEqual(r.status, 200)
            ctype = r.headers["content-type"]
            self.assertTrue(ctype.startswith("text/plain") and "version=0.0.4" in ctype, ctype)
            samples, types = parse_metrics(r.body.decode())
            self.assertEqual(types["custrpc_requests_total"], "counter")
            self.assertEqual(types["custrpc_request_duration_seconds"], "histogram")
            self.assertEqual(types["custrpc_customers"], "gauge")
            self.assertEqual(requests_total(samples, "createCustomer", "ok"), 3)
            self.assertEqual(requests_total(samples, "createCustomer", "fault"), 1)
            self.assertEqual(requests_total(samples, "other", "fault"), 1)
            # Each Digest client's first request and the wrong password: 401s, before any
            # method is known.
            self.assertEqual(requests_total(samples, "other", "http_error"), 3)
            # The client's method name never becomes a label value (cardinality).
            self.assertNotIn(b"noSuchMethodXyz", r.body)
            methods = {dict(k[1])["method"] for k in samples if k[0] == "custrpc_requests_total"}
            self.assertIn("AddPartner", methods)
            self.assertEqual(samples[("custrpc_customers", frozenset())], 4)
            # The histogram: cumulative buckets ending with +Inf, which equals _count.
            buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in samples.items()
                              if k[0] == "custrpc_request_duration_seconds_bucket"))
            self.assertEqual(buckets[-1][0], float("inf"))
            self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets))
            total = samples[("custrpc_request_duration_seconds_count", frozenset())]
            self.assertEqual(buckets[-1][1], total)
            self.assertEqual(total, 3 + 1 + 1 + 3)
            self.assertGreater(samples[("custrpc_request_duration_seconds_sum", frozenset())], 0)
            # Scrapes count nothing themselves.
            again, _ = parse_metrics(get(srv, "/metrics").body.decode())
            self.assertEqual(again[("custrpc_request_duration_seconds_count", frozenset())], total)


def create_ok(srv, auth, **fields):
    r = auth.post(srv.url, call_body("createCustomer", base(**fields)))
    assert r.status == 200, (r.status, r.body)
    return r.value()["i_customer"]


class AdminAccess(unittest.TestCase):
    def test_admin_is_not_there_without_the_option(self):
        with server() as srv:
            auth = Digest("root", ROOT_PW)
            self.assertEqual(auth.request("GET", base_url(srv) + "/admin/journal").status, 404)
            self.assertEqual(auth.request("POST", base_url(srv) + "/admin/reset", b"").status, 404)

    def test_only_the_root_or_the_admin_login_gets_in(self):
        with server("--admin", admin=True) as srv:
            url = base_url(srv) + "/admin/journal"
            r = get(srv, "/admin/journal")
            self.assertEqual(r.status, 401)
            self.assertTrue(r.challenges("Digest"))
            self.assertEqual(Digest("root", "wrong").request("GET", url).status, 401)
            # A customer with API access and its own password is not an administrator.
            root = Digest("root", ROOT_PW)
            create_ok(srv, root, web_login="reseller", api_access=1, api_password="Reseller-pw-9",
                      customers_mgmt=7)
            reseller = Digest("reseller", "Reseller-pw-9")
            self.assertEqual(reseller.post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).status, 200)
            self.assertEqual(reseller.request("GET", url).status, 401)
            self.assertEqual(reseller.request("POST", base_url(srv) + "/admin/reset", b"").status, 401)
            self.assertEqual(root.request("GET", url).status, 200)
            self.assertEqual(Digest("ops", ADMIN_PW).request("GET", url).status, 200)
            self.assertEqual(Digest("ops", ROOT_PW).request("GET", url).status, 401)
            # The admin login is not an API login.
            self.assertEqual(Digest("ops", ADMIN_PW).post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).status, 401)
            self.assertEqual(root.request("POST", url, b"").status, 405)
            self.assertEqual(root.request("GET", base_url(srv) + "/admin/nothing").status, 404)

    def refused(self, *args, **kw):
        """The exit status and the log of a server that must not start."""
        srv = server(*args, **kw)
        with self.assertRaises(AssertionError):
            srv.start()
        status, log = srv.proc.wait(timeout=30), srv.log_text()
        srv.log.close()
        shutil.rmtree(srv.tmp, ignore_errors=True)
        return status, log

    def test_admin_without_any_password_refuses_to_start(self):
        status, log = self.refused("--admin", root=False)
        self.assertEqual(status, 78)
        self.assertIn("--admin needs credentials", log)
        status, log = self.refused("--journal-size", "10")
        self.assertEqual(status, 64)
        self.assertIn("--journal-size needs --admin", log)
        self.assertEqual(self.refused("--admin", "--journal-size", "0")[0], 64)
        # Open local mode with an <admin> login: the API needs no credentials, the admin does.
        with server("--admin", root=False, admin=True) as srv:
            self.assertEqual(get(srv, "/admin/journal").status, 401)
            self.assertEqual(journal(srv, Digest("ops", ADMIN_PW))["entries"], [])

    @unittest.skipUnless(shutil.which("curl"), "curl is not installed")
    def test_curl_digest(self):
        with server("--admin") as srv:
            create_ok(srv, Digest("root", ROOT_PW))
            out = subprocess.run(["curl", "-sS", "--fail", "--digest", "-u", "root:" + ROOT_PW,
                                  base_url(srv) + "/admin/journal?method=createCustomer&limit=1"],
                                 capture_output=True, timeout=60, check=True).stdout
            entries = json.loads(out)["entries"]
            self.assertEqual([(e["method"], e["outcome"]) for e in entries], [("createCustomer", "ok")])
            out = subprocess.run(["curl", "-sS", "--fail", "--digest", "-u", "root:" + ROOT_PW,
                                  "-X", "POST", base_url(srv) + "/admin/reset"],
                                 capture_output=True, timeout=60, check=True).stdout
            self.assertEqual(json.loads(out)["status"], "ok")
            self.assertEqual(json.loads(get(srv, "/health").body)["customers"], 1)


class Journal(unittest.TestCase):
    def test_entries_filters_and_masking(self):
        with server("--admin", partner=True) as srv:
            root = Digest("root", ROOT_PW)
            t0 = time.time()
            secret_web, secret_api = "Web-" + unique("s"), "Api-" + unique("s")
            first = create_ok(srv, root, web_login=unique("l"), web_password=secret_web,
                              api_password=secret_api, api_access=1)
            time.sleep(1.1)
            t1 = time.time()
            r = root.post(srv.url, call_body("createCustomer", base(i_tariff=999)))
            code = r.fault()[0]
            root.post(srv.url, call_body("getCustomerInfo", {"i_customer": first})).value()
            # The partner API: Login's password and the visas in both directions.
            jurl = srv.url.replace("/RPC2", "/jsonapi")
            login = {"jsonrpc": "2.0", "id": 1, "method": "Login",
                     "params": {"partner": "Top", "username": "api-root", "password": PARTNER_PW}}
            answer = json.loads(post(jurl, json.dumps(login).encode(),
                                     {"Content-Type": "application/json"}).body)
            visa = answer["visa"]
            doc = journal(srv, root)
            entries = doc["entries"]
            self.assertEqual(doc["evicted"], 0)
            for e in entries:
                self.assertEqual(set(e), {"time", "peer", "login", "method", "outcome", "fault_code",
                                          "status", "request", "response", "namespace", "injected"})
                self.assertIsNone(e["namespace"])  # the default namespace
                self.assertIsNone(e["injected"])
            self.assertEqual([e["method"] for e in entries],
                             ["Login", "getCustomerInfo", "createCustomer", "createCustomer", None])
            self.assertEqual([e["outcome"] for e in entries],
                             ["ok", "ok", "fault", "ok", "http_error"])
            self.assertEqual(entries[2]["fault_code"], code)
            self.assertIsNone(entries[1]["fault_code"])
            self.assertEqual(entries[1]["login"], "root")
            self.assertEqual(entries[0]["login"], "api-root")
            self.assertEqual(entries[0]["peer"], "127.0.0.1")
            self.assertRegex(entries[0]["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            text = json.dumps(doc)
            for secret in (secret_web, secret_api, PARTNER_PW, visa):
                self.assertNotIn(secret, text)
            self.assertIn("web_password", entries[3]["request"])
            self.assertIn("********", entries[3]["request"])
            self.assertIn("(masked)", entries[0]["request"])
            self.assertIn("(masked)", entries[0]["response"])
            self.assertIn("<i4>%d</i4>" % first, entries[3]["response"])
            # Filters, combined with AND; limit keeps the newest.
            q = lambda s: [e["method"] for e in journal(srv, root, s)["entries"]]
            self.assertEqual(q("?method=createCustomer"), ["createCustomer", "createCustomer"])
            self.assertEqual(q("?outcome=fault"), ["createCustomer"])
            self.assertEqual(q("?outcome=http_error&method=createCustomer"), [])
            self.assertEqual(q("?login=api-root"), ["Login"])
            self.assertEqual(q("?limit=2"), ["Login", "getCustomerInfo"])
            self.assertEqual(q("?method=createCustomer&limit=1"), ["createCustomer"])
            self.assertEqual(len(q("?since=%d" % int(t0 - 5))), 5)
            self.assertEqual(q("?since=%.3f" % t1), ["Login", "getCustomerInfo", "createCustomer"])
            rfc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(t1) + 1))
            later = q("?since=" + urllib.parse.quote(rfc + "+01:00"))  # an hour earlier in UTC
            self.assertEqual(len(later), 5)
            self.assertEqual(q("?since=" + rfc.replace("T", "t") + "Z"),
                             q("?since=%d" % (int(t1) + 1)))
            self.assertEqual(q("?since=2999-01-01T00:00:00Z"), [])
            # By content (ours): the masked request or answer body; a secret never matches.
            self.assertEqual(q("?contains=" + urllib.parse.quote("<i4>%d</i4>" % first)),
                             ["getCustomerInfo", "createCustomer"])
            self.assertEqual(q("?contains=999&method=createCustomer"), ["createCustomer"])
            self.assertEqual(q("?contains=" + secret_web), [])
            self.assertEqual(q("?contains=" + PARTNER_PW), [])
            for bad in ("contains=", "outcome=maybe", "since=yesterday", "limit=0", "limit=x", "colour=red",
                        "since=2026-13-01T00:00:00Z", "outcome=%FF", "%C3%A9t%C3=1"):
                r = root.request("GET", base_url(srv) + "/admin/journal?" + bad)
                self.assertEqual(r.status, 400, bad)
                self.assertIn("error", json.loads(r.body))

    def test_bytes_that_are_not_utf8_do_not_break_the_journal(self):
        with server("--admin") as srv:
            root = Digest("root", ROOT_PW)
            # A Digest user name and a body with bytes that are not UTF-8 (http.client sends a
            # header's characters as Latin-1 bytes).
            bad = Digest("r\xf6\xffot", "x")
            bad.challenge = Digest.parse_challenge(post(srv.url, b"").challenges()[0])
            r = post(srv.url, b"x", {"Authorization": bad.authorization("POST", "/RPC2")})
            self.assertEqual(r.status, 401)
            body = call_body("createCustomer", base()).replace(b"<name>name</name>", b"<name>n\xff\xfe</name>")
            self.assertEqual(root.post(srv.url, body).status, 200)
            entries = journal(srv, root)["entries"]
            self.assertEqual(entries[0]["outcome"], "fault")
            self.assertIn("not decoded", entries[0]["request"])
            logins = [e["login"] for e in entries]
            self.assertIn("r??ot", logins)

    def test_bounded_journal_and_flat_memory(self):
        """20,000 requests through a journal of 1,000: it keeps the newest 1,000, counts the
        19,000 it evicted, and the server's resident memory stays flat once the ring is full."""
        # Open local mode (no 401 rounds) with an <admin> login; getCustomerInfo stores nothing,
        # so the store does not grow either. ASan's quarantine would hold freed bodies: small.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                     "quarantine_size_mb=4"]))
        with server("--admin", "--journal-size", "1000", "--log-level", "warn", root=False,
                    admin=True, env=env) as srv:
            body = call_body("getCustomerInfo", {"i_customer": 1})
            conns = [http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60) for _ in range(2)]
            sent = [0]

            def send(n, conn):
                for _ in range(n):
                    conn.request("POST", "/RPC2", body=body, headers={"Content-Type": "text/xml"})
                    r = conn.getresponse()
                    assert r.status == 200 and b"faultCode" not in r.read(), r.status

            def run(n):
                threads = [threading.Thread(target=send, args=(n // 2, c)) for c in conns]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                sent[0] += n

            run(4000)  # the ring is full and every slot has held a body twice
            before = rss_kib(srv.proc.pid)
            run(16000)
            after = rss_kib(srv.proc.pid)
            for c in conns:
                c.close()
            doc = journal(srv, Digest("ops", ADMIN_PW))
            self.assertEqual(len(doc["entries"]), 1000)
            self.assertEqual(doc["evicted"], sent[0] - 1000)
            self.assertEqual(sent[0], 20000)
            # Unbounded, 16,000 more entries of about 2.5 KiB would be some 40 MiB.
            self.assertLess(after - before, 8 * 1024, "VmRSS %d KiB -> %d KiB" % (before, after))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))


class Reset(unittest.TestCase):
    def check_reset_under_load(self, db, tmp=None):
        with server("--admin", partner=True, db=db, tmp=tmp) as srv:
            root = Digest("root", ROOT_PW)
            # The partner API's tree goes too: a partner added before is gone after.
            jurl = srv.url.replace("/RPC2", "/jsonapi")

            def jcall(method, params, visa=None):
                msg = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
                if visa:
                    msg["visa"] = visa
                return json.loads(post(jurl, json.dumps(msg).encode(),
                                       {"Content-Type": "application/json"}).body)

            a = jcall("Login", {"partner": "Top", "username": "api-root", "password": PARTNER_PW})
            a = jcall("AddPartner", {"partnerInfo": {"Name": "Reseller X", "Level": "Reseller"}},
                      a["visa"])
            reseller = a["result"]["result"]
            self.assertEqual(jcall("GetPartnerInfoById", {"partnerId": reseller}, a["visa"])["result"]["result"]["Name"], "Reseller X")

            lock = threading.Lock()
            done = []  # (sent_at, acked_at, i_customer, name)
            errors = []
            stop = threading.Event()

            def creator():
                auth = Digest("root", ROOT_PW)
                while not stop.is_set():
                    name = unique("load")
                    sent = time.monotonic()
                    r = auth.post(srv.url, call_body("createCustomer", base(name=name)))
                    if r.status != 200 or b"faultCode" in r.body:
                        errors.append((r.status, r.body[:300]))
                        continue
                    with lock:
                        done.append((sent, time.monotonic(), r.value()["i_customer"], name))

            threads = [threading.Thread(target=creator) for _ in range(4)]
            for t in threads:
                t.start()
            last_reset = time.monotonic()
            checked = 0
            for _ in range(8):
                time.sleep(0.15)
                # Creates sent after the previous reset had answered are all there, with the
                # ids they were acknowledged with, and those ids are distinct.
                with lock:
                    since = [d for d in done if d[0] > last_reset]
                self.assertEqual(len({d[2] for d in since}), len(since))
                for _, _, cid, name in since[-5:]:
                    r = root.post(srv.url, call_body("getCustomerInfo", {"name": name}))
                    self.assertEqual(r.value()["customer"]["i_customer"], cid)
                    checked += 1
                r = root.request("POST", base_url(srv) + "/admin/reset", b"")
                self.assertEqual((r.status, json.loads(r.body)), (200, {"status": "ok"}))
                last_reset = time.monotonic()
            stop.set()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            self.assertGreater(len(done), 20)
            self.assertGreater(checked, 0)
            r = root.request("POST", base_url(srv) + "/admin/reset", b"")
            self.assertEqual(r.status, 200)
            self.assertEqual(journal(srv, root), {"entries": [], "evicted": 0})
            # Exactly the root remains, with the configured tariffs; the journal is empty.
            self.assertEqual(json.loads(get(srv, "/health").body)["customers"], 1)
            r = root.post(srv.url, call_body("listCustomers", {}))
            self.assertEqual(r.value()["customers"], [])
            info = root.post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).value()
            self.assertEqual(info["customer"]["web_login"], "root")
            self.assertEqual([e["method"] for e in journal(srv, root)["entries"]],
                             ["getCustomerInfo", "listCustomers"])
            # Ids start again as on a fresh server; a create acknowledged now is there.
            self.assertEqual(create_ok(srv, root, i_tariff=7), 2)
            self.assertEqual(json.loads(get(srv, "/health").body)["customers"], 2)
            a = jcall("Login", {"partner": "Top", "username": "api-root", "password": PARTNER_PW})
            gone = jcall("GetPartnerInfoById", {"partnerId": reseller}, a["visa"])
            self.assertIn("error", gone)
            if db:
                # What the reset left is what a restart reads back.
                srv.stop()
                with server("--admin", partner=True, db=db, tmp=srv.tmp) as again:
                    self.assertEqual(json.loads(get(again, "/health").body)["customers"], 2)

    def test_reset_while_creating_in_memory(self):
        self.check_reset_under_load(None)

    def test_reset_while_creating_file_store(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        self.check_reset_under_load(os.path.join(tmp, "store.db"), tmp)

    def test_refusals_are_journaled_after_a_reset(self):
        # A 401 or a 404 is answered from the request's head, before any transaction: it must
        # still count as after the reset, as the journal's text promises.
        with server("--admin") as srv:
            root = Digest("root", ROOT_PW)
            r = root.request("POST", base_url(srv) + "/admin/reset", b"")
            self.assertEqual(r.status, 200)
            self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).status, 401)
            self.assertEqual(post(srv.url, b"x", path="/nothere").status, 404)
            entries = journal(srv, root)["entries"]
            self.assertEqual([(e["outcome"], e["status"]) for e in entries],
                             [("http_error", 404), ("http_error", 401)], entries)


if __name__ == "__main__":
    main()
