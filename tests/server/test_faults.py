"""test_faults.py — every row of the fault table, produced through the wire, plus the
request-level answers (404, 405) and that the server keeps serving after bad input."""
import os
import socket
import sqlite3
import unittest
import xmlrpc.client

from harness import Server, base, call_body, create, main, post, unique

fields = base


class FaultTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--max-body", "4096").start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def fault(self, body):
        return post(self.srv.url, body).fault()

    def test_parse_error(self):
        code, text = self.fault(b"<?xml version='1.0'?><methodCall><methodName>createCustomer")
        self.assertEqual(code, -32700)

    def test_not_xmlrpc(self):
        self.assertEqual(self.fault(b"<?xml version='1.0'?><hello/>")[0], -32600)

    def test_doctype_refused_quickly(self):
        bomb = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                b'<methodCall><methodName>&c;</methodName></methodCall>')
        code, text = self.fault(bomb)
        self.assertEqual(code, -32600)
        self.assertIn("DOCTYPE", text)

    def test_method_not_found(self):
        self.assertEqual(self.fault(call_body("createCustomers", fields()))[0], -32601)

    def test_params_not_one_struct(self):
        self.assertEqual(self.fault(call_body("createCustomer", fields(), fields()))[0], -32602)
        self.assertEqual(self.fault(call_body("createCustomer"))[0], -32602)
        self.assertEqual(self.fault(call_body("createCustomer", [fields()]))[0], -32602)

    def test_mandatory_missing_or_empty(self):
        for member in ("name", "web_password", "i_tariff"):
            f = fields()
            del f[member]
            code, text = create(self.srv.url, f).fault()
            self.assertEqual(code, 1001, text)
            self.assertTrue(text.startswith(member + ":"), text)
        self.assertEqual(create(self.srv.url, fields(name="")).fault(), (1001, "name: mandatory member is empty"))

    def test_wrong_type(self):
        self.assertEqual(create(self.srv.url, fields(i_tariff="1")).fault(),
                         (1002, "i_tariff: wrong type string, expected int"))
        self.assertEqual(create(self.srv.url, fields(callshop_enabled=1)).fault()[0], 1002)
        self.assertEqual(create(self.srv.url, fields(max_depth=None)).fault()[0], 1002)

    def test_invalid_value(self):
        self.assertEqual(create(self.srv.url, fields(customers_mgmt=9)).fault(),
                         (1003, "customers_mgmt: bitmask 9 out of range 0..7"))
        self.assertEqual(create(self.srv.url, fields(payment_currency="usd")).fault()[0], 1003)
        self.assertEqual(create(self.srv.url, fields(commission_size=100.5)).fault()[0], 1003)

    def test_unknown_member(self):
        self.assertEqual(create(self.srv.url, fields(nickname="x")).fault(), (1004, "nickname: unknown member"))

    def test_duplicate_name_and_login(self):
        name, login = unique(), unique("login")
        create(self.srv.url, fields(name=name, web_login=login)).value()
        self.assertEqual(create(self.srv.url, fields(name=name)).fault()[0], 1010)
        self.assertEqual(create(self.srv.url, fields(web_login=login)).fault()[0], 1011)
        # Both taken: the name is reported.
        self.assertEqual(create(self.srv.url, fields(name=name, web_login=login)).fault()[0], 1010)

    def test_unknown_tariff(self):
        self.assertEqual(create(self.srv.url, fields(i_tariff=77)).fault(), (1020, "i_tariff: tariff 77 does not exist"))

    def test_wholesaler_outside_trusted_mode(self):
        self.assertEqual(create(self.srv.url, fields(i_wholesaler=1)).fault()[0], 1030)

    def test_hierarchy_faults(self):
        parent = create(self.srv.url, fields(customers_mgmt=1, max_depth=1)).value()["i_customer"]
        self.assertGreater(parent, 1)
        # Depth and rights are judged against the parent the request acts for; the root has
        # every right and no depth limit, so the faults show up one level down (test_hierarchy).
        self.assertEqual(create(self.srv.url, fields(max_depth=-1)).fault()[0], 1003)

    def test_not_found(self):
        self.assertEqual(post(self.srv.url, call_body("getCustomerInfo", {"i_customer": 99999})).fault()[0], 1040)
        self.assertEqual(post(self.srv.url, call_body("getCustomerInfo", {"name": unique()})).fault()[0], 1040)

    def test_too_large(self):
        big = fields(description="x" * 5000)
        self.assertEqual(create(self.srv.url, big).fault()[0], 1050)
        deep = "<value><array><data>" * 70 + "<value>1</value>" + "</data></array></value>" * 70
        body = ("<?xml version='1.0'?><methodCall><methodName>createCustomer</methodName><params><param>%s"
                "</param></params></methodCall>" % deep).encode()
        self.assertLess(len(body), 4096)
        self.assertEqual(self.fault(body)[0], 1050)

    def test_http_level(self):
        self.assertEqual(post(self.srv.url, b"x", path="/other").status, 404)
        import http.client
        u = self.srv.url.split("/")[2].split(":")
        c = http.client.HTTPConnection(u[0], int(u[1]), timeout=30)
        c.request("GET", "/RPC2")
        r = c.getresponse()
        self.assertEqual(r.status, 405)
        self.assertEqual(r.getheader("Allow"), "POST")
        c.close()

    def test_xmlapi_path(self):
        r = post(self.srv.url, call_body("createCustomer", fields()), path="/xmlapi/xmlapi")
        self.assertEqual(r.value()["result"], "OK")

    def test_survives_abrupt_clients(self):
        host, port = "127.0.0.1", self.srv.port
        for payload in (b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n<meth",
                        b"GARBAGE\r\n\r\n", b"POST /RPC2 HTTP/1.1\r\n"):
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(payload)
            s.close()
        self.assertEqual(create(self.srv.url, fields()).value()["result"], "OK")


class InternalError(unittest.TestCase):
    def test_store_failure_is_1099_and_leaves_nothing(self):
        srv = Server()
        db = os.path.join(srv.tmp, "c.db")
        srv = Server(db=db, tmp=srv.tmp)
        with srv:
            create(srv.url, fields()).value()
            # Make the store fail on one name, as a full disk or a broken file would.
            con = sqlite3.connect(db)
            con.execute("CREATE TRIGGER boom BEFORE INSERT ON customers WHEN NEW.name = 'boom' "
                        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
            con.commit()
            con.close()
            code, text = create(srv.url, fields(name="boom")).fault()
            self.assertEqual(code, 1099, text)
            self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"name": "boom"})).fault()[0], 1040)
            self.assertEqual(create(srv.url, fields()).value()["result"], "OK")


if __name__ == "__main__":
    main()
