"""test_reload.py — SIGHUP: the configuration file is re-read (tariffs, trusted hosts, the root's
and the admin login's passwords) without dropping a connection, a bad one keeps the previous
configuration and says why in one line, and --log-file is reopened (logrotate's move, then
HUP). Driven by Python's own http.client and xmlrpc.client and the harness's Digest client."""
import http.client
import os
import re
import signal
import threading
import unittest
import urllib.parse

from harness import Digest, Server, base, call_body, create, main, post, unique, wait_until

TARIFF_UNKNOWN = 1020  # CUSTRPC_E_TARIFF


def config(*, tariffs=((1, "Default"),), trusted=(), root_pw_file=None, extra=""):
    return ("<custrpc-server>\n"
            + ('  <root login="root" password-file="%s"/>\n' % root_pw_file if root_pw_file else "")
            + "".join('  <trusted-host address="%s"/>\n' % a for a in trusted)
            + "".join('  <tariff i_tariff="%d" name="%s"/>\n' % t for t in tariffs)
            + extra + "</custrpc-server>\n")


class Reloading:
    """Helpers for a Server started with a config file it re-reads on SIGHUP."""

    def write(self, name, text):
        path = os.path.join(self.srv.tmp, name)
        with open(path + ".new", "w") as f:
            f.write(text)
        os.replace(path + ".new", path)  # as editors and config management do: never half a file
        return path

    def hup(self, expect):
        """Sends SIGHUP and waits for the n-th reload line (of any outcome) matching expect."""
        before = len(re.findall(r"custrpc-server: (configuration reloaded|reload: )", self.srv.log_text()))
        self.srv.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: len(re.findall(
            r"custrpc-server: (configuration reloaded|reload: .*previous configuration)",
            self.srv.log_text())) > before, 60), self.srv.log_text())
        last = [l for l in self.srv.log_text().splitlines()
                if re.search(r"configuration reloaded|previous configuration", l)][-1]
        self.assertRegex(last, expect)
        return last


