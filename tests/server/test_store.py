"""test_store.py — what the store promises: one winner when 64 clients race for a name, ids
that only grow, customers that survive a restart and kill -9, no password in plain text, and
databases of the release before schema versioning opened and migrated (tests/data/store-v0.db,
written by that release's server: root password fixture-root-pw, tariffs 1 and 2, the customers
below), while a database from a newer release is refused."""
import os
import shutil
import signal
import subprocess
import sqlite3
import stat
import tempfile
import threading
import time
import unittest

from harness import SERVER, Digest, Server, base, call_body, create, main, post, unique, wait_until

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
V0_CONFIG = """<custrpc-server>
  <root login="ssp-root" password-file="root.pw"/>
  <tariff i_tariff="1" name="Default"/>
  <tariff i_tariff="2" name="Wholesale"/>
</custrpc-server>
"""



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

    def test_kill9_under_concurrent_creates_keeps_every_acknowledged(self):
        # Group commit holds each answer until the WAL is flushed; a create answered before the
        # kill must be in the database after it, read here by Python's own sqlite3.
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        srv = Server("--threads", "2", db=db, tmp=srv.tmp).start()
        acked, stop = [], threading.Event()
        lock = threading.Lock()

        def creator():
            while not stop.is_set():
                name = unique("group")
                try:
                    r = create(srv.url, base(name=name, web_login=name))
                except OSError:
                    return  # the server is gone
                if b"<fault>" not in r.body:
                    with lock:
                        acked.append((name, r.value()["i_customer"]))

        threads = [threading.Thread(target=creator) for _ in range(16)]
        for t in threads:
            t.start()
        wait_until(lambda: len(acked) >= 200)
        self.assertEqual(srv.stop(signal.SIGKILL), -signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(60)
        with lock:
            answered = dict(acked)
        con = sqlite3.connect(db)
        stored = dict(con.execute("SELECT name, i_customer FROM customers"))
        con.close()
        missing = {n: i for n, i in answered.items() if stored.get(n) != i}
        self.assertEqual(missing, {}, "%d acknowledged, %d lost" % (len(answered), len(missing)))

    def failing_disk(self, srv, shim_source):
        """A server on a file store whose libc calls are replaced by shim_source (a preloaded
        library built here) while the returned flag file exists: the start itself must work."""
        shim_c = os.path.join(srv.tmp, "shim.c")
        shim = os.path.join(srv.tmp, "shim.so")
        with open(shim_c, "w") as f:
            f.write("#define _GNU_SOURCE\n#include <errno.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
                    "#include <string.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n"
                    "#include <sys/types.h>\n"
                    "static int failing(void) {\n"
                    "  const char *flag = getenv(\"FAIL_FLAG\");\n"
                    "  return flag && access(flag, F_OK) == 0;\n}\n" + shim_source)
        subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", shim, shim_c], check=True)
        flag = os.path.join(srv.tmp, "fail-now")
        env = dict(os.environ, LD_PRELOAD=shim, FAIL_FLAG=flag)
        # Under AddressSanitizer its runtime must come first unless told otherwise.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]))
        db = os.path.join(srv.tmp, "customers.db")
        return Server(db=db, tmp=srv.tmp, env=env), flag, db

    def test_failed_flush_is_not_acknowledged(self):
        # The answer waits for the WAL's fdatasync and depends on it: with an fdatasync that
        # fails, the create is not answered as a success.
        failing, flag, _ = self.failing_disk(Server(), (
            "int fdatasync(int fd) {\n"
            "  if (failing()) { errno = EIO; return -1; }\n"
            "  return (int)syscall(SYS_fdatasync, fd);\n}\n"))
        with failing:
            self.assertEqual(create(failing.url, base()).status, 200)
            open(flag, "w").close()
            r = create(failing.url, base())
            self.assertEqual(r.status, 500, r.body)
            self.assertIn(b"flushing it to disk failed", r.body)
            self.assertIn("flushing the write-ahead log failed: Input/output error", failing.log_text())
            # Concurrent creates take the other path (held, the connection suspended, answered
            # by the sync thread): the same answer for each.
            results = [None] * 8
            go = threading.Barrier(8)

            def creator(i):
                go.wait()
                results[i] = create(failing.url, base())

            threads = [threading.Thread(target=creator, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            self.assertEqual([r.status for r in results], [500] * 8, [r.body for r in results])
            # Reads are not held, and the server stays up.
            got = post(failing.url, call_body("getCustomerInfo", {"i_customer": 1}))
            self.assertEqual(got.status, 200)

    def test_full_disk_rolls_back_the_group_and_says_so(self):
        # Writes to the WAL fail with ENOSPC: SQLite rolls back the group commit's transaction,
        # so the create in it is answered as not stored; once the disk has room, creates work
        # again, and the database holds exactly the creates answered OK.
        failing, flag, db = self.failing_disk(Server(), (
            "ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {\n"
            "  char link[64], path[4096];\n"
            "  snprintf(link, sizeof link, \"/proc/self/fd/%d\", fd);\n"
            "  ssize_t k = readlink(link, path, sizeof path - 1);\n"
            "  if (failing() && k > 4 && memcmp(path + k - 4, \"-wal\", 4) == 0) {\n"
            "    errno = ENOSPC; return -1; }\n"
            "  return syscall(SYS_pwrite64, fd, buf, n, off);\n}\n"))
        names = [unique("disk") for _ in range(3)]
        with failing:
            self.assertEqual(create(failing.url, base(name=names[0])).status, 200)
            open(flag, "w").close()
            r = create(failing.url, base(name=names[1]))
            self.assertEqual(r.status, 500, r.body)
            self.assertIn(b"the change was not stored", r.body)
            os.unlink(flag)
            self.assertEqual(create(failing.url, base(name=names[2])).status, 200)
            got = post(failing.url, call_body("getCustomerInfo", {"name": names[1]}))
            self.assertIn(b"<fault>", got.body)
        self.assertIn("a group of writes was rolled back", failing.log_text())
        con = sqlite3.connect(db)
        stored = {n for (n,) in con.execute("SELECT name FROM customers")}
        con.close()
        self.assertEqual([n in stored for n in names], [True, False, True])

    def test_wal_stays_bounded_under_sustained_writes(self):
        # With a batch open nearly all the time, SQLite never restarts the WAL unless the sync
        # thread lets the checkpoint catch up (store.c, STORE_WAL_RESTART_PAGES: 16 MiB): 20,000
        # creates wrote well over 100 MB of WAL without it.
        loadgen = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(SERVER))), "bench", "loadgen")
        srv = Server()
        db = os.path.join(srv.tmp, "customers.db")
        body = os.path.join(srv.tmp, "create.xml")
        with open(body, "w") as f:
            f.write(call_body("createCustomer", base(name="Wal @N@", web_login="wal-@N@")).decode())
        with Server(db=db, tmp=srv.tmp) as srv:
            created, biggest, deadline = 0, 0, time.monotonic() + 120
            while created < 20000 and time.monotonic() < deadline:
                r = subprocess.run([loadgen, "--url", srv.url, "--body", body, "-c", "16", "-d", "1"],
                                   capture_output=True, text=True, timeout=60)
                got = dict(x.split("=", 1) for x in r.stdout.split())
                self.assertEqual(got["errors"], "0", r.stdout + r.stderr)
                created += int(got["requests"])
                biggest = max(biggest, os.path.getsize(db + "-wal"))
            self.assertGreaterEqual(created, 20000)
            self.assertLess(biggest, 32 << 20, "WAL reached %d bytes after %d creates" % (biggest, created))

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

    def test_key_file_that_is_a_fifo_is_refused_not_waited_on(self):
        """Read at start with SIGTERM already blocked: a FIFO would hold the server for good."""
        tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        try:
            db = os.path.join(tmp, "customers.db")
            os.mkfifo(db + ".key")
            p = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", db], capture_output=True,
                               timeout=60, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 69, p.stderr)
            self.assertIn(b"customers.db.key: the server key file must be a regular file", p.stderr)
        finally:
            shutil.rmtree(tmp)

    def test_ids_start_after_root(self):
        with Server() as srv:
            self.assertEqual(create(srv.url, base()).value()["i_customer"], 2)
            root = post(srv.url, call_body("getCustomerInfo", {"i_customer": 1})).value()["customer"]
            self.assertEqual(root["name"], "ssp-root")
            self.assertEqual(root["customers_mgmt"], 7)


