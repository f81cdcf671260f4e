"""test_import_files.py — custrpc import with files as users have them: spreadsheet CSV (a UTF-8
BOM, ';' or tab between cells, CRLF), standard input, JSON with the text forms CSV and options
take, --validate-only with no server, --rate, an earlier results file kept, and failures in the
progress line; the same reader for --partners. Against custrpc-server on a free port."""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Server, call_body, main, post, unique  # noqa: E402
from test_cli import CLIENT, custrpc  # noqa: E402


def results(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Files(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custrpc-import-files-")
        self.prefix = unique("imf")

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def info(self, srv, name):
        return post(srv.url, call_body("getCustomerInfo", {"name": name})).value()["customer"]

    def test_spreadsheet_csv_bom_semicolons_crlf(self):
        # What "CSV UTF-8" from a spreadsheet in a ';' locale looks like.
        p = self.prefix
        path = self.write("sheet.csv", "\ufeffname;web_password;i_tariff;customers_mgmt;balance\r\n"
                                       '%s A;pw;own;"add,edit";12,5\r\n'
                                       '"%s B";pw;1;add;3\r\n' % (p, p))
        with Server() as srv:
            r = custrpc("import", path, "--url", srv.url)
            # 12,5 is no decimal number (a comma locale's): the row is named, nothing sent.
            self.assertEqual(r.returncode, 65, r.stderr)
            self.assertIn(path + ":2: balance: \"12,5\" is not a decimal number", r.stderr)
            with open(path, "wb") as f:
                f.write(("\ufeffname;web_password;i_tariff;customers_mgmt;balance\r\n"
                         '%s A;pw;own;"add,edit";12.5\r\n"%s B";pw;1;add;3\r\n' % (p, p)).encode())
            r = custrpc("import", path, "--url", srv.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            res = results(path + ".results.csv")
            self.assertEqual([(x["line"], x["name"], x["status"]) for x in res],
                             [("2", p + " A", "created"), ("3", p + " B", "created")])
            got = self.info(srv, p + " A")
            self.assertEqual((got["name"], got["customers_mgmt"], got["balance"]), (p + " A", 3, -12.5))

    def test_delimiter_sniffed_outside_quotes(self):
        # The header has more commas than semicolons, but inside quotes: ';' is the delimiter,
        # so the unknown column is the quoted one, read whole.
        path = self.write("q.csv", 'name;web_password;"x,y,z,w"\nA;pw;1\n')
        r = custrpc("import", path, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn('"x,y,z,w" is not a createCustomer member', r.stderr)

    def test_tab_pipe_and_given_delimiters(self):
        p = self.prefix
        tab = self.write("t.tsv", "name\tweb_password\ti_tariff\tcompany_name\n%s T\tpw\t1\tT Ltd\n" % p)
        pipe = self.write("p.txt", "name|web_password|i_tariff|customers_mgmt\n%s P|pw|1|add,delete\n" % p)
        with Server() as srv:
            r = custrpc("import", tab, "--url", srv.url)  # sniffed
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.info(srv, p + " T")["company_name"], "T Ltd")
            r = custrpc("import", pipe, "--url", srv.url)  # '|' is never guessed: one column
            self.assertEqual(r.returncode, 65, r.stderr)
            self.assertIn("is not a createCustomer member", r.stderr)
            r = custrpc("import", pipe, "--url", srv.url, "--delimiter", "|")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.info(srv, p + " P")["customers_mgmt"], 5)
        # A given delimiter wins over the guess; names of tab; a bad one is a usage error.
        for given in ("tab", "\\t", "\t"):
            r = custrpc("import", tab, "--validate-only", "--delimiter", given)
            self.assertEqual(r.returncode, 0, (given, r.stderr))
        r = custrpc("import", tab, "--validate-only", "--delimiter", ",")
        self.assertEqual(r.returncode, 65, r.stderr)
        r = custrpc("import", tab, "--validate-only", "--delimiter", "x")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertIn("--delimiter", r.stderr)

    def test_stdin_csv_and_json(self):
        p = self.prefix
        with Server() as srv:
            out = os.path.join(self.tmp, "in.results.csv")
            r = custrpc("import", "-", "--url", srv.url, "--results", out,
                        input="name,web_password,i_tariff\n%s S1,pw,own\n" % p)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(results(out)[0]["status"], "created")
            # JSON known by its first byte; the default results file is named after stdin.
            r = subprocess.run([CLIENT, "import", "-", "--url", srv.url], cwd=self.tmp, capture_output=True,
                               text=True, timeout=120,
                               input='  \n[{"name": "%s S2", "web_password": "pw", "i_tariff": 1}]' % p)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(results(os.path.join(self.tmp, "stdin.results.csv"))[0]["status"], "created")
            self.assertEqual(self.info(srv, p + " S2")["i_tariff"], 1)
            # Errors name stdin and the line.
            r = custrpc("import", "-", "--url", srv.url, "--results", out, "--format", "csv",
                        input="name,web_password,i_tariff\n%s S3,pw,lots\n" % p)
            self.assertEqual(r.returncode, 65, r.stderr)
            self.assertIn("stdin:2: i_tariff: ", r.stderr)

    def test_json_takes_the_text_forms_of_csv(self):
        # The same values as text in a CSV file and as strings in JSON give equal customers.
        p = self.prefix
        cols = ["name", "web_password", "i_tariff", "customers_mgmt", "callshop_enabled", "balance",
                "max_sessions", "credit_limit", "api_access"]
        vals = ["pw", "own", "add,edit", "yes", "12.5", "unlimited", "7", "1"]
        path_csv = self.write("t.csv", ",".join(cols) + "\n" + ",".join('"%s"' % v for v in ["%s C" % p] + vals) + "\n")
        path_json = self.write("t.json", json.dumps([dict(zip(cols, ["%s J" % p] + vals)),
                                                     {"name": "%s K" % p, "web_password": "pw", "i_tariff": None,
                                                      "customers_mgmt": 3, "callshop_enabled": True,
                                                      "balance": 12.5, "max_sessions": None, "credit_limit": 7,
                                                      "api_access": 1}], indent=1))
        with Server() as srv:
            for path in (path_csv, path_json):
                r = custrpc("import", path, "--url", srv.url)
                self.assertEqual(r.returncode, 0, r.stderr)
            c, j, k = (self.info(srv, "%s %s" % (p, x)) for x in "CJK")
            for got in (c, j, k):
                del got["name"], got["i_customer"]
                got.pop("registered", None)
            self.assertEqual(j, c)
            self.assertEqual(k, c)  # typed JSON values still read as before
            self.assertEqual((c["customers_mgmt"], c["callshop_enabled"]), (3, True))
        # A bad text form gets the CSV path's words, naming line and member.
        bad = self.write("bad.json", '[\n{"name": "x", "web_password": "pw", "i_tariff": "1",\n'
                                     ' "customers_mgmt": "add,fly"},\n{"name": "y", "web_password": "pw",'
                                     ' "i_tariff": 1, "callshop_enabled": "perhaps"}\n]\n')
        r = custrpc("import", bad, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn(bad + ":2: customers_mgmt: unknown right \"fly\"", r.stderr)
        self.assertIn(bad + ":4: callshop_enabled: \"perhaps\" is not yes/no", r.stderr)
        # Typed values keep the codec's type rules.
        bad = self.write("typed.json", '[{"name": 5, "web_password": "pw", "i_tariff": 1}]')
        r = custrpc("import", bad, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn(bad + ":1: name: wrong type", r.stderr)

    def test_help_names_the_options(self):
        for mode in ([], ["--partners"]):
            r = custrpc("import", *mode, "--help")
            self.assertEqual(r.returncode, 0, r.stderr)
            for text in ("--delimiter C", "--validate-only", "--rate N/s", 'FILE "-" is stdin', "FILE.1"):
                self.assertIn(text, r.stdout, (mode, text))

    def test_validate_only_needs_no_server(self):
        good = self.write("g.csv", "name,web_password,i_tariff\nA,pw,1\nB,pw,own\n")
        bad = self.write("b.csv", "name,web_password,i_tariff,email\nA,pw,1,a@example.com\nB,pw,1,not-an-address\n"
                                  "A,pw,x,\n")
        # No --url, no $CUSTRPC_URL, no password: nothing is sent, nothing asked.
        r = custrpc("import", good, "--validate-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("all 2 rows are valid; nothing was sent", r.stderr)
        r = custrpc("import", bad, "--validate-only", "--url", "http://127.0.0.1:1/RPC2")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertRegex(r.stderr, "(?m)^custrpc import: %s:3: email: .* \\(row 2\\)$" % re.escape(bad))
        self.assertRegex(r.stderr, "(?m)^custrpc import: %s:4: i_tariff: .* \\(row 3\\)$" % re.escape(bad))
        self.assertIn("2 of 3 rows are invalid; nothing was sent", r.stderr)
        self.assertFalse(os.path.exists(bad + ".results.csv"))
        self.assertFalse(os.path.exists(good + ".results.csv"))
        # JSON rows on one line are told apart by their row number.
        one = self.write("one.json", '[{"name": "A", "web_password": "pw", "i_tariff": 1},'
                                     ' {"name": "B", "web_password": "pw", "i_tariff": "x"}]')
        r = custrpc("import", one, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertRegex(r.stderr, "(?m)^custrpc import: %s:1: i_tariff: .* \\(row 2\\)$" % re.escape(one))
        # A row that is not an object has its own line, and so do the rows after it (fuzz_import
        # found the lines counted from objects only: the last row got line 0).
        mixed = self.write("mixed.json", '[\n"B",\n  {"name": "A", "web_password": "pw", "i_tariff": 1},\n  7\n]\n')
        r = custrpc("import", mixed, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertRegex(r.stderr, "(?m)^custrpc import: %s:2: .*expected object.* \\(row 1\\)$" % re.escape(mixed))
        self.assertRegex(r.stderr, "(?m)^custrpc import: %s:4: .*expected object.* \\(row 3\\)$" % re.escape(mixed))
        partners = self.write("p.csv", "Name;Level\nR1;Reseller\nR2;NoSuchLevel\n")
        r = custrpc("import", "--partners", partners, "--validate-only")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn(partners + ":3: Level: ", r.stderr)

    def test_rate_caps_rows_per_second_across_jobs(self):
        path = self.write("r.csv", "name,web_password,i_tariff\n" +
                          "".join("%s R%d,pw,1\n" % (self.prefix, i) for i in range(21)))
        with Server() as srv:
            start = time.monotonic()
            r = custrpc("import", path, "--url", srv.url, "--jobs", "4", "--rate", "10/s")
            took = time.monotonic() - start
            self.assertEqual(r.returncode, 0, r.stderr)
            # 21 creates 0.1 s apart: 2 s at least, whatever the number of jobs.
            self.assertGreaterEqual(took, 1.95, r.stderr)
            self.assertEqual(len(results(path + ".results.csv")), 21)
        for good in ("60/min", "7"):
            r = custrpc("import", path, "--rate", good, "--validate-only")
            self.assertEqual(r.returncode, 0, (good, r.stderr))
        for bad in ("0/s", "ten/s", "10/h", "-5"):
            r = custrpc("import", path, "--rate", bad, "--validate-only")
            self.assertEqual(r.returncode, 64, (bad, r.stderr))

    def test_earlier_results_kept(self):
        path = self.write("k.csv", "name,web_password,i_tariff\n%s K,pw,1\n" % self.prefix)
        out = path + ".results.csv"
        with Server() as srv:
            for _ in range(3):
                r = custrpc("import", path, "--url", srv.url)
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("the earlier %s is kept as %s.2" % (out, out), r.stderr)
        self.assertEqual(results(out + ".1")[0]["status"], "created")
        self.assertEqual(results(out + ".2")[0]["status"], "exists")
        self.assertEqual(results(out)[0]["status"], "exists")
        self.assertFalse(os.path.exists(out + ".3"))

    def test_partners_from_stdin_with_bom_and_semicolons(self):
        pw = self.write("pw", "any\n")
        p = self.prefix
        with Server() as srv:
            url = srv.url.replace("/RPC2", "/jsonapi")
            conn = ["--url", url, "--partner", "root", "--user", "root", "--password-file", pw]
            out = os.path.join(self.tmp, "p.results.csv")
            r = custrpc("import", "--partners", "-", "--results", out, *conn,
                        input="\ufeffName;Level;Flags\r\n%s P1;Reseller;\"HasCustomBranding,CanInvoiceOthers\"\r\n" % p)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(results(out)[0]["status"], "created")
            got = json.loads(custrpc("partner", "get", "--name", p + " P1", "--output", "json", *conn).stdout)
            self.assertEqual(got["Flags"], ["HasCustomBranding", "CanInvoiceOthers"])
            # JSON rows take the flag set's text form too, and typed arrays as before.
            r = custrpc("import", "--partners", "-", "--results", out, *conn, input=json.dumps([
                {"Name": p + " P2", "Level": "Reseller", "Flags": "HasCustomBranding,CanInvoiceOthers",
                 "Company": {"PostAddress": {"City": "Lyon"}}},
                {"Name": p + " P3", "Level": "Reseller", "Flags": ["CanInvoiceOthers"]}]))
            self.assertEqual(r.returncode, 0, r.stderr)
            got = json.loads(custrpc("partner", "get", "--name", p + " P2", "--output", "json", *conn).stdout)
            self.assertEqual((got["Flags"], got["Company"]["PostAddress"]["City"]),
                             (["HasCustomBranding", "CanInvoiceOthers"], "Lyon"))


class FailingServer:
    """Refuses every name ending in "bad" with a fault; lookups find nothing."""

    def __init__(self):
        self.server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
        self.n = 0

        def create(arg):
            if arg["name"].endswith("bad"):
                raise xmlrpc.client.Fault(77, "refused")
            self.n += 1
            return {"result": "OK", "i_customer": self.n}

        def info(arg):
            raise xmlrpc.client.Fault(404, "no such customer")

        self.server.register_function(create, "createCustomer")
        self.server.register_function(info, "getCustomerInfo")
        self.url = "http://127.0.0.1:%d/RPC2" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Progress(unittest.TestCase):
    def test_failures_in_the_progress_line(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-import-files-")
        path = os.path.join(tmp, "f.csv")
        with open(path, "w") as f:
            f.write("name,web_password,i_tariff\n")
            for i in range(1200):
                f.write("row %d%s,pw,1\n" % (i, " bad" if i % 400 == 0 else ""))
        srv = FailingServer()
        try:
            r = custrpc("import", path, "--url", srv.url, "--jobs", "2")
        finally:
            srv.close()
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertRegex(r.stderr, r"(?m)^import: 1,200/1,200 rows  1,197 created  0 exist  3 failed  "
                                   r"[\d,]+ rows/s  ETA 0s$")


if __name__ == "__main__":
    main()
