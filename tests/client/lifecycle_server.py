"""lifecycle_server.py — an independent XML-RPC server for the customer lifecycle, written for
the tests from the method shapes alone (Python's xmlrpc.server, no code of this project):
createCustomer, getCustomerInfo, updateCustomer, listCustomers, deleteCustomer, blockCustomer,
unblockCustomer, customerAddFunds, customerCredit, customerDebit and system.listMethods, with
custrpc's fault codes (1001 missing, 1002 type, 1003 value, 1010/1011 duplicates, 1034
sub-customers, 1035 currency, 1040 not found). It records the raw body of every request.
No authentication: the caller is customer 1, or i_wholesaler when given."""
import fnmatch
import re
import threading
import xml.etree.ElementTree as ET
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

Fault = xmlrpc.client.Fault
LIFECYCLE = ("updateCustomer", "listCustomers", "deleteCustomer", "blockCustomer", "unblockCustomer",
             "customerAddFunds", "customerCredit", "customerDebit")


def need(args, name, kind):
    if name not in args:
        raise Fault(1001, "%s: mandatory member missing" % name)
    v = args[name]
    if kind is float and type(v) is int:
        v = float(v)
    if type(v) is not kind:
        raise Fault(1002, "%s: wrong type" % name)
    return v


class LifecycleServer:
    def __init__(self, with_delete=True, list_extra=None):
        """with_delete False: no deleteCustomer (system.listMethods does not list it).
        list_extra: members added to every listCustomers entry (to test tolerant reading)."""
        self.bodies = []
        self.lock = threading.Lock()
        self.customers = {1: {"i_customer": 1, "name": "root", "i_parent": None, "balance": 0.0,
                              "base_currency": "USD", "blocked": False}}
        self.next_id = 100
        self.list_extra = list_extra or {}
        bodies = self.bodies

        class Handler(SimpleXMLRPCRequestHandler):
            rpc_paths = ("/RPC2", "/xmlapi/xmlapi")

            def decode_request_content(self, data):
                bodies.append(data)
                return data

            def log_message(self, *a):
                pass

        self.server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Handler, allow_none=True,
                                         logRequests=False)
        self.server.register_introspection_functions()
        methods = {"createCustomer": self.create, "getCustomerInfo": self.info,
                   "updateCustomer": self.update, "listCustomers": self.list,
                   "deleteCustomer": self.delete, "blockCustomer": self.block,
                   "unblockCustomer": self.unblock, "customerAddFunds": self.add_funds,
                   "customerCredit": self.credit, "customerDebit": self.debit}
        if not with_delete:
            del methods["deleteCustomer"]
        for name, fn in methods.items():
            self.server.register_function(fn, name)
        self.url = "http://127.0.0.1:%d/RPC2" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # --- what the tests read ---------------------------------------------------------------
    def request(self, i=-1):
        """(method, {member: (xml-rpc type element, text)}) of request i; <i4> reads as "int",
        the same XML-RPC type (an <i8> would not)."""
        root = ET.fromstring(self.bodies[i])
        out = {}
        for m in root.iter("member"):
            typed = list(m.find("value"))
            tag = {"i4": "int"}.get(typed[0].tag, typed[0].tag) if typed else "string"
            out[m.find("name").text] = (tag, typed[0].text if typed else m.find("value").text)
        return root.findtext("methodName"), out

    # --- the methods ---------------------------------------------------------------------------
    def caller(self, args):
        w = args.get("i_wholesaler", 1)
        if w not in self.customers:
            raise Fault(1033, "i_wholesaler: no such customer")
        return w

    def find(self, args):
        """The customer args' i_customer names, in the caller's subtree."""
        i = need(args, "i_customer", int)
        top = self.caller(args)
        c = self.customers.get(i)
        p = c
        while p is not None and p["i_customer"] != top:
            p = self.customers.get(p["i_parent"])
        if c is None or p is None or i == top:
            raise Fault(1040, "i_customer: customer %d not found" % i)
        return c

    def create(self, args):
        with self.lock:
            name = need(args, "name", str)
            need(args, "web_password", str)
            if "i_tariff" not in args:
                raise Fault(1001, "i_tariff: mandatory member missing")
            if any(c["name"] == name for c in self.customers.values()):
                raise Fault(1010, 'name: "%s" already exists' % name)
            login = args.get("web_login")
            if login and any(c.get("web_login") == login for c in self.customers.values()):
                raise Fault(1011, "web_login: already exists")
            self.next_id += 1
            self.customers[self.next_id] = {
                "i_customer": self.next_id, "name": name, "web_login": login, "i_parent": self.caller(args),
                "balance": float(args.get("balance", 0.0)), "credit_limit": float(args.get("credit_limit", 0.0)),
                "base_currency": args.get("payment_currency", "USD"), "description": args.get("description"),
                "company_name": args.get("company_name"), "blocked": False}
            return {"result": "OK", "i_customer": self.next_id}

    def info(self, args):
        with self.lock:
            c = self.find(args)
            out = {k: v for k, v in c.items() if v is not None and k not in ("blocked", "base_currency")}
            out["balance"] = -c["balance"]  # inverted on the wire, as the API documents
            return {"result": "OK", "customer": out}

    def update(self, args):
        with self.lock:
            c = self.find(args)
            fields = {k: v for k, v in args.items() if k not in ("i_customer", "i_wholesaler")}
            if not fields:
                raise Fault(1001, "updateCustomer needs at least one field besides i_customer")
            if "name" in fields and any(o["name"] == fields["name"] and o is not c for o in self.customers.values()):
                raise Fault(1010, 'name: "%s" already exists' % fields["name"])
            c.update(fields)
            return {"result": "OK"}

    def list(self, args):
        with self.lock:
            offset = need(args, "offset", int) if "offset" in args else 0
            limit = need(args, "limit", int) if "limit" in args else 100
            if offset < 0 or not 1 <= limit <= 1000:
                raise Fault(1003, "limit: must be 1..1000" if offset >= 0 else "offset: must be >= 0")
            pattern = args.get("name_pattern")
            top = self.caller(args)
            rows = []
            for c in sorted(self.customers.values(), key=lambda c: c["i_customer"]):
                if c["i_parent"] is None or (pattern is not None and not fnmatch.fnmatchcase(c["name"], pattern)):
                    continue
                p = c
                while p is not None and p["i_customer"] != top:
                    p = self.customers.get(p["i_parent"])
                if p is None or c["i_customer"] == top:
                    continue
                row = {k: c.get(k) for k in ("i_customer", "name", "web_login", "description", "balance",
                                             "credit_limit", "base_currency")}
                row = {k: v for k, v in row.items() if v is not None}
                row.update(self.list_extra)
                rows.append(row)
            return {"result": "OK", "customers": rows[offset:offset + limit]}

    def delete(self, args):
        with self.lock:
            c = self.find(args)
            if any(o["i_parent"] == c["i_customer"] for o in self.customers.values()):
                raise Fault(1034, "i_customer: the customer has sub-customers")
            del self.customers[c["i_customer"]]
            return {"result": "OK"}

    def block(self, args):
        with self.lock:
            self.find(args)["blocked"] = True
            return {"result": "OK"}

    def unblock(self, args):
        with self.lock:
            self.find(args)["blocked"] = False
            return {"result": "OK"}

    def funds(self, args, sign):
        with self.lock:
            c = self.find(args)
            amount = need(args, "amount", float)
            currency = need(args, "currency", str)
            if amount <= 0:
                raise Fault(1003, "amount: must be greater than 0")
            if not re.fullmatch(r"[A-Z]{3}", currency):
                raise Fault(1003, "currency: not an ISO 4217 code")
            if currency != c["base_currency"]:
                raise Fault(1035, "currency: %s is not the customer's currency" % currency)
            c["balance"] += sign * amount
            return {"result": "OK"}

    def add_funds(self, args):
        return self.funds(args, 1)

    def credit(self, args):
        return self.funds(args, 1)

    def debit(self, args):
        return self.funds(args, -1)
