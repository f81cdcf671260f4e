"""test_partner_interop.py — the partner API (/jsonapi) driven by clients we did not write: the
curl command line and PHP's curl extension with json_encode/json_decode, as the vendor's users
call it. Each logs in, adds a partner in the vendor's sample form (Country directly in
partnerInfo, no createDefaultAccount), reads it back, and follows the newest visa every time.
PHP tests are skipped, saying why, when php or its curl extension is missing."""
import json
import shutil
import subprocess
import unittest

from harness import Server, main, unique

TIMEOUT = 120  # seconds per client run; generous for a loaded machine under sanitizers


def curl(url, body):
    """The answer of one POST by the curl command, as curl users write it."""
    r = subprocess.run(["curl", "-sS", "--fail-with-body", "--max-time", "60",
                        "-H", "Content-Type: application/json", "--data-binary", "@-", url],
                       input=body, capture_output=True, timeout=TIMEOUT)
    assert r.returncode == 0, (r.returncode, r.stderr, r.stdout[:300])
    return json.loads(r.stdout)


def curl_status(url, body):
    """HTTP status and body of a POST, through curl's --write-out."""
    r = subprocess.run(["curl", "-sS", "--max-time", "60", "-o", "-", "-w", "\n%{http_code}",
                        "-H", "Content-Type: application/json", "--data-binary", "@-", url],
                       input=body, capture_output=True, timeout=TIMEOUT)
    assert r.returncode == 0, (r.returncode, r.stderr)
    text, _, status = r.stdout.rpartition(b"\n")
    return int(status), text


def vendor_add_partner(visa, parent, name, country="Greece"):
    """The vendor reference page's AddPartner sample, with our parent, name and visa."""
    return {
        "id": "jsonrpc",
        "visa": visa,
        "method": "AddPartner",
        "jsonrpc": "2.0",
        "params": {
            "partnerInfo": {
                "ParentId": parent,
                "Name": name,
                "Level": "EndCustomer",
                "ServiceType": "AllInclusive",
                "ChildServiceTypes": ["AllInclusive"],
                "Country": country,
            }
        },
    }


class Curl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("curl"):
            raise unittest.SkipTest("the curl command is not installed")

    def test_login_add_get_following_the_visa(self):
        with Server() as srv:
            url = "http://127.0.0.1:%d/jsonapi" % srv.port
            a = curl(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "Login", "params": {
                "partner": "root", "username": "root", "password": "any"}}).encode())
            user = a["result"]["result"]
            self.assertEqual((user["Name"], user["Flags"], user["Password"]),
                             ("root", ["AllowApiAuthentication"], None))
            visas = [a["visa"]]
            # A reseller, then the vendor's sample below it, each with the newest visa.
            reseller = unique("Reseller")
            a = curl(url, json.dumps({"jsonrpc": "2.0", "id": 2, "visa": visas[-1],
                                      "method": "AddPartner", "params": {"partnerInfo": {
                                          "Name": reseller, "Level": "Reseller",
                                          "ParentId": user["PartnerId"]}}}).encode())
            visas.append(a["visa"])
            reseller_id = a["result"]["result"]
            name = "Zeus & Sons " + unique("")
            a = curl(url, json.dumps(vendor_add_partner(visas[-1], reseller_id, name)).encode())
            self.assertEqual(a["id"], "jsonrpc")
            new_id = a["result"]["result"]
            self.assertIsInstance(new_id, int)
            visas.append(a["visa"])
            a = curl(url, json.dumps({"jsonrpc": "2.0", "id": "get", "visa": visas[-1],
                                      "method": "GetPartnerInfo", "params": {"name": name}}).encode())
            p = a["result"]["result"]
            visas.append(a["visa"])
            self.assertEqual((p["Id"], p["ParentId"], p["Name"], p["Level"], p["ServiceType"],
                              p["ChildServiceTypes"], p["Company"]["PostAddress"]["Country"]),
                             (new_id, reseller_id, name, "EndCustomer", "AllInclusive",
                              ["AllInclusive"], "Greece"))
            self.assertNotIn("Country", p)  # read on input, never answered
            self.assertIsInstance(p["LocationId"], int)
            self.assertEqual(len(set(visas)), len(visas))

    def test_large_body_with_expect_continue(self):
        # curl sends "Expect: 100-continue" before a large body (older curl from 1 KiB, newer
        # from 1 MiB); sent explicitly here so every version takes that path.
        with Server() as srv:
            url = "http://127.0.0.1:%d/jsonapi" % srv.port
            a = curl(url, b'{"jsonrpc":"2.0","id":1,"method":"Login","params":{"partner":"root",'
                          b'"username":"root","password":"x"}}')
            body = vendor_add_partner(a["visa"], a["result"]["result"]["PartnerId"], unique("big"))
            body["params"]["partnerInfo"]["Level"] = "Distributor"
            body["params"]["partnerInfo"]["Company"] = {"PostAddress": {"Address": "a" * 200},
                                                         "LegalCompanyName": "b" * 200}
            text = json.dumps(body, indent=4).encode()  # the samples' layout: white space
            r = subprocess.run(["curl", "-sS", "--max-time", "60", "-H", "Expect: 100-continue",
                                "-H", "Content-Type: application/json", "--data-binary", "@-", url],
                               input=text, capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            a = json.loads(r.stdout)
            self.assertIsInstance(a["result"]["result"], int, a)

    def test_errors_come_with_http_200(self):
        with Server() as srv:
            url = "http://127.0.0.1:%d/jsonapi" % srv.port
            status, text = curl_status(url, b'{"jsonrpc":"2.0","id":"jsonrpc","visa":"x",'
                                            b'"method":"GetPartnerInfo","params":{"name":"x"}}')
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(text)["error"],
                             {"code": -32603, "data": 1701,
                              "message": "Visa is inconsistent/corrupted."})
            # The vendor sample's leading zero (019283) is not JSON: -32700 with the position.
            status, text = curl_status(url, b'{"jsonrpc":"2.0","id":1,"method":"GetPartnerInfoById",'
                                            b'"params":{"partnerId":019283}}')
            self.assertEqual(status, 200)
            e = json.loads(text)["error"]
            self.assertEqual(e["code"], -32700)
            self.assertIn("column", e["message"])
            status, text = curl_status(url, b'{"jsonrpc":"2.0","method":"Login","params":{'
                                            b'"partner":"root","username":"root","password":"x"}}')
            self.assertEqual((status, text), (204, b""))


