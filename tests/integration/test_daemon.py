#!/usr/bin/env python3
"""End-to-end tests of the opcua-session-manager daemon binary.

Usage: test_daemon.py <daemon binary> <file holding the fixture endpoint URL>

Starts the daemon on private Unix sockets (and loopback TCP) in a temporary
directory, speaks the NDJSON IPC protocol to it over raw sockets and checks
the answers against the node-opcua fixture server (tests/fixture).  The
expected strings come from the normative protocol description
(ipc-protocol.md, daemon.md); the deliberate deviations of ipc-protocol.md
section 9 are checked as such.

Python 3 standard library only.  Prints one `PASS name` / `FAIL name: reason`
line per check, then `N passed, M failed`; exit status 1 if any check failed.
Every socket operation has a timeout, every wait is bounded, every daemon
started is stopped by PID (SIGTERM, SIGKILL after 5 s) and the temporary
directory is removed.
"""

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

SOCK_TIMEOUT = 10.0      # default per-operation socket timeout (s)
START_TIMEOUT = 5.0      # a daemon must accept connections within this (s)
EXIT_TIMEOUT = 5.0       # a refusing daemon must exit within this (s)
HARD_LIMIT = 150         # backstop for the whole program (s)
SOFT_DEADLINE = 120.0    # checks starting after this are failed, not run

BIN = None
FIXTURE_URL = None
TMP = None
T_START = time.monotonic()
RESULTS = {"passed": 0, "failed": 0}
DAEMONS = []             # every Daemon ever started, stopped in the end


class Fail(Exception):
    """A check failed; the message is the reason."""


class HardTimeout(BaseException):
    """The backstop alarm fired."""


def _alarm(_signum, _frame):
    raise HardTimeout("test program exceeded %d s" % HARD_LIMIT)


# --------------------------------------------------------------- reporting

def check(name, fn, *args):
    """Run one check; print PASS/FAIL; never raises (except HardTimeout)."""
    if time.monotonic() - T_START > SOFT_DEADLINE:
        print("FAIL %s: not run, the program's time budget is used up" % name, flush=True)
        RESULTS["failed"] += 1
        return None
    try:
        value = fn(*args)
    except Fail as e:
        print("FAIL %s: %s" % (name, e), flush=True)
        RESULTS["failed"] += 1
        return None
    except Exception as e:  # a bug in the check or an unexpected daemon answer
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        RESULTS["failed"] += 1
        return None
    print("PASS %s" % name, flush=True)
    RESULTS["passed"] += 1
    return value


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def short(v, n=300):
    s = v if isinstance(v, str) else json.dumps(v)
    return s if len(s) <= n else s[:n] + "..."


# --------------------------------------------------------------- suite runner

def fixture_ctl(ctl, state_dir, action, env_extra=None):
    """Starts or stops a test's private fixture server (tests/fixture/ctl.sh)
    in state_dir; env_extra adds fixture knobs. A namespace reorder is only
    ever asked for explicitly."""
    env = dict(os.environ)
    env.pop("OSM_FIXTURE_NS_REORDER", None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run(["bash", ctl, action, state_dir], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=90)
    if p.returncode != 0:
        raise Fail("ctl.sh %s failed: %s" % (action, p.stdout.decode()[-400:]))
    return True


def run_suite(script, hard_limit, tmp_prefix, body, extra=(0,), extra_usage="",
              soft_margin=20, cleanup=None):
    """The main() of every script that reuses this harness:
    `script <daemon binary> <fixture endpoint file> [extra...]`, where the
    number of extra arguments is one of `extra`. Sets the time limits and a
    temporary directory, runs body(extra arguments), then stops every daemon
    started, runs cleanup(), removes the directory and prints the summary.
    Returns the exit status."""
    global BIN, FIXTURE_URL, TMP, SOFT_DEADLINE
    args = sys.argv[1:]
    if len(args) - 2 not in extra:
        print("usage: %s <daemon binary> <fixture endpoint file>%s" % (script, extra_usage),
              file=sys.stderr)
        return 2
    BIN = os.path.abspath(args[0])
    with open(args[1]) as f:
        FIXTURE_URL = f.read().strip()
    SOFT_DEADLINE = hard_limit - soft_margin
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(hard_limit)
    TMP = tempfile.mkdtemp(prefix=tmp_prefix)
    try:
        body(args[2:])
    except HardTimeout as e:
        print("FAIL harness: %s" % e, flush=True)
        RESULTS["failed"] += 1
    finally:
        signal.alarm(0)
        for d in DAEMONS:
            d.stop()
        if cleanup:
            try:
                cleanup()
            except Exception as e:  # noqa: BLE001 - report and go on cleaning
                print("note: cleanup: %s" % e)
        shutil.rmtree(TMP, ignore_errors=True)
    print("(run time %.1f s)" % (time.monotonic() - T_START))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]), flush=True)
    return 1 if RESULTS["failed"] else 0


# --------------------------------------------------------------- processes

def daemon_env(extra=None):
    env = dict(os.environ)
    env.pop("OPCUA_AUTH_TOKEN", None)
    if extra:
        env.update(extra)
    return env


