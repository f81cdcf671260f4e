"""test_lifecycle.py — the customer after createCustomer: updateCustomer, listCustomers,
deleteCustomer, block/unblockCustomer and the funds methods, through the wire as a reseller
logged in with Digest: each success and each fault, the rights bits, blocked logins, changed
credentials, concurrent writers, paging, and introspection of the new rows."""
import base64
import threading
import unittest
import xmlrpc.client

from harness import Digest, Server, base, call_body, create, main, post, unique

ROOT_PW = "root-Secret-1"
CONFIG = """<?xml version="1.0"?>
<custrpc-server>
  <root login="ssp-root" password-file="root.pw"/>
  <trusted-host address="127.0.0.2"/>
  <tariff i_tariff="1" name="Default"/>
  <tariff i_tariff="2" name="Wholesale"/>
</custrpc-server>
"""
NEW_METHODS = ("updateCustomer", "listCustomers", "deleteCustomer", "blockCustomer", "unblockCustomer",
               "customerAddFunds", "customerCredit", "customerDebit")


def call(url, auth, method, arg, source=None):
    body = call_body(method, arg)
    return auth.post(url, body, source=source) if auth else post(url, body, source=source)


class Lifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server("--threads", "4", config=CONFIG, root_password=ROOT_PW).start()
        cls.url = cls.srv.url
        cls.root = Digest("ssp-root", ROOT_PW)

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0

    # --- helpers ---------------------------------------------------------------------------
    def login_customer(self, auth, **kw):
        """Creates a customer that can log in; returns (i_customer, its Digest, its login)."""
        login, pw = unique("login"), "api-" + unique("pw")
        f = base(web_login=login, api_access=1, api_password=pw)
        f.update(kw)
        i = create(self.url, f, auth=auth).value()["i_customer"]
        return i, Digest(login, pw), login

    def reseller(self, **kw):
        d = dict(customers_mgmt=7, api_mgmt=1, max_depth=4, accounts_mgmt=1)
        d.update(kw)
        return self.login_customer(self.root, **d)

    def ok(self, auth, method, arg):
        r = call(self.url, auth, method, arg).value()
        self.assertEqual(r["result"], "OK", r)
        return r

    def fault(self, auth, method, arg):
        return call(self.url, auth, method, arg).fault()

    def info(self, auth, i):
        return call(self.url, auth, "getCustomerInfo", {"i_customer": i}).value()["customer"]

    def can_log_in(self, auth):
        """200 or 401 for a harmless call; a 401 must be a plain challenge, never stale=true."""
        auth.challenge = None
        r = call(self.url, auth, "listCustomers", {"limit": 1})
        if r.status == 401:
            for ch in r.challenges():
                self.assertNotIn("stale=true", ch.lower().replace(" ", ""))
        return r.status == 200

    # --- updateCustomer ----------------------------------------------------------------------
    def test_update_success(self):
        rid, rauth, _ = self.reseller()
        cid = create(self.url, base(), auth=rauth).value()["i_customer"]
        name = unique("renamed")
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "name": name, "email": "a@example.com",
                                          "credit_limit": 7, "max_sessions": None, "i_tariff": 2,
                                          "customers_mgmt": 3})
        got = self.info(rauth, cid)
        self.assertEqual((got["name"], got["email"], got["credit_limit"], got["max_sessions"], got["i_tariff"],
                          got["customers_mgmt"], got["blocked"]), (name, "a@example.com", 7.0, None, 2, 3, False))
        # i_tariff nil is the caller's own tariff, as for createCustomer.
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "i_tariff": None})
        self.assertEqual(self.info(rauth, cid)["i_tariff"], 1)

    def test_update_request_faults(self):
        rid, rauth, _ = self.reseller()
        cid = create(self.url, base(), auth=rauth).value()["i_customer"]
        self.assertEqual(self.fault(rauth, "updateCustomer", {"name": unique()}),
                         (1001, "i_customer: mandatory member is missing"))
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid})[0], 1001)
        # i_wholesaler outside trusted mode is refused as such, not as "nothing to change"
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "i_wholesaler": 1})[0], 1030)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": str(cid), "name": "x"})[0], 1002)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "credit_limit": "7"})[0], 1002)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "email": "nope"})[0], 1003)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "name": ""})[0], 1001)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "nickname": "x"}),
                         (1004, "nickname: unknown member"))
        # blocked is stored but not a createCustomer member: neither method takes it.
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": cid, "blocked": True})[0], 1004)
        self.assertEqual(create(self.url, base(blocked=True), auth=rauth).fault()[0], 1004)
        self.assertEqual(self.fault(rauth, "updateCustomer", [cid])[0], -32602)

    def test_update_scope(self):
        rid, rauth, _ = self.reseller()
        oid, oauth, _ = self.reseller()
        other_child = create(self.url, base(), auth=oauth).value()["i_customer"]
        for target in (rid, 1, other_child, oid, 999999):
            code, text = self.fault(rauth, "updateCustomer", {"i_customer": target, "description": "x"})
            self.assertEqual(code, 1040, (target, text))
        # A grandchild is in the subtree.
        cid, cauth, _ = self.login_customer(rauth, customers_mgmt=1, max_depth=2)
        gid = create(self.url, base(), auth=cauth).value()["i_customer"]
        self.ok(rauth, "updateCustomer", {"i_customer": gid, "description": "from grandparent"})
        self.assertEqual(self.fault(cauth, "updateCustomer", {"i_customer": gid, "description": "x"})[0], 1030)

    def test_update_needs_edit_right(self):
        rid, rauth, _ = self.reseller(customers_mgmt=5)  # add and delete, no edit
        cid = create(self.url, base(), auth=rauth).value()["i_customer"]
        code, text = self.fault(rauth, "updateCustomer", {"i_customer": cid, "description": "x"})
        self.assertEqual((code, text), (1030, "customer %d may not edit customers (customers_mgmt lacks edit)" % rid))

    def test_update_hierarchy_rules(self):
        rid, rauth, _ = self.reseller(customers_mgmt=7, max_depth=3, accounts_mgmt=1)
        name_taken = create(self.url, base(), auth=rauth).value()["i_customer"]
        taken = self.info(rauth, name_taken)["name"]
        login_taken = unique("login")
        create(self.url, base(web_login=login_taken), auth=rauth).value()
        cid, cauth, _ = self.login_customer(rauth, customers_mgmt=3, max_depth=2, api_mgmt=0)
        upd = lambda **kw: self.fault(rauth, "updateCustomer", dict(i_customer=cid, **kw))
        self.assertEqual(upd(name=taken)[0], 1010)
        self.assertEqual(upd(web_login=login_taken, api_password="x")[0], 1011)
        self.assertEqual(upd(i_tariff=77), (1020, "i_tariff: tariff 77 does not exist"))
        self.assertEqual(upd(accounts_mgmt=3), (1032, "accounts_mgmt: rights 3 exceed the parent's 1"))
        self.assertEqual(upd(max_depth=3)[0], 1031)
        # Its own sub-customers must still fit below the new values.
        gid = create(self.url, base(customers_mgmt=3, max_depth=1), auth=cauth).value()["i_customer"]
        self.assertEqual(upd(customers_mgmt=1)[0], 1032)
        self.assertEqual(upd(max_depth=1)[0], 1031)
        self.ok(rauth, "updateCustomer", {"i_customer": gid, "customers_mgmt": 1, "max_depth": 0})
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "customers_mgmt": 1, "max_depth": 1})
        # API access only from a parent with api_mgmt: cid (api_mgmt 0) cannot grant it.
        self.assertEqual(self.fault(cauth, "updateCustomer", {"i_customer": gid, "api_access": 1})[0], 1030)
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "customers_mgmt": 3})
        code, text = self.fault(cauth, "updateCustomer", {"i_customer": gid, "api_access": 1})
        self.assertEqual((code, text), (1032, "api_access: customer %d may not grant API access (its api_mgmt is 0)" % cid))
        nid, nauth, _ = self.reseller(api_mgmt=0, customers_mgmt=3)
        ncid = create(self.url, base(), auth=nauth).value()["i_customer"]
        self.assertEqual(self.fault(nauth, "updateCustomer", {"i_customer": ncid, "api_mgmt": 1})[0], 1032)
        # Taking api_mgmt away while a sub-customer has API access is refused.
        sid, sauth, _ = self.login_customer(rauth, customers_mgmt=1, api_mgmt=1, max_depth=1)
        self.login_customer(sauth)
        self.assertEqual(self.fault(rauth, "updateCustomer", {"i_customer": sid, "api_mgmt": 0})[0], 1032)
        # Nothing of a refused update was written.
        self.assertEqual(self.info(rauth, cid)["customers_mgmt"], 3)

    def test_update_credentials(self):
        rid, rauth, _ = self.reseller()
        cid, cauth, login = self.login_customer(rauth)
        self.assertTrue(self.can_log_in(cauth))
        # A new api_password: the old one stops working, the new one logs in.
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "api_password": "second-pw"})
        self.assertFalse(self.can_log_in(cauth))
        self.assertTrue(self.can_log_in(Digest(login, "second-pw")))
        # A new web_login alone cannot re-hash the stored password: a clear fault.
        new_login = unique("login")
        code, text = self.fault(rauth, "updateCustomer", {"i_customer": cid, "web_login": new_login})
        self.assertEqual(code, 1001)
        self.assertTrue(text.startswith("api_password: required with a new web_login"), text)
        self.assertTrue(self.can_log_in(Digest(login, "second-pw")))
        # Both together: only the new pair logs in.
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "web_login": new_login, "api_password": "third-pw"})
        self.assertFalse(self.can_log_in(Digest(login, "second-pw")))
        self.assertFalse(self.can_log_in(Digest(new_login, "second-pw")))
        self.assertTrue(self.can_log_in(Digest(new_login, "third-pw")))
        # The same login again needs no password; a customer without an API password may
        # change its login freely, and web_password is only ever stored hashed.
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "web_login": new_login, "web_password": "w2"})
        plain = create(self.url, base(), auth=rauth).value()["i_customer"]
        self.ok(rauth, "updateCustomer", {"i_customer": plain, "web_login": unique("login")})
        # API access switched off: the login stops working.
        self.ok(rauth, "updateCustomer", {"i_customer": cid, "api_access": 0})
        self.assertFalse(self.can_log_in(Digest(new_login, "third-pw")))

    def test_trusted_mode(self):
        rid, rauth, _ = self.reseller()
        cid = create(self.url, base(payment_currency="USD"), auth=rauth).value()["i_customer"]
        src = "127.0.0.2"
        r = call(self.url, None, "updateCustomer", {"i_customer": cid, "description": "t", "i_wholesaler": rid}, src)
        self.assertEqual(r.value()["result"], "OK")
        self.assertEqual(call(self.url, None, "updateCustomer", {"i_customer": cid, "description": "t"}, src).fault()[0], 1001)
        self.assertEqual(call(self.url, None, "deleteCustomer", {"i_customer": cid, "i_wholesaler": 987654}, src).fault()[0], 1033)
        for method, arg in (("listCustomers", {}), ("blockCustomer", {"i_customer": cid}),
                            ("unblockCustomer", {"i_customer": cid}),
                            ("customerCredit", {"i_customer": cid, "amount": 1.0, "currency": "USD"})):
            arg = dict(arg, i_wholesaler=rid)
            self.assertEqual(call(self.url, None, method, arg, src).value()["result"], "OK", method)
            self.assertEqual(self.fault(rauth, method, arg)[0], 1030, method)
        listed = call(self.url, None, "listCustomers", {"i_wholesaler": rid}, src).value()["customers"]
        self.assertEqual([c["i_customer"] for c in listed], [cid])

    # --- listCustomers -----------------------------------------------------------------------
    def test_list_scope_order_shape(self):
        rid, rauth, _ = self.reseller()
        a, aauth, alogin = self.login_customer(rauth, customers_mgmt=1, max_depth=2, description="first",
                                               payment_currency="EUR", credit_limit=50, balance=20)
        b = create(self.url, base(), auth=rauth).value()["i_customer"]
        g = create(self.url, base(), auth=aauth).value()["i_customer"]
        self.reseller()  # someone else's customers are never listed
        got = self.ok(rauth, "listCustomers", {})["customers"]
        self.assertEqual([c["i_customer"] for c in got], sorted([a, b, g]))
        first = got[0]
        self.assertEqual(first, {"i_customer": a, "name": first["name"], "web_login": alogin, "description": "first",
                                 "balance": -20.0, "credit_limit": 50.0, "base_currency": "EUR"})
        self.assertEqual(set(got[1]), {"i_customer", "name", "balance"})  # unset members are left out
        self.assertEqual(got[1]["balance"], 0.0)
        self.assertEqual([c["i_customer"] for c in self.ok(aauth, "listCustomers", {})["customers"]], [g])
        # The root sees everyone but itself.
        everyone = [c["i_customer"] for c in self.ok(self.root, "listCustomers", {"limit": 1000})["customers"]]
        self.assertNotIn(1, everyone)
        self.assertTrue({a, b, g, rid} <= set(everyone))

    def test_list_paging_and_pattern(self):
        rid, rauth, _ = self.reseller()
        tag = unique("page")
        ids = [create(self.url, base(name="%s-%02d" % (tag, i)), auth=rauth).value()["i_customer"] for i in range(7)]
        odd = create(self.url, base(name="100%_sure " + tag), auth=rauth).value()["i_customer"]
        pages, offset = [], 0
        while True:
            page = self.ok(rauth, "listCustomers", {"offset": offset, "limit": 3})["customers"]
            if not page:
                break
            self.assertLessEqual(len(page), 3)
            pages += [c["i_customer"] for c in page]
            offset += len(page)
        self.assertEqual(pages, ids + [odd])
        self.assertEqual(self.ok(rauth, "listCustomers", {"offset": 100})["customers"], [])
        like = lambda p: [c["i_customer"] for c in self.ok(rauth, "listCustomers", {"name_pattern": p})["customers"]]
        self.assertEqual(like(tag + "-%"), ids)
        self.assertEqual(like(tag.upper() + "-0_"), ids)  # ASCII letters match either case
        self.assertEqual(like("100\\%\\_sure%"), [odd])   # '\' makes % and _ literal
        self.assertEqual(like("100\\%x%"), [])
        self.assertEqual(like("nothing-like-this"), [])
        self.assertEqual(len(self.ok(rauth, "listCustomers", {"limit": 1000})["customers"]), 8)

    def test_list_faults(self):
        for arg, code in (({"limit": 0}, 1003), ({"limit": 1001}, 1003), ({"offset": -1}, 1003),
                          ({"limit": "5"}, 1002), ({"offset": None}, 1002), ({"name_pattern": 5}, 1002),
                          ({"name_pattern": "x" * 257}, 1003), ({"page": 1}, 1004), ({"i_wholesaler": 1}, 1030)):
            self.assertEqual(self.fault(self.root, "listCustomers", arg)[0], code, arg)

    # --- deleteCustomer ----------------------------------------------------------------------
    def test_delete(self):
        rid, rauth, _ = self.reseller()
        cid, cauth, _ = self.login_customer(rauth, customers_mgmt=1, max_depth=1)
        gid = create(self.url, base(), auth=cauth).value()["i_customer"]
        code, text = self.fault(rauth, "deleteCustomer", {"i_customer": cid})
        self.assertEqual((code, text), (1034, "i_customer: customer %d has sub-customers; delete them first" % cid))
        self.assertEqual(self.fault(cauth, "deleteCustomer", {"i_customer": gid})[0], 1030)  # no delete right
        self.assertEqual(self.fault(rauth, "deleteCustomer", {"i_customer": rid})[0], 1040)  # itself
        self.assertEqual(self.fault(rauth, "deleteCustomer", {"i_customer": 1})[0], 1040)
        self.assertEqual(self.fault(rauth, "deleteCustomer", {})[0], 1001)
        self.assertEqual(self.fault(rauth, "deleteCustomer", {"i_customer": gid, "force": 1})[0], 1004)
        self.ok(rauth, "deleteCustomer", {"i_customer": gid})
        self.assertEqual(self.fault(rauth, "getCustomerInfo", {"i_customer": gid})[0], 1040)
        self.assertEqual(self.fault(rauth, "deleteCustomer", {"i_customer": gid})[0], 1040)
        self.ok(rauth, "deleteCustomer", {"i_customer": cid})
        self.assertFalse(self.can_log_in(cauth))
        # Ids are never reused after a deletion.
        self.assertGreater(create(self.url, base(), auth=rauth).value()["i_customer"], gid)

    # --- blockCustomer / unblockCustomer -------------------------------------------------------
    def test_block_and_unblock(self):
        rid, rauth, _ = self.reseller()
        cid, cauth, _ = self.login_customer(rauth, customers_mgmt=1, api_mgmt=1, max_depth=2)
        gid, gauth, _ = self.login_customer(cauth)
        self.assertTrue(self.can_log_in(cauth) and self.can_log_in(gauth))
        self.ok(rauth, "blockCustomer", {"i_customer": cid})
        self.assertTrue(self.info(rauth, cid)["blocked"])
        self.assertFalse(self.info(rauth, gid)["blocked"])  # blocked shows the customer's own flag
        self.assertFalse(self.can_log_in(cauth))
        self.assertFalse(self.can_log_in(gauth))  # under a blocked ancestor
        # A client holding a nonce from before gets the plain challenge too.
        r = call(self.url, cauth, "listCustomers", {})
        self.assertEqual(r.status, 401)
        self.ok(rauth, "blockCustomer", {"i_customer": cid})  # blocking twice is fine
        self.ok(rauth, "unblockCustomer", {"i_customer": cid})
        self.assertFalse(self.info(rauth, cid)["blocked"])
        self.assertTrue(self.can_log_in(cauth) and self.can_log_in(gauth))
        self.assertEqual(self.fault(cauth, "blockCustomer", {"i_customer": gid})[0], 1030)  # add only
        self.assertEqual(self.fault(gauth, "blockCustomer", {"i_customer": cid})[0], 1030)
        self.assertEqual(self.fault(rauth, "blockCustomer", {"i_customer": rid})[0], 1040)
        self.assertEqual(self.fault(rauth, "unblockCustomer", {"i_customer": "x"})[0], 1002)

    def test_block_basic_auth(self):
        with Server("--auth", "basic", config=CONFIG, root_password=ROOT_PW) as srv:
            root = Digest("ssp-root", ROOT_PW)
            login, pw = unique("login"), "pw-basic"
            cid = create(srv.url, base(web_login=login, api_password=pw, api_access=1), auth=root).value()["i_customer"]
            tok = {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (login, pw)).encode()).decode()}
            body = call_body("listCustomers", {})
            self.assertEqual(post(srv.url, body, tok).status, 200)
            root.post(srv.url, call_body("blockCustomer", {"i_customer": cid})).value()
            self.assertEqual(post(srv.url, body, tok).status, 401)
            root.post(srv.url, call_body("unblockCustomer", {"i_customer": cid})).value()
            self.assertEqual(post(srv.url, body, tok).status, 200)

    # --- funds ---------------------------------------------------------------------------------
    def test_funds(self):
        rid, rauth, _ = self.reseller()
        cid = create(self.url, base(payment_currency="USD", balance=10), auth=rauth).value()["i_customer"]
        real = lambda: -self.info(rauth, cid)["balance"]  # getCustomerInfo inverts the sign
        self.ok(rauth, "customerAddFunds", {"i_customer": cid, "amount": 5.25, "currency": "USD"})
        self.assertEqual(real(), 15.25)
        self.ok(rauth, "customerCredit", {"i_customer": cid, "amount": 2, "currency": "USD",
                                          "payment_notes": "refund", "payment_time": xmlrpc.client.DateTime("20260102T03:04:05")})
        self.assertEqual(real(), 17.25)
        self.ok(rauth, "customerDebit", {"i_customer": cid, "amount": 20.25, "currency": "USD"})
        self.assertEqual(real(), -3.0)
        nocur = create(self.url, base(), auth=rauth).value()["i_customer"]
        pay = lambda **kw: self.fault(rauth, "customerAddFunds", dict(dict(i_customer=cid, amount=1.0, currency="USD"), **kw))
        self.assertEqual(pay(currency="EUR"), (1035, "currency: EUR is not the payment_currency of customer %d (USD)" % cid))
        code, text = pay(i_customer=nocur)
        self.assertEqual(code, 1035)
        self.assertIn("has no payment_currency", text)
        self.assertEqual(pay(amount=0)[0], 1003)
        self.assertEqual(pay(amount=-1.5)[0], 1003)
        self.assertEqual(pay(amount=2e15)[0], 1003)
        self.assertEqual(pay(amount="1")[0], 1002)
        self.assertEqual(pay(currency="usd")[0], 1003)
        self.assertEqual(pay(currency=840)[0], 1002)
        self.assertEqual(pay(payment_time="2026-01-01")[0], 1002)
        self.assertEqual(pay(payment_notes="n" * 1025)[0], 1003)
        self.assertEqual(pay(tip=1)[0], 1004)
        self.assertEqual(self.fault(rauth, "customerDebit", {"i_customer": cid, "currency": "USD"})[0], 1001)
        self.assertEqual(pay(i_customer=rid)[0], 1040)
        self.assertEqual(real(), -3.0)  # nothing refused was applied
        # The balance stays in its range.
        self.ok(rauth, "customerAddFunds", {"i_customer": cid, "amount": 1e15, "currency": "USD"})
        self.assertEqual(pay(amount=10.0)[0], 1003)
        # The edit right is needed.
        nid, nauth, _ = self.reseller(customers_mgmt=1)
        ncid = create(self.url, base(payment_currency="USD"), auth=nauth).value()["i_customer"]
        for method in ("customerAddFunds", "customerCredit", "customerDebit"):
            self.assertEqual(self.fault(nauth, method, {"i_customer": ncid, "amount": 1.0, "currency": "USD"})[0], 1030)

    # --- concurrency ----------------------------------------------------------------------------
    def test_concurrent_updates_and_creates(self):
        rid, rauth, rlogin = self.reseller()
        pw = rauth.password
        cid = create(self.url, base(payment_currency="EUR"), auth=rauth).value()["i_customer"]
        threads, rounds = 4, 15
        errors, created = [], []
        go = threading.Barrier(threads)

        def worker(k):
            auth = Digest(rlogin, pw)
            go.wait()
            for i in range(rounds):
                try:
                    r = create(self.url, base(name="conc-%d-%d-%s" % (k, i, unique())), auth=auth).value()
                    created.append(r["i_customer"])
                    call(self.url, auth, "customerAddFunds", {"i_customer": cid, "amount": 1.0, "currency": "EUR"}).value()
                    call(self.url, auth, "updateCustomer", {"i_customer": cid, "description": "k%d i%d" % (k, i)}).value()
                    call(self.url, auth, "updateCustomer", {"i_customer": r["i_customer"], "credit_limit": float(i)}).value()
                except Exception as e:  # noqa: BLE001 — collected and reported below
                    errors.append(repr(e))

        ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(300)
        self.assertEqual(errors, [])
        got = self.info(rauth, cid)
        self.assertEqual(got["balance"], -float(threads * rounds))  # no lost update
        self.assertRegex(got["description"], r"^k\d i\d+$")
        listed = [c["i_customer"] for c in self.ok(rauth, "listCustomers", {"limit": 1000})["customers"]]
        self.assertEqual(len(created), threads * rounds)
        self.assertTrue(set(created) <= set(listed))
        self.assertEqual(listed, sorted(listed))

    # --- introspection --------------------------------------------------------------------------
    def test_introspection(self):
        proxy_body = xmlrpc.client.dumps((), "system.listMethods").encode()
        names = self.root.post(self.url, proxy_body).value()
        for m in NEW_METHODS:
            self.assertIn(m, names)
            sig = self.root.post(self.url, xmlrpc.client.dumps((m,), "system.methodSignature").encode()).value()
            self.assertEqual(sig, [["struct", "struct"]])
            text = self.root.post(self.url, xmlrpc.client.dumps((m,), "system.methodHelp").encode()).value()
            self.assertIn("{result: \"OK\"", text)


if __name__ == "__main__":
    main()
