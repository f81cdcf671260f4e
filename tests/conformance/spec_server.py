"""spec_server.py — a second, independent createCustomer server written from the API's text
alone (tests/conformance/api-text.txt: the method's description and the vendor facts), with
nothing of this project's contract: its own fault codes, no length limits, no ranges, unknown
members ignored. custrpc-conform's api profile must pass it; the custrpc profile must not.

The member table is read from the API text itself: the type each line names, mandatory or not,
and whether nil has a meaning. Usage as a module: SpecServer(root=("login", "pw"),
trusted=["127.0.0.1"]); from the shell: spec_server.py [--root LOGIN:PASSWORD] [--trusted ADDR]."""
import argparse
import hashlib
import os
import re
import secrets
import sys
import threading
import xmlrpc.client
from base64 import b64decode
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
API_TEXT = os.path.join(HERE, "api-text.txt")
REALM = "spec-server"

# This server's own fault codes (the API publishes none).
F_REQUEST, F_PARAMS, F_MISSING, F_TYPE, F_DUPLICATE, F_TARIFF, F_NOT_FOUND, F_WHOLESALER, \
    F_VALUE, F_METHOD = range(1, 11)


def read_members(path=API_TEXT):
    """{name: (type, mandatory, nil_ok)} from the bullet lines of createCustomer's text."""
    members, mandatory = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("Mandatory parameters:"):
                mandatory = True
            elif line.startswith("Optional parameters:"):
                mandatory = False
            elif line.startswith("Returns:"):
                break
            m = re.match(r"\s*\u2022 (\w+)'? - (.*)", line)
            if m and mandatory is not None:
                t = re.search(r"\b(String|Integer|Double|Boolean)\.", m.group(2))
                nil_ok = "Null value" in m.group(2) or "nil field type" in m.group(2)
                members[m.group(1)] = (t.group(1), mandatory, nil_ok)
    return members


MEMBERS = read_members()
PYTYPE = {"String": str, "Integer": int, "Double": float, "Boolean": bool}


