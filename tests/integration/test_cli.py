#!/usr/bin/env python3
"""End-to-end tests of the opcua-sm command-line tool (and so of libosm).

Usage: test_cli.py <opcua-sm binary> <daemon binary> <file holding the fixture endpoint URL>

Starts daemons on private Unix sockets in a temporary directory, runs
opcua-sm against them and the node-opcua fixture server, and checks output
and exit codes. Python 3 standard library only. Prints one PASS/FAIL line
per check, then `N passed, M failed`; exit status 1 if any check failed.
Every wait is bounded; every daemon started is stopped by PID.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLI = DAEMON = URL = TMP = None
RESULTS = {"passed": 0, "failed": 0}
DAEMONS = []
RUN_TIMEOUT = 30


class Fail(Exception):
    pass


def check(name, fn, *args):
    try:
        fn(*args)
    except Fail as e:
        RESULTS["failed"] += 1
        print("FAIL %s: %s" % (name, e), flush=True)
    except Exception as e:  # noqa: BLE001 - report anything as a failure
        RESULTS["failed"] += 1
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
    else:
        RESULTS["passed"] += 1
        print("PASS %s" % name, flush=True)


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def start_daemon(sock, token=None):
    env = dict(os.environ)
    env.pop("OPCUA_AUTH_TOKEN", None)
    if token is not None:
        env["OPCUA_AUTH_TOKEN"] = token
    log = open(os.path.join(TMP, os.path.basename(sock) + ".log"), "wb")
    p = subprocess.Popen([DAEMON, "--socket", sock, "--log-level", "warning"],
                         stdout=log, stderr=log, env=env)
    log.close()
    DAEMONS.append(p)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise Fail("daemon exited with %s" % p.returncode)
        if os.path.exists(sock):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(1)
            try:
                s.connect(sock)
                return p
            except OSError:
                pass
            finally:
                s.close()
        time.sleep(0.05)
    raise Fail("daemon did not start within 10 s")


def stop_daemon(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def cli(*args, sock=None, token=None, env_extra=None):
    cmd = [CLI]
    if sock:
        cmd += ["--socket", sock]
    if token is not None:
        cmd += ["--token", token]
    cmd += ["--timeout", "20"] + list(args)
    env = dict(os.environ)
    env.pop("OPCUA_AUTH_TOKEN", None)
    env.pop("OPCUA_SOCKET_PATH", None)
    if env_extra:
        env.update(env_extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
    return r.returncode, r.stdout, r.stderr


def ok(r, what):
    rc, out, err = r
    expect(rc == 0, "%s: exit %d, stderr %r" % (what, rc, err))
    return out


def main():
    global CLI, DAEMON, URL, TMP
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    CLI, DAEMON = sys.argv[1], sys.argv[2]
    with open(sys.argv[3]) as f:
        URL = f.read().strip()
    TMP = tempfile.mkdtemp(prefix="osm-cli-")
    try:
        run_all()
    finally:
        for p in DAEMONS:
            stop_daemon(p)
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


def run_all():
    sock = os.path.join(TMP, "d.sock")
    start_daemon(sock)
    st = {}

    def t_help():
        out = ok(cli("--help"), "--help")
        for word in ("ping", "open", "browse", "call", "query", "Exit codes"):
            expect(word in out, "help lacks %r" % word)
        expect(ok(cli("--version"), "--version").startswith("opcua-sm "), "version text")

    def t_ping():
        out = ok(cli("ping", sock=sock), "ping")
        expect(out.startswith("ok, 0 session"), "ping output %r" % out)
        out = ok(cli("--json", "ping", sock=sock), "ping --json")
        expect(json.loads(out)["status"] == "ok", "ping json %r" % out)

    def t_ping_env_socket():
        out = ok(cli("ping", env_extra={"OPCUA_SOCKET_PATH": "unix://" + sock}), "ping via env")
        expect(out.startswith("ok"), "ping output %r" % out)

    def t_open():
        out = ok(cli("open", URL, sock=sock), "open")
        sid = out.strip()
        expect(len(sid) == 32 and all(c in "0123456789abcdef" for c in sid), "sid %r" % sid)
        st["sid"] = sid
        out = ok(cli("--json", "open", URL, sock=sock), "open again")
        d = json.loads(out)
        expect(d == {"sessionId": sid, "reused": True}, "second open %r" % d)
        out = ok(cli("list", sock=sock), "list")
        expect(sid in out and URL in out, "list output %r" % out)

    def t_read():
        out = ok(cli("read", st["sid"], "ns=1;s=Scalar.Int32", sock=sock), "read")
        expect(out.strip() == "-2000000000 (Int32) status Good", "read output %r" % out)
        out = ok(cli("--json", "read", st["sid"], "ns=1;s=Scalar.Int32", sock=sock), "read --json")
        d = json.loads(out)
        expect(d["value"] == -2000000000 and d["type"] == 6 and d["statusCode"] == 0, "dv %r" % d)

    def t_write():
        node = "ns=1;s=Scalar.Int32"
        try:
            out = ok(cli("write", st["sid"], node, "123456", sock=sock), "write")
            expect(out.strip() == "Good", "write output %r" % out)
            d = json.loads(ok(cli("--json", "read", st["sid"], node, sock=sock), "read back"))
            expect(d["value"] == 123456, "read back %r" % d)
            out = ok(cli("write", st["sid"], node, "-7", "--type", "6", sock=sock), "write --type")
            d = json.loads(ok(cli("--json", "read", st["sid"], node, sock=sock), "read back 2"))
            expect(d["value"] == -7, "read back 2 %r" % d)
        finally:
            cli("write", st["sid"], node, "-2000000000", "--type", "6", sock=sock)
        d = json.loads(ok(cli("--json", "read", st["sid"], node, sock=sock), "read restored"))
        expect(d["value"] == -2000000000, "restore %r" % d)

    def t_browse():
        out = ok(cli("browse", st["sid"], "i=85", sock=sock), "browse")
        lines = out.splitlines()
        expect(any(l.split()[:3] == ["1:Scalar", "ns=1;s=Scalar", "Object"] for l in lines),
               "browse output %r" % out)
        expect(any(l.split()[:2] == ["Server", "i=2253"] for l in lines), "no Server line")
        refs = json.loads(ok(cli("--json", "browse", st["sid"], "i=85", sock=sock), "browse --json"))
        expect(any(r["browseName"]["name"] == "Scalar" for r in refs), "browse json")

    def t_call():
        args = '[{"type":11,"value":6},{"type":11,"value":7}]'
        out = ok(cli("call", st["sid"], "ns=1;s=Methods", "ns=1;s=Methods.Multiply", args,
                     sock=sock), "call")
        expect("42 (Double)" in out and "status Good" in out, "call output %r" % out)
        d = json.loads(ok(cli("--json", "call", st["sid"], "ns=1;s=Methods",
                              "ns=1;s=Methods.Multiply", args, sock=sock), "call --json"))
        expect(d["outputArguments"][0]["value"] == 42, "call json %r" % d)

    def t_query():
        out = ok(cli("--json", "query", st["sid"], "read",
                     '[{"ns":0,"id":2258,"type":"numeric"}]', sock=sock), "query")
        d = json.loads(out)
        expect(d["type"] == 13 and d["statusCode"] == 0, "query %r" % d)
        rc, _, err = cli("query", st["sid"], "setTimeout", "[1]", sock=sock)
        expect(rc == 1 and "[forbidden_method]" in err, "forbidden: %d %r" % (rc, err))

    def t_unknown_session():
        rc, _, err = cli("read", "0" * 32, "i=2258", sock=sock)
        expect(rc == 5, "exit %d" % rc)
        expect(err.startswith("opcua-sm: [session_not_found] "), "stderr %r" % err)

    def t_close():
        ok(cli("close", st["sid"], sock=sock), "close")
        rc, _, _ = cli("close", st["sid"], sock=sock)
        expect(rc == 5, "second close exit %d" % rc)
        out = ok(cli("ping", sock=sock), "ping after close")
        expect(out.startswith("ok, 0 session"), "ping %r" % out)

    def t_not_running():
        missing = os.path.join(TMP, "missing.sock")
        rc, _, err = cli("ping", sock=missing)
        expect(rc == 3, "exit %d" % rc)
        expect("Socket not found: %s. Is the daemon running?" % missing in err, "stderr %r" % err)

    def t_usage():
        for args in (["bogus"], [], ["read", "x"], ["write", "s", "i=1", "1", "--type", "99"],
                     ["--timeout", "abc", "ping"], ["--nope", "ping"], ["read", "s", "x=1"]):
            rc, _, err = cli(*args, sock=sock)
            expect(rc == 2, "%r: exit %d" % (args, rc))
            expect(err.startswith("opcua-sm: "), "%r: stderr %r" % (args, err))

    def t_auth():
        asock = os.path.join(TMP, "auth.sock")
        start_daemon(asock, token="s3cret")
        out = ok(cli("ping", sock=asock, token="s3cret"), "ping with token")
        expect(out.startswith("ok"), "ping %r" % out)
        out = ok(cli("ping", sock=asock, env_extra={"OPCUA_AUTH_TOKEN": "s3cret"}), "env token")
        rc, _, err = cli("ping", sock=asock, token="wrong")
        expect(rc == 4, "wrong token exit %d" % rc)
        expect("[auth_failed]" in err, "stderr %r" % err)
        rc, _, _ = cli("ping", sock=asock)
        expect(rc == 4, "no token exit %d" % rc)

    check("help_version", t_help)
    check("ping", t_ping)
    check("ping_env_socket", t_ping_env_socket)
    check("open_reused_list", t_open)
    if "sid" in st:
        check("read", t_read)
        check("write_readback_restore", t_write)
        check("browse", t_browse)
        check("call_multiply", t_call)
        check("query_raw", t_query)
        check("close", t_close)
    check("unknown_session_exit5", t_unknown_session)
    check("not_running_exit3", t_not_running)
    check("usage_exit2", t_usage)
    check("auth_exit4", t_auth)


if __name__ == "__main__":
    sys.exit(main())
