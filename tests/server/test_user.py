"""test_user.py — --user NAME: a server started as root binds, then becomes NAME before it
opens any file, so the database, its -wal and key are NAME's with mode 0600, and a password file
NAME cannot read is a clear error. Needs root (CI runs as root); skipped otherwise. The process's
ids are read from /proc, not from the server."""
import os
import pwd
import shutil
import subprocess
import tempfile
import unittest

from harness import SERVER, Server, base, create, main

USER = "nobody"


def ids_of(pid):
    """(real, effective, saved, fs) uids and gids, and the supplementary groups, from /proc."""
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.split()
    return ([int(x) for x in fields["Uid"]], [int(x) for x in fields["Gid"]],
            [int(x) for x in fields["Groups"]])


def run_server(*args, preexec_fn=None):
    """Runs a server expected to refuse to start: (exit status, standard error)."""
    p = subprocess.run([SERVER, "--listen", "127.0.0.1:0"] + list(args), capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL, preexec_fn=preexec_fn)
    return p.returncode, p.stderr.decode()


@unittest.skipUnless(os.geteuid() == 0, "needs root to switch users (CI runs as root)")
class AsRoot(unittest.TestCase):
    def setUp(self):
        self.pw = pwd.getpwnam(USER)
        # A directory the user may write to, as StateDirectory= would make it.
        self.tmp = tempfile.mkdtemp(prefix="custrpc-test-")
        os.chmod(self.tmp, 0o755)
        self.state = os.path.join(self.tmp, "state")
        os.mkdir(self.state, 0o700)
        os.chown(self.state, self.pw.pw_uid, self.pw.pw_gid)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, text, mode=0o644, owner=None):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        return path

    def test_runs_as_the_user_and_files_are_its_own(self):
        db = os.path.join(self.state, "customers.db")
        log = os.path.join(self.state, "requests.log")
        srv = Server("--user", USER, "--log-file", log, db=db, tmp=self.tmp)
        srv.start()
        try:
            uids, gids, groups = ids_of(srv.proc.pid)
            self.assertEqual(uids, [self.pw.pw_uid] * 4)
            self.assertEqual(gids, [self.pw.pw_gid] * 4)
            self.assertNotIn(0, groups)
            create(srv.url, base()).value()  # a write: the -wal exists while the server runs
            for path in (db, db + "-wal", db + ".key", log):
                st = os.stat(path)
                self.assertEqual((st.st_uid, st.st_gid), (self.pw.pw_uid, self.pw.pw_gid), path)
                self.assertEqual(st.st_mode & 0o777, 0o600, path)
        finally:
            self.assertEqual(srv.stop(), 0, srv.log_text())

    def test_password_file_the_user_cannot_read(self):
        self.write("root.pw", "Secret-pw-1\n", mode=0o600)  # root's own
        cfg = self.write("server.xml", '<custrpc-server><root password-file="root.pw"/>'
                                       "</custrpc-server>")
        code, err = run_server("--user", USER, "--config", cfg)
        self.assertEqual(code, 78, err)
        self.assertRegex(err, r"custrpc-server: .*root\.pw.*Permission denied")

    def test_config_the_user_cannot_read(self):
        cfg = self.write("server.xml", "<custrpc-server/>", mode=0o600)
        code, err = run_server("--user", USER, "--config", cfg)
        self.assertEqual(code, 78, err)
        self.assertIn("--user %s cannot read the configuration file '%s' (SIGHUP re-reads it as "
                      "that user): Permission denied" % (USER, cfg), err)

    def test_unknown_user(self):
        code, err = run_server("--user", "no-such-user-custrpc")
        self.assertEqual(code, 64, err)
        self.assertIn("custrpc-server: --user no-such-user-custrpc: no such user", err)

    def test_not_root(self):
        uid, gid = self.pw.pw_uid, self.pw.pw_gid

        def become():
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        code, err = run_server("--user", USER, preexec_fn=become)
        self.assertEqual(code, 64, err)
        self.assertIn("--user %s: only a server started as root can change its user (this one "
                      "runs as uid %d)" % (USER, uid), err)


if __name__ == "__main__":
    main()
