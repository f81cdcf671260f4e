"""test_file_modes.py — the files custrpc-server creates (the database, its -wal and -shm, the
web_password key) are readable by their owner only, whatever umask the server was started with."""
import os
import stat
import subprocess
import unittest

from harness import Server, base, create, main


class FileModes(unittest.TestCase):
    def test_new_database_files_are_0600(self):
        old = os.umask(0o022)  # the usual umask, which gave the database 0644
        try:
            srv = Server()
            d = os.path.join(srv.tmp, "fresh")
            os.mkdir(d)
            db = os.path.join(d, "customers.db")
            srv = Server(db=db, tmp=srv.tmp).start()
        finally:
            os.umask(old)
        try:
            create(srv.url, base()).value()  # a write: the -wal and -shm exist while it runs
            for path in (db, db + "-wal", db + "-shm", db + ".key"):
                self.assertTrue(os.path.exists(path), path)
                mode = stat.S_IMODE(os.stat(path).st_mode)
                self.assertEqual(mode, 0o600, "%s is %o" % (os.path.basename(path), mode))
        finally:
            self.assertEqual(srv.stop(), 0, srv.log_text())
        mode = stat.S_IMODE(os.stat(db).st_mode)
        self.assertEqual(mode, 0o600)


if __name__ == "__main__":
    main()
