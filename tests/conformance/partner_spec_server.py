"""partner_spec_server.py — a second, independent JSON-RPC 2.0 server for the backup platform's
partner API, written from tests/conformance/api-text-partner.txt alone (the AddPartner pages and
the vendor facts), with nothing of this project's C server. The C client and the conformance
suite are tested against it; its bug modes are what the suite must catch.

Where the text is silent the choice is this server's, and a comment marked "(this server)" says
so. The vendor's error data are 1701 (visa), 2100 (Login) and 13501 (security); its codes for the
other refusals are not public, so these are this server's own, all with code -32603 as the
vendor's are:
    20001  a partner already has that Name (Names are unique: Login names a partner by its Name)
    20002  the Level has no place there: not lower than the parent's, not higher than a child's,
           or a Level without a rank (none given, Undefined, ServiceOrganization)
    20003  no partner has that Id or Name
    20004  RemovePartner: the partner still has children
    20005  LocationId names no location of EnumerateLocations
    20006  ModifyPartner: ParentId cannot change (this server does not move partners)
The protocol errors (-32700, -32600, -32601, -32602) carry no data; a -32602 message names the
member, as in "Invalid params: partnerInfo.Level has no value 'Boss' (...)".

Visa (layout this server's): PARTNERID-USERID-SERIAL-ISSUEDMS-DIGEST, DIGEST the upper-case hex
HMAC-SHA256 of the first four fields under a key drawn when the server starts. SERIAL counts the
visas issued, so two issued in the same millisecond still differ. Visas are stateless: an older
one stays valid until visa_ttl seconds after its own issue.

Usage as a module: PartnerSpecServer(root=("Root", "login", "password"), visa_ttl=900, bug=None)
gives .url, .close() and a context manager; add_user(partner_id, username, password) gives a
partner a login (a test hook: the API text has no method for it). From the shell:
partner_spec_server.py --root NAME:LOGIN:PASSWORD [--visa-ttl N] [--bug NAME]."""
import argparse
import copy
import hashlib
import hmac
import json
import math
import re
import secrets
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/jsonapi"
MAX_BODY = 1 << 20  # (this server) a larger body is HTTP 413, never parsed
DRAIN_MAX = 16 << 20  # up to this, an oversized body is read (and dropped) before the 413
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

VISA_BAD, LOGIN_BAD, SECURITY = 1701, 2100, 13501
DUPLICATE_NAME, BAD_LEVEL, NOT_FOUND, HAS_CHILDREN, BAD_LOCATION, FIXED = range(20001, 20007)

BUGS = {
    "visa-not-rotated": "responses echo the request's visa instead of a new one",
    "visa-in-params": "a visa inside params is accepted and used",
    "level-not-enforced": "a partner's Level is not checked against its parent's and children's",
    "result-not-nested": 'results come as "result": X instead of "result": {"result": X}',
    "errors-http-500": "error responses come with HTTP status 500 instead of 200",
}

# Enums as the schema spells them; real answers also show Level ServiceOrganization.
LEVELS = ("Undefined", "Root", "SubRoot", "Distributor", "SubDistributor", "Reseller", "EndCustomer",
          "Site", "ServiceOrganization")
# The text ranks Distributor > SubDistributor > Reseller > EndCustomer, the root above all. SubRoot
# and Site take their places in the schema's order; Undefined and ServiceOrganization have no rank,
# so no partner can be placed with them (this server).
RANK = {name: 7 - i for i, name in enumerate(LEVELS[1:8])}
SERVICE_TYPES = ("Undefined", "AllInclusive", "SoftwareOnly")
STATES = ("Undefined", "Registered", "InProduction", "Rejected", "InTrial", "NotActive",
          "WaitingForProduction", "Expired")
