"""test_partner_hostile.py — custrpc-server's partner API (/jsonapi) against hostile input: bodies
over --max-body (also chunked), deep nesting, huge strings, bad UTF-8, lone surrogates, NUL,
NaN, numbers beyond 64 bits, duplicate keys, trailing garbage, wrong envelopes, notifications,
forged, truncated, foreign, expired and orphaned visas, slow and stalled clients, and races of
AddPartner and Login. Each answer must carry the right error, and afterwards the server must
still answer and still hold the partner created before. Loopback only, no tight timing."""
import http.client
import json
import os
import select
import socket
import tempfile
import threading
import time
import unittest

from harness import Server, main, unique

PARSE, REQUEST, METHOD, PARAMS, INTERNAL = -32700, -32600, -32601, -32602, -32603
E_MISSING, E_TYPE, E_VALUE, E_UNKNOWN = 1001, 1002, 1003, 1004
E_VISA, E_LOGIN, E_SECURITY, E_DUP, E_CHILDREN, E_TOO_LARGE = 1701, 2100, 13501, 1010, 1034, 1050


def post_raw(port, body, headers=None, chunked=False):
    """(HTTP status, body bytes) of one POST /jsonapi."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    if chunked:
        whole, step = body, 4096
        pieces = (whole[i:i + step] for i in range(0, len(whole), step))
        conn.request("POST", "/jsonapi", body=pieces, headers=h, encode_chunked=True)
    else:
        conn.request("POST", "/jsonapi", body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def envelope(method, params=None, visa=None, id=1):
    d = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        d["params"] = params
    if visa is not None:
        d["visa"] = visa
    return d


class Session:
    """A partner API client that follows the newest visa, as the API asks."""

    def __init__(self, port, partner="root", username="root", password="any"):
        self.port = port
        self.visa = None
        self.partner, self.username, self.password = partner, username, password

    def login(self):
        a = self.call("Login", {"partner": self.partner, "username": self.username,
                                "password": self.password})
        assert "result" in a, a
        return a

    def call(self, method, params=None, visa=None, id=1):
        """visa: this one instead of the newest ("" is sent as it is)."""
        body = json.dumps(envelope(method, params, self.visa if visa is None else visa, id)).encode()
        status, data = post_raw(self.port, body)
        assert status == 200, (status, data[:300])
        a = json.loads(data)
        if "visa" in a:
            self.visa = a["visa"]
        return a

    def add(self, name, **info):
        info["Name"] = name
        return self.call("AddPartner", {"partnerInfo": info})


class Base(unittest.TestCase):
    def assertError(self, answer, code, data=None, visa=None):
        """answer is a JSON-RPC error with this code (and data); visa True/False: whether it
        carries a visa."""
        self.assertIn("error", answer, answer)
        self.assertNotIn("result", answer)
        self.assertEqual(answer["jsonrpc"], "2.0")
        self.assertEqual(answer["error"]["code"], code, answer)
        if data is not None:
            self.assertEqual(answer["error"].get("data"), data, answer)
        else:
            self.assertNotIn("data", answer["error"], answer)
        self.assertIsInstance(answer["error"]["message"], str)
        if visa is not None:
            self.assertEqual("visa" in answer, visa, answer)

    def raw_error(self, port, body, code, data=None, **kw):
        status, text = post_raw(port, body, **kw)
        self.assertEqual(status, 200, text[:300])
        answer = json.loads(text)
        self.assertError(answer, code, data)
        self.assertNotIn("visa", answer)  # no session: no visa
        return answer


class Hostile(Base):
    """One server for the stateless attacks; a keeper partner made first must survive them."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--max-body", "262144").start()
        cls.port = cls.srv.port
        cls.s = Session(cls.port)
        cls.s.login()
        cls.keeper = unique("keeper")
        a = cls.s.add(cls.keeper, Level="Reseller", Country="NL",
                      Company={"PhoneNumber": "+31 20 555 0100"})
        assert "result" in a, a
        cls.keeper_id = a["result"]["result"]

    @classmethod
    def tearDownClass(cls):
        code = cls.srv.stop()
        assert code == 0, "server exited with %s\n%s" % (code, cls.srv.log_text())

    def tearDown(self):
        self.assertAlive()

    def assertAlive(self):
        """The server answers, and the partner made before the attack is as it was."""
        self.assertIsNone(self.srv.proc.poll(), self.srv.log_text()[-3000:])
        a = self.s.call("GetPartnerInfo", {"name": self.keeper})
        self.assertIn("result", a, a)
        p = a["result"]["result"]
        self.assertEqual((p["Id"], p["Name"], p["Level"], p["Company"]["PhoneNumber"],
                          p["Company"]["PostAddress"]["Country"]),
                         (self.keeper_id, self.keeper, "Reseller", "+31 20 555 0100", "NL"))

    def request(self, **over):
        """A valid GetPartnerInfoById request's JSON object, members replaced by over."""
        d = envelope("GetPartnerInfoById", {"partnerId": self.keeper_id}, self.s.visa)
        d.update(over)
        return d

    # --- size -------------------------------------------------------------------------------

    def test_body_over_max_body(self):
        pad = "x" * 300000
        body = json.dumps(self.request(params={"partnerId": self.keeper_id, "pad": pad})).encode()
        self.raw_error(self.port, body, INTERNAL, E_TOO_LARGE)

    def test_chunked_body_over_max_body(self):
        body = json.dumps(envelope("AddPartner", {"partnerInfo": {"Name": unique(), "Company": {
            "Address": "y" * 300000}}}, self.s.visa)).encode()
        self.raw_error(self.port, body, INTERNAL, E_TOO_LARGE, chunked=True)

    def test_chunked_body_within_max_body_works(self):
        name = unique("chunked")
        body = json.dumps(envelope("AddPartner", {"partnerInfo": {"Name": name}},
                                   self.s.visa)).encode()
        status, text = post_raw(self.port, body, chunked=True)
        self.assertEqual(status, 200)
        self.assertIn("result", json.loads(text), text)
        self.assertIn("result", self.s.call("GetPartnerInfo", {"name": name}))

    def test_deep_nesting(self):
        for body in (b"[" * 100000, b'{"a":' * 50000, b'{"jsonrpc":"2.0","id":1,"method":"Login",'
                     b'"params":{"partner":' + b"[" * 60000 + b"}}"):
            self.raw_error(self.port, body, PARSE)

    def test_nesting_within_the_parser_limit_is_refused_by_the_envelope(self):
        # 2000 levels parse (jansson's limit is 2048) and then meet the method's params.
        deep = "[" * 2000 + "]" * 2000
        body = ('{"jsonrpc":"2.0","id":1,"method":"Login","params":{"partner":%s,'
                '"username":"root","password":"x"}}' % deep).encode()
        self.raw_error(self.port, body, PARAMS, E_TYPE)
        self.raw_error(self.port, deep.encode(), REQUEST)

    def test_huge_strings(self):
        big = "n" * 200000
        a = self.s.add(big)
        self.assertError(a, PARAMS, E_VALUE, visa=True)
        self.assertIn("partnerInfo.Name", a["error"]["message"])
        a = self.s.call("GetPartnerInfo", {"name": big})
        self.assertError(a, PARAMS, E_VALUE, visa=True)
        for params in ({"partner": big, "username": "root", "password": "x"},
                       {"partner": "root", "username": big, "password": "x"},
                       {"partner": "root", "username": "root", "password": big}):
            a = self.s.call("Login", params)
            self.assertError(a, PARAMS, E_VALUE, visa=False)
            self.assertNotIn(big[:1000], a["error"]["message"])
        # A huge id and a huge method name: echoed or quoted within bounds.
        a = self.raw_error(self.port, json.dumps(self.request(method="M" * 200000)).encode(),
                           METHOD)
        self.assertLess(len(a["error"]["message"]), 1024)
        status, text = post_raw(self.port, json.dumps(self.request(id="i" * 200000)).encode())
        self.assertEqual(json.loads(text)["id"], "i" * 200000)

    # --- text -------------------------------------------------------------------------------

    def login_body(self, password_json=b'"x"', partner_json=b'"root"'):
        return (b'{"jsonrpc":"2.0","id":7,"method":"Login","params":{"partner":' + partner_json +
                b',"username":"root","password":' + password_json + b'}}')

    def test_invalid_utf8(self):
        for bad in (b'"\xff"', b'"\xc3"', b'"a\x80b"', b'"\xed\xa0\x80"',  # encoded surrogate
                    b'"\xf4\x90\x80\x80"', b'"\xfe\xff"'):
            self.raw_error(self.port, self.login_body(bad), PARSE)
            self.raw_error(self.port, self.login_body(partner_json=bad), PARSE)
        self.raw_error(self.port, b'{"\xff":1}', PARSE)
        self.raw_error(self.port, b"\xff", PARSE)

    def test_overlong_utf8(self):
        for bad in (b'"\xc0\xaf"', b'"\xc1\xbf"', b'"\xe0\x80\xaf"', b'"\xf0\x80\x80\xaf"',
                    b'"\xc0\x80"'):  # the overlong NUL of "modified UTF-8"
            self.raw_error(self.port, self.login_body(bad), PARSE)

    def test_lone_surrogates(self):
        for bad in (b'"\\ud800"', b'"\\udfff"', b'"a\\ud800b"', b'"\\udc00\\ud800"',
                    b'"\\ud800\\u0041"'):
            self.raw_error(self.port, self.login_body(bad), PARSE)  # password
            self.raw_error(self.port, self.login_body(partner_json=bad), PARSE)
            body = ('{"jsonrpc":"2.0","id":1,"method":"AddPartner","visa":"%s","params":'
                    '{"partnerInfo":{"Name":%s}}}' % (self.s.visa, bad.decode())).encode()
            self.raw_error(self.port, body, PARSE)
        # A well-formed pair is one character beyond U+FFFF, which JSON carries (the XML-RPC
        # side cannot): kept, and read back the same.
        name = "a\U0001F600" + unique("")
        a = self.s.add(name)
        self.assertIsInstance(a["result"]["result"], int, a)
        got = self.s.call("GetPartnerInfoById", {"partnerId": a["result"]["result"]})
        self.assertEqual(got["result"]["result"]["Name"], name)

    def test_nul(self):
        self.raw_error(self.port, self.login_body(b'"a\\u0000b"'), PARSE)
        body = ('{"jsonrpc":"2.0","id":1,"method":"AddPartner","visa":"%s","params":'
                '{"partnerInfo":{"Name":"x\\u0000y"}}}' % self.s.visa).encode()
        self.raw_error(self.port, body, PARSE)
        self.raw_error(self.port, b'{"jsonrpc":"2.0","id":1,"method":"Login"}\x00', PARSE)
        self.raw_error(self.port, b'{"jsonrpc":"2.0","id":1,\x00"method":"Login"}', PARSE)

    def test_control_characters_in_names(self):
        a = self.s.add("a\u0001b")
        self.assertError(a, PARAMS, E_VALUE, visa=True)
        self.raw_error(self.port, self.login_body(b'"a\x01b"'), PARSE)  # raw, unescaped

    # --- numbers ----------------------------------------------------------------------------

    def by_id(self, number_text):
        return ('{"jsonrpc":"2.0","id":1,"method":"GetPartnerInfoById","visa":"%s",'
                '"params":{"partnerId":%s}}' % (self.s.visa, number_text)).encode()

    def test_nan_infinity_and_overflow(self):
        for text in ("NaN", "Infinity", "-Infinity", "nan", "1e400", "-1e400",
                     "123456789012345678901234567890", "-99999999999999999999",
                     "9223372036854775808", "18446744073709551616", "0x10", "+1", "01", ".5"):
            self.raw_error(self.port, self.by_id(text), PARSE)

    def post_session(self, body):
        status, text = post_raw(self.port, body)
        self.assertEqual(status, 200)
        a = json.loads(text)
        self.s.visa = a.get("visa", self.s.visa)
        return a

    def test_ids_at_the_32_and_64_bit_edges(self):
        for text in ("2147483648", "9223372036854775807", "4294967296"):
            self.assertError(self.post_session(self.by_id(text)), PARAMS, E_VALUE, visa=True)
        for text in ("0", "-0", "-1", "-2147483648", "-9223372036854775808"):
            self.assertError(self.post_session(self.by_id(text)), PARAMS, E_VALUE, visa=True)
        for text in ("1.0", "1e3", "-0.0", "2147483647.5", '"5"', "true", "null", "[5]"):
            self.assertError(self.post_session(self.by_id(text)), PARAMS, E_TYPE, visa=True)
        a = self.post_session(self.by_id("2147483647"))
        self.assertError(a, INTERNAL, 1040, visa=True)
        a = self.post_session(self.by_id(str(self.keeper_id)))
        self.assertEqual(a["result"]["result"]["Id"], self.keeper_id)

    def test_edge_numbers_in_partner_info(self):
        for member, value in (("ParentId", 2 ** 31), ("ParentId", 2 ** 63 - 1), ("ParentId", 0),
                              ("LocationId", 2 ** 63 - 1), ("LocationId", -1),
                              ("TrialExpirationTime", -2 ** 63),
                              ("AdvancedPartnerProperties", {"RegionId": 2 ** 63 - 1})):
            a = self.s.add(unique(), **{member: value})
            self.assertError(a, PARAMS, E_VALUE, visa=True)
            self.assertIn("partnerInfo." + member, a["error"]["message"])
        body = ('{"jsonrpc":"2.0","id":1,"method":"AddPartner","visa":"%s","params":'
                '{"partnerInfo":{"Name":"%s","ParentId":9223372036854775808}}}'
                % (self.s.visa, unique())).encode()
        self.raw_error(self.port, body, PARSE)

    def test_id_member_values(self):
        for id_text, echoed in (("-0", 0), ("1.5", 1.5), ('"abc"', "abc"), ("null", None),
                                ("9223372036854775807", 2 ** 63 - 1)):
            body = ('{"jsonrpc":"2.0","id":%s,"method":"Nope"}' % id_text).encode()
            a = self.raw_error(self.port, body, METHOD)
            self.assertEqual(a["id"], echoed)
        for id_text in ("{}", '{"a":1}', "[]", "[1]", "true", "false"):
            body = ('{"jsonrpc":"2.0","id":%s,"method":"Login"}' % id_text).encode()
            a = self.raw_error(self.port, body, REQUEST)
            self.assertIsNone(a["id"])  # an unusable id is answered as null
        self.raw_error(self.port, b'{"jsonrpc":"2.0","id":1e999,"method":"Login"}', PARSE)

    # --- structure --------------------------------------------------------------------------

    def test_duplicate_keys(self):
        for body in (b'{"jsonrpc":"2.0","id":1,"id":2,"method":"Login"}',
                     b'{"jsonrpc":"2.0","id":1,"method":"Login","method":"AddPartner"}',
                     b'{"jsonrpc":"2.0","id":1,"method":"Login","params":{"partner":"root",'
                     b'"username":"root","password":"a","password":"b"}}',
                     # escapes spell the same key
                     b'{"jsonrpc":"2.0","id":1,"method":"Login","params":{"partner":"root",'
                     b'"username":"root","password":"a","passwor\\u0064":"b"}}'):
            self.raw_error(self.port, body, PARSE)
        body = ('{"jsonrpc":"2.0","id":1,"method":"AddPartner","visa":"%s","visa":"%s",'
                '"params":{"partnerInfo":{"Name":"%s"}}}' % (self.s.visa, self.s.visa, unique()))
        self.raw_error(self.port, body.encode(), PARSE)

    def test_trailing_garbage_bom_and_empty(self):
        good = json.dumps(self.request()).encode()
        for body in (good + b"x", good + b"{}", good + b",", good + b"\x00", b"\xef\xbb\xbf" + good,
                     b"\xfe\xff" + good, b"", b" ", b"\r\n", good[:-1], good[:len(good) // 2]):
            self.raw_error(self.port, body, PARSE)
        # White space around the value is JSON's and is fine.
        status, text = post_raw(self.port, b" \r\n\t" + json.dumps(self.request()).encode() + b"\n")
        self.assertIn("result", json.loads(text))

    def test_wrong_top_level_types(self):
        for body in (b"1", b'"Login"', b"null", b"true", b"-0", b"1.5"):
            self.raw_error(self.port, body, REQUEST)
        for body in (b"[]", b"[{}]", json.dumps([self.request(), self.request(id=2)]).encode()):
            self.raw_error(self.port, body, REQUEST)  # batches: not supported (ours)

    def test_wrong_envelopes(self):
        cases = [({"jsonrpc": "1.0"}, REQUEST), ({"jsonrpc": 2.0}, REQUEST), ({"jsonrpc": None}, REQUEST),
                 ({"method": 5}, REQUEST), ({"method": None}, REQUEST), ({"params": "x"}, REQUEST),
                 ({"params": None}, REQUEST), ({"params": [self.keeper_id]}, PARAMS),
                 ({"visa": 5}, REQUEST), ({"visa": None}, REQUEST),
                 ({"visa": [self.s.visa]}, REQUEST), ({"Visa": "x"}, REQUEST), ({"extra": 1}, REQUEST),
                 ({"method": "getPartnerInfoById"}, METHOD), ({"method": ""}, METHOD),
                 ({"method": "GetPartnerInfoById "}, METHOD)]
        for over, code in cases:
            a = self.raw_error(self.port, json.dumps(self.request(**over)).encode(), code)
            self.assertEqual(a["id"], 1, over)
        # An empty array is PHP's "no parameters", read as {} (ours): here partnerId is missing.
        status, text = post_raw(self.port, json.dumps(self.request(params=[])).encode())
        a = json.loads(text)
        self.assertError(a, PARAMS, 1001, visa=True)
        self.assertIn("partnerId", a["error"]["message"])
        for missing, code in (("jsonrpc", REQUEST), ("method", REQUEST)):
            d = self.request()
            del d[missing]
            self.raw_error(self.port, json.dumps(d).encode(), code)

    def test_member_errors(self):
        a = self.s.call("GetPartnerInfoById", {})
        self.assertError(a, PARAMS, E_MISSING, visa=True)
        a = self.s.call("GetPartnerInfoById", {"partnerId": 1, "PartnerId": 1})
        self.assertError(a, PARAMS, E_UNKNOWN, visa=True)
        a = self.s.add(unique(), Level="reseller")
        self.assertError(a, PARAMS, E_VALUE, visa=True)
        self.assertIn("Reseller", a["error"]["message"])  # the allowed names are listed
        a = self.s.add(unique(), Flags=["HasCustomBranding", 5])
        self.assertError(a, PARAMS, E_TYPE, visa=True)
        a = self.s.add(unique(), Company={"PostAddress": {"City": 5}})
        self.assertError(a, PARAMS, E_TYPE, visa=True)
        self.assertIn("partnerInfo.Company.PostAddress.City", a["error"]["message"])

    def test_messages_quoting_long_non_ascii_values_keep_their_path(self):
        # A value quoted with a byte limit ("%.100s") can be cut inside a UTF-8 character;
        # the answer must stay valid JSON and keep the member's path, not fall back to the
        # bare code name.
        name = "a" + "\u00e9" * 60
        self.assertIn("result", self.s.add(name))
        a = self.s.add(name)
        self.assertError(a, INTERNAL, E_DUP, visa=True)
        self.assertIn("partnerInfo.Name", a["error"]["message"])
        a = self.s.add(unique(), Level="a" + "\u00e9" * 40)
        self.assertError(a, PARAMS, E_VALUE, visa=True)
        self.assertIn("partnerInfo.Level", a["error"]["message"])
        a = self.raw_error(self.port, json.dumps(self.request(method="a" + "\u00e9" * 60)).encode(),
                           METHOD)
        self.assertIn("is not known", a["error"]["message"])
        a = self.s.call("GetPartnerInfoById", {"partnerId": 1, "x" + "\u00e9" * 40: 1})
        self.assertError(a, PARAMS, E_UNKNOWN, visa=True)
        self.assertIn("unknown member", a["error"]["message"])

    # --- notifications ----------------------------------------------------------------------

    def test_notification_is_not_answered_but_runs(self):
        name = unique("notified")
        d = envelope("AddPartner", {"partnerInfo": {"Name": name, "Level": "Reseller"}}, self.s.visa)
        del d["id"]
        status, text = post_raw(self.port, json.dumps(d).encode())
        self.assertEqual((status, text), (204, b""))
        a = self.s.call("GetPartnerInfo", {"name": name})
        self.assertEqual(a["result"]["result"]["Level"], "Reseller")
        # A failing notification is not answered either, and changes nothing.
        d["params"]["partnerInfo"]["Level"] = "Root"
        d["params"]["partnerInfo"]["Name"] = name + "-2"
        self.assertEqual(post_raw(self.port, json.dumps(d).encode()), (204, b""))
        self.assertError(self.s.call("GetPartnerInfo", {"name": name + "-2"}), INTERNAL, 1040)
        # Notifications of unknown methods and with a forged visa: no answer, no harm.
        self.assertEqual(post_raw(self.port, b'{"jsonrpc":"2.0","method":"Nope"}'), (204, b""))
        d["visa"] = "1-1-1-1-" + "0" * 32
        d["params"]["partnerInfo"]["Level"] = "Reseller"
        self.assertEqual(post_raw(self.port, json.dumps(d).encode()), (204, b""))
        self.assertError(self.s.call("GetPartnerInfo", {"name": name + "-2"}), INTERNAL, 1040)
        # An invalid request is answered even without an id: it cannot be known to be one.
        self.raw_error(self.port, b'{"jsonrpc":"1.0","method":"Login"}', REQUEST)
        self.raw_error(self.port, b'{"jsonrpc":"2.0","method":"Login"', PARSE)

    def test_notification_login_then_id_null(self):
        d = envelope("Login", {"partner": "root", "username": "root", "password": "x"})
        del d["id"]
        self.assertEqual(post_raw(self.port, json.dumps(d).encode()), (204, b""))
        d["id"] = None  # an id of null is an id: answered
        status, text = post_raw(self.port, json.dumps(d).encode())
        a = json.loads(text)
        self.assertIsNone(a["id"])
        self.assertIn("visa", a)

    # --- visas ------------------------------------------------------------------------------

    def test_visa_altered_in_any_one_character(self):
        good = self.s.visa
        for i, c in enumerate(good):
            repl = next(r for r in "0123456789ABCDEF-" if r != c)
            visa = good[:i] + repl + good[i + 1:]
            a = self.s.call("GetPartnerInfoById", {"partnerId": self.keeper_id}, visa=visa)
            self.assertError(a, INTERNAL, E_VISA, visa=False)
            self.assertEqual(a["error"]["message"], "Visa is inconsistent/corrupted.")
        # Case matters too: the tag is upper-case hex.
        a = self.s.call("GetPartnerInfoById", {"partnerId": 1}, visa=good.lower())
        if good.lower() != good:
            self.assertError(a, INTERNAL, E_VISA, visa=False)

    def test_visa_truncated_or_extended(self):
        good = self.s.visa
        for visa in [good[:n] for n in range(0, len(good), 3)] + [good[:-1], good + "0", good + "-",
                                                                   "-" + good, " " + good, good + " "]:
            a = self.s.call("GetPartnerInfoById", {"partnerId": 1}, visa=visa)
            self.assertError(a, INTERNAL, E_VISA, visa=False)

    def test_visa_with_huge_numbers(self):
        tag = self.s.visa.rsplit("-", 1)[1]
        for visa in ("9" * 19 + "-1-1-1-" + tag, "1-" + "9" * 19 + "-1-1-" + tag,
                     "1-1-" + "9" * 20 + "-1-" + tag, "1-1-1-" + "9" * 19 + "-" + tag,
                     "-".join(["18446744073709551615"] * 4) + "-" + tag,
                     "-".join(["9223372036854775808"] * 4) + "-" + tag,
                     "-1-1-1-1-" + tag, "1-1-1-" + "9" * 5000 + "-" + tag, "1" * 100000):
            a = self.s.call("GetPartnerInfoById", {"partnerId": 1}, visa=visa)
            self.assertError(a, INTERNAL, E_VISA, visa=False)

    def test_visa_from_another_server(self):
        with Server() as other:
            o = Session(other.port)
            o.login()
            foreign = o.visa
            self.assertIn("result", o.call("EnumerateLocations", {}))
        # Same layout, same partner and user ids, another key.
        self.assertEqual(foreign.split("-")[:2], self.s.visa.split("-")[:2])
        a = self.s.call("GetPartnerInfoById", {"partnerId": 1}, visa=foreign)
        self.assertError(a, INTERNAL, E_VISA, visa=False)

    def test_visa_where_it_does_not_belong(self):
        a = self.s.call("GetPartnerInfoById", {"partnerId": 1, "visa": self.s.visa}, visa="")
        self.assertError(a, INTERNAL, E_VISA, visa=False)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "GetPartnerInfoById",
                           "params": {"partnerId": 1, "visa": self.s.visa}}).encode()
        self.raw_error(self.port, body, INTERNAL, E_VISA)

    def test_every_answer_rotates_the_visa(self):
        seen = set()
        for _ in range(20):
            before = self.s.visa
            a = self.s.call("GetPartnerInfoById", {"partnerId": 10 ** 9})
            self.assertError(a, INTERNAL, 1040, visa=True)
            self.assertNotEqual(a["visa"], before)
            seen.add(a["visa"])
        self.assertEqual(len(seen), 20)


