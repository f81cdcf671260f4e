"""pystub.py — bench/run's Python baseline: createCustomer on the standard library's xmlrpc.server
(threads, HTTP/1.1 keep-alive, one log line per request on stderr) with custrpc's validation
read from lib/custrpc/fields.def: types, nil, mandatory members, lengths and ranges, the syntax
checks, unknown members refused, a tariff that exists, unique name and web_login (dict indexes,
as a database's unique indexes), web_password kept as a salted HMAC-SHA-256; customers in memory.
Usage: pystub.py [FIELDS_DEF]   prints "listening on http://127.0.0.1:PORT/RPC2" when ready."""
import hashlib
import hmac
import os
import re
import socketserver
import sys
import threading
from xmlrpc.client import Fault
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS_DEF = os.path.join(HERE, "..", "lib", "custrpc", "fields.def")
# custrpc's fault codes for the same refusals (README "Faults").
F_MISSING, F_TYPE, F_VALUE, F_UNKNOWN, F_NAME_TAKEN, F_LOGIN_TAKEN, F_TARIFF = \
    1001, 1002, 1003, 1004, 1010, 1011, 1020

LIMITS = {"INT32_MAX": 2147483647}


def read_fields(path):
    """{wire name: (type, flags, check, min, max)} from the field table."""
    fields = {}
    pat = re.compile(r"CUSTRPC_FIELD\((\w+), (\w+), ([^,]+), (\w+), ([^,]+), ([^,]+), ")
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = pat.match(line)
            if m:
                lo, hi = (float(LIMITS.get(v.strip(), v)) for v in (m.group(5), m.group(6)))
                fields[m.group(1)] = (m.group(2), m.group(3), m.group(4), lo, hi)
    return fields


HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def is_hostname(s, need_dot):
    labels = s.split(".")
    return 0 < len(s) <= 253 and all(HOST_LABEL.fullmatch(x) for x in labels) and \
        (not need_dot or len(labels) >= 2)


def is_email(s):
    local, at, domain = s.partition("@")
    return bool(at) and 0 < len(local) <= 64 and \
        not re.search(r'[\s<>()\[\],;:\\"@]', local) and is_hostname(domain, True)


def is_mailbox(s):
    if "<" not in s:
        return is_email(s)
    head, _, rest = s.partition("<")
    return s.endswith(">") and "<" not in rest and is_email(rest[:-1])


CHECKS = {
    "NONE": lambda s: True,
    "NAME": lambda s: s == s.strip(" \t\r\n"),
    "LOGIN": lambda s: not re.search(r'[\s:"\\]', s),
    "EMAIL": lambda s: not s or is_email(s),
    "EMAIL_LIST": lambda s: not s or all(is_email(x.strip(" \t\r\n")) for x in s.split(",")),
    "MAILBOX": lambda s: not s or is_mailbox(s),
    "CURRENCY": lambda s: re.fullmatch(r"[A-Z]{3}", s) is not None,
    "LANG": lambda s: re.fullmatch(r"[a-z]{2}", s) is not None,
    "HOSTNAME": lambda s: not s or is_hostname(s, False),
    "POSITIVE": lambda s: True,
}
PYTYPE = {"STRING": str, "INT": int, "DOUBLE": float, "BOOL": bool}


class Store:
    def __init__(self, fields):
        self.fields = fields
        self.lock = threading.Lock()
        self.key = os.urandom(32)
        self.customers = {1: {"name": "root", "i_tariff": 1}}
        self.by_name = {"root": 1}
        self.by_login = {}
        self.tariffs = {1}

    def check(self, name, value):
        kind, flags, check, lo, hi = self.fields[name]
        if value is None:
            if "NIL_OWN" in flags or "NIL_UNLIMITED" in flags:
                return
            raise Fault(F_TYPE, "%s: nil is not allowed" % name)
        if type(value) is not PYTYPE[kind]:
            raise Fault(F_TYPE, "%s must be %s" % (name, kind.lower()))
        if kind == "STRING":
            if "MANDATORY" in flags and not value:
                raise Fault(F_MISSING, "%s: mandatory member is empty" % name)
            if not lo <= len(value) <= hi:
                raise Fault(F_VALUE, "%s: length %d out of range" % (name, len(value)))
            if not CHECKS[check](value):
                raise Fault(F_VALUE, "%s: %r is not valid" % (name, value))
        elif kind in ("INT", "DOUBLE"):
            if check == "POSITIVE" and not value > 0 or not lo <= value <= hi:
                raise Fault(F_VALUE, "%s: %r out of range" % (name, value))

    def create(self, args):
        if not isinstance(args, dict):
            raise Fault(-32602, "createCustomer takes one struct")
        for name, value in args.items():
            if name not in self.fields or "TRUSTED" in self.fields[name][1]:
                raise Fault(F_UNKNOWN, "unknown member %s" % name)
            self.check(name, value)
        for name, (_, flags, _, _, _) in self.fields.items():
            if "MANDATORY" in flags and name not in args:
                raise Fault(F_MISSING, "%s: mandatory member is missing" % name)
        new = dict(args)
        salt = os.urandom(16)
        new["web_password"] = (salt, hmac.new(self.key, salt + args["web_password"].encode(),
                                              hashlib.sha256).digest())
        with self.lock:
            if new["i_tariff"] is None:
                new["i_tariff"] = self.customers[1]["i_tariff"]
            elif new["i_tariff"] not in self.tariffs:
                raise Fault(F_TARIFF, "no tariff %d" % new["i_tariff"])
            if new["name"] in self.by_name:
                raise Fault(F_NAME_TAKEN, "name: %r is taken" % new["name"])
            login = new.get("web_login")
            if login and login in self.by_login:
                raise Fault(F_LOGIN_TAKEN, "web_login: %r is taken" % login)
            i = len(self.customers) + 1
            new["i_parent"] = 1
            self.customers[i] = new
            self.by_name[new["name"]] = i
            if login:
                self.by_login[login] = i
        return {"result": "OK", "i_customer": i}


class Handler(SimpleXMLRPCRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the other servers
    rpc_paths = ("/RPC2",)


class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # A load generator closing its connections at the end of a run is not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main():
    store = Store(read_fields(sys.argv[1] if len(sys.argv) > 1 else FIELDS_DEF))
    server = Server(("127.0.0.1", 0), requestHandler=Handler, allow_none=True)
    server.register_function(store.create, "createCustomer")
    print("listening on http://127.0.0.1:%d/RPC2" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