PHP_FLOW = r'''
$url = $argv[1];
$name = $argv[2];
function call($url, $body) {
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_POST, true);
    curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($body));
    curl_setopt($ch, CURLOPT_HTTPHEADER, array('Content-Type: application/json'));
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_TIMEOUT, 60);
    $text = curl_exec($ch);
    if ($text === false) {
        fwrite(STDERR, "curl: " . curl_error($ch) . "\n");
        exit(2);
    }
    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    if ($status != 200) {
        fwrite(STDERR, "HTTP $status: $text\n");
        exit(3);
    }
    return json_decode($text, true);
}
$out = array();
$login = call($url, array('jsonrpc' => '2.0', 'id' => 'jsonrpc', 'method' => 'Login',
    'params' => array('partner' => 'root', 'username' => 'root', 'password' => 'secret')));
$out['login'] = $login;
$visa = $login['visa'];
$root = $login['result']['result']['PartnerId'];
// The vendor's sample, as its PHP users send it: Country in partnerInfo, no
// createDefaultAccount; json_encode writes the non-ASCII name as \u escapes.
$add = call($url, array(
    'id' => 'jsonrpc', 'visa' => $visa, 'method' => 'AddPartner', 'jsonrpc' => '2.0',
    'params' => array('partnerInfo' => array(
        'ParentId' => $root, 'Name' => $name, 'Level' => 'Distributor',
        'ServiceType' => 'AllInclusive', 'ChildServiceTypes' => array('AllInclusive'),
        'Country' => 'GR'))));
$out['add'] = $add;
$visa = $add['visa'];
$get = call($url, array('jsonrpc' => '2.0', 'id' => 3, 'visa' => $visa,
    'method' => 'GetPartnerInfo', 'params' => array('name' => $name)));
$out['get'] = $get;
$visa = $get['visa'];
// PHP's empty array encodes as []; an object must be asked for, but [] is taken too.
$out['locations'] = call($url, array('jsonrpc' => '2.0', 'id' => 4, 'visa' => $visa,
    'method' => 'EnumerateLocations', 'params' => new stdClass()));
$visa = $out['locations']['visa'];
$out['empty_array'] = call($url, array('jsonrpc' => '2.0', 'id' => 5, 'visa' => $visa,
    'method' => 'EnumerateLocations', 'params' => array()));
echo json_encode($out);
'''


class Php(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("php"):
            raise unittest.SkipTest("php is not installed (CI installs php-cli and php-curl)")
        r = subprocess.run(["php", "-r", 'exit(function_exists("curl_init") ? 0 : 1);'],
                           capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0:
            raise unittest.SkipTest("PHP's curl extension is missing (Debian: php-curl)")

    def test_login_add_get_following_the_visa(self):
        name = "Ζεύς & Υιοί " + unique("")
        with Server() as srv:
            url = "http://127.0.0.1:%d/jsonapi" % srv.port
            r = subprocess.run(["php", "-r", PHP_FLOW, "--", url, name], capture_output=True,
                               timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
            out = json.loads(r.stdout)
        login, add, get = out["login"], out["add"], out["get"]
        self.assertEqual(login["id"], "jsonrpc")
        self.assertEqual(login["result"]["result"]["Name"], "root")
        self.assertIsInstance(add["result"]["result"], int, add)
        p = get["result"]["result"]
        self.assertEqual((p["Id"], p["Name"], p["Level"], p["Company"]["PostAddress"]["Country"]),
                         (add["result"]["result"], name, "Distributor", "GR"))
        self.assertEqual(len({login["visa"], add["visa"], get["visa"]}), 3)
        locations = out["locations"]["result"]["result"]
        self.assertTrue(any(loc["Id"] == p["LocationId"] for loc in locations))
        # params [] is how PHP writes "no parameters": read as {} (ours), answered with a new visa.
        e = out["empty_array"]
        self.assertEqual(e["result"]["result"], locations, e)
        self.assertNotIn(e["visa"], {login["visa"], add["visa"], get["visa"]})


if __name__ == "__main__":
    main()
