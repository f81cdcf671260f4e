"""test_usage.py — the GNU habits of custrpc, custrpc-server and custrpc-conform: -h is --help,
a usage error is "PROGRAM: message" and a "Try ... --help" line on stderr with exit 64, an
unknown option or command gets the nearest one as a suggestion, custrpc's connection options
go before or after the command, and `custrpc help CMD` is that command's help."""
import os
import subprocess
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")
SERVER = os.environ.get("CUSTRPC_SERVER", "server/custrpc-server")
CONFORM = os.environ.get("CUSTRPC_CONFORM", "conform/custrpc-conform")


def run(prog, *args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
    e["XDG_CONFIG_HOME"] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-such-dir")
    e.update(env or {})
    return subprocess.run([prog] + list(args), capture_output=True, text=True, timeout=60, env=e,
                          stdin=subprocess.DEVNULL)


class Recorder:
    """A plain HTTP server that answers every POST with 404 and keeps the paths asked for."""

    def __init__(self):
        paths = self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Habits(unittest.TestCase):
    def usage_error(self, r, first, try_line):
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, first + "\n" + try_line + "\n")

    def test_short_h_is_help(self):
        for prog, args in ((CLIENT, []), (CLIENT, ["create"]), (CLIENT, ["partner", "add"]),
                           (CLIENT, ["fields"]), (SERVER, []), (CONFORM, [])):
            long_help = run(prog, *args, "--help")
            short = run(prog, *args, "-h")
            self.assertEqual(short.returncode, 0, (prog, args, short.stderr))
            self.assertEqual(short.stdout, long_help.stdout)
            self.assertIn("Usage:", short.stdout)

    def test_unknown_option_suggests(self):
        self.usage_error(run(CLIENT, "create", "--emial", "x"),
                         "custrpc: create: unrecognized option '--emial'; did you mean '--email'?",
                         "Try 'custrpc create --help' for more information.")
        self.usage_error(run(CLIENT, "get", "--i-custmer", "1"),
                         "custrpc: get: unrecognized option '--i-custmer'; did you mean '--i-customer'?",
                         "Try 'custrpc get --help' for more information.")
        self.usage_error(run(CLIENT, "partner", "add", "--nmae", "x"),
                         "custrpc: partner add: unrecognized option '--nmae'; did you mean '--name'?",
                         "Try 'custrpc partner add --help' for more information.")
        self.usage_error(run(CLIENT, "--urll", "x", "get"),
                         "custrpc: unrecognized option '--urll'; did you mean '--url'?",
                         "Try 'custrpc --help' for more information.")
        self.usage_error(run(SERVER, "--listn", "127.0.0.1:0"),
                         "custrpc-server: unrecognized option '--listn'; did you mean '--listen'?",
                         "Try 'custrpc-server --help' for more information.")
        self.usage_error(run(CONFORM, "--profle", "api"),
                         "custrpc-conform: unrecognized option '--profle'; did you mean '--profile'?",
                         "Try 'custrpc-conform --help' for more information.")
        # A prefix of a real option and of one that only refuses (--password): the real one.
        self.usage_error(run(CLIENT, "get", "--pass", "x"),
                         "custrpc: get: option '--pass' is ambiguous; did you mean '--password-file'?",
                         "Try 'custrpc get --help' for more information.")
        # Nothing near: no suggestion.
        self.usage_error(run(CLIENT, "create", "--zzzzzzzz"),
                         "custrpc: create: unrecognized option '--zzzzzzzz'",
                         "Try 'custrpc create --help' for more information.")

    def test_other_usage_errors(self):
        self.usage_error(run(CLIENT, "create", "--url"),
                         "custrpc: create: option '--url' requires an argument",
                         "Try 'custrpc create --help' for more information.")
        self.usage_error(run(CLIENT, "create", "--insecure=1"),
                         "custrpc: create: option '--insecure' doesn't allow an argument",
                         "Try 'custrpc create --help' for more information.")
        self.usage_error(run(CLIENT), "custrpc: missing command", "Try 'custrpc --help' for more information.")
        self.usage_error(run(CLIENT, "craete"), "custrpc: unknown command 'craete'; did you mean 'create'?",
                         "Try 'custrpc --help' for more information.")
        self.usage_error(run(CLIENT, "get", "--url", "http://127.0.0.1:1/RPC2"),
                         "custrpc: get: give exactly one of --i-customer and --name",
                         "Try 'custrpc get --help' for more information.")
        self.usage_error(run(SERVER, "extra"), "custrpc-server: unexpected argument \"extra\"",
                         "Try 'custrpc-server --help' for more information.")
        self.usage_error(run(SERVER, "--threads"), "custrpc-server: option '--threads' requires an argument",
                         "Try 'custrpc-server --help' for more information.")
        r = run(CONFORM)
        self.assertEqual(r.returncode, 64)
        self.assertTrue(r.stderr.endswith("\nTry 'custrpc-conform --help' for more information.\n"), r.stderr)

    def test_help_command(self):
        for args in (["create"], ["get"], ["list"], ["partner", "add"], ["fields"]):
            r = run(CLIENT, "help", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, run(CLIENT, *args, "--help").stdout)
            self.assertTrue(r.stdout.startswith("Usage: custrpc %s" % " ".join(args)), r.stdout[:80])
        self.assertEqual(run(CLIENT, "help").stdout, run(CLIENT, "--help").stdout)
        self.assertEqual(run(CLIENT, "help", "nope").returncode, 64)

    def test_connection_options_before_or_after(self):
        srv = Recorder()
        try:
            for args in (["--url", srv.url + "/before", "get", "--i-customer", "1"],
                         ["--url=" + srv.url + "/eq", "-v", "get", "--i-customer", "1"],
                         ["--ur", srv.url + "/prefix", "get", "--i-customer", "1"],
                         ["get", "--url", srv.url + "/after", "--i-customer", "1"],
                         ["--timeout", "5", "--url", srv.url + "/list", "list"],
                         ["--url", srv.url + "/status", "delete", "--i-customer", "3"]):
                r = run(CLIENT, *args)
                self.assertEqual(r.returncode, 76, (args, r.stderr))
            self.assertEqual(srv.paths, ["/before", "/eq", "/prefix", "/after", "/list", "/status"])
        finally:
            srv.close()
        # Before a partner subcommand too: the options go after its name.
        r = run(CLIENT, "--timeout", "5", "partner", "get", "--id", "x")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("custrpc: partner get: --id", r.stderr)


if __name__ == "__main__":
    main()
