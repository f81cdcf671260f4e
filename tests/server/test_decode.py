"""test_decode.py — the request decoder against the bodies that broke its predecessor: nesting
deep enough to overflow a recursive free, entity bombs in every encoding expat and libxml2
detect, byte-order marks, exact decimals, duplicate members, and secrets sent with the wrong
XML-RPC type (which must reach neither the fault string nor the debug log). Each body is sent
raw with http.client; time and the server's peak memory are bounded."""
import time
import unittest
import xmlrpc.client

from harness import Server, base, call_body, create, main, post, unique

PARAMS_HEAD = b"<?xml version='1.0'?><methodCall><methodName>createCustomer</methodName><params><param>"
PARAMS_TAIL = b"</param></params></methodCall>"


def create_body(*members):
    """A createCustomer call whose struct holds exactly these (name, raw value XML) members."""
    return (PARAMS_HEAD + b"<value><struct>"
            + b"".join(b"<member><name>%s</name><value>%s</value></member>" % (n.encode(), v) for n, v in members)
            + b"</struct></value>" + PARAMS_TAIL)


def minimal(name=None, **raw):
    """The members of a valid create (fresh name), with raw XML values replacing or adding."""
    m = {"name": b"<string>%s</string>" % (name or unique()).encode(), "web_password": b"<string>pw</string>",
         "i_tariff": b"<int>1</int>"}
    m.update({k: v for k, v in raw.items()})
    return [(k, v) for k, v in m.items() if v is not None]


