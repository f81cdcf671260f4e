"""test_messages.py — custrpc-server's start-up errors name the problem and its fix: a missing
configuration file by its errno, an address in use by the address and port (and TLS only when
TLS is configured)."""
import os
import socket
import subprocess
import tempfile
import unittest

from harness import SERVER, main


def run(*args, cwd=None):
    return subprocess.run([SERVER] + list(args), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, cwd=cwd)


def busy_port(family=socket.AF_INET, host="127.0.0.1"):
    """A listening socket on a free port, kept open by the caller."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(1)
    return s


class ConfigFile(unittest.TestCase):
    def test_missing_file_is_named_with_its_errno(self):
        d = tempfile.mkdtemp(prefix="custrpc-msg-")
        r = run("--config", "nonexist.xml", "--listen", "127.0.0.1:0", cwd=d)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stderr, "custrpc-server: config file 'nonexist.xml': No such file or directory\n")
        os.rmdir(d)

    def test_directory_and_unreadable(self):
        d = tempfile.mkdtemp(prefix="custrpc-msg-")
        r = run("--config", d, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stderr, "custrpc-server: config file '%s': Is a directory\n" % d)
        path = os.path.join(d, "server.xml")
        with open(path, "w") as f:
            f.write("<custrpc-server/>\n")
        os.chmod(path, 0)
        if os.geteuid() != 0:  # root reads any file
            r = run("--config", path, "--listen", "127.0.0.1:0")
            self.assertEqual(r.returncode, 78, r.stderr)
            self.assertEqual(r.stderr, "custrpc-server: config file '%s': Permission denied\n" % path)
        os.unlink(path)
        os.rmdir(d)

    def test_a_readable_file_still_reports_lines(self):
        d = tempfile.mkdtemp(prefix="custrpc-msg-")
        path = os.path.join(d, "server.xml")
        with open(path, "w") as f:
            f.write("<custrpc-server>\n<tarif/>\n</custrpc-server>\n")
        r = run("--config", path, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("%s:2: unknown element <tarif>" % path, r.stderr)
        os.unlink(path)
        os.rmdir(d)


class AddressInUse(unittest.TestCase):
    def test_ipv4_names_address_and_port_not_tls(self):
        s = busy_port()
        port = s.getsockname()[1]
        try:
            r = run("--listen", "127.0.0.1:%d" % port)
        finally:
            s.close()
        self.assertEqual(r.returncode, 69, r.stderr)
        first = r.stderr.splitlines()[0]
        self.assertTrue(first.startswith("custrpc-server: 127.0.0.1:%d: address already in use" % port), r.stderr)
        self.assertIn("--listen", first)  # the fix
        self.assertNotIn("TLS", r.stderr)
        self.assertNotIn("port 0", r.stderr)  # libmicrohttpd's own "Failed to bind to port 0"
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_ipv6(self):
        try:
            s = busy_port(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 loopback")
        port = s.getsockname()[1]
        try:
            r = run("--listen", "[::1]:%d" % port)
        finally:
            s.close()
        self.assertEqual(r.returncode, 69, r.stderr)
        self.assertTrue(r.stderr.startswith("custrpc-server: [::1]:%d: address already in use" % port), r.stderr)

    def test_in_use_with_tls_is_still_the_address(self):
        d = tempfile.mkdtemp(prefix="custrpc-msg-")
        pem = os.path.join(d, "junk.pem")
        with open(pem, "w") as f:
            f.write("not a certificate\n")
        s = busy_port()
        port = s.getsockname()[1]
        try:
            r = run("--listen", "127.0.0.1:%d" % port, "--tls-cert", pem, "--tls-key", pem)
        finally:
            s.close()
        self.assertEqual(r.returncode, 69, r.stderr)
        self.assertTrue(r.stderr.startswith("custrpc-server: 127.0.0.1:%d: address already in use" % port), r.stderr)
        self.assertNotIn("TLS", r.stderr)
        # A free port with bad TLS files: now the message is about TLS, and names the options.
        r = run("--listen", "127.0.0.1:0", "--tls-cert", pem, "--tls-key", pem)
        self.assertEqual(r.returncode, 69, r.stderr)
        last = r.stderr.splitlines()[-1]
        self.assertIn("cannot start HTTPS", last)
        self.assertIn("--tls-cert", last)
        self.assertNotIn("in use", r.stderr)
        os.unlink(pem)
        os.rmdir(d)


if __name__ == "__main__":
    main()
