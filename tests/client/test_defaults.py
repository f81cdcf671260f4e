"""test_defaults.py — custrpc's connection defaults: $CUSTRPC_URL, $CUSTRPC_USER and
$CUSTRPC_PASSWORD, the config file (--config FILE, $XDG_CONFIG_HOME/custrpc/config,
~/.config/custrpc/config), and their order: command line > environment > config file > default.
Against custrpc-server with a root password, so a wrong user or password shows as exit 77."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Server, main, unique  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
ROOT_CFG = '<custrpc-server><root login="ssp-root" password-file="root.pw"/></custrpc-server>'
DEAD = "http://127.0.0.1:1/RPC2"


class Defaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server(config=ROOT_CFG, root_password="pw-root").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="custrpc-home-")
        self.xdg = os.path.join(self.home, "xdg")

    def tearDown(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def custrpc(self, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
        e.update({"HOME": self.home, "XDG_CONFIG_HOME": self.xdg})
        e.update(env or {})
        e = {k: v for k, v in e.items() if v is not None}
        return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=120, env=e,
                              stdin=subprocess.DEVNULL)

    def write(self, path, text, mode=0o600):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def config(self, text, mode=0o600):
        return self.write(os.path.join(self.xdg, "custrpc", "config"), text, mode)

    def create(self, *args, env=None):
        e = {"CUSTRPC_WEB_PASSWORD": "Secret-123"}
        e.update(env or {})
        return self.custrpc("create", "--name", unique(), "--i-tariff", "own", *args, env=e)

    def test_config_file_gives_url_user_password(self):
        self.config("# the test switch\nurl = %s\n  user=ssp-root\npassword = pw-root\ntimeout = 20\n\n" % self.srv.url)
        r = self.create()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^\d+\n$")
        self.assertEqual(r.stderr, "")

    def test_precedence(self):
        self.config("url = %s\nuser = ssp-root\npassword = pw-root\n" % DEAD)
        # Environment over the config file: CUSTRPC_URL reaches the server, CUSTRPC_USER is refused.
        r = self.create(env={"CUSTRPC_URL": self.srv.url})
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.create(env={"CUSTRPC_URL": self.srv.url, "CUSTRPC_USER": "nobody"})
        # The file's password is its user's: not sent for another login.
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("--user needs a password", r.stderr)
        r = self.create(env={"CUSTRPC_URL": self.srv.url, "CUSTRPC_USER": "nobody", "CUSTRPC_PASSWORD": "x"})
        self.assertEqual(r.returncode, 77, r.stderr)
        r = self.create(env={"CUSTRPC_URL": self.srv.url, "CUSTRPC_PASSWORD": "wrong"})
        self.assertEqual(r.returncode, 77, r.stderr)
        # The command line over the environment (before or after the command).
        r = self.create("--user", "ssp-root", env={"CUSTRPC_URL": self.srv.url, "CUSTRPC_USER": "nobody"})
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.create("--url", DEAD, env={"CUSTRPC_URL": self.srv.url})
        self.assertEqual(r.returncode, 69, r.stderr)
        pw = self.write(os.path.join(self.home, "pw"), "pw-root\n")
        r = self.create("--password-file", pw, env={"CUSTRPC_URL": self.srv.url, "CUSTRPC_PASSWORD": "wrong"})
        self.assertEqual(r.returncode, 0, r.stderr)
        # Built-in default when nothing gives a URL.
        os.unlink(os.path.join(self.xdg, "custrpc", "config"))
        r = self.create()
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("no server: give --url or set CUSTRPC_URL", r.stderr)

    def test_explicit_config_and_password_file(self):
        pw = self.write(os.path.join(self.home, "pw"), "pw-root\n")
        cfg = self.write(os.path.join(self.home, "other.conf"),
                         "url = %s\nuser = ssp-root\npassword-file = %s\n" % (self.srv.url, pw))
        self.config("url = %s\n" % DEAD)  # --config replaces the default file
        r = self.create("--config", cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.custrpc("--config", cfg, "get", "--name", "nobody-" + unique())
        self.assertEqual(r.returncode, 1, r.stderr)  # reached the server: a fault, not a usage error

    def test_home_config_without_xdg(self):
        self.write(os.path.join(self.home, ".config", "custrpc", "config"),
                   "url = %s\nuser = ssp-root\npassword = pw-root\n" % self.srv.url)
        r = self.create(env={"XDG_CONFIG_HOME": None})
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.create(env={"XDG_CONFIG_HOME": ""})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_wholesaler_drops_default_user(self):
        # Trusted mode sends no credentials: a default user is not a conflict, a given one is.
        self.config("user = ssp-root\npassword = pw-root\n")
        r = self.create("--wholesaler", "1", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.create("--wholesaler", "1", "--user", "x", "--url", DEAD)
        self.assertEqual(r.returncode, 64, r.stderr)

    def test_readable_password_warns(self):
        self.config("url = %s\nuser = ssp-root\npassword = pw-root\n" % self.srv.url, mode=0o644)
        r = self.create()
        self.assertEqual(r.returncode, 0, r.stderr)
        path = os.path.join(self.xdg, "custrpc", "config")
        self.assertEqual(r.stderr, "custrpc: warning: %s holds a password and is readable by group or others; "
                                   "chmod 600 %s, or use password-file\n" % (path, path))
        # No password in it: nothing to warn about.
        pw = self.write(os.path.join(self.home, "pw"), "pw-root\n")
        self.config("url = %s\nuser = ssp-root\npassword-file = %s\n" % (self.srv.url, pw), mode=0o644)
        r = self.create()
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_missing_and_bad_config(self):
        r = self.create("--dry-run")  # no config file at all: silently fine
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        missing = os.path.join(self.home, "nope.conf")
        r = self.create("--config", missing, "--dry-run")
        self.assertEqual(r.returncode, 64)
        self.assertIn("custrpc: create: --config: %s: No such file or directory\n" % missing, r.stderr)
        self.config("url = x\nusr = me\n")
        r = self.create("--dry-run")
        self.assertEqual(r.returncode, 64)
        self.assertIn("config:2: unknown key 'usr'; did you mean 'user'?", r.stderr)
        self.config("timeout = soon\n")
        self.assertEqual(self.create("--dry-run").returncode, 64)
        self.config("insecure\n")
        self.assertIn('config:1: expected "key = value"', self.create("--dry-run").stderr)


if __name__ == "__main__":
    main()