def peak_rss_kb(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def bomb(encoding, bom):
    """A billion-laughs body, in the given encoding, with or without a byte-order mark."""
    text = ('<?xml version="1.0" encoding="%s"?><!DOCTYPE m [<!ENTITY a "%s">' % (encoding, "a" * 100)
            + "".join('<!ENTITY %s "%s">' % (chr(ord("b") + i), ("&%s;" % chr(ord("a") + i)) * 10)
                      for i in range(8))
            + "]><methodCall><methodName>createCustomer</methodName><params><param><value><struct>"
              "<member><name>name</name><value>&i;</value></member></struct></value></param></params>"
              "</methodCall>")
    codec = {"UTF-16": "utf-16-le", "UTF-16BE": "utf-16-be", "UTF-8": "utf-8"}[encoding]
    prefix = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[codec] if bom else b""
    return prefix + text.encode(codec)


class Nesting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--max-body", "16777216").start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def assert_refused_quickly(self, body, codes):
        start = time.monotonic()
        code, text = post(self.srv.url, body).fault()
        self.assertIn(code, codes, text)
        self.assertLess(time.monotonic() - start, 10)  # generous: sanitizers, loaded machine
        self.assertEqual(create(self.srv.url, base()).value()["result"], "OK")  # still serving
        return code, text

    def test_unclosed_elements(self):
        # 175,000 unclosed <a>: the body that crashed xmlrpc-c's recursive free.
        self.assert_refused_quickly(b"<a>" * 175000, (-32600, 1050))
        self.assert_refused_quickly(PARAMS_HEAD + b"<value><array><data>" * 175000, (1050,))

    def test_deep_but_well_formed(self):
        for depth in (5000, 350000):  # 350,000 XML-RPC levels fill 15 MB of the 16 MB limit
            body = (PARAMS_HEAD + b"<value><array><data>" * depth + b"<value>1</value>"
                    + b"</data></array></value>" * depth + PARAMS_TAIL)
            code, text = self.assert_refused_quickly(body, (1050,))
            self.assertIn("nested deeper than 64", text)
        # A million levels of a foreign element: refused as not XML-RPC, nothing recursed.
        self.assert_refused_quickly(b"<a>" * 1000000 + b"</a>" * 1000000, (-32600, 1050))

    def test_depth_within_the_limit(self):
        # Twenty arrays (60 elements) stay under 64 and are decoded: a value, not a limit fault.
        body = (PARAMS_HEAD + b"<value><array><data>" * 19 + b"<value>1</value>"
                + b"</data></array></value>" * 19 + PARAMS_TAIL)
        self.assertEqual(post(self.srv.url, body).fault()[0], -32602)  # an array, not a struct

    def test_entity_bombs_in_every_encoding(self):
        for encoding, bom in (("UTF-16", True), ("UTF-16", False), ("UTF-16BE", True), ("UTF-16BE", False),
                              ("UTF-8", True), ("UTF-8", False)):
            with self.subTest(encoding=encoding, bom=bom):
                code, text = self.assert_refused_quickly(bomb(encoding, bom), (-32600,))
                self.assertIn("DOCTYPE", text)
        self.assertLess(peak_rss_kb(self.srv), 200 * 1024, "server peak RSS grew")


class Values(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--log-level", "debug").start()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    def test_byte_order_marks_and_utf16(self):
        name = unique("bom") + "-Zoë"
        body = call_body("createCustomer", base(name=name)).decode()
        for data in (b"\xef\xbb\xbf" + body.encode(), b"\xff\xfe" + body.replace("'1.0'?>", "'1.0' encoding='UTF-16'?>").encode("utf-16-le")):
            r = post(self.srv.url, data)
            if data[0] == 0xEF:
                self.assertEqual(r.value()["result"], "OK")
            else:
                self.assertEqual(r.fault()[0], 1010)  # the same name again: it was read as Zoë
        got = self.srv.proxy().getCustomerInfo({"name": name})["customer"]
        self.assertEqual(got["name"], name)

    def test_decimals_are_exact(self):
        name = unique()
        body = create_body(*minimal(name, credit_limit=b"<double>33.333333333</double>"))
        self.assertEqual(post(self.srv.url, body).value()["result"], "OK")
        got = self.srv.proxy().getCustomerInfo({"name": name})["customer"]
        self.assertEqual(got["credit_limit"], 33.333333333)
        # Python's repr() writes large values with an exponent; they are decimals too.
        self.assertEqual(create(self.srv.url, base(credit_limit=1e-05)).value()["result"], "OK")
        for bad in (b"inf", b"nan", b"0x10", b"1e999", b"", b"1.2.3"):
            body = create_body(*minimal(credit_limit=b"<double>" + bad + b"</double>"))
            self.assertEqual(post(self.srv.url, body).fault()[0], -32600, bad)

    def test_duplicate_member(self):
        body = create_body(*minimal(), ("name", b"<string>other</string>"))
        self.assertEqual(post(self.srv.url, body).fault(), (1005, "name: member given twice"))

    def test_secrets_of_any_type_never_logged(self):
        secret = "918273645"
        shapes = [b"<int>%s</int>", b"<i4>%s</i4>", b"<i8>%s</i8>", b"<double>%s.5</double>",
                  b"<boolean>%s</boolean>", b"<int>PW%s</int>", b"<double>x%s</double>",
                  b"<dateTime.iso8601>%s</dateTime.iso8601>", b"<base64>%s!</base64>",
                  b"<struct><member><name>x</name><value>%s</value></member></struct>",
                  b"<array><data><value><i4>%s</i4></value></data></array>", b"<nil/>%s"]
        for member in (b"web_password", b"api_password"):
            for shape in shapes:
                value = shape.replace(b"%s", secret.encode())
                body = create_body(*minimal(**{member.decode(): value}))
                with self.subTest(member=member, shape=shape):
                    code, text = post(self.srv.url, body).fault()
                    self.assertNotIn(secret, text)
        self.assertNotIn(secret, self.srv.log_text())

    def test_nested_multicall_is_a_request_fault(self):
        p = self.srv.proxy()
        inner = [{"methodName": "system.listMethods", "params": []}]
        results = p.system.multicall([{"methodName": "system.multicall", "params": [inner]},
                                      {"methodName": "system.listMethods", "params": []}])
        self.assertEqual(results[0]["faultCode"], -32600)
        self.assertIn("createCustomer", results[1][0])

    def test_answers_declare_utf8(self):
        r = post(self.srv.url, call_body("createCustomer", base()))
        self.assertEqual(r.headers["content-type"], "text/xml; charset=utf-8")
        r = post(self.srv.url, b"<junk")
        self.assertEqual(r.headers["content-type"], "text/xml; charset=utf-8")


if __name__ == "__main__":
    main()
