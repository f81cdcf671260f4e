"""test_partner.py — the partner API at /jsonapi, driven with Python's standard library (urllib
and json) as the independent client: Login and visas (rotation, expiry with --visa-ttl, forged
ones), AddPartner in the vendor's own sample form, the Level, subtree and uniqueness rules, the
location rule, the related methods, a partner user's rights, persistence across a restart, and
both APIs served by one server."""
import json
import os
import time
import unittest
import urllib.request

from harness import Server, call_body, main, post, unique

ROOT_PW = "Root-partner-pw-1"
RESELLER_PW = "Reseller-user-pw-1"


def config(tmp):
    for name, pw in (("root-partner.pw", ROOT_PW), ("reseller.pw", RESELLER_PW)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(pw + "\n")
    return ('<custrpc-server>'
            '<partner-root name="Backup Root" login="api-root" password-file="root-partner.pw"/>'
            '<partner-user partner="Reseller One" login="reseller-api" password-file="reseller.pw"/>'
            '</custrpc-server>')


class Session:
    """A JSON-RPC caller that keeps the newest visa, as the API asks clients to."""

    def __init__(self, srv, visa=None):
        self.url = srv.url.replace("/RPC2", "/jsonapi")
        self.visa = visa
        self.seen = []
        self.next_id = 0

    def raw(self, body, content_type="application/json"):
        rq = urllib.request.Request(self.url, data=body, headers={"Content-Type": content_type})
        with urllib.request.urlopen(rq, timeout=60) as r:
            return r.status, r.headers.get("Content-Type"), r.read()

    def call(self, method, params=None, visa=True):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}}
        if visa and self.visa:
            msg["visa"] = self.visa
        status, ctype, body = self.raw(json.dumps(msg).encode())
        assert status == 200 and ctype.startswith("application/json"), (status, ctype)
        answer = json.loads(body)
        assert answer["jsonrpc"] == "2.0" and answer["id"] == self.next_id, answer
        if "visa" in answer:
            self.seen.append(answer["visa"])
            self.visa = answer["visa"]
        return answer

    def ok(self, method, params=None):
        answer = self.call(method, params)
        assert "result" in answer, answer
        return answer["result"]["result"]

    def error(self, method, params=None, visa=True):
        answer = self.call(method, params, visa)
        assert "error" in answer, answer
        return answer["error"]

    def login(self, partner, username, password):
        user = self.ok("Login", {"partner": partner, "username": username, "password": password})
        return user


def root_session(srv):
    s = Session(srv)
    s.login("Backup Root", "api-root", ROOT_PW)
    return s


