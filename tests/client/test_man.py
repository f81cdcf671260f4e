"""test_man.py — the man pages custrpc(1), custrpc-server(1) and custrpc-conform(1), generated at
build time: each renders with man -l (groff when man is missing) without a warning, and every
option of each program's tables is in its page — the options of every custrpc command and
partner subcommand, the server's options and its configuration file's elements and attributes,
custrpc-conform's own and connection options — as each gen-man --options lists them from the
tables --help is printed from."""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402

BUILD = os.path.dirname(os.path.dirname(os.path.abspath(os.environ.get("CUSTRPC_CLIENT", "client/custrpc"))))
PAGES = (("client/custrpc.1", "client/gen-man", os.environ.get("CUSTRPC_CLIENT", "client/custrpc")),
         ("server/custrpc-server.1", "server/gen-man", os.environ.get("CUSTRPC_SERVER", "server/custrpc-server")),
         ("conform/custrpc-conform.1", "conform/gen-man", os.environ.get("CUSTRPC_CONFORM", "conform/custrpc-conform")))


def plain(roff):
    """The page's text with roff's escapes undone, for looking words up."""
    text = re.sub(r"\\f[BIRP]", "", roff)
    for esc, ch in (("\\-", "-"), ("\\(dq", '"'), ("\\e", "\\"), ("\\&", ""), ("\\(lq", '"'), ("\\(rq", '"')):
        text = text.replace(esc, ch)
    return text


class ManPages(unittest.TestCase):
    def render(self, path):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        if shutil.which("man"):
            cmd = ["man", "--warnings", "-l", path]
        else:
            cmd = ["groff", "-man", "-Tutf8", "-ww", path]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)

    def test_render_without_warnings(self):
        for page, _, _ in PAGES:
            path = os.path.join(BUILD, page)
            r = self.render(path)
            self.assertEqual(r.returncode, 0, (page, r.stderr))
            self.assertEqual(r.stderr, "", page)
            self.assertIn("NAME", r.stdout)
            self.assertIn("EXIT STATUS", r.stdout)

    def test_every_option_is_in_its_page(self):
        for page, gen, _ in PAGES:
            with open(os.path.join(BUILD, page)) as f:
                text = plain(f.read())
            names = subprocess.run([os.path.join(BUILD, gen), "--options"], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
            self.assertGreater(len(names), 10, gen)
            missing = [n for n in names if n.split()[-1] not in text]
            self.assertEqual(missing, [], page)

    def test_tables_match_help(self):
        # The names gen-man reports are what each program accepts: each in its --help.
        for page, gen, prog in PAGES:
            names = subprocess.run([os.path.join(BUILD, gen), "--options"], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
            helps = {}
            for line in names:
                words = line.split()
                if not words[-1].startswith("--"):
                    continue  # a configuration element or attribute
                cmd = tuple(words[:-1])
                if cmd not in helps:
                    helps[cmd] = subprocess.run([prog] + list(cmd) + ["--help"], capture_output=True,
                                                text=True, timeout=60).stdout
                self.assertIn(words[-1], helps[cmd], (prog, cmd))

    def test_client_page_has_every_command_and_the_config_file(self):
        with open(os.path.join(BUILD, "client/custrpc.1")) as f:
            text = plain(f.read())
        for cmd in ("create", "get", "import", "update", "list", "delete", "block", "unblock", "add-funds",
                    "credit", "debit", "fields", "partner login", "partner add", "partner import"):
            self.assertRegex(text, r"\.SS custrpc %s\b" % re.escape(cmd.replace("partner import", "import --partners")))
        for word in (".SH FILES", "~/.config/custrpc/config", "CUSTRPC_USER", "XDG_CONFIG_HOME", "password-file"):
            self.assertIn(word, text)

    def test_server_page_documents_signals(self):
        with open(os.path.join(BUILD, "server/custrpc-server.1")) as f:
            text = plain(f.read())
        self.assertIn(".SH SIGNALS", text)
        for word in ("SIGTERM", "SIGINT", "SIGHUP", ".SH CONFIGURATION FILE"):
            self.assertIn(word, text)
        # The test double's endpoints are findable from the man page, not only the README.
        self.assertIn(".SH TEST DOUBLE", text)
        for word in ("GET /health", "/admin/journal", "POST /admin/reset", "POST /admin/inject",
                     "X-Custrpc-Namespace"):
            self.assertIn(word, text)

    def test_pages_install_where_man_finds_them(self):
        # `make install` puts the pages in $(mandir)/man1; man then finds each by its name
        # alone, as a user types it, and the bash completions land beside them.
        import tempfile
        if not os.path.exists(os.path.join(BUILD, "Makefile")):
            self.skipTest("no Makefile in the build directory")
        with tempfile.TemporaryDirectory() as dest:
            env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
            extra = []
            with open(os.path.join(BUILD, "Makefile")) as f:
                m = re.search(r"^BASH_COMPLETION_DIR = (.*)$", f.read(), re.M)
            if not m or not m.group(1).startswith("/"):
                # make distcheck configures it as $dc_install_base/..., a variable of its own
                # recipe that is empty here: give it a directory below DESTDIR.
                extra = ["bashcompletiondir=/share/bash-completion/completions"]
            r = subprocess.run(["make", "-C", BUILD, "install-man", "install-nodist_bashcompletionDATA",
                                "DESTDIR=" + dest] + extra, capture_output=True, text=True, env=env,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            installed = {}
            for root, _, files in os.walk(dest):
                for name in files:
                    installed[name] = os.path.join(root, name)
            for page, _, _ in PAGES:
                name = os.path.basename(page)
                self.assertIn(name, installed, sorted(installed))
                self.assertEqual(os.path.basename(os.path.dirname(installed[name])), "man1")
                if shutil.which("man"):
                    mandir = os.path.dirname(os.path.dirname(installed[name]))
                    out = subprocess.run(["man", "--warnings", "-M", mandir, name[:-2]], capture_output=True,
                                         text=True, timeout=120, env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8",
                                                                          MANPAGER="cat", PAGER="cat"))
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertEqual(out.stderr, "", name)
                    self.assertIn(name[:-2], out.stdout)
            for program in ("custrpc", "custrpc-server", "custrpc-conform"):
                self.assertIn(program, installed)


if __name__ == "__main__":
    main()
