"""test_systemd_unit.py — contrib/custrpc-server.service: systemd-analyze verify accepts it
(when installed), the keys we rely on are there (read by a small parser here, the unit file
syntax of systemd.syntax(7)), and every option of its ExecStart exists in custrpc-server --help."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

from harness import SERVER, main

SRCDIR = os.environ.get("CUSTRPC_TOP_SRCDIR",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
UNIT = os.path.join(SRCDIR, "contrib", "custrpc-server.service")


def parse_unit(text):
    """{section: {key: [values in order]}}; comments, blank lines and continuations as
    systemd reads them."""
    sections, current = {}, None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + " " + lines[i].strip()
            i += 1
        if not line or line[0] in "#;":
            continue
        m = re.fullmatch(r"\[([^\]]+)\]", line)
        if m:
            current = sections.setdefault(m.group(1), {})
            continue
        assert current is not None, "a key outside a section: %r" % line
        key, eq, value = line.partition("=")
        assert eq, "not KEY=VALUE: %r" % line
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


class Unit(unittest.TestCase):
    def setUp(self):
        with open(UNIT) as f:
            self.text = f.read()
        self.unit = parse_unit(self.text)
        self.service = self.unit["Service"]

    def value(self, key):
        return self.service[key][-1]

    def test_keys_we_rely_on(self):
        self.assertEqual(self.value("Type"), "notify")
        self.assertEqual(self.value("ExecReload"), "/bin/kill -HUP $MAINPID")
        self.assertEqual(self.value("StateDirectory"), "custrpc")
        self.assertEqual(self.value("UMask"), "0077")
        self.assertEqual(self.value("CapabilityBoundingSet"), "")
        # AF_UNIX: the notify socket is one.
        self.assertEqual(set(self.value("RestrictAddressFamilies").split()),
                         {"AF_INET", "AF_INET6", "AF_UNIX"})
        for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                    "ProtectKernelTunables", "ProtectKernelModules", "MemoryDenyWriteExecute",
                    "LockPersonality"):
            self.assertEqual(self.value(key), "yes", key)
        self.assertEqual(self.value("ProtectSystem"), "strict")
        self.assertIn("@system-service", self.service["SystemCallFilter"])
        self.assertEqual(self.unit["Install"]["WantedBy"], ["multi-user.target"])

    def test_exec_start_options_exist(self):
        argv = shlex.split(self.value("ExecStart"))
        self.assertEqual(os.path.basename(argv[0]), "custrpc-server")
        help_text = subprocess.run([SERVER, "--help"], capture_output=True, text=True,
                                   timeout=60, check=True).stdout
        options = [a.split("=")[0] for a in argv[1:] if a.startswith("--")]
        self.assertIn("--config", options)
        self.assertIn("--db", options)
        for opt in options:
            self.assertRegex(help_text, r"(?m)^\s+(-\w, )?%s[ =]" % re.escape(opt), opt)
        # The database lies in StateDirectory=, which systemd makes and gives to User=.
        db = argv[argv.index("--db") + 1]
        self.assertTrue(db.startswith("/var/lib/%s/" % self.value("StateDirectory")), db)

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_systemd_analyze_verify(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        try:
            # verify checks that the program exists: the one just built stands in for
            # /usr/bin's.
            path = os.path.join(tmp, "custrpc-server.service")
            with open(path, "w") as f:
                f.write(re.sub(r"(?m)^ExecStart=\S+", "ExecStart=" + os.path.abspath(SERVER),
                               self.text))
            p = subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
