"""harness.py — starts custrpc-server on a free loopback port for a test and talks to it over
raw HTTP, with an independent Digest (RFC 7616) client written here for the tests."""
import hashlib
import http.client
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import xmlrpc.client

SERVER = os.environ.get("CUSTRPC_SERVER", "server/custrpc-server")
START_TIMEOUT = 30  # seconds; generous for a loaded 2-core machine under sanitizers


class Server:
    """A running custrpc-server; use as a context manager."""

    def __init__(self, *args, config=None, root_password=None, db=None, tmp=None, env=None):
        self.owns_tmp = tmp is None
        self.env = env  # the server's environment (None: this one)
        self.tmp = tmp or tempfile.mkdtemp(prefix="custrpc-test-")
        self.args = list(args)
        self.db = db
        if root_password is not None:
            with open(os.path.join(self.tmp, "root.pw"), "w") as f:
                f.write(root_password + "\n")
        if config is not None:
            path = os.path.join(self.tmp, "server.xml")
            with open(path, "w") as f:
                f.write(config)
            self.args += ["--config", path]
        if db:
            self.args += ["--db", db]
        self.proc = None
        self.url = None
        self.log_path = os.path.join(self.tmp, "server.log")

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0"] + self.args,
                                     stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL,
                                     env=self.env)
        ready, _, _ = select.select([self.proc.stdout], [], [], START_TIMEOUT)
        line = self.proc.stdout.readline().decode() if ready else ""
        m = re.fullmatch(r"listening on (https?://127\.0\.0\.1:(\d+)/RPC2)\n", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not start: %r\n%s" % (line, self.log_text()))
        self.url, self.port = m.group(1), int(m.group(2))
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=60)
        if self.proc:
            self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        code = self.stop()
        assert code == 0, "server exited with %s\n%s" % (code, self.log_text())
        if self.owns_tmp and exc[0] is None:
            shutil.rmtree(self.tmp, ignore_errors=True)  # kept when a test failed, for its log

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_showing(self, pattern, timeout=30.0):
        """The log once it matches the regex pattern: request lines are written in batches, up
        to REQLOG_FLUSH_MS (server/reqlog.h) after their answer."""
        if not wait_until(lambda: re.search(pattern, self.log_text()), timeout):
            raise AssertionError("the log never showed %r:\n%s" % (pattern, self.log_text()[-3000:]))
        return self.log_text()

    def proxy(self):
        """Python's own XML-RPC client: the independent implementation for interop."""
        return xmlrpc.client.ServerProxy(self.url, allow_none=True)


class Response:
    def __init__(self, status, headers, body, header_list=()):
        self.status, self.headers, self.body = status, headers, body
        self.header_list = list(header_list)  # every (name, value), repeats included

    def challenges(self, scheme="Digest"):
        """The WWW-Authenticate values of one scheme, in the order the server sent them."""
        return [v for k, v in self.header_list
                if k.lower() == "www-authenticate" and v.split(" ", 1)[0].lower() == scheme.lower()]

    def value(self):
        """The decoded result, or raises xmlrpc.client.Fault."""
        assert self.status == 200, "HTTP %d: %r" % (self.status, self.body[:300])
        return xmlrpc.client.loads(self.body)[0][0]

    def fault(self):
        """(code, text) of a fault response; fails the test when it is not one."""
        try:
            v = self.value()
        except xmlrpc.client.Fault as f:
            return f.faultCode, f.faultString
        raise AssertionError("expected a fault, got %r" % (v,))


def call_body(method, *params):
    return xmlrpc.client.dumps(params, method, allow_none=True).encode()


def post(url, body, headers=None, source=None, path=None, method="POST"):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60,
                                      source_address=(source, 0) if source else None)
    h = {"Content-Type": "text/xml"} if body is not None else {}
    h.update(headers or {})
    target = path or (u.path + ("?" + u.query if u.query else ""))
    conn.request(method, target, body=body, headers=h)
    r = conn.getresponse()
    resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(), r.getheaders())
    conn.close()
    return resp


