"""test_completion.py — the bash completions generated from the option tables: custrpc's
(client/bash-completion/custrpc) completes commands, subcommands and each command's options,
offers no refusing option (--password), and offers every option gen-man --options lists for a
command; custrpc-server's and custrpc-conform's offer every option of their tables."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import main  # noqa: E402

BUILD = os.path.dirname(os.path.dirname(os.path.abspath(os.environ.get("CUSTRPC_CLIENT", "client/custrpc"))))
SCRIPT = os.path.join(BUILD, "client", "bash-completion", "custrpc")


def complete(*words, program="custrpc", script_path=SCRIPT):
    """COMPREPLY for the command line PROGRAM WORDS..., the cursor at the end of the last one,
    from the function the script registers for the program."""
    words = (program,) + words
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
              'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; '
              'fn=$(complete -p "$1" | sed "s/.*-F \\([^ ]*\\) .*/\\1/"); "$fn"; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", script_path] + list(words),
                       capture_output=True, text=True, timeout=60, cwd=os.path.dirname(script_path))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return sorted(w for w in r.stdout.split("\n") if w)


class Completion(unittest.TestCase):
    def test_registered(self):
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", 'source "$1"; complete -p custrpc', "bash", SCRIPT],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.stdout.strip(), "complete -F _custrpc custrpc")

    def test_commands_and_options(self):
        self.assertEqual(complete("cr"), ["create", "credit"])
        self.assertEqual(complete("create", "--em"), ["--email"])
        self.assertEqual(complete("create", "--name", "x", "--i-ta"), ["--i-tariff"])
        self.assertEqual(complete("--url", "http://h/RPC2", "g"), ["get"])
        self.assertEqual(complete("--ur"), ["--url"])
        self.assertEqual(complete("partner", "a"), ["add"])
        self.assertEqual(complete("partner", "add", "--na"), ["--name"])
        self.assertEqual(complete("help", "cr"), ["create", "credit"])
        self.assertEqual(complete("get", "--output", ""), ["json", "text"])
        self.assertNotIn("--password", complete("get", "--pass"))
        self.assertEqual(complete("get", "--pass"), ["--password-file"])

    def test_every_option_of_every_command(self):
        lines = subprocess.run([os.path.join(BUILD, "client", "gen-man"), "--options"], capture_output=True,
                               text=True, check=True).stdout.splitlines()
        by_cmd = {}
        for line in lines:
            words = line.split()
            by_cmd.setdefault(tuple(words[:-1]), set()).add(words[-1])
        self.assertIn(("partner", "add"), by_cmd)
        for cmd, options in by_cmd.items():
            offered = set(complete(*cmd, "--"))
            self.assertEqual(options - offered, set(), cmd)

    def test_server_and_conform(self):
        for program, subdir in (("custrpc-server", "server"), ("custrpc-conform", "conform")):
            path = os.path.join(BUILD, subdir, "bash-completion", program)
            options = set(subprocess.run([os.path.join(BUILD, subdir, "gen-man"), "--options"],
                                         capture_output=True, text=True, check=True).stdout.split())
            options = {o for o in options if o.startswith("--")}
            self.assertEqual(set(complete("--", program=program, script_path=path)), options, program)
        server = os.path.join(BUILD, "server", "bash-completion", "custrpc-server")
        self.assertEqual(complete("--li", program="custrpc-server", script_path=server), ["--listen"])
        conform = os.path.join(BUILD, "conform", "bash-completion", "custrpc-conform")
        self.assertEqual(complete("--prof", program="custrpc-conform", script_path=conform), ["--profile"])
        self.assertEqual(complete("--pass", program="custrpc-conform", script_path=conform), ["--password-file"])


if __name__ == "__main__":
    main()
