"""test_walkthrough.py — the README's "first ten minutes", run as it stands: the ```sh blocks
between <!-- walkthrough --> and <!-- /walkthrough --> in one bash -e, in an empty directory,
with the build's programs first on PATH, a free port as PORT and the source tree's cases as
CASES (the two settings the walkthrough takes from the environment). Every command must
succeed (an ERR trap names the one that did not), and the key outputs must be there: the
server's ready line, the new ids, the lists, the import's results, the suite's summary, and
the server's exit 0."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402
from readme import BUILDDIR, SRCDIR, between, fenced, readme  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Walkthrough(unittest.TestCase):
    def test_walkthrough_runs_as_written(self):
        blocks = fenced(between(readme(), "walkthrough", "/walkthrough"), "sh")
        self.assertGreaterEqual(len(blocks), 5)
        script = "trap 'echo \"walkthrough: failed ($?): $BASH_COMMAND\" >&2' ERR\n" + "".join(blocks)
        tmp = tempfile.mkdtemp(prefix="custrpc-walk-")
        port = free_port()
        env = dict(os.environ, PORT=str(port), CASES=os.path.join(SRCDIR, "tests", "conformance", "cases"))
        env["PATH"] = os.pathsep.join(os.path.join(BUILDDIR, d) for d in ("server", "client", "conform")) + \
            os.pathsep + env.get("PATH", "")
        for var in ("CUSTRPC_URL", "CUSTRPC_PASSWORD", "CUSTRPC_WEB_PASSWORD", "CUSTRPC_API_PASSWORD"):
            env.pop(var, None)
        # Its own session, so that a server the script left behind is stopped with it.
        proc = subprocess.Popen(["bash", "-e", "-c", script], cwd=tmp, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=600)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log = ""
        if os.path.exists(os.path.join(tmp, "server.log")):
            with open(os.path.join(tmp, "server.log"), errors="replace") as f:
                log = f.read()
        self.assertEqual(proc.returncode, 0, "stderr:\n%s\nstdout:\n%s\nserver.log:\n%s" % (err, out, log[-3000:]))

        # 1. the server is up on the port given
        self.assertIn("listening on http://127.0.0.1:%d/RPC2\n" % port, out)
        # 2. the reseller's id, 3. the customer's: bare numbers on lines of their own
        ids = re.findall(r"^(\d+)$", out, re.M)
        self.assertEqual(len(ids), 2, out)
        reseller, acme = (int(i) for i in ids)
        self.assertGreater(acme, reseller)
        # the reseller's list and read-back: Acme Telecom, on the reseller's tariff, below it
        self.assertRegex(out, r"(?m)^%d +Acme Telecom " % acme)
        self.assertIn("name: Acme Telecom\n", out)
        self.assertIn("i_tariff: 2\n", out)
        self.assertIn("i_parent: %d\n" % reseller, out)
        # 4. the import: both rows created, in the results file and the second list
        self.assertIn("2 created, 0 already present, 0 failed, 0 invalid, 0 not sent", err)
        self.assertRegex(out, r'(?m)^1,2,"Beta Ltd",created,\d+,,""$')
        self.assertRegex(out, r'(?m)^2,3,"Gamma GmbH",created,\d+,,""$')
        self.assertRegex(out, r"(?m)^\d+ +Beta Ltd +- +0 +100 ")
        # 5. the suite: nothing failed, what it made was deleted
        m = re.search(r"(?m)^profile api: (\d+) passed, 0 failed(, \d+ skipped)?$", out)
        self.assertTrue(m, out[-2000:])
        self.assertGreater(int(m.group(1)), 100)
        self.assertIn("cleanup: deleted i_customer", out)
        # The summary accounts for every customer: those a case deleted itself are said so.
        m = re.search(r"(?m)^cleanup: deleted (\d+) of the (\d+) customers the run created"
                      r"(?: \((\d+) deleted by the run's own cases\))?$", out)
        self.assertTrue(m, out[-2000:])
        self.assertEqual(int(m.group(1)) + int(m.group(3) or 0), int(m.group(2)), m.group(0))
        self.assertNotRegex(out, r"(?m)^(FAIL|ERROR) ")
        # 6. the server stopped by the script itself (wait gave its exit status, 0)
        self.assertIn("finishing requests in flight", log)
        # The files it made are its owner's only.
        self.assertEqual(os.stat(os.path.join(tmp, "customers.db")).st_mode & 0o777, 0o600)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