# The guide page also lists Undefined and Count, the bounds of the C++ enum: the schema's list is taken.
FLAGS = ("HasCustomBranding", "HasCustomUpdatePackages", "UnsubscribedFromTrialNotifications", "CanInvoiceOthers")
# EnumeratePartners' column numbers (vendor facts).
COLUMNS = {0: "Name", 1: "Level", 3: "ChildServiceTypes", 4: "ServiceType", 5: "State", 8: "LocationId",
           9: "Flags", 10: "Company", 20: "CreationTime"}

# (this server) a small location table: the Flags of a location are not described, so they are [];
# countries go by ISO alpha-2 code or English name, in any case. A country it does not know gets
# the parent's location, as an absent one does, rather than a refusal: the table is not the vendor's.
LOCATIONS = ({"Id": 1, "Name": "Europe", "Flags": []}, {"Id": 2, "Name": "United States", "Flags": []},
             {"Id": 3, "Name": "United Kingdom", "Flags": []}, {"Id": 4, "Name": "Australia", "Flags": []},
             {"Id": 5, "Name": "Canada", "Flags": []})
_COUNTRY_NAMES = {
    1: ("NL", "Netherlands", "BE", "Belgium", "DE", "Germany", "FR", "France", "GR", "Greece", "ES", "Spain",
        "IT", "Italy", "PT", "Portugal", "AT", "Austria", "CH", "Switzerland"),
    2: ("US", "United States", "United States of America"),
    3: ("GB", "United Kingdom"),
    4: ("AU", "Australia", "NZ", "New Zealand"),
    5: ("CA", "Canada"),
}
COUNTRIES = {name.casefold(): loc for loc, spellings in _COUNTRY_NAMES.items() for name in spellings}