class Migration(unittest.TestCase):
    def copy_v0(self, tmp):
        db = os.path.join(tmp, "customers.db")
        shutil.copyfile(os.path.join(DATA, "store-v0.db"), db)
        shutil.copyfile(os.path.join(DATA, "store-v0.db.key"), db + ".key")
        os.chmod(db + ".key", 0o600)
        return db

    def columns(self, db):
        con = sqlite3.connect(db)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        cols = [r[1] for r in con.execute("PRAGMA table_info(customers)")]
        con.close()
        return version, cols

    def test_v0_database_opens_migrated_and_logs_in(self):
        srv = Server()
        db = self.copy_v0(srv.tmp)
        version, cols = self.columns(db)
        self.assertEqual(version, 0)
        self.assertNotIn("blocked", cols)
        srv = Server(config=V0_CONFIG, root_password="fixture-root-pw", db=db, tmp=srv.tmp)
        with srv:
            root = Digest("ssp-root", "fixture-root-pw")
            reseller = Digest("fixture-reseller", "fixture-api-pw")
            child = Digest("fixture-child", "fixture-child-pw")
            r = reseller.post(srv.url, call_body("getCustomerInfo", {"name": "Fixture Reseller"})).value()["customer"]
            self.assertEqual((r["i_customer"], r["i_parent"], r["web_login"], r["i_tariff"], r["balance"],
                              r["credit_limit"], r["payment_currency"], r["customers_mgmt"], r["max_depth"],
                              r["blocked"]),
                             (2, 1, "fixture-reseller", 2, -12.5, 100.0, "EUR", 7, 3, False))
            c = reseller.post(srv.url, call_body("getCustomerInfo", {"i_customer": 3})).value()["customer"]
            self.assertEqual((c["name"], c["i_parent"], c["i_tariff"], c["email"], c["max_depth"]),
                             ("Fixture Child", 2, 2, "child@example.com", 2))
            self.assertEqual(child.post(srv.url, call_body("listCustomers", {})).value()["customers"], [])
            listed = root.post(srv.url, call_body("listCustomers", {})).value()["customers"]
            self.assertEqual([x["name"] for x in listed], ["Fixture Reseller", "Fixture Child", "Fixture Plain"])
            # The new methods work on the migrated rows, and new ids follow the old ones.
            reseller.post(srv.url, call_body("blockCustomer", {"i_customer": 3})).value()
            child.challenge = None
            self.assertEqual(child.post(srv.url, call_body("listCustomers", {})).status, 401)
            self.assertEqual(create(srv.url, base(), auth=root).value()["i_customer"], 5)
            self.assertIn("store schema version 0 upgraded to 2", srv.log_text())
        version, cols = self.columns(db)
        self.assertEqual(version, 2)
        self.assertIn("blocked", cols)
        con = sqlite3.connect(db)
        partner_cols = [r[1] for r in con.execute("PRAGMA table_info(partners)")]
        con.close()
        self.assertIn("Company.PostAddress.City", partner_cols)
        # Opening again changes nothing and says nothing.
        srv = Server(config=V0_CONFIG, root_password="fixture-root-pw", db=db, tmp=srv.tmp)
        with srv:
            self.assertEqual(Digest("fixture-reseller", "fixture-api-pw").post(
                srv.url, call_body("getCustomerInfo", {"i_customer": 3})).value()["customer"]["blocked"], True)
        self.assertEqual(srv.log_text().count("upgraded"), 1)

    def test_missing_field_column_is_added(self):
        # A field added to fields.def reaches old databases: here its column is dropped and the
        # server puts it back, with no SQL written for it.
        srv = Server()
        db = self.copy_v0(srv.tmp)
        con = sqlite3.connect(db)
        con.execute("ALTER TABLE customers DROP COLUMN dncl_enabled")
        con.execute("PRAGMA user_version = 1")
        con.commit()
        con.close()
        self.assertNotIn("dncl_enabled", self.columns(db)[1])
        with Server(db=db, tmp=srv.tmp) as srv:
            create(srv.url, base(dncl_enabled=True, name="with-dncl")).value()
            got = post(srv.url, call_body("getCustomerInfo", {"name": "with-dncl"})).value()["customer"]
            self.assertIs(got["dncl_enabled"], True)
        self.assertIn("dncl_enabled", self.columns(db)[1])

    def test_newer_schema_is_refused(self):
        srv = Server()
        db = self.copy_v0(srv.tmp)
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
        p = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", db], capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 69, p.stderr)
        self.assertIn(b"schema version 99, newer than this server's 2", p.stderr)
        self.assertEqual(self.columns(db), (99, self.columns(os.path.join(DATA, "store-v0.db"))[1]))


if __name__ == "__main__":
    main()
