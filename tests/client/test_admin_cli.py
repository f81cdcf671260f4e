"""test_admin_cli.py — `custrpc admin health|metrics|journal|reset` (client/cmd_admin.c on the
library's custrpc_admin_* calls) against custrpc-server: what each prints, the journal's filters
passed through, Digest with the root's credentials, and the exit codes of the failures."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Digest, Server, base, call_body, main  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
ROOT_PW = "Root-pw-cli-1"


def custrpc(*args, url=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
    if url:
        e["CUSTRPC_URL"] = url
    return subprocess.run([CLIENT, "admin"] + list(args), capture_output=True, text=True,
                          timeout=120, env=e, stdin=subprocess.DEVNULL)


def server(*args):
    tmp = tempfile.mkdtemp(prefix="custrpc-test-")
    with open(os.path.join(tmp, "root.pw"), "w") as f:
        f.write(ROOT_PW + "\n")
    srv = Server(*args, config='<custrpc-server><root login="root" password-file="root.pw"/>'
                               '</custrpc-server>', tmp=tmp)
    srv.owns_tmp = True
    return srv


class AdminCommand(unittest.TestCase):
    def test_health_metrics_journal_reset(self):
        with server("--admin") as srv:
            pw = os.path.join(srv.tmp, "root.pw")
            auth = ["--user", "root", "--password-file", pw]
            root = Digest("root", ROOT_PW)
            r = custrpc("health", "--output", "json", url=srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            h = json.loads(r.stdout)
            self.assertEqual((h["status"], h["store"], h["customers"], h["admin"]),
                             ("ok", "memory", 1, True))
            r = custrpc("health", url=srv.url)
            self.assertRegex(r.stdout, r"^ok: 1 customers, memory store, up \d+ s, admin interface on\n$")
            for _ in range(2):
                root.post(srv.url, call_body("createCustomer", base())).value()
            time.sleep(0.01)  # the journal's times are in milliseconds
            since = time.time()
            root.post(srv.url, call_body("createCustomer", base(i_tariff=999))).fault()
            r = custrpc("metrics", url=srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('custrpc_requests_total{method="createCustomer",outcome="ok"} 2\n', r.stdout)
            self.assertIn('custrpc_requests_total{method="createCustomer",outcome="fault"} 1\n', r.stdout)
            self.assertIn("custrpc_customers 3\n", r.stdout)
            # The journal, filtered by the server as the options ask.
            r = custrpc("journal", "--output", "json", *auth, url=srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            doc = json.loads(r.stdout)
            self.assertEqual([e["outcome"] for e in doc["entries"]], ["fault", "ok", "ok", "http_error"])
            r = custrpc("journal", "--output", "json", "--method", "createCustomer", "--outcome",
                        "ok", "--limit", "1", "--login", "root", *auth, url=srv.url)
            entries = json.loads(r.stdout)["entries"]
            self.assertEqual([(e["method"], e["outcome"]) for e in entries], [("createCustomer", "ok")])
            r = custrpc("journal", "--output", "json", "--contains", "<i4>999</i4>", *auth, url=srv.url)
            self.assertEqual([e["outcome"] for e in json.loads(r.stdout)["entries"]], ["fault"])
            r = custrpc("journal", "--output", "json", "--since", "%.3f" % since, *auth, url=srv.url)
            self.assertEqual([e["outcome"] for e in json.loads(r.stdout)["entries"]], ["fault"])
            r = custrpc("journal", "--since", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since - 60)),
                        *auth, url=srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.splitlines()
            self.assertRegex(lines[0], r"^\S+Z fault 1020 createCustomer login=root peer=127\.0\.0\.1$")
            self.assertEqual(lines[-1], "4 entries shown, 0 evicted from the journal")
            # The reset, and what is left after it.
            r = custrpc("reset", *auth, url=srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("reset:", r.stdout)
            self.assertEqual(json.loads(custrpc("health", "--output", "json", url=srv.url).stdout)["customers"], 1)
            r = custrpc("journal", "--output", "json", *auth, url=srv.url)
            self.assertEqual(json.loads(r.stdout), {"entries": [], "evicted": 0})

    def test_a_namespace_url_makes_the_admin_calls_the_namespaces(self):
        # CUSTRPC_URL pointing into a namespace (/ns/NAME/RPC2) gives the journal, the reset and
        # the injected rules of that namespace; /health stays the server's.
        with server("--admin") as srv:
            pw = os.path.join(srv.tmp, "root.pw")
            auth = ["--user", "root", "--password-file", pw]
            root = Digest("root", ROOT_PW)
            ns_url = srv.url.replace("/RPC2", "/ns/cli-run/RPC2")
            root.post(ns_url, call_body("createCustomer", base(name="in-ns"))).value()
            root.post(srv.url, call_body("createCustomer", base(name="in-default"))).value()
            journal = lambda url: json.loads(custrpc("journal", "--output", "json", *auth, url=url).stdout)
            [entry] = [e for e in journal(ns_url)["entries"] if e["outcome"] == "ok"]
            self.assertEqual(entry["namespace"], "cli-run")
            self.assertIn("in-ns", entry["request"])
            self.assertNotIn("in-default", json.dumps(journal(ns_url)))
            self.assertIn("in-default", json.dumps(journal(srv.url)))
            self.assertNotIn("in-ns", json.dumps(journal(srv.url)))
            r = custrpc("inject", "--method", "createCustomer", "--times", "1", "--fault-code", "77",
                        "--fault-string", "ns only", *auth, url=ns_url)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(root.post(ns_url, call_body("createCustomer", base())).fault()[0], 77)
            root.post(srv.url, call_body("createCustomer", base())).value()
            self.assertEqual(custrpc("reset", *auth, url=ns_url).returncode, 0)
            self.assertEqual(journal(ns_url)["entries"], [])
            self.assertEqual([e["outcome"] for e in journal(srv.url)["entries"]][:2], ["ok", "ok"])  # its own
            r = custrpc("health", "--output", "json", url=ns_url)
            self.assertEqual(json.loads(r.stdout)["customers"], 3)  # the server's default store

    def test_a_namespace_url_keeps_its_namespace(self):
        # The URL the run's API calls use (/ns/NAME/RPC2) reaches that namespace's journal,
        # injections and reset; the default namespace's stay as they were.
        with server("--admin") as srv:
            pw = os.path.join(srv.tmp, "root.pw")
            auth = ["--user", "root", "--password-file", pw]
            root = Digest("root", ROOT_PW)
            run = srv.url.replace("/RPC2", "/ns/run-7/RPC2")
            root.post(srv.url, call_body("createCustomer", base())).value()
            root.post(run, call_body("createCustomer", base())).value()
            q = ["--output", "json", "--method", "createCustomer"] + auth
            doc = json.loads(custrpc("journal", *q, url=run).stdout)
            self.assertEqual([e["namespace"] for e in doc["entries"]], ["run-7"])
            r = subprocess.run([CLIENT, "admin", "inject", "--url", run, *auth, "--method",
                                "createCustomer", "--times", "1", "--fault-code", "9",
                                "--fault-string", "no"], capture_output=True, text=True,
                               timeout=120, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(root.post(run, call_body("createCustomer", base())).fault()[0], 9)
            self.assertEqual(custrpc("reset", *auth, url=run).returncode, 0)
            self.assertEqual(json.loads(custrpc("journal", *q, url=run).stdout)["entries"], [])
            doc = json.loads(custrpc("journal", *q, url=srv.url).stdout)
            self.assertEqual([e["namespace"] for e in doc["entries"]], [None])
            r = custrpc("journal", "--method", "createCustomer", *auth, url=srv.url)
            self.assertTrue(r.stdout.endswith("\n1 entry shown, 0 evicted from the journal\n"), r.stdout)
            self.assertEqual(custrpc("health", url=run).returncode, 0)

    def test_failures_and_exit_codes(self):
        with server("--admin") as srv:
            wrong = os.path.join(srv.tmp, "wrong.pw")
            with open(wrong, "w") as f:
                f.write("not-it\n")
            r = custrpc("journal", url=srv.url)  # no credentials
            self.assertEqual(r.returncode, 77, r.stderr)
            r = custrpc("reset", "--user", "root", "--password-file", wrong, url=srv.url)
            self.assertEqual(r.returncode, 77, r.stderr)
            r = custrpc("journal", "--user", "root", "--password-file",
                        os.path.join(srv.tmp, "root.pw"), "--since", "yesterday", url=srv.url)
            self.assertEqual(r.returncode, 76)
            self.assertIn("since", r.stderr)
            self.assertEqual(custrpc("journal", "--outcome", "maybe", url=srv.url).returncode, 64)
            self.assertEqual(custrpc("journal", "--limit", "0", url=srv.url).returncode, 64)
            self.assertEqual(custrpc("frobnicate", url=srv.url).returncode, 64)
            self.assertEqual(custrpc("health").returncode, 64)  # no URL
            r = custrpc("--help")
            self.assertEqual(r.returncode, 0)
            for word in ("health", "metrics", "journal", "reset", "--since", "--outcome"):
                self.assertIn(word, r.stdout)
        with server() as srv:  # without --admin: the admin endpoints are not there
            r = custrpc("journal", "--user", "root", "--password-file",
                        os.path.join(srv.tmp, "root.pw"), url=srv.url)
            self.assertEqual(r.returncode, 76)
            self.assertIn("--admin", r.stderr)
            self.assertEqual(custrpc("health", url=srv.url).returncode, 0)


if __name__ == "__main__":
    main()