class Digest:
    """An RFC 7616 Digest client (qop=auth), independent of the server's digest.c."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.nc = 0
        self.challenge = None

    @staticmethod
    def parse_challenge(header):
        assert header.startswith("Digest "), header
        return dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))

    def authorization(self, method, uri):
        c = self.challenge
        algo = c.get("algorithm", "MD5").upper()
        h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algo]
        H = lambda s: h(s.encode()).hexdigest()
        self.nc += 1
        nc = "%08x" % self.nc
        cnonce = os.urandom(8).hex()
        ha1 = H("%s:%s:%s" % (self.user, c["realm"], self.password))
        ha2 = H("%s:%s" % (method, uri))
        resp = H(":".join([ha1, c["nonce"], nc, cnonce, "auth", ha2]))
        fields = ['username="%s"' % self.user, 'realm="%s"' % c["realm"], 'nonce="%s"' % c["nonce"],
                  'uri="%s"' % uri, 'algorithm=%s' % algo, 'response="%s"' % resp, 'qop=auth',
                  'nc=%s' % nc, 'cnonce="%s"' % cnonce]
        if "opaque" in c:
            fields.append('opaque="%s"' % c["opaque"])
        return "Digest " + ", ".join(fields)

    def post(self, url, body, source=None, retry_stale=True):
        """Posts with Digest, fetching a challenge first when there is none yet. A 401 whose
        challenge says stale=true (the server forgot or expired the nonce) is retried once
        with the new nonce, as RFC 7616 clients do."""
        path = urllib.parse.urlsplit(url).path
        if self.challenge is None:
            r = post(url, body, source=source)
            if r.status != 401:
                return r
            self.challenge = self.parse_challenge(r.challenges()[0])  # the first, as curl does
            self.nc = 0
        r = post(url, body, {"Authorization": self.authorization("POST", path)}, source=source)
        if r.status == 401 and retry_stale:
            fresh = self.parse_challenge(r.challenges()[0])
            if fresh.get("stale", "").lower() == "true":
                self.challenge, self.nc = fresh, 0
                r = post(url, body, {"Authorization": self.authorization("POST", path)}, source=source)
        return r


    def request(self, method, url, body=None):
        """Any method with Digest (the admin interface's GET and POST); the uri hashed is the
        path with its query, as curl and browsers send it."""
        u = urllib.parse.urlsplit(url)
        target = u.path + ("?" + u.query if u.query else "")
        if self.challenge is None:
            r = post(url, body, method=method)
            if r.status != 401:
                return r
            self.challenge, self.nc = self.parse_challenge(r.challenges()[0]), 0
        r = post(url, body, {"Authorization": self.authorization(method, target)}, method=method)
        if r.status == 401 and r.challenges():
            fresh = self.parse_challenge(r.challenges()[0])
            if fresh.get("stale", "").lower() == "true":
                self.challenge, self.nc = fresh, 0
                r = post(url, body, {"Authorization": self.authorization(method, target)},
                         method=method)
        return r


def create(url, fields, auth=None, source=None):
    body = call_body("createCustomer", fields)
    return auth.post(url, body, source=source) if auth else post(url, body, source=source)


def unique(prefix="cust"):
    return "%s-%s" % (prefix, os.urandom(6).hex())


def base(**kw):
    """A valid createCustomer struct with a fresh name; keyword arguments add or replace members."""
    d = {"name": unique(), "web_password": "pw", "i_tariff": 1}
    d.update(kw)
    return d


def wait_until(pred, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def main():
    """Runs the calling module's tests; ends with "N passed, N failed" (CI reads it)."""
    import sys
    import unittest
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    print("%d passed, %d failed%s" % (result.testsRun - failed - skipped, failed,
                                      ", %d skipped" % skipped if skipped else ""))
    sys.exit(1 if failed or result.testsRun == 0 else 0)
