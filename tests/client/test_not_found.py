"""test_not_found.py — custrpc against an HTTP server we did not write (Python's http.server)
that answers 404 at the URL given: the message names the two endpoint paths to try, /RPC2
(custrpc-server, Sippy) and /xmlapi/xmlapi (Sippy's XML API), and the exit status is 76."""
import os
import subprocess
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402

CLIENT = os.environ.get("CUSTRPC_CLIENT", "client/custrpc")


class NotFound(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><body><h1>Not Found</h1></body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class Hint(unittest.TestCase):
    def test_404_names_the_endpoints(self):
        httpd = HTTPServer(("127.0.0.1", 0), NotFound)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d/api" % httpd.server_address[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTRPC_")}
        try:
            for args in (["create", "--name", "x", "--i-tariff", "1"], ["get", "--i-customer", "1"], ["list"]):
                r = subprocess.run([CLIENT, "--url", url] + args, capture_output=True, text=True, timeout=60,
                                   env=dict(env, CUSTRPC_WEB_PASSWORD="pw"), stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, 76, r.stderr)
                self.assertEqual(r.stderr, "custrpc: HTTP 404 from %s: no XML-RPC endpoint at this path; try /RPC2 "
                                           "(custrpc-server, Sippy) or /xmlapi/xmlapi (Sippy's XML API)\n" % url)
        finally:
            httpd.shutdown()
            httpd.server_close()


if __name__ == "__main__":
    main()
