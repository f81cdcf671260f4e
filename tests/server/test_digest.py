"""test_digest.py — the server's own RFC 7616 Digest against real clients (Python's urllib and
requests, the curl tool, PHP's curl extension) and against the defects libmicrohttpd's had:
nonces shared by clients challenged in the same second, replayable headers, stale=true that
told which logins exist, a lower-case algorithm token, and a 401 that closed the connection."""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import unittest
import urllib.parse
import urllib.request

from harness import SERVER, Digest, Server, base, call_body, create, main, post, unique

ROOT_PW = "root-Digest-1"
CONFIG = """<?xml version="1.0"?>
<custrpc-server>
  <root login="ssp-root" password-file="root.pw"/>
  <tariff i_tariff="1" name="Default"/>
</custrpc-server>
"""
TIMEOUT = 120  # seconds for a client program; generous for sanitizer builds on a loaded machine


def python_with_requests():
    """An interpreter that has requests: this one, another python3 on PATH, or Debian's, where
    the python3-requests package puts it (a pyenv python on PATH does not see it)."""
    seen = []
    for exe in [sys.executable] + [os.path.join(d, "python3") for d in os.get_exec_path()] + \
            ["/usr/bin/python3"]:
        if exe in seen or not os.access(exe, os.X_OK):
            continue
        seen.append(exe)
        if subprocess.run([exe, "-c", "import requests"], capture_output=True).returncode == 0:
            return exe
    return None


def without_nonces(values):
    return [re.sub(r'nonce="[^"]*"', 'nonce="-"', v) for v in values]


def get_info(srv, root, **key):
    return root.post(srv.url, call_body("getCustomerInfo", key))


