"""test_partner_spec_server.py — partner_spec_server.py against the partner API's text: Login and
the visa (rotation, expiry, forgery), the partner methods and their rules, the JSON-RPC envelope
and hostile bodies, and each bug mode seen by a probe that no other mode and no correct server
trips. Runs from any directory: python3 tests/conformance/test_partner_spec_server.py"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from partner_spec_server import BUGS, PartnerSpecServer  # noqa: E402

ROOT = ("Top Partner", "admin", "s3cret:pw")
VISA_BAD = {"code": -32603, "data": 1701, "message": "Visa is inconsistent/corrupted."}
LOGIN_BAD = {"code": -32603, "data": 2100, "message": "Unknown partner/username or bad password"}
SECURITY = {"code": -32603, "data": 13501, "message": "Operation failed because of security reasons"}
DUPLICATE_NAME, BAD_LEVEL, NOT_FOUND, HAS_CHILDREN, BAD_LOCATION, FIXED = range(20001, 20007)


def post(url, body, method="POST", headers=None):
    """(HTTP status, body bytes), whatever the status."""
    req = urllib.request.Request(url, data=body, method=method,
                                 headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Client:
    """A JSON-RPC client that keeps the newest visa, as the vendor's public clients do."""

    def __init__(self, url):
        self.url, self.visa, self.next_id = url, None, 0

    def rpc(self, method, params=None, visa="keep", **top):
        """(HTTP status, reply); the reply's visa becomes the client's."""
        self.next_id += 1
        req = dict({"jsonrpc": "2.0", "id": self.next_id, "method": method}, **top)
        if params is not None:
            req["params"] = params
        visa = self.visa if visa == "keep" else visa
        if visa is not None:
            req["visa"] = visa
        status, body = post(self.url, json.dumps(req).encode())
        reply = json.loads(body)
        self.visa = reply.get("visa", self.visa)
        return status, reply

    def login(self, partner=ROOT[0], username=ROOT[1], password=ROOT[2]):
        """The user info; read nested or not, so that the bug probes can log in to any mode."""
        status, reply = self.rpc("Login", {"partner": partner, "username": username, "password": password})
        assert "visa" in reply, reply
        return result_of(reply)

    def call(self, method, params=None):
        """The result of a call that must succeed."""
        status, reply = self.rpc(method, params)
        assert status == 200 and "error" not in reply, reply
        return reply["result"]["result"]

    def error(self, method, params=None, **kw):
        """The error member of a call that must fail (with HTTP 200)."""
        status, reply = self.rpc(method, params, **kw)
        assert status == 200 and "error" in reply and "result" not in reply, (status, reply)
        return reply["error"]


class Base(unittest.TestCase):
    def setUp(self):
        self.srv = PartnerSpecServer(ROOT)
        self.c = Client(self.srv.url)
        self.me = self.c.login()

    def tearDown(self):
        self.srv.close()

    def add(self, name, level, **info):
        return self.c.call("AddPartner", {"partnerInfo": dict(Name=name, Level=level, **info)})

    def refused(self, data, method, params):
        e = self.c.error(method, params)
        self.assertEqual((e["code"], e["data"]), (-32603, data), e)
        return e


