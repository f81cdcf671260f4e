"""test_frontdoor.py — what a connection meets before the XML-RPC layer, over raw sockets: request
smuggling shapes get 400 and create nothing; in the open local mode a foreign Origin or Host gets
403 (DNS rebinding); slow senders are cut at the head and body deadlines however often they send
a byte; the per-address cap refuses the next connection; a flood of slow connections from
several 127.0.0.x addresses does not keep a normal client waiting; 256 keep-alive connections
from loopback are served with the defaults. Loopback only, bounded in time."""
import os
import resource
import select
import socket
import threading
import time
import unittest

from harness import Server, base, call_body, main, post, unique, wait_until

# 127.0.0.0/8 is loopback: each of these is a distinct client address to the server.
FLOOD_SOURCES = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]


def raise_file_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def connect(port, source=None, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(source, 0) if source else None)


def read_response(s):
    """(status, body) of one HTTP response on s, or None when the server closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body[:length]


def closed_by_peer(s, timeout):
    """Whether the server closes s (end of file or reset) within timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([s], [], [], max(0.0, end - time.monotonic()))
        if ready:
            try:
                if not s.recv(65536):
                    return True
            except OSError:
                return True
    return False


def request(body, host=b"127.0.0.1", extra=b""):
    return (b"POST /RPC2 HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: text/xml\r\n" + extra +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def exists(url, name):
    r = post(url, call_body("getCustomerInfo", {"name": name}))
    if r.status == 200:
        try:
            r.value()
            return True
        except Exception:
            return False
    raise AssertionError("getCustomerInfo: HTTP %d" % r.status)


def chunked(body):
    return b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"


class Smuggling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server().start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def shapes(self):
        """(label, raw request, names it would create) for each framing a proxy could read
        differently from libmicrohttpd."""
        out = []

        def add(label, build):
            a, b = unique("smuggle"), unique("smuggled")
            body_a = call_body("createCustomer", base(name=a))
            body_b = call_body("createCustomer", base(name=b))
            out.append((label, build(body_a, body_b), (a, b)))

        start = b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
        # libmicrohttpd prefers Transfer-Encoding: a proxy using Content-Length would pass the
        # second request inside the first one's body.
        add("Content-Length with Transfer-Encoding", lambda a, b: start +
            b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(chunked(a) + request(b)) +
            chunked(a) + request(b))
        add("two different Content-Lengths", lambda a, b: start +
            b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(a), len(a) + len(request(b))) +
            a + request(b))
        add("two equal Content-Lengths", lambda a, b: start +
            b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(a), len(a)) + a)
        add("Content-Length not digits", lambda a, b: start +
            b"Content-Length: %d, %d\r\n\r\n" % (len(a), len(a)) + a)
        add("Content-Length with a sign", lambda a, b: start + b"Content-Length: +%d\r\n\r\n" % len(a) + a)
        add("Transfer-Encoding gzip, chunked", lambda a, b: start +
            b"Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(a))
        add("Transfer-Encoding twice", lambda a, b: start +
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(a))
        # libmicrohttpd 0.9.75 hands this over as a header named "Transfer-Encoding " and frames
        # the body by Content-Length; a proxy that trims the name frames it as chunked.
        add("Transfer-Encoding with a space before the colon", lambda a, b: start +
            b"Content-Length: %d\r\nTransfer-Encoding : chunked\r\n\r\n" % len(a) + a)
        add("Transfer-Encoding : chunked alone", lambda a, b: start +
            b"Transfer-Encoding : chunked\r\n\r\n" + chunked(a))
        add("header name with a tab", lambda a, b: start + b"Content-Length\t: %d\r\n\r\n" % len(a) + a)
        add("folded header line", lambda a, b: start +
            b"X-A: 1\r\n Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n" % len(a) + a)
        return out

    def test_each_shape_gets_400_and_creates_nothing(self):
        for label, raw, names in self.shapes():
            with self.subTest(label):
                s = connect(self.srv.port)
                s.sendall(raw)
                got = read_response(s)
                self.assertIsNotNone(got, "no answer")
                self.assertEqual(got[0], 400, got[1])
                # The body was never read: whatever follows must not be taken as a request.
                self.assertTrue(closed_by_peer(s, 10), "connection left open")
                s.close()
                for n in names:
                    self.assertFalse(exists(self.srv.url, n), n)

    def test_plain_and_chunked_requests_still_work(self):
        a, b = unique(), unique()
        s = connect(self.srv.port)
        s.sendall(request(call_body("createCustomer", base(name=a))))
        self.assertEqual(read_response(s)[0], 200)
        body = call_body("createCustomer", base(name=b))
        s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: Chunked\r\n\r\n" + chunked(body))
        self.assertEqual(read_response(s)[0], 200)
        s.close()
        self.assertTrue(exists(self.srv.url, a) and exists(self.srv.url, b))


class Rebinding(unittest.TestCase):
    """The open local mode (no root password) acts as root for loopback peers, which is what a
    browser page on another site reaches after DNS rebinding."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server().start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def send(self, host, origin=None, content_type=b"text/plain"):
        name = unique()
        body = call_body("createCustomer", base(name=name))
        extra = b"Origin: " + origin + b"\r\n" if origin else b""
        s = connect(self.srv.port)
        s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: " + content_type +
                  b"\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        got = read_response(s)
        s.close()
        return got, name

    def test_foreign_origin_is_403_and_creates_nothing(self):
        port = b"%d" % self.srv.port
        for origin in (b"http://evil.example", b"http://evil.example:" + port, b"null",
                       b"https://127.0.0.1.evil.example"):
            with self.subTest(origin):
                (status, text), name = self.send(b"127.0.0.1:" + port, origin)
                self.assertEqual(status, 403)
                self.assertIn(b"Origin", text)
                self.assertFalse(exists(self.srv.url, name))

    def test_foreign_host_is_403(self):
        for host in (b"evil.example", b"evil.example:%d" % self.srv.port, b"10.0.0.1"):
            with self.subTest(host):
                (status, text), name = self.send(host)
                self.assertEqual(status, 403)
                self.assertIn(b"Host", text)
                self.assertFalse(exists(self.srv.url, name))

    def test_loopback_origin_and_host_still_served(self):
        port = b"%d" % self.srv.port
        for host, origin in ((b"127.0.0.1:" + port, None), (b"localhost:" + port, b"http://localhost:" + port),
                             (b"127.0.0.1", b"http://127.0.0.1:" + port), (b"[::1]:" + port, b"https://[::1]"),
                             (b"LOCALHOST", None)):
            with self.subTest(host=host, origin=origin):
                (status, text), name = self.send(host, origin, b"text/xml")
                self.assertEqual(status, 200, text)
                self.assertTrue(exists(self.srv.url, name))

    def test_authenticated_mode_is_unaffected(self):
        config = '<custrpc-server><root login="ssp-root" password-file="root.pw"/></custrpc-server>'
        with Server(config=config, root_password="secret-pw") as srv:
            s = connect(srv.port)
            s.sendall(request(call_body("createCustomer", base()), host=b"evil.example",
                              extra=b"Origin: http://evil.example\r\n"))
            self.assertEqual(read_response(s)[0], 401)  # the Digest challenge, as for anyone
            s.close()


class Deadlines(unittest.TestCase):
    TIMEOUT = 2  # seconds, for both deadlines

    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--header-timeout", str(cls.TIMEOUT), "--body-timeout", str(cls.TIMEOUT)).start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def trickle(self, s, data, limit=30.0):
        """Sends data a byte a second until the server closes s; returns the seconds it took,
        or fails when all was sent or limit passed."""
        start = time.monotonic()
        for i in range(len(data)):
            try:
                s.send(data[i:i + 1])
            except OSError:
                return time.monotonic() - start
            if closed_by_peer(s, 1.0):
                return time.monotonic() - start
            if time.monotonic() - start > limit:
                break
        self.fail("still open after %.1f s" % (time.monotonic() - start))

    def test_slow_head_is_cut(self):
        s = connect(self.srv.port)
        head = b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
        took = self.trickle(s, head)
        s.close()
        # Cut at the deadline, not at MHD's 30 s idle timeout that each byte restarts.
        self.assertGreaterEqual(took, self.TIMEOUT - 0.5)
        self.assertLess(took, 20)

    def test_slow_body_is_cut_and_creates_nothing(self):
        name = unique()
        body = call_body("createCustomer", base(name=name))
        s = connect(self.srv.port)
        s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        took = self.trickle(s, body)
        s.close()
        self.assertGreaterEqual(took, self.TIMEOUT - 0.5)
        self.assertLess(took, 20)
        self.assertFalse(exists(self.srv.url, name))

    def test_idle_keepalive_is_closed_after_the_head_deadline(self):
        s = connect(self.srv.port)
        s.sendall(request(call_body("createCustomer", base())))
        self.assertEqual(read_response(s)[0], 200)
        self.assertTrue(closed_by_peer(s, 20))
        s.close()


class Caps(unittest.TestCase):
    def test_per_address_cap_refuses_the_next_connection(self):
        cap = 4
        with Server("--max-connections-per-address", str(cap)) as srv:
            held = []
            for _ in range(cap):  # each proven admitted by an answer, then kept open
                s = connect(srv.port, "127.0.0.2")
                s.sendall(request(call_body("createCustomer", base())))
                self.assertEqual(read_response(s)[0], 200)
                held.append(s)
            extra = connect(srv.port, "127.0.0.2")
            try:
                extra.sendall(request(call_body("createCustomer", base())))
                got = read_response(extra)
            except OSError:
                got = None  # reset before the refusal could be read
            extra.close()
            self.assertTrue(got is None or got[0] == 503, got)
            if got:
                self.assertIn(b"too many connections from your address", got[1])
            # Other addresses are not affected, and a freed slot is usable again.
            s = connect(srv.port, "127.0.0.3")
            s.sendall(request(call_body("createCustomer", base())))
            self.assertEqual(read_response(s)[0], 200)
            s.close()
            held.pop().close()

            def admitted_again():
                s = connect(srv.port, "127.0.0.2")
                try:
                    s.sendall(request(call_body("getCustomerInfo", {"i_customer": 1})))
                    got = read_response(s)
                    return got is not None and got[0] == 200
                except OSError:
                    return False
                finally:
                    s.close()
            self.assertTrue(wait_until(admitted_again, 20))
            for s in held:
                s.close()

    def test_slow_flood_does_not_starve_a_normal_client(self):
        cap, per_source = 64, 75  # 300 slow connections against a total cap of 64
        raise_file_limit(4096)
        with Server("--max-connections", str(cap), "--max-connections-per-address", "1000",
                    "--header-timeout", "120", "--body-timeout", "120") as srv:
            stop = threading.Event()
            stats = {"opened": 0, "reopened": 0}
            partial = b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

            def open_slow(source):
                s = connect(srv.port, source)
                s.setblocking(False)
                try:
                    s.send(partial)
                except OSError:
                    pass
                return s

            def flood():
                socks = []
                try:
                    for source in FLOOD_SOURCES:
                        for _ in range(per_source):
                            socks.append((source, open_slow(source)))
                            stats["opened"] += 1
                    while not stop.is_set():
                        # A sweep sends each connection one byte, about once a second, and
                        # reconnects those the server dropped, as an attacker would.
                        for i, (source, s) in enumerate(socks):
                            if stop.is_set():
                                break
                            dropped = False
                            try:
                                if select.select([s], [], [], 0)[0] and not s.recv(4096):
                                    dropped = True
                                else:
                                    s.send(b"a")
                            except (OSError, BlockingIOError):
                                dropped = True
                            if dropped:
                                s.close()
                                socks[i] = (source, open_slow(source))
                                stats["reopened"] += 1
                            time.sleep(0.003)
                finally:
                    for _, s in socks:
                        s.close()

            t = threading.Thread(target=flood, daemon=True)
            t.start()
            try:
                # Only time the normal client once the flood holds every slot and the server
                # has begun dropping slow connections for new ones.
                self.assertTrue(wait_until(lambda: stats["opened"] == per_source * len(FLOOD_SOURCES)
                                           and stats["reopened"] > 0, 60), stats)
                times = []
                for _ in range(20):
                    start = time.monotonic()
                    r = post(srv.url, call_body("createCustomer", base()), source="127.0.0.1")
                    times.append(time.monotonic() - start)
                    self.assertEqual(r.value()["result"], "OK")
                    time.sleep(0.1)
                print("flood: %d slow connections opened, %d reopened after a drop; normal client "
                      "answered in %.3f s at most, %.3f s median"
                      % (stats["opened"], stats["reopened"], max(times), sorted(times)[len(times) // 2]))
                self.assertLess(max(times), 1.0, times)
            finally:
                stop.set()
                t.join(30)
            self.assertIn("waiting longest at the total cap", srv.log_text())

    def test_256_keepalive_connections_with_defaults(self):
        raise_file_limit(2048)
        with Server() as srv:
            socks = [connect(srv.port, timeout=60) for _ in range(256)]
            try:
                for rnd in range(2):  # the second round reuses every connection
                    for s in socks:
                        s.sendall(request(call_body("getCustomerInfo", {"i_customer": 1})))
                    for i, s in enumerate(socks):
                        got = read_response(s)
                        self.assertIsNotNone(got, "connection %d closed in round %d" % (i, rnd))
                        self.assertEqual(got[0], 200)
            finally:
                for s in socks:
                    s.close()
            self.assertNotIn("custrpc-server: connections", srv.log_text())  # none cut or refused


if __name__ == "__main__":
    main()