class WithCustomer(unittest.TestCase):
    """One server per class, with a root password and a customer with API access."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(config=CONFIG, root_password=ROOT_PW).start()
        cls.root = Digest("ssp-root", ROOT_PW)
        cls.login, cls.pw = unique("login"), "api-" + unique("pw")
        f = base(web_login=cls.login, api_access=1, customers_mgmt=1, api_password=cls.pw)
        create(cls.srv.url, f, auth=cls.root).value()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0


class Clients(WithCustomer):
    def test_urllib_digest_handler(self):
        # Unmodified: it reads the first challenge only, knows only MD5 and wants it upper case.
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, self.srv.url, self.login, self.pw)
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(mgr))
        for _ in range(3):
            req = urllib.request.Request(self.srv.url, data=call_body("createCustomer", base()),
                                         headers={"Content-Type": "text/xml"})
            with opener.open(req, timeout=60) as r:
                self.assertEqual(r.status, 200)
                self.assertIn(b"<name>i_customer</name>", r.read())

    def test_requests_threads(self):
        exe = python_with_requests()
        self.assertIsNotNone(exe, "no python3 with requests: install python3-requests (scripts/deps.sh)")
        script = r'''
import json, sys, threading, xmlrpc.client
import requests
from requests.auth import HTTPDigestAuth
url, user, pw, tag = sys.argv[1:5]
threads, calls = int(sys.argv[5]), int(sys.argv[6])
codes = []
def work(t):
    s, auth = requests.Session(), HTTPDigestAuth(user, pw)
    for i in range(calls):
        body = xmlrpc.client.dumps(({"name": "rq-%s-%d-%d" % (tag, t, i), "web_password": "pw",
                                     "i_tariff": 1},), "createCustomer")
        r = s.post(url, data=body, auth=auth, headers={"Content-Type": "text/xml"}, timeout=60)
        codes.append(r.status_code if b"i_customer" in r.content else -r.status_code)
ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
print(json.dumps(codes))
'''
        tag = unique("t")
        out = subprocess.run([exe, "-c", script, self.srv.url, self.login, self.pw, tag, "8", "10"],
                             capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout), [200] * 80)
        info = get_info(self.srv, self.root, name="rq-%s-7-9" % tag).value()
        self.assertEqual(info["result"], "OK")

    @unittest.skipUnless(shutil.which("curl"), "curl is needed (scripts/deps.sh installs it)")
    def test_curl_calls_share_one_connection(self):
        n = 4
        args = ["curl", "-sv", "--digest", "-u", "%s:%s" % (self.login, self.pw),
                "-H", "Content-Type: text/xml"]
        for i in range(n):
            if i:
                args.append("--next")
                args += ["--digest", "-u", "%s:%s" % (self.login, self.pw), "-H", "Content-Type: text/xml"]
            args += ["--data-binary", call_body("createCustomer", base()).decode(), self.srv.url]
        out = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        err = out.stderr
        # The curl tool starts Digest afresh for each URL: one 401 then one 200 per call, all on
        # the connection made first (libmicrohttpd closed it after every 401).
        self.assertEqual(len(re.findall(r"^\* +Trying ", err, re.M)), 1, err)
        self.assertEqual(len(re.findall(r"^\* Connected to ", err, re.M)), 1, err)
        self.assertEqual(len(re.findall(r"^< HTTP/1\.1 401 ", err, re.M)), n, err)
        self.assertEqual(len(re.findall(r"^< HTTP/1\.1 200 ", err, re.M)), n, err)
        self.assertNotRegex(err, r"(?im)^< Connection: close")
        self.assertEqual(out.stdout.count("<name>i_customer</name>"), n)

    def test_php_curl_extension(self):
        self.assertTrue(shutil.which("php"), "php is needed: install php-cli php-curl (scripts/deps.sh)")
        script = r'''
[$url, $user, $pw, $tag] = array_slice($argv, 1);
$ch = curl_init($url);
curl_setopt_array($ch, [CURLOPT_HTTPAUTH => CURLAUTH_DIGEST, CURLOPT_USERPWD => "$user:$pw",
    CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => ['Content-Type: text/xml']]);
$connects = 0;
for ($i = 0; $i < 5; $i++) {
    curl_setopt($ch, CURLOPT_POSTFIELDS, '<?xml version="1.0"?><methodCall><methodName>' .
        'createCustomer</methodName><params><param><value><struct><member><name>name</name>' .
        "<value><string>php-$tag-$i</string></value></member><member><name>web_password</name>" .
        '<value><string>pw</string></value></member><member><name>i_tariff</name>' .
        '<value><int>1</int></value></member></struct></value></param></params></methodCall>');
    $out = curl_exec($ch);
    $connects += curl_getinfo($ch, CURLINFO_NUM_CONNECTS);
    echo curl_getinfo($ch, CURLINFO_RESPONSE_CODE), strpos($out, 'i_customer') ? " ok" : " no", "\n";
}
echo "connects $connects\n";
'''
        tag = unique("p")
        out = subprocess.run(["php", "-r", script, "--", self.srv.url, self.login, self.pw, tag],
                             capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(out.stdout.split("\n"), ["200 ok"] * 5 + ["connects 1", ""], out.stderr)
        self.assertEqual(get_info(self.srv, self.root, name="php-%s-4" % tag).value()["result"], "OK")


class Concurrency(WithCustomer):
    def test_sixteen_clients_challenged_at_once(self):
        clients, calls = 16, 50
        start = threading.Barrier(clients)
        failures, lock = [], threading.Lock()

        def work(i):
            d = Digest(self.login, self.pw)
            start.wait(timeout=60)
            # The first post fetches the challenge: all sixteen in the same moment.
            for k in range(calls):
                r = d.post(self.srv.url, call_body("getCustomerInfo", {"i_customer": 1}), retry_stale=False)
                if r.status != 200:
                    with lock:
                        failures.append((i, k, r.status))
        ts = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(failures, [])

    def test_threads_share_one_nonce(self):
        # Eight threads answer one challenge with counts taken in turn, so they arrive out of
        # order; 120 counts fit the server's window of 128 whatever the scheduling.
        d = Digest(self.login, self.pw)
        r = post(self.srv.url, b"")
        d.challenge = d.parse_challenge(r.challenges()[0])
        lock, codes = threading.Lock(), []

        def work():
            for _ in range(15):
                with lock:
                    auth = d.authorization("POST", "/RPC2")
                r = post(self.srv.url, call_body("getCustomerInfo", {"i_customer": 1}), {"Authorization": auth})
                with lock:
                    codes.append(r.status)
        ts = [threading.Thread(target=work) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(codes, [200] * 120)


class Refusals(WithCustomer):
    def test_replayed_headers_with_a_new_body(self):
        d = Digest("ssp-root", ROOT_PW)
        d.challenge = d.parse_challenge(post(self.srv.url, b"").challenges()[0])
        captured = []
        for _ in range(3):
            h = {"Authorization": d.authorization("POST", "/RPC2")}
            self.assertEqual(post(self.srv.url, call_body("createCustomer", base()), h).status, 200)
            captured.append(h)
        for h in captured:
            name = unique("replay")
            r = post(self.srv.url, call_body("createCustomer", base(name=name)), h)
            self.assertEqual(r.status, 401)
            self.assertIn(b"authentication required", r.body)
            # The response was right for the password, so the client is told to take a new nonce.
            self.assertIn("stale=true", r.challenges()[0])
            self.assertEqual(get_info(self.srv, self.root, name=name).fault()[0], 1040)

    def bogus(self, user, password):
        d = Digest(user, password)
        d.challenge = {"realm": "custrpc", "nonce": os.urandom(44).hex(), "algorithm": "MD5"}
        return post(self.srv.url, call_body("createCustomer", base()),
                    {"Authorization": d.authorization("POST", "/RPC2")})

    def test_made_up_nonce_does_not_tell_logins_apart(self):
        # libmicrohttpd answered stale=true for an existing login and a plain 401 otherwise.
        no_api = unique("noapi")
        create(self.srv.url, base(web_login=no_api, api_password="x", api_access=0), auth=self.root).value()
        answers = [self.bogus(self.login, "wrong"), self.bogus("ssp-root", "wrong"),
                   self.bogus(unique("nobody"), "wrong"), self.bogus(no_api, "x")]
        first = answers[0]
        self.assertEqual(first.status, 401)
        self.assertNotIn("stale", " ".join(first.challenges()))
        for r in answers[1:]:
            self.assertEqual(r.status, first.status)
            self.assertEqual(r.body, first.body)
            self.assertEqual(without_nonces(r.challenges()), without_nonces(first.challenges()))
            self.assertEqual([k.lower() for k, _ in r.header_list if k.lower() != "date"],
                             [k.lower() for k, _ in first.header_list if k.lower() != "date"])

    def test_malformed_headers_get_a_plain_challenge(self):
        for h in ["Digest", "Digest username=ssp-root", 'Digest username="ssp-root", username="x"',
                  "Digest " + "a" * 5000, 'Digest username="ssp-root", realm="custrpc", nonce="x", '
                  'uri="/RPC2", response="00", qop=auth, nc=00000001, cnonce="c"']:
            r = post(self.srv.url, call_body("createCustomer", base()), {"Authorization": h})
            self.assertEqual(r.status, 401, h)
            self.assertEqual(len(r.challenges()), 2)

    def test_wrong_uri_refused(self):
        d = Digest("ssp-root", ROOT_PW)
        d.challenge = d.parse_challenge(post(self.srv.url, b"").challenges()[0])
        r = post(self.srv.url, call_body("createCustomer", base()),
                 {"Authorization": d.authorization("POST", "/xmlapi/xmlapi")})
        self.assertEqual(r.status, 401)
        self.assertNotIn("stale", r.challenges()[0])

    def test_401_keeps_the_connection(self):
        u = urllib.parse.urlsplit(self.srv.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        # A body larger than a socket buffer, so the server must really read it.
        conn.request("POST", "/RPC2", body=b"x" * 300000, headers={"Content-Type": "text/xml"})
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 401)
        self.assertIsNone(r.getheader("Connection"))
        sock = conn.sock
        self.assertIsNotNone(sock)
        d = Digest("ssp-root", ROOT_PW)
        d.challenge = d.parse_challenge(r.getheader("WWW-Authenticate"))
        conn.request("POST", "/RPC2", body=call_body("createCustomer", base()),
                     headers={"Content-Type": "text/xml", "Authorization": d.authorization("POST", "/RPC2")})
        r = conn.getresponse()
        self.assertIn(b"<name>i_customer</name>", r.read())
        self.assertIs(conn.sock, sock)  # http.client would have opened a new one
        conn.close()

    def test_refused_body_over_the_limit_is_not_read(self):
        # Announced larger than --max-body: the 401 comes at once, before any of the body, and
        # the connection closes (as libmicrohttpd's early 401 did for every request).
        u = urllib.parse.urlsplit(self.srv.url)
        with socket.create_connection((u.hostname, u.port), timeout=60) as s:
            s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                      b"Content-Length: 2000000\r\n\r\n")
            f = s.makefile("rb")
            self.assertTrue(f.readline().startswith(b"HTTP/1.1 401 "))
            headers = []
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                headers.append(line.decode().strip().lower())
            self.assertIn("connection: close", headers)


class Challenges(unittest.TestCase):
    def challenges(self, *args):
        with Server(*args, config=CONFIG, root_password=ROOT_PW) as srv:
            r = post(srv.url, call_body("createCustomer", base()))
            self.assertEqual(r.status, 401)
            return r

    def test_default_md5_then_sha256(self):
        r = self.challenges()
        ch = r.challenges()
        self.assertEqual(len(ch), 2)
        self.assertRegex(ch[0], r'^Digest realm="custrpc", qop="auth", algorithm=MD5, nonce="[0-9a-f]+"$')
        self.assertRegex(ch[1], r'^Digest realm="custrpc", qop="auth", algorithm=SHA-256, nonce="[0-9a-f]+"$')
        self.assertEqual(len(r.challenges("Basic")), 0)

    def test_configured_order(self):
        ch = self.challenges("--digest-algorithm", "sha256,md5").challenges()
        self.assertEqual([Digest.parse_challenge(c)["algorithm"] for c in ch], ["SHA-256", "MD5"])
        ch = self.challenges("--digest-algorithm", "SHA-256").challenges()
        self.assertEqual([Digest.parse_challenge(c)["algorithm"] for c in ch], ["SHA-256"])
        r = self.challenges("--auth", "basic", "--digest-algorithm", "md5")
        self.assertEqual(r.challenges("Basic"), ['Basic realm="custrpc"'])
        self.assertEqual([Digest.parse_challenge(c)["algorithm"] for c in r.challenges()], ["MD5"])

    def test_bad_algorithm_list(self):
        for arg, token in [("MD5,SHA-1", "SHA-1"), ("md5,md5", "md5"), ("", "")]:
            r = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--digest-algorithm", arg],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 64, arg)
            self.assertIn('--digest-algorithm: "%s"' % token, r.stderr)

    def test_nonce_of_a_previous_process_is_stale(self):
        with Server(config=CONFIG, root_password=ROOT_PW) as srv:
            old = Digest.parse_challenge(post(srv.url, b"").challenges()[0])
        with Server(config=CONFIG, root_password=ROOT_PW) as srv:
            d = Digest("ssp-root", ROOT_PW)
            d.challenge = old
            r = post(srv.url, call_body("createCustomer", base()), {"Authorization": d.authorization("POST", "/RPC2")})
            self.assertEqual(r.status, 401)
            self.assertTrue(r.challenges()[0].endswith(", stale=true"), r.challenges())
            d.challenge, d.nc = d.parse_challenge(r.challenges()[0]), 0
            r = post(srv.url, call_body("createCustomer", base()), {"Authorization": d.authorization("POST", "/RPC2")})
            self.assertEqual(r.value()["result"], "OK")
            # With a wrong password the same old nonce gets a plain challenge.
            bad = Digest("ssp-root", "wrong")
            bad.challenge = old
            r = post(srv.url, call_body("createCustomer", base()), {"Authorization": bad.authorization("POST", "/RPC2")})
            self.assertNotIn("stale", r.challenges()[0])


if __name__ == "__main__":
    main()