class SecretsInErrors(Base):
    def test_broken_bodies_never_quote_a_password(self):
        # jansson names the token it stopped at; inside a string that is the string itself.
        # Neither the answer nor the debug log (which promises masked passwords) may show it.
        secret = "hunter" + os.urandom(4).hex()
        bodies = [b'"%s\\u0000"', b'"%s\\ud800"', b'"\\ud800%s"', b'"%s\x01"', b'"%s\\q"',
                  b'"%s\xc0\xaf"', b'%s', b'"%s']
        with Server("--log-level", "debug") as srv:
            for b in bodies:
                password = b.replace(b"%s", secret.encode())
                body = (b'{"jsonrpc":"2.0","id":1,"method":"Login","params":{"partner":"root",'
                        b'"username":"root","password":' + password + b'}}')
                a = self.raw_error(srv.port, body, PARSE)
                self.assertNotIn(secret, a["error"]["message"])
                self.assertIn("column", a["error"]["message"])
            good = Session(srv.port, password=secret)
            good.login()
            log = srv.log_text()  # written before each answer is sent
        self.assertNotIn(secret, log)
        self.assertIn("(masked)", log)


class Expiry(Base):
    def test_expired_visa(self):
        with Server("--visa-ttl", "1") as srv:
            s = Session(srv.port)
            s.login()
            name = unique("kept")
            old = s.visa
            time.sleep(2.5)
            a = s.call("AddPartner", {"partnerInfo": {"Name": name}}, visa=old)
            self.assertError(a, INTERNAL, E_VISA, visa=False)
            s.visa = None
            s.login()
            # Retried at once after a fresh Login: normally inside the second; on a slow machine
            # the fresh visa may already be stale, which is the same 1701 and means relogin.
            for _ in range(5):
                a = s.add(name)
                if "result" in a:
                    break
                self.assertError(a, INTERNAL, E_VISA)
                s.login()
            self.assertIn("result", a, a)
            self.assertNotIn("error", a)