class OpenLocal(Reloading, unittest.TestCase):
    """No root password: loopback requests act as the root customer."""

    def setUp(self):
        self.srv = Server(config=config())
        self.srv.start()

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0, self.srv.log_text())

    def test_added_tariff_is_usable_after_hup(self):
        self.assertEqual(create(self.srv.url, base(i_tariff=2)).fault()[0], TARIFF_UNKNOWN)
        self.write("server.xml", config(tariffs=((1, "Default"), (2, "Gold"))))
        self.hup(r"^custrpc-server: configuration reloaded")
        r = create(self.srv.url, base(i_tariff=2)).value()
        info = post(self.srv.url, call_body("getCustomerInfo", {"i_customer": r["i_customer"]})).value()
        self.assertEqual(info["customer"]["i_tariff"], 2)

    def test_bad_config_keeps_the_previous_one(self):
        self.write("server.xml", config(tariffs=((1, "Default"), (3, "Three"))))
        self.hup(r"configuration reloaded")
        self.write("server.xml", config(tariffs=((1, "Default"), (4, "Four")),
                                        extra="  <no-such-element/>\n"))
        line = self.hup(r"^custrpc-server: reload: .*server\.xml:\d+: .*no-such-element.*; "
                        r"keeping the previous configuration$")
        self.assertEqual(self.srv.proc.poll(), None)
        create(self.srv.url, base(i_tariff=3)).value()  # the previous configuration's
        self.assertEqual(create(self.srv.url, base(i_tariff=4)).fault()[0], TARIFF_UNKNOWN)
        # Not XML at all; then a missing file: the same, each told in one line.
        self.write("server.xml", "<custrpc-server><tariff")
        self.hup(r"^custrpc-server: reload: .*server\.xml:\d+: .*; keeping the previous")
        os.unlink(os.path.join(self.srv.tmp, "server.xml"))
        self.hup(r"^custrpc-server: reload: config file '.*server\.xml': No such file or "
                 r"directory; keeping the previous configuration$")
        create(self.srv.url, base(i_tariff=3)).value()
        self.assertNotIn("\n\n", self.srv.log_text())
        del line

    def test_config_replaced_by_a_fifo_or_a_directory(self):
        """The file is re-read on the thread that also waits for SIGTERM: a FIFO in its place is
        refused at once, not waited on for a writer that never comes."""
        path = os.path.join(self.srv.tmp, "server.xml")
        os.unlink(path)
        os.mkfifo(path)
        try:
            self.hup(r"^custrpc-server: reload: config file '.*server\.xml': not a regular "
                     r"file; keeping the previous configuration$")
            create(self.srv.url, base()).value()
        finally:
            os.unlink(path)
        os.mkdir(path)
        self.hup(r"^custrpc-server: reload: config file '.*server\.xml': Is a directory; keeping")
        os.rmdir(path)

    def test_libxml2_writes_nothing_itself(self):
        """Some libxml2 errors bypass XML_PARSE_NOERROR ("huge text node", with a line of the
        file): on SIGHUP they would be a blocking write to standard error from the thread that
        waits for SIGTERM. One line of ours says it."""
        self.write("server.xml", config(extra="<!--" + "x" * 11000000 + "-->\n"))
        self.hup(r"^custrpc-server: reload: .*server\.xml:\d+: .*; keeping the previous")
        self.assertNotIn("xxxx", self.srv.log_text())
        self.assertEqual(len(self.srv.log_text().splitlines()), 1, self.srv.log_text()[:500])

    def test_adding_a_root_password_needs_a_restart(self):
        self.write("root.pw", "Secret-1\n")
        self.write("server.xml", config(root_pw_file="root.pw"))
        self.hup(r"reload: adding <root password-file> needs a restart .*; keeping the previous")
        create(self.srv.url, base()).value()  # still open local mode

    def test_keep_alive_connection_survives_hup(self):
        u = urllib.parse.urlsplit(self.srv.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        try:
            def call(fields):
                conn.request("POST", u.path, call_body("createCustomer", fields),
                             {"Content-Type": "text/xml"})
                r = conn.getresponse()
                body = r.read()
                self.assertEqual(r.status, 200, body)
                self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
                return body
            call(base())
            sock = conn.sock
            self.write("server.xml", config(tariffs=((1, "Default"), (5, "Five"))))
            self.hup(r"configuration reloaded")
            self.assertIs(conn.sock, sock)
            self.assertIn(b"OK", call(base(i_tariff=5)))  # the new tariff, on the same socket
            self.assertIs(conn.sock, sock, "http.client reconnected: the server closed it")
        finally:
            conn.close()

    def test_many_hups_under_concurrent_load(self):
        errors, done = [], threading.Event()

        def load():
            while not done.is_set():
                try:
                    r = create(self.srv.url, base())
                    if r.status != 200 or b"faultCode" in r.body:
                        errors.append(r.body[:200])
                except Exception as e:  # a dropped connection is a failure too
                    errors.append(repr(e))
        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            for i in range(40):
                tariffs = ((1, "Default"),) + (((2, "T%d" % i),) if i % 2 else ())
                self.write("server.xml", config(tariffs=tariffs, trusted=["127.0.0.%d" % (2 + i % 3)]))
                self.hup(r"configuration reloaded")
        finally:
            done.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [])
        self.assertIsNone(self.srv.proc.poll())


class OpenLocalFileStore(OpenLocal):
    """The same with a file store, whose request threads write in group-commit batches."""

    def setUp(self):
        srv = Server()
        self.srv = Server(config=config(), db=os.path.join(srv.tmp, "customers.db"), tmp=srv.tmp)
        self.srv.start()


