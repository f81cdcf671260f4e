"""test_auth.py — identity as real switches do it: HTTP Digest (MD5 and SHA-256, nonces that
cannot be replayed), optional Basic, trusted hosts, the open local mode, and the hierarchy
rules that follow from who is calling."""
import os
import shutil
import subprocess
import unittest

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



def reseller(srv, auth, **kw):
    """Creates a customer that can log in to the API (and grant it further); returns
    (i_customer, Digest for it)."""
    login, pw = unique("login"), "api-" + unique("pw")
    f = base(web_login=login, api_access=1, api_mgmt=1, api_password=pw)
    f.update(kw)
    r = create(srv.url, f, auth=auth).value()
    return r["i_customer"], Digest(login, pw)


class ConfiguredServer(unittest.TestCase):
    """One server with a root password and a trusted host for the whole class."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(config=CONFIG, root_password=ROOT_PW).start()
        cls.root = Digest("ssp-root", ROOT_PW)

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0


class DigestAuth(ConfiguredServer):
    def test_no_credentials_gets_challenge(self):
        r = create(self.srv.url, base())
        self.assertEqual(r.status, 401)
        ch = Digest.parse_challenge(r.challenges()[0])
        self.assertEqual(ch["realm"], "custrpc")
        self.assertIn("auth", ch["qop"])
        self.assertEqual(ch.get("algorithm", "MD5").upper(), "MD5")

    def test_root_creates(self):
        r = create(self.srv.url, base(), auth=self.root).value()
        self.assertEqual(r["result"], "OK")
        self.assertIsInstance(r["i_customer"], int)

    def test_wrong_password_is_401_before_xmlrpc(self):
        r = Digest("ssp-root", "wrong").post(self.srv.url, b"not even xml")
        self.assertEqual(r.status, 401)
        self.assertEqual(Digest("nobody", "x").post(self.srv.url, call_body("createCustomer", base())).status, 401)

    def test_nonce_replay_refused(self):
        d = Digest("ssp-root", ROOT_PW)
        self.assertEqual(d.post(self.srv.url, call_body("createCustomer", base())).status, 200)
        d.nc -= 1  # send the same nonce count again, as a replaying attacker would
        r = d.post(self.srv.url, call_body("createCustomer", base()), retry_stale=False)
        self.assertEqual(r.status, 401)
        self.assertIn(b"authentication required", r.body)

    def test_customer_without_api_access_cannot_log_in(self):
        login = unique("login")
        create(self.srv.url, base(web_login=login, api_password="pw2", api_access=0), auth=self.root).value()
        self.assertEqual(Digest(login, "pw2").post(self.srv.url, call_body("createCustomer", base())).status, 401)

    def test_basic_refused_by_default(self):
        import base64
        tok = base64.b64encode(("ssp-root:" + ROOT_PW).encode()).decode()
        r = post(self.srv.url, call_body("createCustomer", base()), {"Authorization": "Basic " + tok})
        self.assertEqual(r.status, 401)

    def test_hierarchy(self):
        url = self.srv.url
        parent, pauth = reseller(self.srv, self.root, customers_mgmt=3, accounts_mgmt=1, max_depth=2)
        # The child belongs to the caller and gets its tariff when i_tariff is nil.
        child = create(url, base(i_tariff=None), auth=pauth).value()["i_customer"]
        info = pauth.post(url, call_body("getCustomerInfo", {"i_customer": child})).value()["customer"]
        self.assertEqual(info["i_parent"], parent)
        self.assertEqual(info["i_tariff"], 1)
        self.assertEqual(info["max_depth"], 1)  # the parent's 2 minus one
        # Rights may not exceed the parent's.
        code, text = create(url, base(customers_mgmt=7), auth=pauth).fault()
        self.assertEqual((code, text), (1032, "customers_mgmt: rights 7 exceed the parent's 3"))
        self.assertEqual(create(url, base(vouchers_mgmt=1), auth=pauth).fault()[0], 1032)
        # max_depth must be less than the parent's.
        self.assertEqual(create(url, base(max_depth=2), auth=pauth).fault()[0], 1031)
        # A grandchild at the depth limit cannot have children.
        gp, gauth = reseller(self.srv, pauth, customers_mgmt=1, max_depth=0)
        self.assertEqual(create(url, base(), auth=gauth).fault()[0], 1031)
        # Without the add right no customer may be created.
        _, noadd = reseller(self.srv, pauth, customers_mgmt=2)
        self.assertEqual(create(url, base(), auth=noadd).fault()[0], 1030)
        # API access is the parent's to give: a reseller whose api_mgmt is 0 cannot.
        noapi_id, noapi = reseller(self.srv, pauth, customers_mgmt=1, api_mgmt=0)
        code, text = create(url, base(api_access=1), auth=noapi).fault()
        self.assertEqual((code, text), (1032, "api_access: customer %d may not grant API access (its api_mgmt is 0)" % noapi_id))
        self.assertEqual(create(url, base(api_mgmt=1), auth=noapi).fault()[0], 1032)
        self.assertEqual(create(url, base(api_access=0), auth=noapi).value()["result"], "OK")
        # Callers see their own subtree only.
        self.assertEqual(pauth.post(url, call_body("getCustomerInfo", {"i_customer": 1})).fault()[0], 1040)
        self.assertEqual(gauth.post(url, call_body("getCustomerInfo", {"i_customer": parent})).fault()[0], 1040)
        self.assertEqual(pauth.post(url, call_body("getCustomerInfo", {"i_customer": gp})).value()["result"], "OK")

    def test_tariffs(self):
        url = self.srv.url
        # Tariff 2 is the root's, so it is available in the whole tree.
        self.assertEqual(create(url, base(i_tariff=2), auth=self.root).value()["result"], "OK")
        self.assertEqual(create(url, base(i_tariff=3), auth=self.root).fault()[0], 1020)
        _, pauth = reseller(self.srv, self.root, customers_mgmt=1, i_tariff=2)
        child = create(url, base(i_tariff=None), auth=pauth).value()["i_customer"]
        info = pauth.post(url, call_body("getCustomerInfo", {"i_customer": child})).value()["customer"]
        self.assertEqual(info["i_tariff"], 2)

    def test_passwords_never_returned_or_logged(self):
        login, pw = unique("login"), "very-" + unique("secret")
        r = create(self.srv.url, base(web_login=login, api_access=1, api_password=pw, web_password=pw + "w"),
                   auth=self.root).value()
        info = self.root.post(self.srv.url, call_body("getCustomerInfo", {"i_customer": r["i_customer"]})).value()
        self.assertNotIn("api_password", info["customer"])
        self.assertNotIn("web_password", info["customer"])
        log = self.srv.log_showing("login=ssp-root method=getCustomerInfo")
        self.assertNotIn(pw, log)
        self.assertIn("login=ssp-root", log)

    def test_balance_sign_inverted(self):
        r = create(self.srv.url, base(balance=12.5), auth=self.root).value()
        info = self.root.post(self.srv.url, call_body("getCustomerInfo", {"i_customer": r["i_customer"]})).value()
        self.assertEqual(info["customer"]["balance"], -12.5)


class TrustedMode(ConfiguredServer):
    def test_trusted_host_without_credentials(self):
        url = self.srv.url
        parent = create(url, base(customers_mgmt=1), auth=self.root).value()["i_customer"]
        r = create(url, base(i_wholesaler=parent), source="127.0.0.2").value()
        info = self.root.post(url, call_body("getCustomerInfo", {"i_customer": r["i_customer"]})).value()
        self.assertEqual(info["customer"]["i_parent"], parent)
        self.assertNotIn("i_wholesaler", info["customer"])
        self.assertEqual(create(url, base(), source="127.0.0.2").fault()[0], 1001)
        self.assertEqual(create(url, base(i_wholesaler=987654), source="127.0.0.2").fault()[0], 1033)
        got = post(url, call_body("getCustomerInfo", {"i_customer": r["i_customer"], "i_wholesaler": parent}),
                   source="127.0.0.2").value()
        self.assertEqual(got["customer"]["i_customer"], r["i_customer"])

    def test_other_hosts_are_not_trusted(self):
        self.assertEqual(create(self.srv.url, base(i_wholesaler=1), source="127.0.0.3").status, 401)

    def test_credentials_on_trusted_host_are_checked(self):
        r = Digest("ssp-root", ROOT_PW).post(self.srv.url, call_body("createCustomer", base(i_wholesaler=1)),
                                             source="127.0.0.2")
        # The first, credential-less request of a Digest client is already trusted mode.
        self.assertEqual(r.value()["result"], "OK")


class OtherModes(unittest.TestCase):
    def test_open_local_mode(self):
        with Server() as srv:
            self.assertEqual(create(srv.url, base()).value()["result"], "OK")
        r = subprocess.run([os.environ.get("CUSTRPC_SERVER", "server/custrpc-server"), "--listen", "0.0.0.0:0"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 78)
        self.assertIn("refusing to listen on 0.0.0.0", r.stderr)

    def test_sha256_and_basic(self):
        with Server("--digest-algorithm", "SHA-256", "--auth", "basic", config=CONFIG, root_password=ROOT_PW) as srv:
            d = Digest("ssp-root", ROOT_PW)
            self.assertEqual(d.post(srv.url, call_body("createCustomer", base())).value()["result"], "OK")
            self.assertEqual(d.challenge["algorithm"].upper(), "SHA-256")
            import base64
            tok = base64.b64encode(("ssp-root:" + ROOT_PW).encode()).decode()
            r = post(srv.url, call_body("createCustomer", base()), {"Authorization": "Basic " + tok})
            self.assertEqual(r.value()["result"], "OK")
            bad = base64.b64encode(b"ssp-root:nope").decode()
            self.assertEqual(post(srv.url, call_body("createCustomer", base()), {"Authorization": "Basic " + bad}).status, 401)
            if shutil.which("curl"):  # an independent Digest SHA-256 client
                out = subprocess.run(["curl", "-s", "--digest", "-u", "ssp-root:" + ROOT_PW, "-H", "Content-Type: text/xml",
                                      "--data-binary", call_body("createCustomer", base()).decode(), srv.url],
                                     capture_output=True, text=True, timeout=60).stdout
                self.assertIn("<name>i_customer</name>", out)


if __name__ == "__main__":
    main()