PARTNER_CONFIG = """<custrpc-server>
  <partner-user partner="Acme" login="acme" password-file="%s"/>
  <partner-user partner="Other" login="other" password-file="%s"/>
</custrpc-server>
"""


class PartnerUsers(Base):
    """Visas of a configured partner user, whose partner can be removed under it."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        self.pw = os.path.join(self.tmp, "acme.pw")
        with open(self.pw, "w") as f:
            f.write("s3cret\n")
        self.srv = Server(config=PARTNER_CONFIG % (self.pw, self.pw), tmp=self.tmp).start()
        self.root = Session(self.srv.port)
        self.root.login()

    def tearDown(self):
        code = self.srv.stop()
        self.assertEqual(code, 0, self.srv.log_text()[-3000:])

    def test_replayed_after_remove_partner(self):
        acme_id = self.root.add("Acme", Level="Distributor")["result"]["result"]
        keep_id = self.root.add("Keep", Level="Distributor")["result"]["result"]
        acme = Session(self.srv.port, "Acme", "acme", "s3cret")
        acme.login()
        child = acme.add("Acme child", Level="Reseller")["result"]["result"]
        held = acme.visa
        # The user's rights end at its partner.
        self.assertError(acme.call("GetPartnerInfoById", {"partnerId": keep_id}),
                         INTERNAL, E_SECURITY, visa=True)
        self.assertError(acme.call("RemovePartner", {"partnerId": acme_id}),
                         INTERNAL, E_SECURITY, visa=True)
        self.assertError(self.root.call("RemovePartner", {"partnerId": acme_id}),
                         INTERNAL, E_CHILDREN, visa=True)
        self.assertEqual(self.root.call("RemovePartner", {"partnerId": child})["result"],
                         {"result": None})
        self.assertEqual(self.root.call("RemovePartner", {"partnerId": acme_id})["result"],
                         {"result": None})
        for visa in (held, acme.visa):
            a = acme.call("GetPartnerInfoById", {"partnerId": acme_id}, visa=visa)
            self.assertError(a, INTERNAL, E_VISA, visa=False)
            a = acme.call("AddPartner", {"partnerInfo": {"Name": unique()}}, visa=visa)
            self.assertError(a, INTERNAL, E_VISA, visa=False)
        a = acme.call("Login", {"partner": "Acme", "username": "acme", "password": "s3cret"})
        self.assertError(a, INTERNAL, E_LOGIN, visa=False)
        # A new partner of the same name is a new partner: the old visas stay dead, a new
        # Login works.
        self.root.add("Acme", Level="Distributor")
        a = acme.call("GetPartnerInfoById", {"partnerId": acme_id}, visa=held)
        self.assertError(a, INTERNAL, E_VISA, visa=False)
        acme.visa = None
        acme.login()
        self.assertEqual(acme.call("GetPartnerInfo", {"name": "Acme"})["result"]["result"]["Level"],
                         "Distributor")
        self.assertIn("result", self.root.call("GetPartnerInfoById", {"partnerId": keep_id}))

    def test_renamed_partner_ends_the_session(self):
        acme_id = self.root.add("Acme", Level="Distributor")["result"]["result"]
        acme = Session(self.srv.port, "Acme", "acme", "s3cret")
        acme.login()
        held = acme.visa
        a = self.root.call("ModifyPartner", {"partnerInfo": {"Id": acme_id, "Name": "Acme2"}})
        self.assertEqual(a["result"], {"result": None})
        a = acme.call("EnumerateLocations", {}, visa=held)
        self.assertError(a, INTERNAL, E_VISA, visa=False)

    def test_user_visa_does_not_open_another_user(self):
        self.root.add("Acme", Level="Distributor")
        other_id = self.root.add("Other", Level="Distributor")["result"]["result"]
        acme = Session(self.srv.port, "Acme", "acme", "s3cret")
        acme.login()
        self.assertError(acme.call("RemovePartner", {"partnerId": other_id}),
                         INTERNAL, E_SECURITY, visa=True)
        # Login names the user's own partner only.
        a = acme.call("Login", {"partner": "Other", "username": "acme", "password": "s3cret"})
        self.assertError(a, INTERNAL, E_LOGIN, visa=False)
        a = acme.call("Login", {"partner": "Acme", "username": "acme", "password": ""})
        self.assertError(a, PARAMS, E_MISSING, visa=False)
        a = acme.call("Login", {"partner": "Acme", "username": "acme", "password": "x" * 100000})
        self.assertError(a, PARAMS, E_VALUE, visa=False)
        for password in ("S3cret", "s3cret\n", "s3cret ", "\u00e9", "s" * 1024):
            a = acme.call("Login", {"partner": "Acme", "username": "acme", "password": password})
            self.assertError(a, INTERNAL, E_LOGIN, visa=False)


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=60)


def head(length):
    return (b"POST /jsonapi HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % length)


def read_answer(s):
    """(status, body) of one response on s, or None when the server closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    top, body = data.split(b"\r\n\r\n", 1)
    lines = top.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), body[:length]


