"""test_store.py — what the store promises: one winner when 64 clients race for a name, ids
that only grow, customers that survive a restart and kill -9, and no password in plain text."""
import os
import signal
import sqlite3
import stat
import threading
import unittest

from harness import Server, base, call_body, create, main, post, unique



class Store(unittest.TestCase):
    def test_concurrent_same_name(self):
        with Server("--threads", "4") as srv:
            name = unique("race")
            results = [None] * 64
            go = threading.Barrier(64)

            def racer(i):
                go.wait()
                results[i] = create(srv.url, base(name=name))

            threads = [threading.Thread(target=racer, args=(i,)) for i in range(64)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            ok = [r.value()["i_customer"] for r in results if b"<fault>" not in r.body]
            faults = [r.fault()[0] for r in results if b"<fault>" in r.body]
            self.assertEqual(len(ok), 1, results)
            self.assertEqual(faults, [1010] * 63)

    def test_restart_and_kill9_keep_acknowledged(self):
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        srv = Server(db=db, tmp=srv.tmp).start()
        names = [unique("durable") for _ in range(20)]
        ids = [create(srv.url, base(name=n, api_password="pw-" + n, web_login=n)).value()["i_customer"]
               for n in names]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(srv.stop(signal.SIGKILL), -signal.SIGKILL)

        srv = Server(db=db, tmp=srv.tmp).start()
        for n, i in zip(names, ids):
            got = post(srv.url, call_body("getCustomerInfo", {"name": n})).value()["customer"]
            self.assertEqual(got["i_customer"], i)
        later = create(srv.url, base()).value()["i_customer"]
        self.assertGreater(later, max(ids))
        self.assertEqual(srv.stop(), 0)

        # Passwords are hashes only, and the key for web_password hashes is outside the db.
        con = sqlite3.connect(db)
        dump = "\n".join(con.iterdump())
        con.close()
        for n in names:
            self.assertNotIn("pw-" + n, dump)
        self.assertNotIn("'pw'", dump)
        mode = stat.S_IMODE(os.stat(db + ".key").st_mode)
        self.assertEqual(mode, 0o600)

        srv = Server(db=db, tmp=srv.tmp).start()  # a clean restart keeps them too
        self.assertEqual(post(srv.url, call_body("getCustomerInfo", {"name": names[0]})).value()["result"], "OK")
        self.assertEqual(srv.stop(), 0)

    def test_missing_key_beside_existing_database(self):
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        srv = Server(db=db, tmp=srv.tmp).start()
        create(srv.url, base()).value()
        self.assertEqual(srv.stop(), 0)
        os.unlink(db + ".key")
        import subprocess
        from harness import SERVER
        p = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", db], capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 69, p.stderr)
        self.assertIn(b"customers.db.key: the server key is missing", p.stderr)
        self.assertIn(b"restore the key file", p.stderr)
        self.assertFalse(os.path.exists(db + ".key"))  # not silently regenerated

    def test_ids_start_after_root(self):
        with Server() as srv:
            self.assertEqual(create(srv.url, base()).value()["i_customer"], 2)
            root = post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).value()["customer"]
            self.assertEqual(root["name"], "ssp-root")
            self.assertEqual(root["customers_mgmt"], 7)


if __name__ == "__main__":
    main()