class Fault(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code, self.text = code, text


def check_type(name, value):
    kind, _, nil_ok = MEMBERS[name]
    if value is None:
        if nil_ok:
            return
        raise Fault(F_TYPE, "%s: nil is not a %s" % (name, kind))
    if type(value) is not PYTYPE[kind]:  # bool is an int to Python, not to XML-RPC
        raise Fault(F_TYPE, "%s must be %s" % (name, kind))


class Store:
    """Customers in memory; customer 1 is the root (the top of the tree), tariff 1 exists."""

    def __init__(self, root_login=None, root_password=None):
        self.lock = threading.Lock()
        self.tariffs = {1}
        self.customers = {1: {"i_customer": 1, "name": "root", "i_tariff": 1, "web_login": root_login,
                              "api_password": root_password, "api_access": 1, "api_mgmt": 1,
                              "i_parent": None}}
        self.next_id = 2

    def in_subtree(self, caller, i_customer):
        c = self.customers.get(i_customer)
        while c is not None:
            if c["i_customer"] == caller:
                return True
            c = self.customers.get(c["i_parent"])
        return False

    def login(self, web_login):
        """The customer who logs in with this web login and may use the API, or None."""
        for c in self.customers.values():
            if c.get("web_login") == web_login and c.get("api_access") == 1:
                parent = self.customers.get(c["i_parent"])
                # "for a sub-customer the parent must also allow API in its permissions"
                if parent is None or parent["i_customer"] == 1 or parent.get("api_mgmt") == 1:
                    return c
        return None


def only_struct(params):
    if len(params) != 1 or not isinstance(params[0], dict):
        raise Fault(F_PARAMS, "the method takes one struct")
    return params[0]


def create_customer(store, caller, trusted, params):
    args = dict(only_struct(params))
    if trusted:
        # "This function supports trusted mode in which case i_wholesaler ... should be supplied."
        w = args.pop("i_wholesaler", None)
        if type(w) is not int:
            raise Fault(F_WHOLESALER, "trusted mode: i_wholesaler (integer) is needed")
        if w not in store.customers:
            raise Fault(F_WHOLESALER, "trusted mode: no customer %d" % w)
        caller = w
    new = {}
    for name, (kind, mandatory, nil_ok) in MEMBERS.items():
        if mandatory and (name not in args or (args[name] is None and not nil_ok)):
            raise Fault(F_MISSING, "%s is mandatory" % name)
        if name in args and args[name] is not None:
            check_type(name, args[name])
            new[name] = args[name]
        # Members the text does not list, and nil where it gives nil no meaning, are not
        # given: the text says nothing of refusing them.
    if "i_lang" in new and not re.fullmatch(r"[a-z]{2}", new["i_lang"]):
        raise Fault(F_VALUE, "i_lang is a two character language code")
    if "payment_currency" in new and not re.fullmatch(r"[A-Z]{3}", new["payment_currency"]):
        raise Fault(F_VALUE, "payment_currency is an ISO 4217 code")
    with store.lock:
        parent = store.customers[caller]
        if args["i_tariff"] is None:
            new["i_tariff"] = parent["i_tariff"]  # nil: the caller's own tariff
        elif args["i_tariff"] not in store.tariffs:
            raise Fault(F_TARIFF, "no tariff %d" % args["i_tariff"])
        if any(c["name"] == new["name"] for c in store.customers.values()):
            raise Fault(F_DUPLICATE, "a customer is already named %r" % new["name"])
        new["i_customer"] = store.next_id
        new["i_parent"] = caller
        store.next_id += 1
        store.customers[new["i_customer"]] = new
    return {"result": "OK", "i_customer": new["i_customer"]}


def get_customer_info(store, caller, trusted, params):
    args = only_struct(params)
    if trusted and "i_wholesaler" in args:
        caller = args["i_wholesaler"]
    with store.lock:
        if "i_customer" in args:
            found = store.customers.get(args["i_customer"])
        elif "name" in args:
            found = next((c for c in store.customers.values() if c["name"] == args["name"]), None)
        else:
            raise Fault(F_PARAMS, "give i_customer or name")
        # "it can see and manage only its own subtree"; trusted mode has no scope limit.
        unlimited = trusted and "i_wholesaler" not in args
        if found is None or not (unlimited or store.in_subtree(caller, found["i_customer"])):
            raise Fault(F_NOT_FOUND, "no such customer")
        out = {k: v for k, v in found.items()
               if k not in ("web_password", "api_password", "i_parent") and v is not None}
    if "balance" in out:
        out["balance"] = -out["balance"]  # "returned with its sign inverted"
    return {"result": "OK", "customer": out}


METHODS = {"createCustomer": create_customer, "getCustomerInfo": get_customer_info}
# Standard XML-RPC introspection: which methods this server has (the suite skips the others).
METHODS["system.listMethods"] = lambda store, caller, trusted, params: sorted(METHODS)


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class SpecServer:
    def __init__(self, root=None, trusted=()):
        self.store = Store(*(root or (None, None)))
        self.need_auth = root is not None
        self.trusted = set(trusted)
        self.nonces = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def send(self, status, body, ctype="text/xml", extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for k, v in extra:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def caller(self):
                """(i_customer, trusted) of the request, or None: answer 401."""
                auth = self.headers.get("Authorization", "")
                if not auth and self.client_address[0] in server.trusted:
                    return 1, True
                if not server.need_auth:
                    return 1, False
                return server.authenticate(auth, self.command), False

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                who = self.caller()
                if who is None or who[0] is None:
                    nonce = secrets.token_hex(16)
                    server.nonces.add(nonce)
                    self.send(401, b"credentials needed\n", "text/plain",
                              [("WWW-Authenticate", 'Digest realm="%s", qop="auth", algorithm=MD5, '
                                'nonce="%s"' % (REALM, nonce)),
                               ("WWW-Authenticate", 'Basic realm="%s"' % REALM)])
                    return
                self.send(200, server.answer(body, *who).encode("utf-8"))

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d/RPC2" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def authenticate(self, header, method):
        """The i_customer the Authorization header proves, or None."""
        if header.startswith("Basic "):
            try:
                user, _, password = b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None
            c = self.store.login(user)
            return c["i_customer"] if c and c.get("api_password") == password else None
        if not header.startswith("Digest "):
            return None
        f = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', header[7:])}
        c = self.store.login(f.get("username"))
        if c is None or f.get("nonce") not in self.nonces or c.get("api_password") is None:
            return None
        ha1 = md5("%s:%s:%s" % (c["web_login"], REALM, c["api_password"]))
        ha2 = md5("%s:%s" % (method, f.get("uri", "")))
        want = md5(":".join([ha1, f["nonce"], f.get("nc", ""), f.get("cnonce", ""), f.get("qop", ""), ha2]))
        return c["i_customer"] if secrets.compare_digest(want, f.get("response", "")) else None

    def answer(self, body, caller, trusted):
        try:
            try:
                params, method = xmlrpc.client.loads(body, use_builtin_types=True)
            except Exception as e:  # malformed XML, not a methodCall
                raise Fault(F_REQUEST, "not an XML-RPC call: %s" % e)
            if method not in METHODS:
                raise Fault(F_METHOD, "no method %s" % method)
            result = METHODS[method](self.store, caller, trusted, params)
            return xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        except Fault as f:
            return xmlrpc.client.dumps(xmlrpc.client.Fault(f.code, f.text), methodresponse=True)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", help="LOGIN:PASSWORD of the root customer (requests need credentials)")
    ap.add_argument("--trusted", action="append", default=[], help="a trusted host address")
    a = ap.parse_args()
    s = SpecServer(tuple(a.root.split(":", 1)) if a.root else None, a.trusted)
    print("listening on " + s.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sys.exit(0)