class WithPasswords(Reloading, unittest.TestCase):
    """A root password: the credentials and the trusted hosts matter."""

    db = False

    def setUp(self):
        tmp = Server().tmp
        self.srv = Server(config=config(root_pw_file="root.pw"), root_password="Old-pw-1", tmp=tmp,
                          db=os.path.join(tmp, "customers.db") if self.db else None)
        self.srv.start()

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0, self.srv.log_text())

    def test_root_password_file_change(self):
        create(self.srv.url, base(), auth=Digest("root", "Old-pw-1")).value()
        self.write("root.pw", "New-pw-2\n")
        self.hup(r"configuration reloaded")
        self.assertEqual(create(self.srv.url, base(), auth=Digest("root", "Old-pw-1")).status, 401)
        create(self.srv.url, base(), auth=Digest("root", "New-pw-2")).value()

    def test_unreadable_password_file_keeps_the_old_one(self):
        self.write("server.xml", config(root_pw_file="missing.pw"))
        self.hup(r"reload: .*missing\.pw.*; keeping the previous configuration$")
        create(self.srv.url, base(), auth=Digest("root", "Old-pw-1")).value()

    def test_trusted_host_added_then_removed(self):
        def anonymous():
            return create(self.srv.url, base(i_wholesaler=1), source="127.0.0.2")
        self.assertEqual(anonymous().status, 401)
        self.write("server.xml", config(root_pw_file="root.pw", trusted=["127.0.0.2"]))
        self.hup(r"configuration reloaded")
        anonymous().value()
        self.write("server.xml", config(root_pw_file="root.pw"))
        self.hup(r"configuration reloaded")
        self.assertEqual(anonymous().status, 401)

    def test_a_namespace_made_before_the_reload_follows_its_trusted_hosts(self):
        # A namespace's store is its own, but trusted hosts are the server's: a reload reaches
        # namespaces that already exist, not only the default one.
        self.srv.stop()
        self.srv.args += ["--admin"]
        self.srv.start()
        ns_url = self.srv.url.replace("/RPC2", "/ns/reload-run/RPC2")
        create(ns_url, base(), auth=Digest("root", "Old-pw-1")).value()  # the namespace exists
        def anonymous():
            return create(ns_url, base(i_wholesaler=1), source="127.0.0.2")
        self.assertEqual(anonymous().status, 401)
        self.write("server.xml", config(root_pw_file="root.pw", trusted=["127.0.0.2"]))
        self.hup(r"configuration reloaded")
        anonymous().value()

    def test_restart_only_settings_are_named(self):
        self.write("server.xml", config(root_pw_file="root.pw",
                                        extra='  <database path="elsewhere.db"/>\n'))
        self.hup(r"configuration reloaded")
        note = "custrpc-server: reload: <database> changed; it takes effect at restart"
        if self.db:  # --db overrides the file's <database>: nothing to say
            self.assertNotIn(note, self.srv.log_text())
        else:
            self.assertIn(note, self.srv.log_text())


class WithPasswordsFileStore(WithPasswords):
    db = True


class LogFile(Reloading, unittest.TestCase):
    """--log-file and logrotate's move-then-HUP."""

    def test_reopen_after_rename(self):
        self.srv = Server(config=config())
        path = os.path.join(self.srv.tmp, "requests.log")
        self.srv.args += ["--log-file", path]
        self.srv.start()
        rotated = path + ".1"
        try:
            count = lambda p: open(p).read().count("method=createCustomer") if os.path.exists(p) else 0
            for _ in range(5):
                create(self.srv.url, base()).value()
            self.assertTrue(wait_until(lambda: count(path) == 5, 60))
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            os.rename(path, rotated)
            create(self.srv.url, base()).value()  # still written to the moved file, or the new
            self.srv.proc.send_signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: os.path.exists(path) and
                                       "configuration reloaded" in open(path).read(), 60))
            for _ in range(7):
                create(self.srv.url, base()).value()
            self.assertTrue(wait_until(lambda: count(path) + count(rotated) == 13, 60),
                            (count(path), count(rotated)))
            # Every line after the HUP is in the new file; before it, in the old one.
            self.assertGreaterEqual(count(path), 7)
            self.assertGreaterEqual(count(rotated), 5)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        finally:
            self.assertEqual(self.srv.stop(), 0)
        self.assertIn("signal 15", open(path).read())
        self.assertEqual(self.srv.log_text(), "")  # nothing went to the inherited standard error

    def test_log_file_replaced_by_a_fifo_nobody_reads(self):
        """Reopened on SIGHUP by the thread that also waits for SIGTERM: a FIFO without a reader
        is refused (the previous file kept), not waited on."""
        self.srv = Server(config=config())
        path = os.path.join(self.srv.tmp, "requests.log")
        self.srv.args += ["--log-file", path]
        self.srv.start()
        try:
            create(self.srv.url, base()).value()
            os.rename(path, path + ".1")
            os.mkfifo(path)
            self.srv.proc.send_signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: "a FIFO that nobody reads; still writing to the "
                                       "previous file" in open(path + ".1").read(), 60))
            self.assertTrue(wait_until(lambda: "configuration reloaded" in
                                       open(path + ".1").read(), 60))
            create(self.srv.url, base()).value()
        finally:
            self.assertEqual(self.srv.stop(), 0)  # no wait: SIGTERM was heard
        self.assertIn("signal 15", open(path + ".1").read())

    def test_unwritable_log_file_is_a_clear_error(self):
        srv = Server("--log-file", "/nonexistent-dir/x.log")
        with self.assertRaises(AssertionError):
            srv.start()
        self.assertEqual(srv.proc.returncode, 78)
        self.assertIn("custrpc-server: --log-file '/nonexistent-dir/x.log': No such file or "
                      "directory", srv.log_text())
        srv.log.close()


if __name__ == "__main__":
    main()
