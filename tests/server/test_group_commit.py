"""test_group_commit.py — attacks on the file store's group commit (store_sync.h): many clients
mixing writes that succeed and writes that fault, on names they race for; every answer must
match the database (an OK is stored, a fault left nothing behind), a read after an acknowledged
write sees it, and after kill -9 every acknowledged write is there."""
import json
import os
import subprocess
import time
import signal
import socket
import sqlite3
import threading
import unittest

from harness import Digest, Server, base, call_body, create, main, post, unique, wait_until


def ok(r):
    return r.status == 200 and b"<fault>" not in r.body


class GroupCommit(unittest.TestCase):
    def mixed_load(self, srv, stop, rounds, acked, lock, pool):
        """Each worker: creates its own customer (and reads it back at once), adds funds to it,
        races the others for names in pool (one winner a name), renames, deletes some."""
        def worker(k):
            mine, funds, n = None, 0.0, 0
            while not stop.is_set() and (rounds is None or n < rounds):
                n += 1
                try:
                    if mine is None:
                        name = unique("own%d" % k)
                        r = create(srv.url, base(name=name, payment_currency="USD"))
                        if ok(r):
                            mine, funds = r.value()["i_customer"], 0.0
                            with lock:
                                acked["own"][mine] = [name, 0.0]
                            got = post(srv.url, call_body("getCustomerInfo", {"i_customer": mine}))
                            self.assertTrue(ok(got), ("acknowledged create not readable", got.body))
                        continue
                    r = post(srv.url, call_body("customerAddFunds", {"i_customer": mine, "amount": 1.5,
                                                                       "currency": "USD"}))
                    if ok(r):
                        funds += 1.5
                        with lock:
                            acked["own"][mine][1] = funds
                    # a race for a shared name: a fault for all but one
                    shared = pool[n % len(pool)]
                    r = create(srv.url, base(name=shared))
                    if ok(r):
                        with lock:
                            acked["shared"].setdefault(shared, []).append(r.value()["i_customer"])
                    if n % 7 == 0:
                        new = unique("ren%d" % k)
                        r = post(srv.url, call_body("updateCustomer", {"i_customer": mine, "name": new}))
                        if ok(r):
                            with lock:
                                acked["own"][mine][0] = new
                    if n % 11 == 0:
                        with lock:
                            acked["deleting"].add(mine)  # may be stored before its answer
                        r = post(srv.url, call_body("deleteCustomer", {"i_customer": mine}))
                        if ok(r):
                            with lock:
                                acked["deleted"].add(mine)
                                del acked["own"][mine]
                            mine = None
                except OSError:
                    return  # the server is gone (kill -9)
        return [threading.Thread(target=worker, args=(k,)) for k in range(24)]

    def check_db(self, db, acked, exact):
        con = sqlite3.connect(db)
        rows = {i: (name, bal) for i, name, bal in con.execute("SELECT i_customer, name, balance FROM customers")}
        by_name = {}
        for i, (name, _) in rows.items():
            by_name.setdefault(name, []).append(i)
        con.close()
        for i, (name, funds) in acked["own"].items():
            if not exact and i in acked["deleting"] and i not in rows:
                continue  # its delete was under way at the kill
            self.assertIn(i, rows, "acknowledged customer %d (%s) missing" % (i, name))
            if exact:
                self.assertEqual(rows[i][0], name)
                self.assertAlmostEqual(rows[i][1] or 0.0, funds)
            else:
                self.assertGreaterEqual((rows[i][1] or 0.0) + 1e-9, funds)
        for i in acked["deleted"]:
            self.assertNotIn(i, rows, "acknowledged delete of %d undone" % i)
        for name, ids in acked["shared"].items():
            self.assertEqual(len(ids), 1, "name %s acknowledged twice: %s" % (name, ids))
            self.assertEqual(by_name.get(name), ids)
        for name, ids in by_name.items():
            self.assertEqual(len(ids), 1, "duplicate name %s in the database: %s" % (name, ids))

    def test_mixed_writes_match_the_database(self):
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        acked = {"own": {}, "shared": {}, "deleted": set(), "deleting": set()}
        lock, stop = threading.Lock(), threading.Event()
        pool = [unique("shared") for _ in range(40)]
        with Server("--threads", "4", db=db, tmp=srv.tmp) as srv:
            threads = self.mixed_load(srv, stop, 60, acked, lock, pool)
            for t in threads:
                t.start()
            for t in threads:
                t.join(300)
        self.check_db(db, acked, exact=True)

    def test_kill9_mid_mixed_load(self):
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        acked = {"own": {}, "shared": {}, "deleted": set(), "deleting": set()}
        lock, stop = threading.Lock(), threading.Event()
        pool = [unique("shared") for _ in range(400)]
        srv = Server("--threads", "4", db=db, tmp=srv.tmp).start()
        threads = self.mixed_load(srv, stop, None, acked, lock, pool)
        for t in threads:
            t.start()
        wait_until(lambda: len(acked["shared"]) >= 150, 120)
        self.assertEqual(srv.stop(signal.SIGKILL), -signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(60)
        self.check_db(db, acked, exact=False)
        # and it starts again on that database
        with Server(db=db, tmp=srv.tmp) as again:
            self.assertTrue(ok(create(again.url, base())))

    def slow_disk_server(self, seconds):
        """A server on a file store whose fdatasync takes seconds while a flag file exists."""
        srv = Server()
        shim_c, shim = os.path.join(srv.tmp, "shim.c"), os.path.join(srv.tmp, "shim.so")
        with open(shim_c, "w") as f:
            f.write("#define _GNU_SOURCE\n#include <stdlib.h>\n#include <unistd.h>\n"
                    "#include <sys/syscall.h>\n"
                    "int fdatasync(int fd) {\n"
                    "  const char *flag = getenv(\"FAIL_FLAG\");\n"
                    "  if (flag && access(flag, F_OK) == 0) sleep(%d);\n"
                    "  return (int)syscall(SYS_fdatasync, fd);\n}\n" % seconds)
        subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", shim, shim_c], check=True)
        flag = os.path.join(srv.tmp, "slow-now")
        env = dict(os.environ, LD_PRELOAD=shim, FAIL_FLAG=flag)
        env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]))
        db = os.path.join(srv.tmp, "customers.db")
        return Server("--threads", "2", db=db, tmp=srv.tmp, env=env), flag, db

    def test_sigterm_while_answers_are_held_past_the_stop_wait(self):
        # http_stop waits for the requests in flight for at most the idle timeout (30 s), then
        # stops libmicrohttpd. Answers held by a flush slower than that are still suspended
        # connections then, and the sync thread answers them later: the server must still exit
        # cleanly (no abort, no crash), and what was acknowledged is stored.
        srv, flag, db = self.slow_disk_server(35)
        srv.start()
        self.assertTrue(ok(create(srv.url, base())))
        open(flag, "w").close()
        results = []

        def creator():
            try:
                results.append(create(srv.url, base()))
            except OSError as e:
                results.append(e)

        threads = [threading.Thread(target=creator) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(2)  # all three written and held
        srv.proc.send_signal(signal.SIGTERM)
        os.unlink(flag)  # the flushes under way stay slow; later ones are not
        code = srv.proc.wait(timeout=120)
        for t in threads:
            t.join(60)
        srv.stop()
        self.assertEqual(code, 0, srv.log_text()[-2000:])
        con = sqlite3.connect(db)
        ids = {i for (i,) in con.execute("SELECT i_customer FROM customers")}
        con.close()
        answered = [r.value()["i_customer"] for r in results if not isinstance(r, OSError) and ok(r)]
        # Held answers are sent before the exit. (A request whose MHD thread was itself stuck
        # in a lone flush may never have been read: not answered, and not written either.)
        self.assertGreaterEqual(len(answered), 1, results)
        self.assertLessEqual(set(answered), ids)

    def test_client_gone_while_held_still_logged(self):
        # A create whose client hangs up while its answer waits for the flush is stored all
        # the same (it was written): the request log, the metrics and the journal must show
        # it like any other request, or a write happens that no log line tells of.
        srv, flag, db = self.slow_disk_server(2)
        with srv:
            self.assertTrue(ok(create(srv.url, base())))
            open(flag, "w").close()
            socks = []
            for i in range(6):
                body = call_body("createCustomer", base(name="gone-%d" % i))
                s = socket.create_connection(("127.0.0.1", srv.port))
                s.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/xml\r\n"
                          b"Content-Length: %d\r\n\r\n" % (srv.port, len(body)) + body)
                socks.append(s)
            time.sleep(0.5)  # written, answers held
            for s in socks:  # a reset, not a FIN: the peer is gone
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                s.close()
            os.unlink(flag)
            time.sleep(5)  # the flush ends, the connections are resumed and closed
            con = sqlite3.connect(db)
            stored = con.execute("SELECT COUNT(*) FROM customers WHERE name LIKE 'gone-%'").fetchone()[0]
            con.close()
            self.assertEqual(stored, 6)
            log = srv.log_showing(r"(method=createCustomer [^\n]*\n[^\0]*){7}", timeout=5)
            self.assertEqual(log.count("method=createCustomer"), 7, log)

    # The journal records a request when its answer is sent, so a create whose answer was
    # held across a reset reaches the journal after the reset emptied it; each entry carries
    # the store's reset count from when its transaction ran, and the journal refuses older.
    def test_reset_clears_the_journal_of_what_it_wiped(self):
        # A create written before a reset, whose answer is still held (its flush is slow),
        # is wiped by the reset; its journal entry must not appear in the journal the reset
        # emptied, which would show a create of a customer that does not exist.
        srv, flag, db = self.slow_disk_server(2)
        with open(os.path.join(srv.tmp, "root.pw"), "w") as f:
            f.write("Root-pw-gc-1\n")
        with open(os.path.join(srv.tmp, "server.xml"), "w") as f:
            f.write('<custrpc-server><root login="root" password-file="root.pw"/>'
                    '<tariff i_tariff="1" name="Default"/></custrpc-server>')
        srv.args += ["--admin", "--config", os.path.join(srv.tmp, "server.xml")]
        root = Digest("root", "Root-pw-gc-1")
        with srv:
            self.assertTrue(ok(create(srv.url, base(), auth=root)))
            open(flag, "w").close()
            got = {}
            name = unique("wiped")
            t = threading.Thread(target=lambda: got.setdefault("create", create(srv.url, base(name=name), auth=Digest("root", "Root-pw-gc-1"))))
            t.start()
            time.sleep(0.5)  # written; its answer waits for the slow flush
            r = root.request("POST", srv.url.replace("/RPC2", "") + "/admin/reset", b"")
            t.join(30)
            os.unlink(flag)
            self.assertEqual(r.status, 200, r.body)
            self.assertTrue(ok(got["create"]))
            gone = root.post(srv.url, call_body("getCustomerInfo", {"name": name}))
            self.assertIn(b"<fault>", gone.body)  # the reset came after it, and wiped it
            j = root.request("GET", srv.url.replace("/RPC2", "") + "/admin/journal")
            entries = json.loads(j.body)["entries"]
            self.assertNotIn("createCustomer", [e["method"] for e in entries], entries)


if __name__ == "__main__":
    main()
