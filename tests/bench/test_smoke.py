"""test_smoke.py — bench/run in a few seconds (never the benchmark itself, which is not part of
make check): custrpc-server in memory and with Digest at c=1 and 8 for half a second each, and
bench/loadgen's own accounting (a fault counts as an error; Digest once per connection). Needs
neither root nor nginx."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "server"))
from harness import SERVER, Server, main  # noqa: E402

BUILD = os.path.dirname(os.path.dirname(os.path.abspath(SERVER)))
LOADGEN = os.path.join(BUILD, "bench", "loadgen")
BODY = ("<?xml version='1.0'?><methodCall><methodName>createCustomer</methodName><params><param>"
        "<value><struct><member><name>name</name><value><string>%s</string></value></member>"
        "<member><name>web_password</name><value><string>pw</string></value></member>"
        "<member><name>i_tariff</name><value><int>1</int></value></member>"
        "</struct></value></param></params></methodCall>")


def loadgen(url, body, *args):
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(body)
        f.flush()
        r = subprocess.run([LOADGEN, "--url", url, "--body", f.name] + list(args),
                           capture_output=True, text=True, timeout=120)
    return r.returncode, dict(x.split("=", 1) for x in r.stdout.split()), r.stderr


class BenchSmoke(unittest.TestCase):
    def test_run_prints_the_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "table.md")
            r = subprocess.run([os.path.join(TOP, "bench", "run"), "--seconds", "0.5", "--only",
                                "custrpc-memory,custrpc-digest", "--connections", "1,8",
                                "--build", BUILD, "--out", out],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out) as f:
                self.assertEqual(f.read(), r.stdout)
        rows = re.findall(r"^\| (custrpc-server[^|]*) \| (\d+) \| ([\d,]+) \|.*\| (\S+) \| (\d+)/(\d+) \|"
                          r" +\| +\|$", r.stdout, re.M)
        self.assertEqual(len(rows), 4, r.stdout)
        for label, c, rps, errors, served, conns in rows:
            self.assertGreater(int(rps.replace(",", "")), 0, label)
            self.assertEqual(errors, "0", (label, c))
            self.assertEqual((served, conns), (c, c), label)
        self.assertIn("- custrpc-digest c=8: challenges 8", r.stdout)

    def test_a_fault_is_an_error_and_digest_is_once_per_connection(self):
        with Server() as srv:
            # The same name every time: the first create succeeds, every other one is fault 1010.
            rc, res, err = loadgen(srv.url, BODY % "Smoke Same", "-c", "1", "-d", "0.3")
            self.assertEqual(rc, 0, err)
            self.assertEqual(int(res["errors"]), int(res["requests"]) - 1, res)
            self.assertIn("fault 1010: name", err)
        with Server(config='<custrpc-server><root login="ssp-root" password-file="root.pw"/>'
                           '</custrpc-server>', root_password="smoke-pw") as srv:
            rc, res, err = loadgen(srv.url, BODY % "Smoke @N@", "-c", "4", "-d", "0.3",
                                   "--user", "ssp-root", "--password-file",
                                   os.path.join(srv.tmp, "root.pw"))
            self.assertEqual((rc, res["errors"], res["challenges"]), (0, "0", "4"), err)
            self.assertGreater(int(res["requests"]), 4)
            rc, res, err = loadgen(srv.url, BODY % "Smoke @N@", "-c", "1", "-d", "0.3",
                                   "--user", "ssp-root", "--password-file", os.devnull)
            # A wrong password: after its challenge, every request of the connection is a 401.
            self.assertEqual((res["errors"], res["challenges"]), (res["requests"], "1"), res)
            self.assertIn("HTTP 401", err)

    def test_scale_and_import_vs_loop_print_their_tables(self):
        # Tiny sizes, both stores: the programs run end to end and print every row.
        r = subprocess.run([os.path.join(TOP, "bench", "scale"), "--sizes", "20,100",
                            "--seconds", "0.2", "--connections", "2", "--build", BUILD],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = re.findall(r"^\| ([\d,]+) \| (in memory|--db file) \| ([\d,]+) \|", r.stdout, re.M)
        self.assertEqual([(n, s) for n, s, _ in rows],
                         [("20", "in memory"), ("100", "in memory"), ("20", "--db file"),
                          ("100", "--db file")], r.stdout)
        r = subprocess.run([os.path.join(TOP, "bench", "import_vs_loop"), "--rows", "20",
                            "--sample", "3", "--build", BUILD],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = re.findall(r"^\| [^|]+ \| (open|Digest \(--user\)) \| (\d+) \| [\d.]+ \| [\d,]+ \|"
                          r" (\d+) \|", r.stdout, re.M)
        self.assertEqual(rows, [("open", "20", "0"), ("Digest (--user)", "20", "0"),
                                ("open", "3", "0"), ("Digest (--user)", "3", "0")], r.stdout)
        self.assertIn("import, Digest ÷ open", r.stdout)


if __name__ == "__main__":
    main()