class PartnerServer(unittest.TestCase):
    def server(self, *args, **kw):
        srv = Server(*args, **kw)
        srv.__init__(*args, config=config(srv.tmp), tmp=srv.tmp, **kw)
        return srv

    def test_login_answers_the_user_and_a_visa(self):
        with self.server() as srv:
            s = Session(srv)
            answer = s.call("Login", {"partner": "Backup Root", "username": "api-root",
                                      "password": ROOT_PW})
            user = answer["result"]["result"]
            self.assertEqual((user["Name"], user["Flags"], user["Password"]),
                             ("api-root", ["AllowApiAuthentication"], None))
            self.assertIsInstance(user["Id"], int)
            self.assertIsInstance(user["PartnerId"], int)
            self.assertIsInstance(answer["visa"], str)
            me = s.ok("GetPartnerInfoById", {"partnerId": user["PartnerId"]})
            self.assertEqual((me["Name"], me["Level"]), ("Backup Root", "Root"))
            # Every failure looks the same: data 2100, the API's words, no visa.
            for partner, login, pw in (("Backup Root", "api-root", "wrong"),
                                       ("Other", "api-root", ROOT_PW),
                                       ("Backup Root", "nobody", ROOT_PW)):
                e = Session(srv).error("Login", {"partner": partner, "username": login, "password": pw})
                self.assertEqual((e["code"], e["data"], e["message"]),
                                 (-32603, 2100, "Unknown partner/username or bad password"))
            # An empty password is a bad member (ours: mandatory members are never empty).
            e = Session(srv).error("Login", {"partner": "Backup Root", "username": "api-root", "password": ""})
            self.assertEqual((e["code"], e["data"]), (-32602, 1001))
            self.assertNotIn(ROOT_PW, srv.log_text())

    def test_every_answer_carries_a_new_visa(self):
        with self.server() as srv:
            s = root_session(srv)
            s.ok("EnumerateLocations")
            s.error("GetPartnerInfo", {"name": "no such partner"})  # errors rotate it too
            s.ok("GetPartnerInfo", {"name": "Backup Root"})
            self.assertEqual(len(s.seen), 4)
            self.assertEqual(len(set(s.seen)), 4, s.seen)
            # Without a visa, with a forged one, or with one in params: 1701, no new visa.
            for visa in (None, s.visa[:-1] + ("0" if s.visa[-1] != "0" else "1"), "1-1-1-1-AB",
                         s.visa + "0", "x" * 5000):
                t = Session(srv, visa)
                e = t.error("EnumerateLocations", visa=visa is not None)
                self.assertEqual((e["code"], e["data"], e["message"]),
                                 (-32603, 1701, "Visa is inconsistent/corrupted."))
                self.assertEqual(t.seen, [])
            answer = Session(srv).call("EnumerateLocations", {"visa": s.visa}, visa=False)
            self.assertEqual(answer["error"]["data"], 1701)
            # A visa beside the top-level one in params is an unknown member.
            e = s.error("EnumerateLocations", {"visa": s.visa})
            self.assertEqual((e["code"], e["data"]), (-32602, 1004))

    def test_visa_expires_after_the_ttl_unless_renewed(self):
        with self.server("--visa-ttl", "3") as srv:
            s = root_session(srv)
            first = s.visa
            for _ in range(4):  # using the newest visa keeps the session alive past the TTL
                time.sleep(1)
                s.ok("EnumerateLocations")
            time.sleep(3.5)
            e = s.error("EnumerateLocations")
            self.assertEqual(e["data"], 1701)
            e = Session(srv, first).error("EnumerateLocations")
            self.assertEqual(e["data"], 1701)

    def test_add_partner_in_the_vendor_sample_form(self):
        with self.server() as srv:
            s = root_session(srv)
            reseller = s.ok("AddPartner", {"partnerInfo": {"Name": "Reseller One", "Level": "Reseller"},
                                           "createDefaultAccount": False})
            self.assertIsInstance(reseller, int)
            pattern = r"login=api-root method=AddPartner OK partner=1 id=%d " % reseller
            self.assertRegex(srv.log_showing(pattern), r"login=api-root method=AddPartner OK partner=1 id=%d " % reseller)
            # The vendor's reference sample: Country in partnerInfo, createDefaultAccount left out.
            new = s.ok("AddPartner", {"partnerInfo": {
                "ParentId": reseller, "Name": "Zeus & Sons", "Level": "EndCustomer",
                "ServiceType": "AllInclusive", "ChildServiceTypes": ["AllInclusive"],
                "Country": "Greece"}})
            got = s.ok("GetPartnerInfoById", {"partnerId": new})
            self.assertEqual(got["Company"]["PostAddress"]["Country"], "Greece")
            self.assertLess(abs(got["CreationTime"] - time.time()), 600)
            self.assertNotIn("Country", got)
            europe = [x["Id"] for x in s.ok("EnumerateLocations") if x["Name"] == "Europe"][0]
            self.assertEqual((got["ParentId"], got["Level"], got["LocationId"], got["ChildServiceTypes"]),
                             (reseller, "EndCustomer", europe, ["AllInclusive"]))
            # Without ParentId: below the caller's partner; without Level: the one below it.
            d = s.ok("AddPartner", {"partnerInfo": {"Name": "Dist", "Company": {"PostAddress": {"Country": "JP"}}}})
            got = s.ok("GetPartnerInfo", {"name": "Dist"})
            self.assertEqual((got["Level"], got["ParentId"]), ("Distributor", 1))
            # Without a country: the parent's location.
            sub = s.ok("AddPartner", {"partnerInfo": {"Name": "Sub", "ParentId": d}})
            self.assertEqual(s.ok("GetPartnerInfoById", {"partnerId": sub})["LocationId"], got["LocationId"])

    def test_level_uniqueness_and_member_rules(self):
        with self.server() as srv:
            s = root_session(srv)
            reseller = s.ok("AddPartner", {"partnerInfo": {"Name": "R", "Level": "Reseller"}})
            for level in ("Distributor", "SubDistributor", "Reseller", "Root"):
                e = s.error("AddPartner", {"partnerInfo": {"Name": unique("p"), "ParentId": reseller,
                                                           "Level": level}})
                self.assertEqual((e["code"], e["data"]), (-32603, 1036), level)
            s.ok("AddPartner", {"partnerInfo": {"Name": "E", "ParentId": reseller, "Level": "EndCustomer"}})
            e = s.error("AddPartner", {"partnerInfo": {"Name": "E", "Level": "Reseller"}})
            self.assertEqual((e["code"], e["data"]), (-32603, 1010))
            e = s.error("AddPartner", {"partnerInfo": {"Name": "x", "Level": "Boss"}})
            self.assertEqual((e["code"], e["data"]), (-32602, 1003))
            self.assertIn("partnerInfo.Level", e["message"])
            self.assertIn("Distributor, SubDistributor, Reseller, EndCustomer", e["message"])
            e = s.error("AddPartner", {"partnerInfo": {"Name": "x", "Flags": ["Shiny"]}})
            self.assertIn("CanInvoiceOthers", e["message"])
            e = s.error("AddPartner", {"partnerInfo": {"Level": "Reseller"}})
            self.assertEqual((e["code"], e["data"]), (-32602, 1001))
            e = s.error("AddPartner", {"partnerInfo": {"Name": ""}})
            self.assertEqual((e["code"], e["data"]), (-32602, 1003))
            e = s.error("AddPartner", {"partnerInfo": {"Name": "y", "Country": "Atlantis"}})
            self.assertEqual((e["code"], e["data"]), (-32603, 1037))
            self.assertTrue(e["message"].startswith("partnerInfo.Country: \"Atlantis\""), e)
            e = s.error("AddPartner", {"partnerInfo": {"Name": "y", "Company": {"PostAddress": {"Country": "Xx"}}}})
            self.assertTrue(e["message"].startswith("partnerInfo.Company.PostAddress.Country: "), e)
            e = s.error("AddPartner", {"partnerInfo": {"Name": "y", "LocationId": 99}})
            self.assertEqual((e["code"], e["data"]), (-32603, 1037))
            e = s.error("AddPartner", {"partnerInfo": {"Name": "y", "ParentId": 9999}})
            self.assertEqual((e["code"], e["data"]), (-32603, 1040))
            for given in ({"Id": 5}, {"CreationTime": 5}):
                e = s.error("AddPartner", {"partnerInfo": dict(Name="y", **given)})
                self.assertEqual((e["code"], e["data"]), (-32602, 1004), given)
            e = s.error("AddPartner", {"partnerInfo": {"Name": "y"}, "createDefaultAccount": "yes"})
            self.assertEqual((e["code"], e["data"]), (-32602, 1002))
            e = s.error("addPartner", {"partnerInfo": {"Name": "y"}})
            self.assertEqual(e["code"], -32601)

    def test_related_methods(self):
        with self.server() as srv:
            s = root_session(srv)
            d = s.ok("AddPartner", {"partnerInfo": {"Name": "D", "Level": "Distributor", "State": "InTrial",
                                                    "Flags": ["HasCustomBranding"],
                                                    "TrialExpirationTime": 4102444800}})
            r = s.ok("AddPartner", {"partnerInfo": {"Name": "R2", "ParentId": d, "Level": "Reseller"}})
            e1 = s.ok("AddPartner", {"partnerInfo": {"Name": "E1", "ParentId": r, "Level": "EndCustomer"}})
            self.assertEqual(s.ok("GetPartnerState", {"partnerId": d}), "InTrial")
            self.assertEqual(s.ok("GetPartnerState", {"partnerId": r}), "Undefined")
            self.assertEqual([p["Id"] for p in s.ok("EnumeratePartners", {"parentPartnerId": d,
                                                                          "fetchRecursively": False})], [r])
            whole = s.ok("EnumeratePartners", {"parentPartnerId": 1, "fetchRecursively": True})
            self.assertEqual([p["Id"] for p in whole], [d, r, e1])
            self.assertEqual(whole[0]["TrialExpirationTime"], 4102444800)
            some = s.ok("EnumeratePartners", {"parentPartnerId": 1, "fetchRecursively": True, "fields": [0]})
            self.assertEqual(set(some[0]), {"Id", "ParentId", "Name"})
            self.assertIsNone(s.ok("ModifyPartner", {"partnerInfo": {"Id": r, "Name": "R2 renamed",
                                                                     "Company": {"VatNumber": "EL123"}}}))
            got = s.ok("GetPartnerInfoById", {"partnerId": r})
            self.assertEqual((got["Name"], got["Company"]["VatNumber"], got["Level"]),
                             ("R2 renamed", "EL123", "Reseller"))
            # Not above a child, not at the parent's level.
            self.assertEqual(s.error("ModifyPartner", {"partnerInfo": {"Id": r, "Level": "EndCustomer"}})["data"], 1036)
            self.assertEqual(s.error("ModifyPartner", {"partnerInfo": {"Id": r, "Level": "Distributor"}})["data"], 1036)
            self.assertEqual(s.error("ModifyPartner", {"partnerInfo": {"Id": d, "ParentId": e1}})["data"], 1003)
            self.assertEqual(s.error("ModifyPartner", {"partnerInfo": {"Name": "no id"}})["data"], 1001)
            self.assertEqual(s.error("RemovePartner", {"partnerId": r})["data"], 1034)
            self.assertIsNone(s.ok("RemovePartner", {"partnerId": e1}))
            self.assertIsNone(s.ok("RemovePartner", {"partnerId": r}))
            self.assertEqual(s.error("GetPartnerInfoById", {"partnerId": r})["data"], 1040)
            self.assertEqual(s.error("RemovePartner", {"partnerId": 1})["data"], 13501)
            self.assertEqual(s.error("EnumeratePartners", {"parentPartnerId": 1, "fields": [77]})["data"], 1003)

    def test_a_partner_user_sees_only_its_subtree(self):
        with self.server() as srv:
            e = Session(srv).error("Login", {"partner": "Reseller One", "username": "reseller-api",
                                             "password": RESELLER_PW})
            self.assertEqual(e["data"], 2100)  # its partner does not exist yet
            s = root_session(srv)
            mine = s.ok("AddPartner", {"partnerInfo": {"Name": "Reseller One", "Level": "Reseller"}})
            other = s.ok("AddPartner", {"partnerInfo": {"Name": "Reseller Two", "Level": "Reseller"}})
            r = Session(srv)
            user = r.login("Reseller One", "reseller-api", RESELLER_PW)
            self.assertEqual(user["PartnerId"], mine)
            child = r.ok("AddPartner", {"partnerInfo": {"Name": "Under One", "Level": "EndCustomer"}})
            self.assertEqual(r.ok("GetPartnerInfoById", {"partnerId": child})["ParentId"], mine)
            for method, params in (("GetPartnerInfoById", {"partnerId": other}),
                                   ("GetPartnerInfo", {"name": "Backup Root"}),
                                   ("AddPartner", {"partnerInfo": {"Name": "Sneaky", "ParentId": other,
                                                                   "Level": "EndCustomer"}}),
                                   ("EnumeratePartners", {"parentPartnerId": 1}),
                                   ("RemovePartner", {"partnerId": mine}),
                                   ("ModifyPartner", {"partnerInfo": {"Id": other, "Name": "Mine now"}})):
                e = r.error(method, params)
                self.assertEqual((e["code"], e["data"], e["message"]),
                                 (-32603, 13501, "Operation failed because of security reasons"), method)
            # Removing the user's partner ends its session.
            visa = r.visa
            s.ok("RemovePartner", {"partnerId": child})
            s.ok("RemovePartner", {"partnerId": mine})
            self.assertEqual(Session(srv, visa).error("EnumerateLocations")["data"], 1701)

    def test_partners_and_visas_survive_a_restart(self):
        first = self.server()
        db = os.path.join(first.tmp, "store.db")
        first.__init__(config=config(first.tmp), tmp=first.tmp, db=db)
        with first as srv:
            s = root_session(srv)
            pid = s.ok("AddPartner", {"partnerInfo": {"Name": "Kept", "Level": "Reseller",
                                                      "Company": {"PostAddress": {"City": "Zürich", "Country": "CH"}}}})
            visa = s.visa
        with Server(config=config(first.tmp), tmp=first.tmp, db=db) as srv:
            s = Session(srv, visa)
            got = s.ok("GetPartnerInfoById", {"partnerId": pid})
            self.assertEqual(got["Company"]["PostAddress"], {"City": "Zürich", "Country": "CH"})

    def test_one_server_for_both_apis(self):
        with Server() as srv:  # open local mode: root/root, any password
            s = Session(srv)
            s.login("root", "root", "anything")
            s.ok("AddPartner", {"partnerInfo": {"Name": "Both", "Level": "Reseller"}})
            r = post(srv.url, call_body("createCustomer", {"name": unique("c"), "web_password": "Pw-12345",
                                                          "i_tariff": None}))
            self.assertEqual(r.value()["result"], "OK")
            # Each endpoint keeps its own protocol.
            status, ctype, body = s.raw(call_body("createCustomer", {}), "text/xml")
            self.assertEqual(json.loads(body)["error"]["code"], -32700)
            self.assertEqual(post(srv.url, b'{"jsonrpc":"2.0"}').fault()[0], -32700)

    def test_notifications_get_no_answer_but_run(self):
        with Server() as srv:
            s = Session(srv)
            s.login("root", "root", "x")
            body = json.dumps({"jsonrpc": "2.0", "method": "AddPartner", "visa": s.visa,
                               "params": {"partnerInfo": {"Name": "Notified", "Level": "Reseller"}}}).encode()
            status, _, answer = s.raw(body)
            self.assertEqual((status, answer), (204, b""))
            self.assertEqual(s.ok("GetPartnerInfo", {"name": "Notified"})["Level"], "Reseller")


if __name__ == "__main__":
    main()