def closed_within(s, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([s], [], [], max(0.0, end - time.monotonic()))
        if ready:
            try:
                if not s.recv(65536):
                    return True
            except OSError:
                return True
    return False


class SlowClients(Base):
    def test_trickled_body_works(self):
        with Server() as srv:
            name = unique("trickled")
            s = Session(srv.port)
            s.login()
            body = json.dumps(envelope("AddPartner", {"partnerInfo": {"Name": name}},
                                       s.visa)).encode()
            with connect(srv.port) as c:
                for b in head(len(body)):
                    c.sendall(bytes([b]))
                for b in body:  # about 150 bytes over ~3 s: well inside the 60 s body timeout
                    c.sendall(bytes([b]))
                    time.sleep(0.02)
                status, text = read_answer(c)
            self.assertEqual(status, 200)
            self.assertIn("result", json.loads(text), text)
            self.assertIn("result", s.call("GetPartnerInfo", {"name": name}))

    def test_stalled_body_is_cut_without_hurting_others(self):
        with Server("--body-timeout", "2") as srv:
            s = Session(srv.port)
            s.login()
            name = unique("stalled")
            body = json.dumps(envelope("AddPartner", {"partnerInfo": {"Name": name}},
                                       s.visa)).encode()
            stalled = [connect(srv.port) for _ in range(8)]
            for c in stalled:
                c.sendall(head(len(body)) + body[:len(body) // 2])
            # Others are served meanwhile.
            for i in range(5):
                self.assertIn("result", s.add(unique("meanwhile")))
            for c in stalled:
                self.assertTrue(closed_within(c, 60), "a stalled body was not cut")
                c.close()
            # What the stalled requests would have done did not happen.
            self.assertError(s.call("GetPartnerInfo", {"name": name}), INTERNAL, 1040)
            self.assertIn("result", s.add(name))


class Races(Base):
    N = 50

    def storm(self, fn, n):
        out = [None] * n
        errors = []
        gate = threading.Barrier(n)

        def run(i):
            try:
                gate.wait(timeout=60)
                out[i] = fn(i)
            except Exception as e:  # reported below, with the others
                errors.append(repr(e))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        self.assertEqual(errors, [])
        return out

    def same_name_race(self, srv):
        s = Session(srv.port)
        s.login()
        visa = s.visa
        name = unique("same")

        def add(i):
            return Session(srv.port).call("AddPartner", {"partnerInfo": {"Name": name}},
                                          visa=visa, id=i)
        answers = self.storm(add, self.N)
        won = [a for a in answers if "result" in a]
        lost = [a for a in answers if "error" in a]
        self.assertEqual(len(won), 1, answers)
        for a in lost:
            self.assertError(a, INTERNAL, E_DUP, visa=True)
            self.assertIn("partnerInfo.Name", a["error"]["message"])
        self.assertEqual(sorted(a["id"] for a in answers), list(range(self.N)))
        p = s.call("GetPartnerInfo", {"name": name})["result"]["result"]
        self.assertEqual(p["Id"], won[0]["result"]["result"])
        listed = s.call("EnumeratePartners", {"parentPartnerId": 1, "fetchRecursively": True})
        self.assertEqual([q["Name"] for q in listed["result"]["result"]].count(name), 1)

    def different_names_race(self, srv):
        s = Session(srv.port)
        s.login()
        visa = s.visa
        prefix = unique("many")

        def add(i):
            return Session(srv.port).call("AddPartner", {"partnerInfo": {
                "Name": "%s-%d" % (prefix, i), "Country": "DE"}}, visa=visa, id=i)
        answers = self.storm(add, self.N)
        ids = [a["result"]["result"] for a in answers if "result" in a]
        self.assertEqual(len(ids), self.N, [a for a in answers if "error" in a][:3])
        self.assertEqual(len(set(ids)), self.N)
        for i, a in enumerate(answers):
            p = s.call("GetPartnerInfoById", {"partnerId": a["result"]["result"]})["result"]["result"]
            self.assertEqual(p["Name"], "%s-%d" % (prefix, i))

    def test_same_name_in_memory(self):
        with Server() as srv:
            self.same_name_race(srv)

    def test_same_name_in_a_file_store(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        with Server(db=os.path.join(tmp, "store.db"), tmp=tmp) as srv:
            self.same_name_race(srv)
            self.different_names_race(srv)

    def test_different_names(self):
        with Server() as srv:
            self.different_names_race(srv)

    def test_login_storm(self):
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        pw = os.path.join(tmp, "acme.pw")
        with open(pw, "w") as f:
            f.write("s3cret\n")
        with Server(config=PARTNER_CONFIG % (pw, pw), tmp=tmp) as srv:
            root = Session(srv.port)
            root.login()
            root.add("Acme", Level="Distributor")

            def login(i):
                if i % 3 == 0:
                    params = {"partner": "root", "username": "root", "password": "x"}
                elif i % 3 == 1:
                    params = {"partner": "Acme", "username": "acme", "password": "s3cret"}
                else:
                    params = {"partner": "Acme", "username": "acme", "password": "wrong%d" % i}
                return Session(srv.port).call("Login", params, id=i)
            answers = self.storm(login, 90)
            visas = []
            for i, a in enumerate(answers):
                if i % 3 == 2:
                    self.assertError(a, INTERNAL, E_LOGIN, visa=False)
                    continue
                self.assertEqual(a["result"]["result"]["Name"], "root" if i % 3 == 0 else "acme")
                visas.append(a["visa"])
            self.assertEqual(len(set(visas)), len(visas))  # no two sessions share a visa
            # Every visa works, and each for its own user.
            def use(i):
                v = visas[i]
                return Session(srv.port).call("GetPartnerInfoById", {"partnerId": 1}, visa=v)
            used = self.storm(use, len(visas))
            for i, a in enumerate(used):
                if i % 2 == 0:  # root's
                    self.assertEqual(a["result"]["result"]["Name"], "root")
                else:
                    self.assertError(a, INTERNAL, E_SECURITY, visa=True)


if __name__ == "__main__":
    main()