class Daemon:
    """One daemon process; its stdout/stderr go to files in TMP."""
    counter = 0

    def __init__(self, args, env_extra=None):
        Daemon.counter += 1
        self.n = Daemon.counter
        self.args = [BIN] + list(args)
        self.out_path = os.path.join(TMP, "d%d.out" % self.n)
        self.err_path = os.path.join(TMP, "d%d.err" % self.n)
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err,
                                         env=daemon_env(env_extra), cwd=TMP)
        DAEMONS.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self, n=400):
        e = self.stderr().strip()
        return e[-n:] if e else "(no output)"

    def wait_ready(self, addr, timeout=START_TIMEOUT):
        """Wait until addr accepts a connection (the daemon is listening)."""
        deadline = time.monotonic() + timeout
        while True:
            rc = self.proc.poll()
            if rc is not None:
                raise Fail("daemon exited with status %d at start: %s" % (rc, self.tail()))
            try:
                s = connect(addr, 1.0)
                s.close()
                return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Fail("daemon not listening on %s after %.0f s: %s"
                           % (addr[1], timeout, self.tail()))
            time.sleep(0.05)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """Wait for the process to end by itself; returns its status or None."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """SIGTERM by PID, SIGKILL after 5 s; returns the exit status."""
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        return self.proc.returncode


def run_cli(args, env_extra=None, timeout=EXIT_TIMEOUT):
    """Run the binary expecting it to exit by itself: (status, stdout, stderr)."""
    d = Daemon(args, env_extra)
    rc = d.wait_exit(timeout)
    if rc is None:
        d.stop()
        raise Fail("%s did not exit within %.0f s" % (" ".join(args), timeout))
    return rc, d.stdout(), d.stderr()


def unix_addr(path):
    return ("unix", path)


def new_sock_path(name):
    return os.path.join(TMP, name)


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(SOCK_TIMEOUT)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def start_unix(name, extra_args=(), env_extra=None):
    path = new_sock_path(name)
    d = Daemon(["--socket", "unix://" + path] + list(extra_args), env_extra)
    d.wait_ready(unix_addr(path))
    return d, unix_addr(path)


# --------------------------------------------------------------- IPC client

def connect(addr, timeout=SOCK_TIMEOUT):
    if addr[0] == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(addr[1])
        except OSError:
            s.close()
            raise
        return s
    return socket.create_connection((addr[1], addr[2]), timeout=timeout)


class Conn:
    """A raw connection with a line buffer; every read is bounded."""

    def __init__(self, addr, timeout=SOCK_TIMEOUT):
        self.sock = connect(addr, timeout)
        self.buf = b""
        self.eof = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        """Send bytes; a peer that already answered and closed is not an error."""
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk

    def read_line(self, timeout=SOCK_TIMEOUT):
        """One line without its \\n; raises Fail on EOF or timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                raise Fail("connection closed without a (complete) response line; got %r"
                           % self.buf[:200])
            try:
                self._fill(deadline)
            except socket.timeout:
                raise Fail("no response line within %.1f s" % timeout)
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def expect_eof(self, timeout=3.0):
        """The daemon must close the connection (after its last response)."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            try:
                self._fill(deadline)
            except socket.timeout:
                raise Fail("connection still open %.1f s after the response" % timeout)
        expect(self.buf == b"", "unexpected bytes after the response: %r" % self.buf[:200])


def encode(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def parse(raw):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Fail("response is not JSON (%s): %r" % (e, raw[:200]))


def exchange_raw(addr, data, timeout=SOCK_TIMEOUT):
    """Send raw bytes, read exactly one response line, require EOF after it."""
    with Conn(addr, timeout) as c:
        c.send(data)
        line = c.read_line(timeout)
        c.expect_eof()
        return line


def req(addr, obj, timeout=SOCK_TIMEOUT):
    """One request object -> (parsed response, raw response text)."""
    raw = exchange_raw(addr, encode(obj) + b"\n", timeout)
    return parse(raw), raw.decode("utf-8", "replace")


def ok(resp):
    expect(isinstance(resp, dict), "response is not an object: %s" % short(resp))
    if resp.get("success") is not True:
        raise Fail("expected success, got %s" % short(resp))
    expect("data" in resp, "success response without data: %s" % short(resp))
    return resp["data"]


def err(resp, etype, message=None):
    """Assert an error envelope with this type (and exact message); returns the message."""
    expect(isinstance(resp, dict), "response is not an object: %s" % short(resp))
    expect(resp.get("success") is False, "expected an error %s, got %s" % (etype, short(resp)))
    e = resp.get("error")
    expect(isinstance(e, dict), "error is not an object: %s" % short(resp))
    expect(e.get("type") == etype, "error type %r, expected %r (message %r)"
           % (e.get("type"), etype, e.get("message")))
    expect(isinstance(e.get("message"), str), "error message is not a string: %s" % short(resp))
    if message is not None:
        expect(e["message"] == message, "message %r, expected %r" % (e["message"], message))
    return e["message"]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def sid_ok(sid):
    return isinstance(sid, str) and re.fullmatch(r"[0-9a-f]{32}", sid) is not None


def nid(ident, ns=1):
    if isinstance(ident, int):
        return {"ns": ns, "id": ident, "type": "numeric"}
    return {"ns": ns, "id": ident, "type": "string"}


# ================================================================ framing

def group_framing(addr):
    def ping_shape():
        resp, raw = req(addr, {"command": "ping"})
        d = ok(resp)
        expect(isinstance(d, dict), "data is not an object: %s" % raw)
        expect(d.get("status") == "ok", "status %r" % d.get("status"))
        expect(is_int(d.get("sessions")), "sessions is not an int: %r" % d.get("sessions"))
        expect(is_num(d.get("time")), "time is not a number: %r" % d.get("time"))
        expect(abs(d["time"] - time.time()) < 60, "time %r is not now" % d["time"])
        expect(set(d) == {"status", "sessions", "time"}, "keys %s" % sorted(d))
        expect(set(resp) == {"success", "data"}, "envelope keys %s" % sorted(resp))
    check("framing.ping_shape", ping_shape)

    def bad(data, etype, msg):
        def f():
            err(parse(exchange_raw(addr, data)), etype, msg)
        return f
    check("framing.invalid_json", bad(b"{nope\n", "invalid_json", "Invalid JSON"))
    check("framing.empty_line", bad(b"\n", "invalid_json", "Invalid JSON"))
    check("framing.bare_number", bad(b"42\n", "invalid_json", "Invalid JSON"))
    check("framing.bare_string", bad(b"\"ping\"\n", "invalid_json", "Invalid JSON"))
    check("framing.unknown_command", bad(b"{\"command\":\"x\"}\n",
                                         "unknown_command", "Unknown command: x"))
    check("framing.missing_command", bad(b"{\"foo\":1}\n", "unknown_command", "Unknown command: "))
    check("framing.top_level_array", bad(b"[1,2]\n", "unknown_command", "Unknown command: "))
    check("framing.command_case_sensitive", bad(b"{\"command\":\"PING\"}\n",
                                                "unknown_command", "Unknown command: PING"))

    def frame_of(size):
        head = b'{"command":"ping","pad":"'
        tail = b'"}'
        return head + b"a" * (size - len(head) - len(tail)) + tail

    def too_large():
        f = frame_of(65537)
        expect(len(f) == 65537, "bad frame size")
        err(parse(exchange_raw(addr, f + b"\n")), "payload_too_large",
            "Request frame exceeds maximum size of 65536 bytes")
    check("framing.frame_65537_too_large", too_large)

    def max_frame_ok():
        f = frame_of(65536)
        d = ok(parse(exchange_raw(addr, f + b"\n")))
        expect(d.get("status") == "ok", "not a ping answer: %s" % short(d))
    check("framing.frame_65536_accepted", max_frame_ok)

    def over_1mib():
        # no newline at all: rejected once the buffer exceeds 1 MiB
        with Conn(addr) as c:
            c.send(b"{" + b" " * (1048576 + 100))
            err(parse(c.read_line()), "payload_too_large", "Request exceeds maximum size of 1MB")
            c.expect_eof()
    check("framing.buffer_over_1mib", over_1mib)

    def closed_after_one():
        with Conn(addr) as c:
            c.send(b"{\"command\":\"ping\"}\n")
            ok(parse(c.read_line()))
            c.expect_eof()
    check("framing.closed_after_response", closed_after_one)

    def two_lines():
        # our deviation (ipc-protocol.md 9 #1): every line is answered, in order
        with Conn(addr) as c:
            c.send(b"{\"command\":\"ping\"}\n{\"command\":\"x2\"}\n")
            first = parse(c.read_line())
            second = parse(c.read_line())
            expect(ok(first).get("status") == "ok", "first answer is not the ping: %s" % short(first))
            err(second, "unknown_command", "Unknown command: x2")
            c.expect_eof()
    check("framing.two_lines_in_one_write", two_lines)

    def keep_alive():
        # our deviation (9 #2): keepAlive true keeps the connection open
        with Conn(addr) as c:
            c.send(b"{\"command\":\"ping\",\"keepAlive\":true}\n")
            expect(ok(parse(c.read_line())).get("status") == "ok", "not a ping answer")
            time.sleep(0.2)
            expect(not c.eof and c.buf == b"", "connection closed/extra data after a keepAlive request")
            c.send(b"{\"command\":\"list\"}\n")
            d = ok(parse(c.read_line()))
            expect(isinstance(d, dict) and "count" in d, "second answer is not a list: %s" % short(d))
            c.expect_eof()   # no keepAlive on the second request -> closed
    check("framing.keepalive_second_request", keep_alive)

    def crlf():
        d = ok(parse(exchange_raw(addr, b"{\"command\":\"ping\"}\r\n")))
        expect(d.get("status") == "ok", "not a ping answer")
    check("framing.crlf_tolerated", crlf)


def group_ipc_timeout():
    d = None
    try:
        def start():
            nonlocal d
            d, addr = start_unix("to.sock", ["--ipc-timeout", "1"])
            return addr
        addr = check("framing.ipc_timeout_daemon_starts", start)

        def silent():
            expect(addr is not None, "daemon did not start")
            t0 = time.monotonic()
            with Conn(addr) as c:
                line = c.read_line(timeout=5)
                took = time.monotonic() - t0
                err(parse(line), "connection_timeout", "IPC connection timed out")
                c.expect_eof()
            expect(0.7 <= took <= 3.5, "timed out after %.2f s, expected about 1 s" % took)
        check("framing.connection_timeout", silent)

        def partial():
            # bytes without a newline do not reset the accept-to-first-line timer
            expect(addr is not None, "daemon did not start")
            t0 = time.monotonic()
            with Conn(addr) as c:
                c.send(b"{\"command\":")
                time.sleep(0.5)
                c.send(b"\"ping\"")
                line = c.read_line(timeout=5)
                took = time.monotonic() - t0
                err(parse(line), "connection_timeout", "IPC connection timed out")
            expect(took <= 3.5, "timed out after %.2f s" % took)
        check("framing.connection_timeout_partial_line", partial)
    finally:
        if d:
            d.stop()


# ================================================================ auth

AUTH_FAILED = "Invalid or missing auth token"


def group_auth():
    d = None
    try:
        def start():
            nonlocal d
            d, addr = start_unix("auth.sock", env_extra={"OPCUA_AUTH_TOKEN": "s3cret"})
            return addr
        addr = check("auth.env_daemon_starts", start)

        def need_addr():
            expect(addr is not None, "daemon did not start")

        def missing():
            need_addr()
            err(req(addr, {"command": "ping"})[0], "auth_failed", AUTH_FAILED)
        check("auth.missing_token", missing)

        def wrong():
            need_addr()
            err(req(addr, {"command": "ping", "authToken": "s3creT"})[0], "auth_failed", AUTH_FAILED)
            err(req(addr, {"command": "ping", "authToken": "s3cret "})[0], "auth_failed", AUTH_FAILED)
            err(req(addr, {"command": "ping", "authToken": ""})[0], "auth_failed", AUTH_FAILED)
        check("auth.wrong_token", wrong)

        def non_string():
            need_addr()
            err(req(addr, {"command": "ping", "authToken": 123})[0], "auth_failed", AUTH_FAILED)
            err(req(addr, {"command": "ping", "authToken": ["s3cret"]})[0], "auth_failed", AUTH_FAILED)
            err(req(addr, {"command": "ping", "authToken": None})[0], "auth_failed", AUTH_FAILED)
        check("auth.non_string_token", non_string)

        def before_auth():
            need_addr()
            err(parse(exchange_raw(addr, b"{oops\n")), "invalid_json", "Invalid JSON")
        check("auth.invalid_json_before_auth", before_auth)

        def unknown_cmd_needs_token():
            need_addr()
            err(req(addr, {"command": "x"})[0], "auth_failed", AUTH_FAILED)
        check("auth.checked_before_dispatch", unknown_cmd_needs_token)

        def right_ping():
            need_addr()
            dd = ok(req(addr, {"command": "ping", "authToken": "s3cret"})[0])
            expect(dd.get("status") == "ok", "not a ping answer: %s" % short(dd))
        check("auth.right_token_ping", right_ping)

        def right_open():
            need_addr()
            dd = ok(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL, "config": {},
                               "authToken": "s3cret"})[0])
            expect(sid_ok(dd.get("sessionId")), "bad sessionId: %s" % short(dd))
            err(req(addr, {"command": "close", "sessionId": dd["sessionId"]})[0],
                "auth_failed", AUTH_FAILED)
            expect(ok(req(addr, {"command": "close", "sessionId": dd["sessionId"],
                                 "authToken": "s3cret"})[0]) is None, "close data is not null")
        check("auth.right_token_open", right_open)
    finally:
        if d:
            d.stop()

    d = None
    try:
        def token_file():
            nonlocal d
            tf = os.path.join(TMP, "token.txt")
            with open(tf, "w") as f:
                f.write("  filetok\n")
            path = new_sock_path("authf.sock")
            d = Daemon(["--socket", path, "--auth-token-file", tf])
            d.wait_ready(unix_addr(path))
            a = unix_addr(path)
            err(req(a, {"command": "ping"})[0], "auth_failed", AUTH_FAILED)
            err(req(a, {"command": "ping", "authToken": "  filetok\n"})[0], "auth_failed", AUTH_FAILED)
            ok(req(a, {"command": "ping", "authToken": "filetok"})[0])
        check("auth.token_file", token_file)
    finally:
        if d:
            d.stop()

    def env_beats_file():
        tf = os.path.join(TMP, "token2.txt")
        with open(tf, "w") as f:
            f.write("filetok")
        path = new_sock_path("authe.sock")
        dd = Daemon(["--socket", path, "--auth-token-file", tf],
                    env_extra={"OPCUA_AUTH_TOKEN": "envtok"})
        try:
            dd.wait_ready(unix_addr(path))
            err(req(unix_addr(path), {"command": "ping", "authToken": "filetok"})[0],
                "auth_failed", AUTH_FAILED)
            ok(req(unix_addr(path), {"command": "ping", "authToken": "envtok"})[0])
        finally:
            dd.stop()
    check("auth.env_overrides_token_file", env_beats_file)

    def missing_file():
        missing = os.path.join(TMP, "no-such-token-file")
        rc, out, errtxt = run_cli(["--socket", new_sock_path("authm.sock"),
                                   "--auth-token-file", missing])
        expect(rc != 0, "daemon exited 0 with a missing token file")
        expect((out + errtxt).strip() != "", "no message on a missing token file")
        expect(not os.path.exists(new_sock_path("authm.sock")), "socket was created anyway")
    check("auth.missing_token_file_exits", missing_file)

    def empty_file():
        tf = os.path.join(TMP, "empty-token")
        with open(tf, "w") as f:
            f.write(" \n")
        rc, out, errtxt = run_cli(["--socket", new_sock_path("authz.sock"), "--auth-token-file", tf])
        expect(rc != 0, "daemon exited 0 with an empty token file")
        expect((out + errtxt).strip() != "", "no message on an empty token file")
    check("auth.empty_token_file_exits", empty_file)


# ================================================================ command line

def group_cli():
    def help_():
        rc, out, _ = run_cli(["--help"])
        expect(rc == 0, "--help exit status %d" % rc)
        expect("--socket" in out, "--help output does not mention --socket")
    check("cli.help", help_)

    def version():
        rc, out, _ = run_cli(["--version"])
        expect(rc == 0, "--version exit status %d" % rc)
        expect(out.strip() == "opcua-session-manager 4.4.0", "--version printed %r" % out)
    check("cli.version", version)

    def unknown():
        rc, out, errtxt = run_cli(["--socket", new_sock_path("u.sock"), "--bogus-option"])
        expect(rc == 2, "unknown option exit status %d, expected 2" % rc)
        expect(errtxt.strip() != "", "no message on stderr")
    check("cli.unknown_option_exit_2", unknown)

    def long_path():
        base = os.path.join(TMP, "")
        expect(len(base) < 100, "temp dir path too long for this check")
        p108 = base + "s" * (108 - len(base))
        expect(len(p108.encode()) == 108, "bad length")
        rc, out, errtxt = run_cli(["--socket", "unix://" + p108])
        expect(rc != 0, "108-byte socket path accepted (exit 0)")
        expect((out + errtxt).strip() != "", "no message")
        expect(not os.path.exists(p108), "socket created at a 108-byte path")
        # 107 bytes is the Linux limit and must work
        p107 = base + "t" * (107 - len(base))
        d = Daemon(["--socket", "unix://" + p107])
        try:
            d.wait_ready(unix_addr(p107))
            ok(req(unix_addr(p107), {"command": "ping"})[0])
        finally:
            d.stop()
    check("cli.socket_path_108_refused_107_ok", long_path)

    def non_loopback():
        rc, out, errtxt = run_cli(["--socket", "tcp://10.0.0.1:9999"])
        expect(rc != 0, "non-loopback TCP endpoint accepted")
        expect((out + errtxt).strip() != "", "no message")
    check("cli.tcp_non_loopback_refused", non_loopback)

    def tcp_ok():
        port = free_tcp_port()
        d = Daemon(["--socket", "tcp://127.0.0.1:%d" % port])
        try:
            addr = ("tcp", "127.0.0.1", port)
            d.wait_ready(addr)
            dd = ok(req(addr, {"command": "ping"})[0])
            expect(dd.get("status") == "ok", "not a ping answer")
            err(parse(exchange_raw(addr, b"nope\n")), "invalid_json", "Invalid JSON")
            rc = d.stop()
            expect(rc == 0, "exit status %r after SIGTERM" % rc)
        finally:
            d.stop()
    check("cli.tcp_loopback_works", tcp_ok)

    def second_instance():
        path = new_sock_path("dup.sock")
        first = Daemon(["--socket", path])
        try:
            first.wait_ready(unix_addr(path))
            rc, out, errtxt = run_cli(["--socket", path])
            expect(rc != 0, "second daemon on the same socket exited 0")
            expect((out + errtxt).strip() != "", "no message from the second daemon")
            expect(first.proc.poll() is None, "first daemon died")
            expect(os.path.exists(path), "the second daemon removed the first one's socket")
            ok(req(unix_addr(path), {"command": "ping"})[0])
            with open(path + ".pid") as f:
                content = f.read().strip()
            expect(content == str(first.pid), "PID file holds %r, expected %d" % (content, first.pid))
        finally:
            first.stop()
    check("cli.second_instance_refused", second_instance)

    def stale_pid_file():
        path = new_sock_path("stale.sock")
        with open(path + ".pid", "w") as f:
            f.write("999999999")   # no such process
        d = Daemon(["--socket", path])
        try:
            d.wait_ready(unix_addr(path))
            ok(req(unix_addr(path), {"command": "ping"})[0])
        finally:
            d.stop()
    check("cli.stale_pid_file_replaced", stale_pid_file)

    def mode_default():
        d, addr = start_unix("m1.sock")
        try:
            m = stat.S_IMODE(os.stat(addr[1]).st_mode)
            expect(m == 0o600, "socket mode %o, expected 600" % m)
            expect(stat.S_ISSOCK(os.stat(addr[1]).st_mode), "not a socket")
        finally:
            d.stop()
    check("cli.socket_mode_default_0600", mode_default)

    def mode_0660():
        d, addr = start_unix("m2.sock", ["--socket-mode", "0660"])
        try:
            m = stat.S_IMODE(os.stat(addr[1]).st_mode)
            expect(m == 0o660, "socket mode %o, expected 660" % m)
        finally:
            d.stop()
    check("cli.socket_mode_0660", mode_0660)

    def sigterm():
        path = new_sock_path("term.sock")
        d = Daemon(["--socket", path])
        try:
            d.wait_ready(unix_addr(path))
            expect(os.path.exists(path + ".pid"), "no PID file while running")
            os.kill(d.pid, signal.SIGTERM)
            rc = d.wait_exit(5)
            expect(rc is not None, "still running 5 s after SIGTERM")
            expect(rc == 0, "exit status %d after SIGTERM" % rc)
            expect(not os.path.exists(path), "socket not removed")
            expect(not os.path.exists(path + ".pid"), "PID file not removed")
        finally:
            d.stop()
    check("cli.sigterm_clean_exit", sigterm)


# ================================================================ sessions

def group_sessions(addr):
    st = {}

    def open_(config=None, **extra):
        r = {"command": "open", "endpointUrl": FIXTURE_URL}
        if config is not None:
            r["config"] = config
        r.update(extra)
        return req(addr, r, timeout=20)

    def count():
        return ok(req(addr, {"command": "ping"})[0])["sessions"]

    order = []

    def first_open():
        d = ok(open_({})[0])
        expect(sid_ok(d.get("sessionId")), "sessionId not 32 lowercase hex: %s" % short(d))
        expect("reused" not in d, "new session has a reused key: %s" % short(d))
        st["a"] = d["sessionId"]
        order.append(d["sessionId"])
    check("sessions.open_new", first_open)

    def reuse():
        expect("a" in st, "no first session")
        d = ok(open_({})[0])
        expect(d.get("sessionId") == st["a"], "different id %r" % d.get("sessionId"))
        expect(d.get("reused") is True, "reused is %r" % d.get("reused"))
        d = ok(open_(None)[0])   # missing config = {}
        expect(d.get("sessionId") == st["a"] and d.get("reused") is True,
               "missing config did not reuse: %s" % short(d))
    check("sessions.open_reused", reuse)

    def force_new():
        expect("a" in st, "no first session")
        d = ok(open_({}, forceNew=True)[0])
        expect(sid_ok(d.get("sessionId")) and d["sessionId"] != st["a"], "not a new id: %s" % short(d))
        expect("reused" not in d, "reused key present")
        order.append(d["sessionId"])
        st["forced"] = d["sessionId"]
    check("sessions.open_force_new", force_new)

    def other_config():
        expect("a" in st, "no first session")
        d = ok(open_({"opcuaTimeout": 7})[0])
        expect(sid_ok(d.get("sessionId")) and d["sessionId"] not in (st["a"], st.get("forced")),
               "not a new id: %s" % short(d))
        order.append(d["sessionId"])
        st["c"] = d["sessionId"]
        d2 = ok(open_({"opcuaTimeout": 7.0})[0])
        expect(d2.get("sessionId") == st["c"] and d2.get("reused") is True,
               "7 and 7.0 are not the same opcuaTimeout: %s" % short(d2))
    check("sessions.open_other_config_new", other_config)

    def user():
        d = ok(open_({"username": "user1", "password": "password1", "opcuaTimeout": 6})[0])
        expect(sid_ok(d.get("sessionId")), "bad id: %s" % short(d))
        expect(d["sessionId"] not in order, "user session reused an anonymous one")
        order.append(d["sessionId"])
        st["u"] = d["sessionId"]
        d2 = ok(open_({"username": "user1", "password": "password1", "opcuaTimeout": 6})[0])
        expect(d2.get("sessionId") == st["u"] and d2.get("reused") is True,
               "same credentials not reused: %s" % short(d2))
    check("sessions.open_username_password", user)

    def other_password():
        # our deviation (9 #4): never hand out user1's session for another password
        expect("u" in st, "no user1 session")
        resp, raw = open_({"username": "user1", "password": "wrong-password", "opcuaTimeout": 6})
        if resp.get("success") is True:
            got = resp["data"].get("sessionId")
            expect(got != st["u"], "wrong password got the user1 session (reused=%r)"
                   % resp["data"].get("reused"))
            expect(sid_ok(got), "bad id")
            order.append(got)
        else:
            expect(isinstance(resp.get("error"), dict), "malformed error: %s" % raw)
            expect("wrong-password" not in raw, "the password appears in the error: %s" % raw)
    check("sessions.other_password_not_reused", other_password)

    def list_():
        expect("a" in st, "no first session")
        resp, raw = req(addr, {"command": "list"})
        d = ok(resp)
        expect(d.get("count") == len(order), "count %r, expected %d" % (d.get("count"), len(order)))
        ss = d.get("sessions")
        expect(isinstance(ss, list), "sessions is not an array")
        ids = [s.get("id") for s in ss]
        expect(ids == order, "ids %s, expected insertion order %s" % (ids, order))
        for s in ss:
            expect(s.get("endpointUrl") == FIXTURE_URL, "endpointUrl %r" % s.get("endpointUrl"))
            expect(is_num(s.get("lastUsed")) and abs(s["lastUsed"] - time.time()) < 120,
                   "lastUsed %r" % s.get("lastUsed"))
            cfg = s.get("config")
            expect(isinstance(cfg, (dict, list)), "config %r" % cfg)
            if isinstance(cfg, dict):
                for k in ("password", "username", "clientKeyPath", "userKeyPath", "caCertPath"):
                    expect(k not in cfg, "config of %s shows %s" % (s["id"], k))
        byid = {s["id"]: s for s in ss}
        expect(byid[st["a"]]["config"] == [], "empty config listed as %r, expected []"
               % byid[st["a"]]["config"])
        expect(re.search(r'"config":\[\]', raw) is not None, "no literal \"config\":[] in %s" % short(raw))
        if "c" in st:
            expect(byid[st["c"]]["config"] == {"opcuaTimeout": 7},
                   "config %r, expected {opcuaTimeout: 7}" % byid[st["c"]]["config"])
        if "u" in st:
            expect(byid[st["u"]]["config"] == {"opcuaTimeout": 6},
                   "user config listed as %r, expected {opcuaTimeout: 6}" % byid[st["u"]]["config"])
        expect("password1" not in raw and "user1" not in raw, "credentials in the list output")
        expect(d.keys() == {"count", "sessions"}, "keys %s" % sorted(d))
    check("sessions.list", list_)

    def close_():
        expect("forced" in st, "no session to close")
        before = count()
        r = ok(req(addr, {"command": "close", "sessionId": st["forced"]})[0])
        expect(r is None, "close data %r, expected null" % r)
        after = count()
        expect(after == before - 1, "ping.sessions %d -> %d" % (before, after))
        order.remove(st["forced"])
        ids = [s["id"] for s in ok(req(addr, {"command": "list"})[0])["sessions"]]
        expect(st["forced"] not in ids, "closed session still listed")
        err(req(addr, {"command": "close", "sessionId": st["forced"]})[0],
            "session_not_found", "Session not found: " + st["forced"])
        err(req(addr, {"command": "close"})[0], "session_not_found", "Session not found: ")
    check("sessions.close", close_)

    def unreachable():
        port = free_tcp_port()
        url = "opc.tcp://127.0.0.1:%d/UA/Nothing" % port
        t0 = time.monotonic()
        resp, raw = req(addr, {"command": "open", "endpointUrl": url, "config": {"opcuaTimeout": 3}},
                        timeout=15)
        took = time.monotonic() - t0
        msg = err(resp, "ConnectionException")
        expect(took < 5, "took %.1f s" % took)
        expect(url not in msg and "opc.tcp://" not in msg and "127.0.0.1:%d" % port not in msg,
               "URL not sanitised: %r" % msg)
        expect("[url]" in msg, "message has no [url] placeholder: %r" % msg)
        expect(count() == len(order), "a failed open changed the session count")
    check("sessions.unreachable_connection_exception", unreachable)

    def bad_cert():
        p = os.path.join(TMP, "certs", "missing", "client.pem")
        resp, raw = req(addr, {"command": "open", "endpointUrl": FIXTURE_URL,
                               "config": {"clientCertPath": p,
                                          "clientKeyPath": os.path.join(TMP, "certs", "k.pem")}})
        msg = err(resp, "InvalidArgumentException")
        expect("[path]" in msg, "message has no [path]: %r" % msg)
        expect(p not in msg and TMP not in msg, "message contains the path: %r" % msg)
        expect(msg.startswith("Client certificate does not exist or is not a file"),
               "message %r" % msg)
    check("sessions.missing_client_cert", bad_cert)

    return st


def group_concurrent_opens():
    d = None
    try:
        def run():
            nonlocal d
            d, addr = start_unix("burst.sock")
            cfg = {"opcuaTimeout": 9}
            # Five identical opens sent before any is answered: one session.
            conns = [Conn(addr, 20) for _ in range(5)]
            try:
                for c in conns:
                    c.send(encode({"command": "open", "endpointUrl": FIXTURE_URL, "config": cfg}) + b"\n")
                answers = [ok(parse(c.read_line(20))) for c in conns]
            finally:
                for c in conns:
                    c.close()
            ids = {a["sessionId"] for a in answers}
            expect(len(ids) == 1, "identical concurrent opens made %d sessions" % len(ids))
            reused = sum(1 for a in answers if a.get("reused") is True)
            expect(reused == 4, "%d of 5 answers say reused, expected 4" % reused)
            expect(ok(req(addr, {"command": "ping"})[0])["sessions"] == 1, "ping does not count 1")
        check("sessions.concurrent_identical_opens_share_one", run)
    finally:
        if d:
            d.stop()


def group_max_sessions():
    d = None
    try:
        def run():
            nonlocal d
            d, addr = start_unix("max.sock", ["--max-sessions", "1"])
            a = ok(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL}, timeout=20)[0])
            expect(sid_ok(a.get("sessionId")), "first open failed")
            r = ok(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL}, timeout=20)[0])
            expect(r.get("sessionId") == a["sessionId"] and r.get("reused") is True,
                   "reuse refused at the limit: %s" % short(r))
            err(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL, "forceNew": True})[0],
                "max_sessions_reached", "Maximum number of sessions (1) reached")
            err(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL,
                           "config": {"opcuaTimeout": 9}})[0],
                "max_sessions_reached", "Maximum number of sessions (1) reached")
        check("sessions.max_sessions", run)
    finally:
        if d:
            d.stop()


def group_expiry():
    d = None
    try:
        def run():
            nonlocal d
            d, addr = start_unix("exp.sock", ["--timeout", "2", "--cleanup-interval", "1"])
            a = ok(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL}, timeout=20)[0])
            t0 = time.monotonic()
            last_seen = None
            gone_at = None
            while time.monotonic() - t0 < 6.0:
                ids = [s["id"] for s in ok(req(addr, {"command": "list"})[0])["sessions"]]
                now = time.monotonic() - t0
                if a["sessionId"] in ids:
                    last_seen = now
                else:
                    gone_at = now
                    break
                time.sleep(0.2)
            expect(last_seen is not None, "session not listed right after open")
            expect(gone_at is not None, "session still listed after 6 s")
            expect(last_seen >= 1.5, "session removed after only %.1f s (timeout 2)" % gone_at)
            expect(gone_at <= 4.5, "session removed only after %.1f s" % gone_at)
            expect(ok(req(addr, {"command": "ping"})[0])["sessions"] == 0, "ping still counts it")
        check("sessions.expiry", run)
    finally:
        if d:
            d.stop()


def group_file_cache():
    d = None
    cache_dir = tempfile.mkdtemp(prefix="osm-cache-")
    try:
        def files():
            return sorted(f for f in os.listdir(cache_dir) if f.endswith(".json"))

        def run():
            nonlocal d
            d, addr = start_unix("cache.sock", ["--cache-driver", "file", "--cache-path", cache_dir])
            sid = ok(req(addr, {"command": "open", "endpointUrl": FIXTURE_URL}, timeout=20)[0])["sessionId"]

            def q(method, params):
                return ok(req(addr, {"command": "query", "sessionId": sid, "method": method,
                                     "params": params}, timeout=20)[0])
            objects = {"ns": 0, "id": 85, "type": "numeric"}
            first = q("browse", [objects])
            expect(len(files()) == 1, "after one browse: %d cache files" % len(files()))
            again = q("browse", [{"id": 85}])  # same node, other spelling
            expect(again == first and len(files()) == 1, "second browse not served from the cache")
            q("browse", [objects, 0, None, True, [], False])  # useCache false
            expect(len(files()) == 1, "useCache=false stored an entry")
            expect(q("invalidateCache", [objects]) is None, "invalidateCache not null")
            expect(len(files()) == 0, "invalidateCache left %d files" % len(files()))
            q("getEndpoints", [FIXTURE_URL])
            q("resolveNodeId", ["/Objects/Server"])
            expect(len(files()) == 2, "getEndpoints + resolveNodeId: %d files" % len(files()))
            expect(q("flushCache", []) is None, "flushCache not null")
            expect(len(files()) == 0, "flushCache left %d files" % len(files()))
        check("cache.file_driver", run)

        def refused():
            rc, _, err_text = run_cli(["--socket", "unix://" + new_sock_path("nocache.sock"),
                                       "--cache-driver", "file"])
            expect(rc != 0, "--cache-driver file without --cache-path exited 0")
            expect("--cache-path" in err_text, "no message naming --cache-path: %s" % short(err_text))
        check("cache.file_driver_needs_path", refused)
    finally:
        if d:
            d.stop()
        shutil.rmtree(cache_dir, ignore_errors=True)


# ================================================================ query

def group_query(addr, sid):
    def q(method, params=None, timeout=20, session=None):
        r = {"command": "query", "sessionId": session or sid, "method": method}
        if params is not None:
            r["params"] = params
        return req(addr, r, timeout=timeout)

    def need():
        expect(sid is not None, "no session")

    def read_int32():
        need()
        resp, raw = q("read", [nid("Scalar.Int32")])
        d = ok(resp)
        expect(list(d.keys()) == ["value", "type", "dimensions", "statusCode",
                                  "sourceTimestamp", "serverTimestamp"],
               "keys %s" % list(d.keys()))
        expect(d["type"] == 6, "type %r" % d["type"])
        expect(d["value"] == -2000000000, "value %r" % d["value"])
        expect(d["statusCode"] == 0 and d["dimensions"] is None, "status/dims %s" % short(d))
        for k in ("sourceTimestamp", "serverTimestamp"):
            v = d[k]
            expect(v is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", v),
                   "%s %r" % (k, v))
        expect(d["serverTimestamp"] is not None, "no serverTimestamp")
    check("query.read_int32", read_int32)

    def read_uint64():
        need()
        resp, raw = q("read", [nid("Scalar.UInt64")])
        d = ok(resp)
        expect(re.search(r'"value":12345678901234567890[,}]', raw) is not None,
               "raw value not exactly 12345678901234567890: %s" % short(raw))
        expect(d["value"] == 12345678901234567890 and d["type"] == 9, "value/type %s" % short(d))
    check("query.read_uint64_exact", read_uint64)

    def read_bytes():
        need()
        d = ok(q("read", [nid("Scalar.ByteString")])[0])
        expect(d["value"] == "3q2+7w==" and d["type"] == 15, "got %s" % short(d))
    check("query.read_bytestring_base64", read_bytes)

    def read_unknown():
        need()
        d = ok(q("read", [nid("Nope")])[0])
        expect(d.get("statusCode") == 2150891520, "statusCode %r" % d.get("statusCode"))
        expect(d.get("value") is None and d.get("type") is None, "value/type %s" % short(d))
    check("query.read_unknown_node_status", read_unknown)

    def read_attr():
        need()
        d = ok(q("read", [nid("Scalar.Int32"), 3])[0])   # BrowseName
        expect(d.get("type") == 20 and d.get("value") == {"ns": 1, "name": "Int32"},
               "BrowseName read gave %s" % short(d))
    check("query.read_attribute_browsename", read_attr)

    def read_multi():
        need()
        items = [{"nodeId": nid("Big.V%04d" % i)} for i in range(150)]
        d = ok(q("readMulti", [items], timeout=30)[0])
        expect(isinstance(d, list) and len(d) == 150, "got %s results" %
               (len(d) if isinstance(d, list) else short(d)))
        vals = [x.get("value") for x in d]
        expect(vals == list(range(150)), "values not 0..149 in order: %s" % short(vals))
        expect(all(x.get("type") == 7 and x.get("statusCode") == 0 for x in d), "type/status")
    check("query.readMulti_150_split", read_multi)

    def write_rw():
        need()
        node = nid("Scalar.Int32")
        try:
            s = ok(q("write", [node, 123456, 6])[0])
            expect(s == 0, "write with type returned %r" % s)
            expect(ok(q("read", [node])[0])["value"] == 123456, "read back after typed write")
            s = ok(q("write", [node, -654321])[0])
            expect(s == 0, "write without type returned %r" % s)
            expect(ok(q("read", [node])[0])["value"] == -654321, "read back after untyped write")
        finally:
            try:
                ok(q("write", [node, -2000000000, 6])[0])
            except Exception:
                pass
        expect(ok(q("read", [node])[0])["value"] == -2000000000, "value not restored")
    check("query.write_and_restore", write_rw)

    def write_ro():
        need()
        s = ok(q("write", [nid("Scalar.ReadOnlyInt32"), 1, 6])[0])
        expect(is_int(s) and s & 0x80000000, "write to read-only gave %r, expected a Bad status" % s)
        expect(s == 0x803B0000, "status 0x%08X, expected BadNotWritable 0x803B0000" % s)
    check("query.write_readonly_bad_status", write_ro)

    def write_mismatch():
        need()
        s = ok(q("write", [nid("Scalar.Int32"), "text", 12])[0])
        expect(s == 0x80740000, "wrong-type write status %r, expected BadTypeMismatch" % s)
    check("query.write_type_mismatch", write_mismatch)

    def browse_objects():
        need()
        d = ok(q("browse", [nid(85, 0)])[0])
        expect(isinstance(d, list) and d, "empty browse result")
        names = [r.get("browseName", {}).get("name") for r in d]
        expect("Scalar" in names, "no Scalar among %s" % names)
        ref = d[names.index("Scalar")]
        expect(ref.get("nodeId") == nid("Scalar") and ref.get("browseName") == {"ns": 1, "name": "Scalar"},
               "Scalar reference %s" % short(ref))
        expect(set(ref) == {"referenceTypeId", "isForward", "nodeId", "browseName", "displayName",
                            "nodeClass", "typeDefinition"}, "keys %s" % sorted(ref))
    check("query.browse_objects", browse_objects)

    def browse_cont():
        need()
        d = ok(q("browseWithContinuation", [nid("Big")])[0])
        expect(set(d) == {"references", "continuationPoint"}, "keys %s" % sorted(d))
        refs = list(d["references"])
        cp = d["continuationPoint"]
        expect(isinstance(cp, str) and cp, "no continuation point after %d refs" % len(refs))
        pages = 1
        while cp is not None:
            expect(pages < 20, "more than 20 pages")
            nd = ok(q("browseNext", [cp])[0])
            refs += nd["references"]
            cp = nd["continuationPoint"]
            pages += 1
        expect(len(refs) == 1500, "%d references in %d pages" % (len(refs), pages))
        ids = {r["nodeId"]["id"] for r in refs}
        expect(ids == {"Big.V%04d" % i for i in range(1500)}, "wrong set of node ids")
    check("query.browse_continuation_1500", browse_cont)

    def browse_all():
        need()
        d = ok(q("browseAll", [nid("Big")], timeout=30)[0])
        expect(isinstance(d, list) and len(d) == 1500, "got %s" %
               (len(d) if isinstance(d, list) else short(d)))
    check("query.browseAll_1500", browse_all)

    def translate():
        need()
        hier = nid(33, 0)
        path = [{"referenceTypeId": hier, "isInverse": False, "includeSubtypes": True,
                 "targetName": {"ns": 1, "name": n}} for n in ("Tree", "F3", "F4", "V5")]
        d = ok(q("translateBrowsePaths", [[{"startingNodeId": nid(85, 0), "relativePath": path},
                                           {"startingNodeId": nid(85, 0),
                                            "relativePath": [{"targetName": {"ns": 1, "name": "NoSuch"}}]}]])[0])
        expect(isinstance(d, list) and len(d) == 2, "got %s" % short(d))
        expect(d[0].get("statusCode") == 0, "status %r" % d[0].get("statusCode"))
        t = d[0].get("targets")
        expect(isinstance(t, list) and len(t) == 1, "targets %s" % short(t))
        expect(t[0].get("targetId") == nid("Tree.F3.F4.V5"), "targetId %s" % short(t[0]))
        expect(t[0].get("remainingPathIndex") == 4294967295, "remainingPathIndex %r"
               % t[0].get("remainingPathIndex"))
        expect(d[1].get("statusCode", 0) & 0x80000000, "missing path status %r" % d[1].get("statusCode"))
    check("query.translateBrowsePaths", translate)

    def call_():
        need()
        d = ok(q("call", [nid("Methods"), nid("Methods.Multiply"),
                          [{"type": 11, "value": 6, "dimensions": None},
                           {"type": 11, "value": 7.0}]])[0])
        expect(d.get("statusCode") == 0, "status %r" % d.get("statusCode"))
        out = d.get("outputArguments")
        expect(isinstance(out, list) and out and out[0].get("value") == 42,
               "outputArguments %s" % short(out))
        expect(out[0].get("type") == 11, "output type %r" % out[0].get("type"))
        expect(d.get("inputArgumentResults") in ([0, 0], []), "inputArgumentResults %r"
               % d.get("inputArgumentResults"))
    check("query.call_multiply", call_)

    def endpoints():
        need()
        d = ok(q("getEndpoints", [FIXTURE_URL])[0])
        expect(isinstance(d, list) and d, "not a non-empty array: %s" % short(d))
        for e in d:
            expect(isinstance(e.get("serverCertificate"), str) and e["serverCertificate"],
                   "serverCertificate %r" % short(e.get("serverCertificate"), 60))
            expect(is_int(e.get("securityMode")) and isinstance(e.get("securityPolicyUri"), str),
                   "endpoint %s" % short(e))
            expect(isinstance(e.get("userIdentityTokens"), list), "no userIdentityTokens")
        expect(len(d) == 7, "%d endpoints, the fixture has 7" % len(d))
    check("query.getEndpoints", endpoints)

    def forbidden():
        err(q("setTimeout", [1])[0], "forbidden_method", "Method not allowed: setTimeout")
        # checked before the session lookup
        err(q("setTimeout", [1], session="0" * 32)[0], "forbidden_method",
            "Method not allowed: setTimeout")
    check("query.forbidden_method", forbidden)

    def unknown_session():
        err(q("read", [nid("Scalar.Int32")], session="f" * 32)[0],
            "session_not_found", "Session not found: " + "f" * 32)
    check("query.unknown_session", unknown_session)

    def string_nodeid():
        need()
        err(q("read", ["ns=1;s=Scalar.Int32"])[0], "TypeError")
    check("query.string_nodeid_typeerror", string_nodeid)

    def bad_direction():
        need()
        err(q("browse", [nid(85, 0), 5])[0], "ValueError")
    check("query.browse_direction_valueerror", bad_direction)

    def getters():
        need()
        expect(ok(q("isConnected")[0]) is True, "isConnected not true")
        expect(ok(q("getConnectionState", [])[0]) == "Connected", "state not Connected")
        t = ok(q("getTimeout", [])[0])
        expect(is_num(t) and t > 0, "getTimeout %r" % t)
        b = ok(q("getBatchSize", [])[0])
        expect(b is None or is_int(b), "getBatchSize %r" % b)
        m = ok(q("getServerMaxNodesPerRead", [])[0])
        expect(m == 100, "getServerMaxNodesPerRead %r, fixture says 100" % m)
    check("query.local_getters", getters)

    def tree_count(nodes):
        return sum(1 + tree_count(n["children"]) for n in nodes)

    def browse_recursive():
        need()
        d = ok(q("browseRecursive", [nid("Tree"), 0, 2], timeout=30)[0])
        expect(len(d) == 10 and all(len(n["children"]) == 10 for n in d),
               "depth 2 of Tree: %d folders" % len(d))
        expect(all(c["children"] == [] for n in d for c in n["children"]), "depth 2 went deeper")
        full = ok(q("browseRecursive", [nid("Tree")], timeout=60)[0])
        expect(tree_count(full) == 1110, "Tree has %d nodes, expected 10+100+1000" % tree_count(full))

        def shape(nodes):
            return {n["reference"]["nodeId"]["id"]: shape(n["children"]) for n in nodes}
        want = {"Tree.F%d" % a: {"Tree.F%d.F%d" % (a, b): {"Tree.F%d.F%d.V%d" % (a, b, c): {}
                                                           for c in range(10)}
                                 for b in range(10)}
                for a in range(10)}
        expect(shape(full) == want, "Tree is not the fixture's 10 x 10 x 10 tree")
        big = ok(q("browseRecursive", [nid("Big"), 0, 1], timeout=30)[0])
        expect(len(big) == 1500, "Big depth 1: %d children (continuation points?)" % len(big))
        cyc = ok(q("browseRecursive", [{"ns": 0, "id": 85, "type": "numeric"}, 0, -1], timeout=60)[0])
        expect(tree_count(cyc) > 1110, "Objects: only %d nodes" % tree_count(cyc))
        err(q("browseRecursive", [nid("Tree"), 7])[0], "ValueError")
    check("query.browseRecursive", browse_recursive)

    def resolve():
        need()
        d = ok(q("resolveNodeId", ["/Objects/Server/ServerStatus/State"])[0])
        expect(d == {"ns": 0, "id": 2259, "type": "numeric"}, "State resolved to %s" % short(d))
        d = ok(q("resolveNodeId", ["/1:F3/1:F4/1:V5", nid("Tree")])[0])
        expect(d == nid("Tree.F3.F4.V5"), "Tree path resolved to %s" % short(d))
        d = ok(q("resolveNodeId", ["ns=1;s=Anything"])[0])
        expect(d == nid("Anything"), "NodeId text parsed to %s" % short(d))
        err(q("resolveNodeId", ["Objects"])[0], "InvalidNodeIdException")
        err(q("resolveNodeId", ["/Objects/NoSuchNode"])[0], "ServiceException")
    check("query.resolveNodeId", resolve)

    def reconnect_and_trust():
        need()
        expect(ok(q("reconnect", [], timeout=30)[0]) is None, "reconnect did not return null")
        expect(ok(q("read", [nid("Scalar.Int32")])[0])["value"] == -2000000000,
               "read after reconnect")
        expect(ok(q("trustCertificate", ["MIIB"])[0]) is None, "trustCertificate without store")
        expect(ok(q("untrustCertificate", ["aa:bb"])[0]) is None, "untrustCertificate without store")
    check("query.reconnect_and_trust_noop", reconnect_and_trust)


def group_describe(addr, sid):
    def describe():
        expect(sid is not None, "no session")
        d = ok(req(addr, {"command": "describe", "sessionId": sid})[0])
        for k in ("methods", "modules", "wireClasses", "enumClasses", "wireTypeIds"):
            expect(isinstance(d.get(k), list), "%s is %s" % (k, short(d.get(k), 80)))
        expect("read" in d["methods"] and "browse" in d["methods"], "methods lacks read/browse")
        err(req(addr, {"command": "describe", "sessionId": "e" * 32})[0],
            "session_not_found", "Session not found: " + "e" * 32)
    check("describe.arrays", describe)

    def invoke_bad_args():
        expect(sid is not None, "no session")
        err(req(addr, {"command": "invoke", "sessionId": sid, "method": "read", "args": "x"})[0],
            "invalid_argument")
        err(req(addr, {"command": "invoke", "sessionId": sid, "method": "read",
                       "args": {"a": 1}})[0], "invalid_argument")
        err(req(addr, {"command": "invoke", "sessionId": sid, "method": "", "args": []})[0],
            "invalid_argument", 'invoke: "method" must be a non-empty string.')
    check("invoke.invalid_argument", invoke_bad_args)

    def inv(method, args):
        return req(addr, {"command": "invoke", "sessionId": sid, "method": method, "args": args},
                   timeout=20)[0]

    def wnode(text):
        return {"__t": "NodeId", "v": text}

    def invoke_tagged():
        expect(sid is not None, "no session")
        dv = ok(inv("read", [wnode("ns=1;s=Scalar.Int32")]))["data"]
        expect(dv["__t"] == "DataValue" and dv["status"] == 0, "DataValue %s" % short(dv))
        expect(dv["variant"] == {"__t": "Variant", "type": {"__t": "BuiltinType", "v": 6},
                                 "value": -2000000000, "dims": None, "bytesB64": None},
               "variant %s" % short(dv["variant"]))
        ts = dv["serverTs"]
        expect(ts["__t"] == "DateTime" and
               re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", ts["v"]),
               "serverTs %s" % short(ts))
        bs = ok(inv("read", [wnode("ns=1;s=Scalar.ByteString")]))["data"]["variant"]
        expect(bs["value"] is None and bs["bytesB64"] == "3q2+7w==", "ByteString %s" % short(bs))
        dbl = {"__t": "Variant", "type": {"__t": "BuiltinType", "v": 11}, "value": 6,
               "dims": None, "bytesB64": None}
        cr = ok(inv("call", [wnode("ns=1;s=Methods"), wnode("ns=1;s=Methods.Multiply"),
                             [dbl, dict(dbl, value=7)]]))["data"]
        expect(cr["__t"] == "CallResult" and cr["output"][0]["value"] == 42, "call %s" % short(cr))
        refs = ok(inv("browse", [wnode("i=85")]))["data"]
        expect(any(r["browseName"] == {"__t": "QualifiedName", "ns": 1, "n": "Scalar"} for r in refs),
               "browse i=85 lacks Scalar")
        bi = ok(inv("getServerBuildInfo", []))["data"]
        expect(bi["__t"] == "BuildInfo" and isinstance(bi["product"], str), "BuildInfo %s" % short(bi))
        err(inv("read", [{"__t": "Nope"}]), "EncodingException", 'Unknown wire type id "Nope".')
        err(inv("read", [{"__t": "NodeId", "ns": 1}]), "InvalidNodeIdException",
            'NodeId wire payload: missing or non-string "v" field.')
        err(inv("call", [{"__t": "NodeId", "v": "ns=1;s=Anchor"}, {"__t": "NodeId", "v": "ns=1;s=Add"},
                         [{"__t": "Variant", "type": 11, "value": 1.5}]]),
            "EncodingException", 'Variant wire payload: "type" must be a decoded BuiltinType instance.')
        err(inv("isConnected", []), "unknown_method")
        d = ok(req(addr, {"command": "describe", "sessionId": sid})[0])
        expect("getServerBuildInfo" in d["methods"] and "isConnected" not in d["methods"],
               "describe.methods %s" % short(d["methods"]))
        expect("NodeId" in d["wireTypeIds"] and "DateTime" not in d["wireTypeIds"],
               "describe.wireTypeIds %s" % short(d["wireTypeIds"]))
    check("invoke.tagged_wire", invoke_tagged)


# ================================================================ main

def main():
    global BIN, FIXTURE_URL, TMP
    if len(sys.argv) != 3:
        print("usage: test_daemon.py <daemon binary> <fixture endpoint file>", file=sys.stderr)
        return 2
    BIN = os.path.abspath(sys.argv[1])
    with open(sys.argv[2]) as f:
        FIXTURE_URL = f.read().strip()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HARD_LIMIT)
    TMP = tempfile.mkdtemp(prefix="osm-td-")
    try:
        main_daemon = None
        try:
            def start_main():
                nonlocal main_daemon
                main_daemon, a = start_unix("main.sock")
                return a
            addr = check("daemon.starts", start_main)
            if addr is not None:
                group_framing(addr)
                group_sessions(addr)
                sid = check("query.open_session", lambda: ok(req(
                    addr, {"command": "open", "endpointUrl": FIXTURE_URL,
                           "config": {"opcuaTimeout": 10}}, timeout=20)[0])["sessionId"])
                group_query(addr, sid)
                group_describe(addr, sid)
        finally:
            if main_daemon:
                rc = main_daemon.stop()
                print("(main daemon exit status %r)" % rc, flush=True)
        group_ipc_timeout()
        group_auth()
        group_cli()
        group_concurrent_opens()
        group_max_sessions()
        group_expiry()
        group_file_cache()
    except HardTimeout as e:
        print("FAIL harness: %s" % e, flush=True)
        RESULTS["failed"] += 1
    finally:
        signal.alarm(0)
        for d in DAEMONS:
            d.stop()
        shutil.rmtree(TMP, ignore_errors=True)
    print("(run time %.1f s)" % (time.monotonic() - T_START))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]), flush=True)
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
