"""faulty_proxy.py — a deliberately faulty createCustomer server for the conformance tests: a
proxy in front of custrpc-server that breaks exactly one thing of the contract, chosen by name.
The conformance suite must report each of them as a failure."""
import http.client
import re
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KNOWN = None  # member names of createCustomer, filled from the spec file


def _known(spec_path):
    names = {"i_wholesaler", "i_customer", "methodName", "params"}
    with open(spec_path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                names.add(line.split()[0])
    return names


def strip_unknown(body):
    """Removes members the API does not have, so the server never sees them."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return body
    for struct in root.iter("struct"):
        for m in list(struct.findall("member")):
            if m.findtext("name") not in KNOWN:
                struct.remove(m)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


SUCCESS = (b'<?xml version="1.0"?><methodResponse><params><param><value><struct>'
           b'<member><name>result</name><value><string>OK</string></value></member>'
           b'<member><name>i_customer</name><value><int>99999</int></value></member>'
           b'</struct></value></param></params></methodResponse>')

BUGS = {
    # the API says result is "OK"
    "lowercase-ok": lambda req, resp: resp.replace(b"<string>OK</string>", b"<string>ok</string>"),
    # an unknown member must be refused, not dropped
    "accept-unknown": None,
    # every create answers the same i_customer
    "duplicate-id": lambda req, resp: re.sub(rb"(<name>i_customer</name>\s*<value><i4>)\d+(</i4>)", rb"\g<1>42\2", resp)
    if b"<methodName>createCustomer</methodName>" in req else resp,
    # faults come back as an HTML error page with status 200
    "html-200": lambda req, resp: b"<html><body><h1>Error</h1>Something went wrong</body></html>"
    if b"<fault>" in resp else resp,
    # the fault code is a string
    "fault-code-string": lambda req, resp: re.sub(rb"(<name>faultCode</name>\s*<value>)<i4>(-?\d+)</i4>",
                                                  rb"\1<string>\2</string>", resp),
    # duplicate names are accepted
    "no-uniqueness": lambda req, resp: SUCCESS if re.search(rb"<i4>1010</i4>", resp) else resp,
    # i_customer comes back as a string
    "id-as-string": lambda req, resp: re.sub(rb"(<name>i_customer</name>\s*<value>)<i4>(\d+)</i4>",
                                             rb"\1<string>\2</string>", resp),
    # the create answer carries more than {result, i_customer}
    "extra-member": lambda req, resp: resp.replace(
        b"<member><name>result</name>", b"<member><name>status</name><value><string>created</string></value>"
        b"</member><member><name>result</name>", 1) if b"<methodName>createCustomer</methodName>" in req else resp,
    # read-back turns booleans into ints
    "bool-as-int": lambda req, resp: re.sub(rb"<boolean>([01])</boolean>", rb"<i4>\1</i4>", resp)
    if b"<methodName>getCustomerInfo</methodName>" in req else resp,
    # hierarchy rules not enforced: depth and rights faults become successes
    "ignores-hierarchy": lambda req, resp: SUCCESS if re.search(rb"<i4>103[12]</i4>", resp) else resp,
    # faults come back with HTTP status 500
    "http-500-faults": None,
    # every answer is labelled text/html
    "content-type-html": None,
}


class FaultyProxy:
    def __init__(self, upstream_url, bug, spec_path):
        global KNOWN
        KNOWN = _known(spec_path)
        m = re.match(r"http://([^:/]+):(\d+)", upstream_url)
        host, port = m.group(1), int(m.group(2))
        change = BUGS[bug]

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                # createCustomer's unknown members dropped (other methods' members are theirs)
                sent = strip_unknown(body) if bug == "accept-unknown" and b"<methodName>createCustomer<" in body else body
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "authorization")}
                conn = http.client.HTTPConnection(host, port, timeout=120)
                try:
                    conn.request("POST", self.path, body=sent, headers=headers)
                    r = conn.getresponse()
                    resp = r.read()
                except OSError:
                    # The server answered (a too-large body) and closed before reading it all.
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    conn.close()
                    return
                if change and r.status == 200:
                    resp = change(body, resp)
                status = r.status
                if bug == "http-500-faults" and b"<fault>" in resp:
                    status = 500  # faults as HTTP errors, which XML-RPC clients cannot read
                self.send_response(status)
                for k, v in r.getheaders():
                    if k.lower() == "content-type" and bug == "content-type-html":
                        self.send_header(k, "text/html")
                    elif k.lower() in ("content-type", "www-authenticate"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp)))
                self.end_headers()
                self.wfile.write(resp)
                conn.close()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/RPC2" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
