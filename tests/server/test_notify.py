"""test_notify.py — systemd's readiness protocol (Type=notify), received by a unix datagram
socket of Python's own standing in for systemd: READY=1 once the server listens, RELOADING=1
(with MONOTONIC_USEC) and READY=1 around a SIGHUP reload, STOPPING=1 at SIGTERM; both a path
and an abstract ('@') NOTIFY_SOCKET."""
import os
import shutil
import signal
import socket
import tempfile
import time
import unittest

from harness import Server, base, create, main, wait_until


class Notify(unittest.TestCase):
    def receive(self, sock, n):
        """The next n datagrams, each as a dict of its KEY=VALUE lines."""
        got = []
        sock.settimeout(60)
        for _ in range(n):
            got.append(dict(l.split("=", 1) for l in sock.recv(4096).decode().split("\n") if l))
        return got

    def run_protocol(self, address, env_value):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(address)
        try:
            env = dict(os.environ, NOTIFY_SOCKET=env_value)
            srv = Server(config="<custrpc-server/>", env=env)
            srv.start()
            try:
                # READY=1 is sent after the socket listens: a request made now is answered.
                self.assertEqual(self.receive(sock, 1), [{"READY": "1"}])
                create(srv.url, base()).value()
                srv.proc.send_signal(signal.SIGHUP)
                reloading, ready = self.receive(sock, 2)
                self.assertEqual(reloading["RELOADING"], "1")
                usec = int(reloading["MONOTONIC_USEC"])
                self.assertLess(abs(usec / 1e6 - time.monotonic()), 120)  # CLOCK_MONOTONIC, as systemd's
                self.assertEqual(ready, {"READY": "1"})
                self.assertIn("configuration reloaded", srv.log_showing("configuration reloaded"))
            finally:
                self.assertEqual(srv.stop(), 0, srv.log_text())
            self.assertEqual(self.receive(sock, 1), [{"STOPPING": "1"}])
        finally:
            sock.close()

    def test_path_socket(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        try:
            path = os.path.join(tmp, "notify")
            self.run_protocol(path, path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_abstract_socket(self):
        name = "custrpc-test-notify-%s" % os.urandom(6).hex()
        self.run_protocol("\0" + name, "@" + name)

    def test_a_manager_that_does_not_read_never_stops_the_server(self):
        """A unix datagram socket whose queue is full blocks the sender: the datagrams go out
        on the thread that also waits for SIGTERM, so they must not wait."""
        name = "custrpc-test-notify-%s" % os.urandom(6).hex()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind("\0" + name)
        try:
            srv = Server(config="<custrpc-server/>", env=dict(os.environ, NOTIFY_SOCKET="@" + name))
            srv.start()
            try:
                # Linux queues 10 datagrams (net.unix.max_dgram_qlen) on a socket nobody reads.
                for n in range(1, 16):
                    srv.proc.send_signal(signal.SIGHUP)
                    self.assertTrue(wait_until(
                        lambda: srv.log_text().count("configuration reloaded") >= n, 60),
                        "reload %d never finished:\n%s" % (n, srv.log_text()))
                create(srv.url, base()).value()
            finally:
                self.assertEqual(srv.stop(), 0, srv.log_text())
        finally:
            sock.close()

    def test_without_notify_socket_nothing_changes(self):
        env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
        with Server(env=env) as srv:
            create(srv.url, base()).value()


if __name__ == "__main__":
    main()
