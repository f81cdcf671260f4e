"""test_options.py — custrpc-server as a program: --help/--version, option and config errors
with line numbers, TLS, SIGINT, idle keep-alive clients, and interop with Python's xmlrpc.client
(introspection and system.multicall)."""
import os
import signal
import socket
import ssl
import shutil
import subprocess
import tempfile
import unittest
import xmlrpc.client

from harness import SERVER, Server, base, call_body, create, main, post, unique



def run(*args):
    return subprocess.run([SERVER] + list(args), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


class Program(unittest.TestCase):
    def test_help_and_version(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--listen", "--db", "--config", "--log-level", "--max-body", "--tls-cert", "--tls-key"):
            self.assertIn(opt, r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^custrpc-server \d+\.\d+\.\d+\n$")

    def test_usage_errors(self):
        for args in (["--listen", "nowhere"], ["--max-body", "12x"], ["--tls-cert", "a.pem"], ["--bogus"],
                     ["--log-level", "loud"], ["extra"]):
            r = run(*args)
            self.assertEqual(r.returncode, 64, args)
            self.assertTrue(r.stderr.startswith("custrpc-server: ") or "unrecognized" in r.stderr, r.stderr)

    def config_error(self, text):
        d = tempfile.mkdtemp(prefix="custrpc-cfg-")
        path = os.path.join(d, "bad.xml")
        with open(path, "w") as f:
            f.write(text)
        r = run("--config", path, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 78, r.stderr)
        return r.stderr.replace(path, "bad.xml")

    def test_config_errors_name_the_line(self):
        self.assertIn("bad.xml:3: unknown element <tarif>",
                      self.config_error('<custrpc-server>\n  <tariff i_tariff="1" name="A"/>\n  <tarif/>\n</custrpc-server>\n'))
        self.assertIn("bad.xml:2: unknown attribute colour on <listen>",
                      self.config_error('<custrpc-server>\n<listen colour="red"/>\n</custrpc-server>\n'))
        self.assertIn("bad.xml:3: tariff 1 is defined twice",
                      self.config_error('<custrpc-server>\n<tariff i_tariff="1" name="A"/>\n<tariff i_tariff="1" name="B"/>\n</custrpc-server>'))
        self.assertIn("bad.xml:2: <trusted-host> address \"example.com\" is not a numeric",
                      self.config_error('<custrpc-server>\n<trusted-host address="example.com"/>\n</custrpc-server>'))
        # Not well-formed: libxml2's own message, at the line where it noticed.
        self.assertIn("bad.xml:3: Couldn't find end of Start Tag listen",
                      self.config_error('<custrpc-server>\n<listen port="1"\n</custrpc-server>'))
        self.assertIn("the root element must be <custrpc-server>", self.config_error('<server/>'))
        # The one password-file rule of every program (common/password_file.c).
        self.assertIn("a password file must be a regular file",
                      self.config_error('<custrpc-server><root password-file="/dev/null"/></custrpc-server>'))
        empty = os.path.join(tempfile.mkdtemp(prefix="custrpc-pw-"), "empty.pw")
        with open(empty, "w") as f:
            f.write("\r\n")  # a first line of nothing but its line end is empty too
        self.assertIn("the password file is empty",
                      self.config_error('<custrpc-server><root password-file="%s"/></custrpc-server>' % empty))

    def test_config_listen_overridden_by_option(self):
        cfg = '<custrpc-server><listen host="127.0.0.1" port="1"/><tariff i_tariff="5" name="Five"/></custrpc-server>'
        with Server(config=cfg) as srv:  # Server passes --listen 127.0.0.1:0, which wins
            self.assertEqual(create(srv.url, base(i_tariff=5)).value()["result"], "OK")
            self.assertEqual(create(srv.url, base(i_tariff=1)).fault()[0], 1020)

    def test_debug_log_shows_the_xml_without_passwords(self):
        with Server("--log-level", "debug") as srv:
            create(srv.url, base(web_password="Debug-Secret-1", api_password="Debug-Secret-2")).value()
            log = srv.log_text()
        self.assertIn("<name>web_password</name>", log)
        self.assertIn("********", log)
        self.assertIn("<name>i_customer</name>", log)
        self.assertNotIn("Debug-Secret", log)

    def test_sigint_finishes_cleanly(self):
        srv = Server().start()
        create(srv.url, base()).value()
        self.assertEqual(srv.stop(signal.SIGINT), 0)

    def test_stop_finishes_request_in_flight(self):
        srv = Server().start()
        body = call_body("createCustomer", base())
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n"
                  % len(body) + body[:50])
        import time
        time.sleep(0.3)  # the request has begun; now ask the server to stop
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        s.sendall(body[50:])
        answer = b""
        while b"</methodResponse>" not in answer:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        s.close()
        self.assertIn(b"<name>i_customer</name>", answer)
        self.assertEqual(srv.stop(), 0)

    def test_idle_keepalive_clients_do_not_starve_others(self):
        with Server() as srv:
            idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(40)]
            try:
                self.assertEqual(create(srv.url, base()).value()["result"], "OK")
            finally:
                for s in idle:
                    s.close()

    @unittest.skipUnless(shutil.which("openssl"), "openssl is needed to make a test certificate")
    def test_tls(self):
        d = tempfile.mkdtemp(prefix="custrpc-tls-")
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=120)
        srv = Server("--tls-cert", cert, "--tls-key", key)
        srv.start()
        try:
            self.assertTrue(srv.url.startswith("https://"))
            ctx = ssl.create_default_context(cafile=cert)
            ctx.check_hostname = False
            p = xmlrpc.client.ServerProxy(srv.url, allow_none=True, context=ctx)
            self.assertEqual(p.createCustomer(base())["result"], "OK")
        finally:
            self.assertEqual(srv.stop(), 0)