class LoginAndVisa(Base):
    def test_login_answers_user_info_and_a_top_level_visa(self):
        self.assertEqual((self.me["Name"], self.me["PartnerId"], self.me["Flags"], self.me["Password"]),
                         ("admin", 1, ["AllowApiAuthentication"], None))
        for k in ("EmailAddress", "FirstLoginTime", "FirstName", "FullName", "Id", "LastLoginTime",
                  "PhoneNumber", "RoleId", "Title", "TwoFactorAuthenticationStatus"):
            self.assertIn(k, self.me)
        self.assertRegex(self.c.visa, r"^1-%d-\d+-\d+-[0-9A-F]{64}$" % self.me["Id"])

    def test_bad_login_is_2100_without_visa(self):
        for partner, user, pw in (("Top Partner", "admin", "wrong"), ("Top Partner", "nobody", ROOT[2]),
                                  ("No Such", "admin", ROOT[2]), ("top partner", "admin", ROOT[2]),
                                  ("Top Partner", "admin", "\ud800")):
            status, reply = Client(self.srv.url).rpc("Login", {"partner": partner, "username": user, "password": pw})
            self.assertEqual((status, reply["error"], "visa" in reply), (200, LOGIN_BAD, False))
        e = self.c.error("Login", {"partner": "Top Partner", "username": "admin", "password": 5})
        self.assertEqual(e["code"], -32602)
        self.assertIn("password", e["message"])

    def test_every_answer_carries_a_new_visa_and_old_ones_stay_valid(self):
        seen = [self.c.visa]
        for _ in range(5):
            self.c.call("EnumerateLocations", {})
            seen.append(self.c.visa)
        self.assertEqual(len(set(seen)), 6)
        # an error to an authenticated call rotates too
        self.assertEqual(self.c.error("GetPartnerInfoById", {"partnerId": "1"})["code"], -32602)
        self.assertNotIn(self.c.visa, seen)
        status, reply = self.c.rpc("GetPartnerState", {"partnerId": 1}, visa=seen[0])
        self.assertEqual((reply["result"], reply["visa"] != seen[0]), ({"result": "InProduction"}, True))

    def test_missing_forged_foreign_or_wrongly_typed_visa_is_1701(self):
        good = self.c.visa
        head, digest = good.rsplit("-", 1)
        other = PartnerSpecServer(ROOT)
        try:
            foreign = Client(other.url)
            foreign.login()
            for visa in (None, "", good.lower(), head + "-" + digest[:-1] + ("0" if digest[-1] != "0" else "1"),
                         "2" + good[1:], good + "0", foreign.visa, 12345, ["x"], "33491-50121-1-1512736778-A99E8BAC"):
                status, reply = self.c.rpc("EnumerateLocations", {}, visa=visa)
                self.assertEqual((status, reply["error"], "visa" in reply), (200, VISA_BAD, False), visa)
        finally:
            other.close()

    def test_visa_expires_after_visa_ttl(self):
        with PartnerSpecServer(ROOT, visa_ttl=1) as srv:
            c = Client(srv.url)
            c.login()
            c.call("EnumerateLocations", {})
            time.sleep(2)
            self.assertEqual(c.error("EnumerateLocations", {}), VISA_BAD)
            c.login()
            c.call("EnumerateLocations", {})

    def test_visa_in_params_is_refused(self):
        e = self.c.error("EnumerateLocations", {"visa": self.c.visa})
        self.assertEqual(e["code"], -32602)
        self.assertIn("visa", e["message"])
        e = self.c.error("EnumerateLocations", {"visa": self.c.visa}, visa=None)
        self.assertEqual(e["code"], -32602)

    def test_a_removed_partners_visa_is_refused(self):
        rid = self.add("R", "Reseller")
        self.srv.add_user(rid, "r-user", "pw")
        r = Client(self.srv.url)
        r.login("R", "r-user", "pw")
        self.c.call("RemovePartner", {"partnerId": rid})
        self.assertEqual(r.error("EnumerateLocations", {}), VISA_BAD)