class RpcError(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def body(self):
        e = {"code": self.code, "message": self.message}
        if self.data is not None:
            e["data"] = self.data
        return e


def invalid(path, why):
    return RpcError(-32602, "Invalid params: %s %s" % (path, why))


def refused(data, message):
    return RpcError(-32603, message, data)


def visa_error():
    return refused(VISA_BAD, "Visa is inconsistent/corrupted.")


# Member types: a checker takes (value, path) and returns the value or raises -32602 naming the path.

class _Huge:
    """An integer literal too long for int() (CPython stops at 4300 digits): outside every range."""


HUGE = _Huge()


def integer(v, path):
    if v is HUGE or (type(v) is int and not INT64_MIN <= v <= INT64_MAX):
        raise invalid(path, "is out of range")
    if type(v) is not int:  # bool is an int to Python, not to JSON
        raise invalid(path, "must be an integer")
    return v


def boolean(v, path):
    if type(v) is not bool:
        raise invalid(path, "must be true or false")
    return v


def string(v, path):
    if type(v) is not str:
        raise invalid(path, "must be a string")
    return v


def nonempty(v, path):
    if string(v, path) == "":
        raise invalid(path, "must not be empty")
    return v


def enum(names):
    def check(v, path):
        if string(v, path) not in names:
            raise invalid(path, "has no value %r (%s)" % (v, ", ".join(names)))
        return v
    return check


def array(kind):
    def check(v, path):
        if type(v) is not list:
            raise invalid(path, "must be an array")
        return [kind(x, "%s[%d]" % (path, i)) for i, x in enumerate(v)]
    return check


def names(values):
    """A FlagsType: an array of names, each given once (repeats dropped: this server)."""
    of = array(enum(values))
    return lambda v, path: list(dict.fromkeys(of(v, path)))


def struct(members, required=()):
    """An object of these members. Members it does not list are ignored, and null is taken as
    absent: the text gives neither a meaning nor says to refuse them (this server)."""
    def check(v, path):
        if type(v) is not dict:
            raise invalid(path or "params", "must be an object")
        out = {}
        for name, kind in members.items():
            at = path + "." + name if path else name
            if v.get(name) is not None:
                out[name] = kind(v[name], at)
            elif name in required:
                raise invalid(at, "is required")
        return out
    return check


POST_ADDRESS = struct({k: string for k in ("Country", "State", "District", "City", "ZipCode", "Address")})
COMPANY = struct(dict({k: string for k in (
    "PhoneNumber", "FaxNumber", "WebsiteAddress", "LegalCompanyName", "ChamberOfCommerceNumber", "VatNumber",
    "BankAccountNumber", "BillingContactPersonId")}, PostAddress=POST_ADDRESS))
PARTNER_INFO = struct({
    "Id": integer, "ParentId": integer, "Name": nonempty, "Level": enum(LEVELS),
    "ChildServiceTypes": names(SERVICE_TYPES), "ServiceType": enum(SERVICE_TYPES), "State": enum(STATES),
    "DeviceCountry": string, "LocationId": integer, "Flags": names(FLAGS), "Company": COMPANY,
    "TrialRegistrationTime": integer, "TrialExpirationTime": integer,
    "AdvancedPartnerProperties": struct({"RegionId": integer, "ResponsibleUserId": integer}),
    # Not in the tables, but in the vendor's own samples and scripts: see fold_country.
    "Country": string,
})


class Store:
    """Partners and their logins in memory, guarded by one lock that a request holds throughout.
    (this server) The root partner is Id 1, location 1, without ParentId; user Ids start at 50001
    so that a client mixing up user and partner Ids is seen."""

    def __init__(self, root_name, login, password, enforce_level=True):
        if type(root_name) is not str or not root_name:
            raise ValueError("the root partner needs a name")
        self.lock = threading.Lock()
        self.enforce_level = enforce_level
        self.partners = {1: {"Id": 1, "Name": root_name, "Level": "Root", "State": "InProduction",
                             "LocationId": 1, "CreationTime": int(time.time())}}
        self.users = {}
        self.next_partner, self.next_user = 2, 50001
        self.add_user(1, login, password)

    def add_user(self, partner_id, username, password):
        if partner_id not in self.partners:
            raise ValueError("no partner %r" % partner_id)
        if any(u["partner"] == partner_id and u["Name"] == username for u in self.users.values()):
            raise ValueError("partner %d already has a user %r" % (partner_id, username))
        uid, self.next_user = self.next_user, self.next_user + 1
        self.users[uid] = {"Id": uid, "partner": partner_id, "Name": username, "password": utf8(password),
                           "FirstLoginTime": None}
        return uid

    def by_name(self, name):
        return next((p for p in self.partners.values() if p["Name"] == name), None)

    def children(self, pid):
        return [p for p in self.partners.values() if p.get("ParentId") == pid]

    def descendants(self, pid):
        out, todo = [], [pid]
        while todo:
            kids = self.children(todo.pop())
            out += kids
            todo += [k["Id"] for k in kids]
        return out

    def in_subtree(self, top, pid):
        p = self.partners.get(pid)
        while p is not None:
            if p["Id"] == top:
                return True
            p = self.partners.get(p.get("ParentId"))
        return False

    def visible(self, caller, pid):
        """The partner, which must be the caller's own or in its subtree."""
        p = self.partners.get(pid)
        if p is None:
            raise refused(NOT_FOUND, "No partner %d" % pid)
        if not self.in_subtree(caller[0], pid):
            raise refused(SECURITY, "Operation failed because of security reasons")
        return p

    def check_name(self, name):
        if self.by_name(name) is not None:
            raise refused(DUPLICATE_NAME, "A partner is already named %r" % name)

    def check_level(self, level, parent, children):
        if not self.enforce_level:
            return
        rank = RANK.get(level)
        if rank is None:
            raise refused(BAD_LEVEL, "Level %s has no place in the partner tree" % (level or "(none)"))
        if parent is None and level != "Root":
            raise refused(BAD_LEVEL, "The top partner's Level is Root")
        if parent is not None and rank >= RANK.get(parent.get("Level"), 0):
            raise refused(BAD_LEVEL, "Level %s is not lower than the parent's (%s)" % (level, parent.get("Level")))
        for c in children:
            if RANK.get(c.get("Level"), 0) >= rank:
                raise refused(BAD_LEVEL, "Level %s is not higher than child %d's (%s)" % (level, c["Id"], c.get("Level")))


def utf8(s):
    """JSON strings may hold lone surrogates ("\\ud800"), which strict UTF-8 cannot encode."""
    return s.encode("utf-8", "surrogatepass")


def partner_info(p, columns=None):
    """A stored partner as PartnerInfo; with columns, Id and ParentId (this server) and those only."""
    keys = list(p) if columns is None else ["Id", "ParentId"] + [COLUMNS[c] for c in columns if c in COLUMNS]
    return {k: copy.deepcopy(p[k]) for k in keys if k in p}


def country_of(info):
    return info.get("Company", {}).get("PostAddress", {}).get("Country")


def fold_country(info, stored_company=None):
    """The vendor's samples put Country directly in partnerInfo, the schema has it in
    Company.PostAddress: it is stored there (this server); a Company given beside it wins."""
    country = info.pop("Country", None)
    if country is None:
        return
    if "Company" in info:
        info["Company"].setdefault("PostAddress", {}).setdefault("Country", country)
    else:
        info["Company"] = copy.deepcopy(stored_company or {})
        info["Company"].setdefault("PostAddress", {})["Country"] = country


def location(info, fallback):
    """The location: LocationId if given, else the country's, else the fallback (the parent's)."""
    if "LocationId" in info:
        if not any(loc["Id"] == info["LocationId"] for loc in LOCATIONS):
            raise refused(BAD_LOCATION, "No location %d (see EnumerateLocations)" % info["LocationId"])
        return info["LocationId"]
    country = country_of(info)
    return COUNTRIES.get(country.strip().casefold(), fallback) if country else fallback


# The methods: each takes (store, caller, args), args checked against its row, caller = (partner, user).

def login(store, args):
    """(user info, caller), or 2100 whichever of partner, username and password is wrong."""
    partner = store.by_name(args["partner"])
    user = next((u for u in store.users.values() if partner is not None and u["partner"] == partner["Id"]
                 and u["Name"] == args["username"]), None)
    if user is None or not hmac.compare_digest(user["password"], utf8(args["password"])):
        raise refused(LOGIN_BAD, "Unknown partner/username or bad password")
    now = int(time.time())
    if user["FirstLoginTime"] is None:
        user["FirstLoginTime"] = now
    # (this server) the members the text names without values are empty strings; RoleId 1 and
    # TwoFactorAuthenticationStatus "Undefined" are this server's; LastLoginTime is this login.
    info = {"EmailAddress": "", "FirstLoginTime": user["FirstLoginTime"], "FirstName": "",
            "Flags": ["AllowApiAuthentication"], "FullName": "", "Id": user["Id"], "LastLoginTime": now,
            "Name": user["Name"], "PartnerId": partner["Id"], "Password": None, "PhoneNumber": "", "RoleId": 1,
            "Title": "", "TwoFactorAuthenticationStatus": "Undefined"}
    return info, (partner["Id"], user["Id"])


def add_partner(store, caller, args):
    # (this server) createDefaultAccount is taken and has no effect: there are no accounts here.
    info = args["partnerInfo"]
    if "Name" not in info:
        raise invalid("partnerInfo.Name", "is required")
    # (this server) without ParentId the partner goes under the caller's; a given Id is not used.
    parent = store.visible(caller, info.pop("ParentId", caller[0]))
    store.check_name(info["Name"])
    store.check_level(info.get("Level"), parent, ())
    fold_country(info)
    info["LocationId"] = location(info, parent["LocationId"])
    info.pop("Id", None)
    pid, store.next_partner = store.next_partner, store.next_partner + 1
    # (this server) a new partner is InProduction unless a State is given.
    store.partners[pid] = dict({"Id": pid, "ParentId": parent["Id"], "State": "InProduction"}, **info,
                               CreationTime=int(time.time()))
    return pid


def get_partner_info(store, caller, args):
    p = store.by_name(args["name"])
    if p is None:
        raise refused(NOT_FOUND, "No partner named %r" % args["name"])
    return partner_info(store.visible(caller, p["Id"]))


def get_partner_info_by_id(store, caller, args):
    return partner_info(store.visible(caller, args["partnerId"]))


def enumerate_partners(store, caller, args):
    top = store.visible(caller, args["parentPartnerId"])["Id"]
    found = store.descendants(top) if args["fetchRecursively"] else store.children(top)
    # (this server) column numbers it does not know are ignored: the vendor has more columns.
    return [partner_info(p, args.get("fields")) for p in sorted(found, key=lambda p: p["Id"])]


def modify_partner(store, caller, args):
    """The members given replace the stored ones, a Company whole."""
    info = args["partnerInfo"]
    if "Id" not in info:
        raise invalid("partnerInfo.Id", "is required")
    p = store.visible(caller, info.pop("Id"))
    if info.pop("ParentId", p.get("ParentId")) != p.get("ParentId"):
        raise refused(FIXED, "ParentId cannot change")
    if info.get("Name", p["Name"]) != p["Name"]:
        store.check_name(info["Name"])
    if info.get("Level", p.get("Level")) != p.get("Level"):
        store.check_level(info["Level"], store.partners.get(p.get("ParentId")), store.children(p["Id"]))
    fold_country(info, p.get("Company"))
    if "LocationId" in info or country_of(info) not in (None, country_of(p)):
        info["LocationId"] = location(info, p["LocationId"])
    p.update(info)
    return None


def remove_partner(store, caller, args):
    p = store.visible(caller, args["partnerId"])
    if p["Id"] == caller[0]:  # (this server) a partner may not remove its own
        raise refused(SECURITY, "Operation failed because of security reasons")
    if store.children(p["Id"]):
        raise refused(HAS_CHILDREN, "Partner %d has children" % p["Id"])
    del store.partners[p["Id"]]
    for uid in [u for u, user in store.users.items() if user["partner"] == p["Id"]]:
        del store.users[uid]  # their visas are refused from now on
    return None


def enumerate_locations(store, caller, args):
    return copy.deepcopy(list(LOCATIONS))


def get_partner_state(store, caller, args):
    return store.visible(caller, args["partnerId"])["State"]


PARTNER_ID = struct({"partnerId": integer}, ("partnerId",))
METHODS = {  # name: (handler, params); names are case-sensitive
    "Login": (login, struct({"partner": string, "username": string, "password": string},
                            ("partner", "username", "password"))),
    "AddPartner": (add_partner, struct({"partnerInfo": PARTNER_INFO, "createDefaultAccount": boolean},
                                       ("partnerInfo",))),
    "GetPartnerInfo": (get_partner_info, struct({"name": string}, ("name",))),
    "GetPartnerInfoById": (get_partner_info_by_id, PARTNER_ID),
    # (this server) fields is optional (all members), the other two are required.
    "EnumeratePartners": (enumerate_partners, struct(
        {"parentPartnerId": integer, "fetchRecursively": boolean, "fields": array(integer)},
        ("parentPartnerId", "fetchRecursively"))),
    "ModifyPartner": (modify_partner, struct({"partnerInfo": PARTNER_INFO}, ("partnerInfo",))),
    "RemovePartner": (remove_partner, PARTNER_ID),
    "EnumerateLocations": (enumerate_locations, struct({})),
    "GetPartnerState": (get_partner_state, PARTNER_ID),
}


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError("member %r given twice" % k)
        obj[k] = v
    return obj


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)