class Interop(unittest.TestCase):
    """Python's xmlrpc.client is an independent XML-RPC implementation."""

    def test_python_client(self):
        with Server() as srv:
            p = srv.proxy()
            r = p.createCustomer(base(i_tariff=None, balance=3, credit_limit=10.25, callshop_enabled=True,
                                      customers_mgmt=5, max_sessions=None, i_lang="en", company_name="Zeus & Sons"))
            self.assertEqual(set(r), {"result", "i_customer"})
            self.assertEqual(r["result"], "OK")
            c = p.getCustomerInfo({"i_customer": r["i_customer"]})["customer"]
            self.assertEqual((c["balance"], c["credit_limit"], c["callshop_enabled"], c["customers_mgmt"]),
                             (-3.0, 10.25, True, 5))
            self.assertIsNone(c["max_sessions"])
            self.assertEqual(c["company_name"], "Zeus & Sons")
            with self.assertRaises(xmlrpc.client.Fault) as f:
                p.createCustomer(base(name=c["name"]))
            self.assertEqual(f.exception.faultCode, 1010)

    def test_introspection_and_multicall(self):
        with Server() as srv:
            p = srv.proxy()
            methods = p.system.listMethods()
            self.assertIn("createCustomer", methods)
            self.assertIn("getCustomerInfo", methods)
            self.assertIn("i_customer", p.system.methodHelp("createCustomer"))
            self.assertEqual(p.system.methodSignature("createCustomer"), [["struct", "struct"]])
            with self.assertRaises(xmlrpc.client.Fault) as f:
                p.system.shutdown("bye")
            self.assertEqual(f.exception.faultCode, 1030)
            self.assertEqual(p.system.listMethods(), methods)  # still serving
            name = unique()
            mc = xmlrpc.client.MultiCall(p)
            mc.createCustomer(base(name=name))
            mc.createCustomer(base(name=name))
            mc.createCustomer(base(customers_mgmt=8))
            results = mc()
            self.assertEqual(results[0]["result"], "OK")
            for i, code in ((1, 1010), (2, 1003)):
                with self.assertRaises(xmlrpc.client.Fault) as f:
                    results[i]
                self.assertEqual(f.exception.faultCode, code)


if __name__ == "__main__":
    main()