class Partners(Base):
    def test_reseller_then_end_customer(self):
        rid = self.add("Reseller A", "Reseller", ServiceType="AllInclusive", ChildServiceTypes=["AllInclusive"])
        cid = self.c.call("AddPartner", {"partnerInfo": {"ParentId": rid, "Name": "Zeus & Sons", "Level": "EndCustomer",
                                                         "Country": "Greece"}, "createDefaultAccount": False})
        self.assertNotEqual(rid, cid)
        info = self.c.call("GetPartnerInfoById", {"partnerId": cid})
        self.assertEqual((info["Id"], info["ParentId"], info["Name"], info["Level"], info["State"]),
                         (cid, rid, "Zeus & Sons", "EndCustomer", "InProduction"))
        self.assertIsInstance(info["CreationTime"], int)
        self.assertEqual(self.c.call("GetPartnerInfo", {"name": "Reseller A"})["ChildServiceTypes"], ["AllInclusive"])
        self.assertEqual(self.c.call("GetPartnerState", {"partnerId": cid}), "InProduction")

    def test_level_must_be_lower_than_the_parents(self):
        rid = self.add("R", "Reseller")
        for level in ("Reseller", "Distributor", "Root"):
            self.refused(BAD_LEVEL, "AddPartner", {"partnerInfo": {"ParentId": rid, "Name": "x", "Level": level}})
        self.refused(BAD_LEVEL, "AddPartner", {"partnerInfo": {"Name": "x", "Level": "Root"}})
        for info in ({"Name": "x"}, {"Name": "x", "Level": "Undefined"}, {"Name": "x", "Level": "ServiceOrganization"}):
            self.refused(BAD_LEVEL, "AddPartner", {"partnerInfo": info})
        e = self.c.error("AddPartner", {"partnerInfo": {"Name": "x", "Level": "Boss"}})
        self.assertEqual(e["code"], -32602)
        self.assertIn("partnerInfo.Level", e["message"])
        # ModifyPartner keeps the rule both ways.
        did = self.add("D", "Distributor")
        self.add("S", "SubDistributor", ParentId=did)
        self.refused(BAD_LEVEL, "ModifyPartner", {"partnerInfo": {"Id": did, "Level": "Reseller"}})
        self.refused(BAD_LEVEL, "ModifyPartner", {"partnerInfo": {"Id": rid, "Level": "Root"}})
        self.assertIsNone(self.c.call("ModifyPartner", {"partnerInfo": {"Id": rid, "Level": "EndCustomer"}}))

    def test_names_are_non_empty_and_unique(self):
        self.add("Same", "Reseller")
        e = self.refused(DUPLICATE_NAME, "AddPartner", {"partnerInfo": {"Name": "Same", "Level": "Reseller"}})
        self.assertIn("Same", e["message"])
        self.refused(DUPLICATE_NAME, "AddPartner", {"partnerInfo": {"Name": ROOT[0], "Level": "Reseller"}})
        for info in ({"Name": "", "Level": "Reseller"}, {"Level": "Reseller"}, {"Name": 7, "Level": "Reseller"}):
            self.assertEqual(self.c.error("AddPartner", {"partnerInfo": info})["code"], -32602)

    def test_location_follows_the_country_else_the_parents(self):
        us = self.add("US Reseller", "Reseller", Country="US")
        gr = self.add("Greek", "EndCustomer", ParentId=us, Country="Greece")
        same = self.add("No country", "EndCustomer", ParentId=us)
        unknown = self.add("Unknown country", "EndCustomer", ParentId=us, Country="Atlantis")
        nested = self.add("Nested", "EndCustomer", ParentId=us, Company={"PostAddress": {"Country": "gb"}})
        fixed = self.add("Fixed", "EndCustomer", ParentId=us, Country="US", LocationId=4)
        loc = {p: self.c.call("GetPartnerInfoById", {"partnerId": p})["LocationId"]
               for p in (us, gr, same, unknown, nested, fixed)}
        self.assertEqual(loc, {us: 2, gr: 1, same: 2, unknown: 2, nested: 3, fixed: 4})
        info = self.c.call("GetPartnerInfoById", {"partnerId": gr})
        self.assertEqual(info["Company"], {"PostAddress": {"Country": "Greece"}})
        self.assertNotIn("Country", info)
        self.refused(BAD_LOCATION, "AddPartner", {"partnerInfo": {"Name": "x", "Level": "Reseller", "LocationId": 99}})
        self.assertEqual([loc["Id"] for loc in self.c.call("EnumerateLocations", {})], [1, 2, 3, 4, 5])
        self.c.call("ModifyPartner", {"partnerInfo": {"Id": same, "Country": "Canada"}})
        self.assertEqual(self.c.call("GetPartnerInfoById", {"partnerId": same})["LocationId"], 5)

    def test_subtree_and_security(self):
        rid = self.add("R", "Reseller")
        other = self.add("Other", "Reseller")
        self.srv.add_user(rid, "r-user", "pw")
        r = Client(self.srv.url)
        self.assertEqual(r.login("R", "r-user", "pw")["PartnerId"], rid)
        child = r.call("AddPartner", {"partnerInfo": {"Name": "Mine", "Level": "EndCustomer"}})
        self.assertEqual(r.call("GetPartnerInfoById", {"partnerId": child})["ParentId"], rid)
        for method, params in (("AddPartner", {"partnerInfo": {"ParentId": 1, "Name": "y", "Level": "Reseller"}}),
                               ("AddPartner", {"partnerInfo": {"ParentId": other, "Name": "y", "Level": "EndCustomer"}}),
                               ("GetPartnerInfoById", {"partnerId": 1}), ("GetPartnerInfo", {"name": "Other"}),
                               ("RemovePartner", {"partnerId": rid})):
            self.assertEqual(r.error(method, params), SECURITY, method)
        self.assertEqual(r.error("GetPartnerInfoById", {"partnerId": 999})["data"], NOT_FOUND)

    def test_enumerate_modify_remove(self):
        d = self.add("D", "Distributor")
        r = self.add("R", "Reseller", ParentId=d)
        e = self.add("E", "EndCustomer", ParentId=r, Flags=["CanInvoiceOthers", "CanInvoiceOthers"])
        ids = lambda rec, **kw: [p["Id"] for p in self.c.call(  # noqa: E731
            "EnumeratePartners", dict({"parentPartnerId": d, "fetchRecursively": rec}, **kw))]
        self.assertEqual((ids(False), ids(True)), ([r], [r, e]))
        few = self.c.call("EnumeratePartners", {"parentPartnerId": r, "fetchRecursively": False, "fields": [0, 9, 77]})
        self.assertEqual(few, [{"Id": e, "ParentId": r, "Name": "E", "Flags": ["CanInvoiceOthers"]}])
        self.assertEqual(self.c.error("EnumeratePartners", {"parentPartnerId": d})["code"], -32602)
        self.assertIsNone(self.c.call("ModifyPartner", {"partnerInfo": {"Id": e, "Name": "E2", "State": "InTrial",
                                                                        "TrialExpirationTime": 1535673599}}))
        info = self.c.call("GetPartnerInfo", {"name": "E2"})
        self.assertEqual((info["State"], info["TrialExpirationTime"]), ("InTrial", 1535673599))
        self.assertEqual(self.c.call("GetPartnerState", {"partnerId": e}), "InTrial")
        self.refused(DUPLICATE_NAME, "ModifyPartner", {"partnerInfo": {"Id": e, "Name": "R"}})
        self.refused(FIXED, "ModifyPartner", {"partnerInfo": {"Id": e, "ParentId": d}})
        self.assertEqual(self.c.error("ModifyPartner", {"partnerInfo": {"Name": "x"}})["code"], -32602)
        self.refused(HAS_CHILDREN, "RemovePartner", {"partnerId": r})
        self.assertIsNone(self.c.call("RemovePartner", {"partnerId": e}))
        self.refused(NOT_FOUND, "GetPartnerInfoById", {"partnerId": e})
        self.assertEqual(self.c.error("RemovePartner", {"partnerId": 1}), SECURITY)
        self.refused(NOT_FOUND, "GetPartnerInfo", {"name": "E2"})

    def test_types_and_enums_are_checked_by_member(self):
        for member, where in (({"Flags": ["Undefined"]}, "partnerInfo.Flags[0]"),
                              ({"State": "Sleeping"}, "partnerInfo.State"),
                              ({"ChildServiceTypes": "AllInclusive"}, "partnerInfo.ChildServiceTypes"),
                              ({"TrialExpirationTime": 1.5}, "partnerInfo.TrialExpirationTime"),
                              ({"Company": {"PostAddress": {"City": 3}}}, "partnerInfo.Company.PostAddress.City"),
                              ({"AdvancedPartnerProperties": {"RegionId": True}},
                               "partnerInfo.AdvancedPartnerProperties.RegionId")):
            info = dict({"Name": "x", "Level": "Reseller"}, **member)
            e = self.c.error("AddPartner", {"partnerInfo": info})
            self.assertEqual(e["code"], -32602, info)
            self.assertIn(where, e["message"])
        for big in ("99999999999999999999", "9" * 5000, "1e400"):
            body = '{"jsonrpc":"2.0","id":1,"method":"GetPartnerState","visa":"%s","params":{"partnerId":%s}}'
            status, out = post(self.srv.url, (body % (self.c.visa, big)).encode())
            self.assertEqual(json.loads(out)["error"]["code"], -32602, big)
        # unknown members are ignored, null is absent
        pid = self.add("Extra", "Reseller", Unknown={"deep": [1]}, DeviceCountry=None)
        self.assertNotIn("Unknown", self.c.call("GetPartnerInfoById", {"partnerId": pid}))

    def test_many_clients_at_once(self):
        out, lock = [], threading.Lock()

        def add(name):
            c = Client(self.srv.url)
            c.visa = self.c.visa  # visas are stateless: one may be shared
            try:
                status, reply = c.rpc("AddPartner", {"partnerInfo": {"Name": name, "Level": "Reseller"}})
            except OSError as e:  # kept, so that the assertions below name it
                reply = {"exception": repr(e)}
            with lock:
                out.append(reply)
        threads = [threading.Thread(target=add, args=(n,)) for n in ["Same"] * 32 + ["N%d" % i for i in range(32)]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([r for r in out if "exception" in r], [])
        ids = [r["result"]["result"] for r in out if "result" in r]
        self.assertEqual(len(ids), 33)
        self.assertEqual(len(set(ids)), 33)
        self.assertEqual(sorted(r["error"]["data"] for r in out if "error" in r), [DUPLICATE_NAME] * 31)
        self.assertEqual(len({r["visa"] for r in out}), 64)


class Envelope(Base):
    def raw(self, body, **kw):
        status, out = post(self.srv.url, body if isinstance(body, bytes) else body.encode(), **kw)
        return status, json.loads(out)

    def test_not_json_is_32700(self):
        call = '{"jsonrpc":"2.0","id":1,"method":"GetPartnerInfoById","visa":"%s","params":{"partnerId":%s}}'
        for body in (call % (self.c.visa, "019283"), call % (self.c.visa, "NaN"), call % (self.c.visa, "-Infinity"),
                     '{"jsonrpc":"2.0","id":1,"id":2,"method":"EnumerateLocations"}', b'{"id":"\xff"}', "",
                     "[" * 100000 + "]" * 100000, '{"a":' * 50000 + "1" + "}" * 50000, "\ufeff{}", "{'a':1}"):
            status, reply = self.raw(body)
            self.assertEqual((status, reply["id"], reply["error"]["code"], "visa" in reply),
                             (200, None, -32700, False), body[:40])

    def test_invalid_requests_are_32600(self):
        for req in ([], [{"jsonrpc": "2.0", "id": 1, "method": "EnumerateLocations"}], "x", 5,
                    {"id": 1, "method": "EnumerateLocations"}, {"jsonrpc": "1.0", "id": 1, "method": "Login"},
                    {"jsonrpc": "2.0", "method": "EnumerateLocations"}, {"jsonrpc": "2.0", "id": 1, "method": 3},
                    {"jsonrpc": "2.0", "id": {}, "method": "Login"},
                    {"jsonrpc": "2.0", "id": 1, "method": "Login", "params": 5}):
            status, reply = self.raw(json.dumps(req))
            self.assertEqual((status, reply["error"]["code"]), (200, -32600), req)
        status, reply = self.raw('{"jsonrpc":"2.0","id":"x7","method":"Login","params":null}')
        self.assertEqual((reply["id"], reply["error"]["code"]), ("x7", -32600))

    def test_unknown_methods_and_params_shapes(self):
        for name in ("addpartner", "ADDPARTNER", "AddPartners", "Logout", ""):
            self.assertEqual(self.c.error(name, {})["code"], -32601, name)
        self.assertEqual(self.c.error("GetPartnerInfoById", [1])["code"], -32602)
        self.assertEqual(self.c.error("AddPartner", {"partnerInfo": "x"})["code"], -32602)
        self.assertEqual(self.c.error("AddPartner", {"partnerInfo": [{}]})["code"], -32602)
        self.assertEqual(self.c.call("EnumerateLocations")[0]["Name"], "Europe")  # params may be omitted

    def test_http_level(self):
        self.assertEqual(post(self.srv.url, None, method="GET")[0], 405)
        self.assertEqual(post(self.srv.url, b"{}", method="PUT")[0], 405)
        self.assertEqual(post(self.srv.url, None, method="HEAD")[0], 405)
        self.assertEqual(post(self.srv.url.replace("/jsonapi", "/RPC2"), b"{}")[0], 404)
        self.assertEqual(post(self.srv.url + "/x", b"{}")[0], 404)
        self.assertEqual(post(self.srv.url, b" " * ((1 << 20) + 1))[0], 413)
        # a claim beyond what the server reads is answered at once, the body unsent
        u = urllib.parse.urlsplit(self.srv.url)
        with socket.create_connection((u.hostname, u.port), timeout=30) as s:
            s.sendall(b"POST /jsonapi HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
            self.assertTrue(s.makefile("rb").readline().startswith(b"HTTP/1.1 413 "))
        self.c.call("EnumerateLocations", {})  # the server is still there


def result_of(reply):
    r = reply["result"]
    return r["result"] if isinstance(r, dict) and "result" in r else r


# A probe per bug mode: true when the mode shows. Each must see its own mode and nothing else.
def probe_visa_not_rotated(c):
    c.login()
    sent = c.visa
    c.rpc("EnumerateLocations", {})
    return c.visa == sent


def probe_visa_in_params(c):
    c.login()
    status, reply = c.rpc("EnumerateLocations", {"visa": c.visa}, visa=None)
    return "result" in reply


def probe_level_not_enforced(c):
    c.login()
    status, reply = c.rpc("AddPartner", {"partnerInfo": {"Name": "P1", "Level": "Reseller"}})
    child = {"Name": "P2", "Level": "Reseller", "ParentId": result_of(reply)}
    status, reply = c.rpc("AddPartner", {"partnerInfo": child})
    return "result" in reply


def probe_result_not_nested(c):
    c.login()
    status, reply = c.rpc("EnumerateLocations", {})
    return isinstance(reply["result"], list)


def probe_errors_http_500(c):
    status, reply = c.rpc("Login", {"partner": ROOT[0], "username": ROOT[1], "password": "wrong"})
    return status == 500 and reply["error"] == LOGIN_BAD


PROBES = {"visa-not-rotated": probe_visa_not_rotated, "visa-in-params": probe_visa_in_params,
          "level-not-enforced": probe_level_not_enforced, "result-not-nested": probe_result_not_nested,
          "errors-http-500": probe_errors_http_500}


class BugModes(unittest.TestCase):
    def test_each_mode_is_seen_by_its_probe_only(self):
        self.assertEqual(set(PROBES), set(BUGS))
        for bug in [None] + sorted(BUGS):
            with PartnerSpecServer(ROOT, bug=bug) as srv:
                seen = {name for name, probe in PROBES.items() if probe(Client(srv.url))}
                self.assertEqual(seen, {bug} - {None}, bug)

    def test_unknown_bug_is_refused(self):
        self.assertRaises(ValueError, PartnerSpecServer, ROOT, bug="no-such-bug")


class CommandLine(unittest.TestCase):
    def test_serves_until_killed(self):
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "partner_spec_server.py"), "--root",
                              "Shell Top:admin:pa:ss", "--bug", "result-not-nested", "--visa-ttl", "60"],
                             stdout=subprocess.PIPE, text=True, cwd="/")
        try:
            line = p.stdout.readline()
            self.assertRegex(line, r"^listening on http://127\.0\.0\.1:\d+/jsonapi\n$")
            c = Client(line.split()[-1])
            status, reply = c.rpc("Login", {"partner": "Shell Top", "username": "admin", "password": "pa:ss"})
            self.assertEqual(reply["result"]["Name"], "admin")
        finally:
            p.kill()
            p.wait()
            p.stdout.close()
        for args in (["--root", "only:two"], [], ["--root", "a:b:c", "--bug", "nope"]):
            r = subprocess.run([sys.executable, os.path.join(HERE, "partner_spec_server.py")] + args,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 2, args)


if __name__ == "__main__":
    unittest.main()