def parse(body):
    """The request as Python values; what JSON forbids and Python's json takes is refused here."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_no_duplicates,
                          parse_int=lambda s: int(s) if len(s) <= 4000 else HUGE)
    except RecursionError:
        raise RpcError(-32700, "Parse error: nested too deeply") from None
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError and the two above
        raise RpcError(-32700, "Parse error: %s" % e) from None


def request_id(req):
    if "id" not in req:  # (this server) no notifications: every request is answered
        raise RpcError(-32600, "Invalid Request: no id")
    i = req["id"]
    if i is None or type(i) in (str, int) or (type(i) is float and math.isfinite(i)):
        return i
    raise RpcError(-32600, "Invalid Request: id must be a string, a number or null")


VISA_RE = re.compile(r"([0-9]{1,19})-([0-9]{1,19})-([0-9]{1,19})-([0-9]{1,19})-([0-9A-F]{64})")


class PartnerSpecServer:
    def __init__(self, root, visa_ttl=900, bug=None):
        if bug is not None and bug not in BUGS:
            raise ValueError("unknown bug %r (%s)" % (bug, ", ".join(BUGS)))
        self.bug, self.visa_ttl = bug, visa_ttl
        self.store = Store(*root, enforce_level=bug != "level-not-enforced")
        self.key = secrets.token_bytes(32)
        self.serial = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30  # (this server) a client silent this long is dropped

            def send(self, status, body, ctype="application/json", extra=()):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    for k, v in extra:
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                except OSError:  # the client is gone
                    self.close_connection = True

            def refuse(self, status, text, extra=()):
                self.close_connection = True  # the request's body, if any, is left unread
                self.send(status, (text + "\n").encode(), "text/plain", extra + (("Connection", "close"),))

            def do_POST(self):
                if self.path != PATH:
                    return self.refuse(404, "not found")
                length = self.headers.get("Content-Length", "")
                if "Transfer-Encoding" in self.headers or not re.fullmatch(r"[0-9]{1,12}", length):
                    return self.refuse(411, "a Content-Length is needed")
                if int(length) > MAX_BODY:
                    # A client that sends the whole body reads the 413 only if it is read first
                    # (else its send fails on the closed socket); a larger claim is not read.
                    if int(length) <= DRAIN_MAX:
                        self.discard(int(length))
                    return self.refuse(413, "the body is larger than %d bytes" % MAX_BODY)
                try:
                    body = self.rfile.read(int(length))
                except OSError:
                    body = b""
                if len(body) < int(length):  # timed out or closed mid-body
                    self.close_connection = True
                    return
                self.send(*server.answer(body))

            def discard(self, n):
                try:
                    while n > 0:
                        chunk = self.rfile.read(min(n, 65536))
                        if not chunk:
                            return
                        n -= len(chunk)
                except OSError:
                    pass

            def not_post(self):
                if self.path != PATH:
                    return self.refuse(404, "not found")
                self.refuse(405, "only POST", (("Allow", "POST"),))

            def __getattr__(self, name):
                # BaseHTTPRequestHandler looks up do_<METHOD>: every method but POST lands here.
                if name.startswith("do_"):
                    return self.not_post
                raise AttributeError(name)

            def log_message(self, *a):
                pass

        # socketserver's backlog of 5 resets the sixth of many clients connecting at once.
        self.httpd = type("Httpd", (ThreadingHTTPServer,), {"request_queue_size": 128})(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], PATH)
        # A short poll: close() waits for it, and the tests start a server per case.
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def add_user(self, partner_id, username, password):
        """A login for a partner (a test hook, not part of the API); the new user's Id."""
        with self.store.lock:
            return self.store.add_user(partner_id, username, password)

    def sign(self, head):
        return hmac.new(self.key, head.encode("ascii"), hashlib.sha256).hexdigest().upper()

    def issue(self, caller):
        self.serial += 1  # under the store's lock
        head = "%d-%d-%d-%d" % (caller[0], caller[1], self.serial, time.time_ns() // 1000000)
        return head + "-" + self.sign(head)

    def caller_of(self, visa):
        """(partner, user) of a good visa, else 1701: missing, malformed, forged, expired, or its
        user removed since."""
        m = VISA_RE.fullmatch(visa) if type(visa) is str else None
        if m is None or not hmac.compare_digest(self.sign(visa[:-65]), m.group(5)):
            raise visa_error()
        partner, user, _, issued = (int(g) for g in m.groups()[:4])
        u = self.store.users.get(user)
        if time.time_ns() // 1000000 - issued >= self.visa_ttl * 1000 or u is None or u["partner"] != partner:
            raise visa_error()
        return partner, user

    def answer(self, body):
        """(HTTP status, body) for a request body."""
        try:
            reply = self.reply(body)
        except Exception:  # a bug of this server: shown, and the server goes on
            traceback.print_exc()
            reply = {"id": None, "jsonrpc": "2.0", "error": {"code": -32603, "message": "Internal error"}}
        status = 500 if self.bug == "errors-http-500" and "error" in reply else 200
        return status, json.dumps(reply, allow_nan=False).encode()

    def reply(self, body):
        try:
            req = parse(body)
        except RpcError as e:
            return {"id": None, "jsonrpc": "2.0", "error": e.body()}
        with self.store.lock:
            return self.dispatch(req)

    def dispatch(self, req):
        """The checks in order: envelope (-32600), method (-32601), params an object and without a
        visa (-32602), then the visa (1701), then the params' members: from the visa on, every
        answer carries a new visa (this server's order)."""
        req_id, caller, visa = None, None, None
        try:
            if type(req) is not dict:  # (this server) no batches
                raise RpcError(-32600, "Invalid Request: not an object")
            req_id = request_id(req)
            if req.get("jsonrpc") != "2.0" or type(req.get("method")) is not str:
                raise RpcError(-32600, 'Invalid Request: needs "jsonrpc": "2.0" and a method name')
            params = req.get("params", {})
            if type(params) not in (dict, list):
                raise RpcError(-32600, "Invalid Request: params must be an object")
            if req["method"] not in METHODS:
                raise RpcError(-32601, "Method not found: %s" % req["method"])
            if type(params) is list:
                raise invalid("params", "must be an object (members by name)")
            handler, check = METHODS[req["method"]]
            visa, params = req.get("visa"), dict(params)
            if "visa" in params:
                if self.bug != "visa-in-params":
                    raise invalid("visa", "belongs at the top level of the request, not in params")
                visa = params.pop("visa")
            if handler is login:
                result, caller = login(self.store, check(params, ""))
                visa = None  # a visa sent with Login is not looked at
            else:
                caller = self.caller_of(visa)
                result = handler(self.store, caller, check(params, ""))
            out = {"id": req_id, "jsonrpc": "2.0",
                   "result": result if self.bug == "result-not-nested" else {"result": result}}
        except RpcError as e:
            out = {"id": req_id, "jsonrpc": "2.0", "error": e.body()}
        if caller is not None:
            out["visa"] = visa if self.bug == "visa-not-rotated" and visa is not None else self.issue(caller)
        return out

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, metavar="NAME:LOGIN:PASSWORD",
                    help="the root partner's name and its login (the password may hold colons)")
    ap.add_argument("--visa-ttl", type=float, default=900, metavar="N", help="seconds a visa is valid (900)")
    ap.add_argument("--bug", choices=sorted(BUGS), help="break one rule on purpose: " +
                    "; ".join("%s: %s" % kv for kv in sorted(BUGS.items())))
    a = ap.parse_args(argv)
    root = a.root.split(":", 2)
    if len(root) != 3 or not root[0]:
        ap.error("--root takes NAME:LOGIN:PASSWORD")
    if not a.visa_ttl > 0:
        ap.error("--visa-ttl must be positive")
    s = PartnerSpecServer(tuple(root), a.visa_ttl, a.bug)
    print("listening on " + s.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
