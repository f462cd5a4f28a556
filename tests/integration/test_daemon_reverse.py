#!/usr/bin/env python3
"""Reverse Connect (OPC UA Part 6 7.1.3) through the daemon binary.

Usage: test_daemon_reverse.py <daemon binary> <file holding the fixture endpoint URL>

Starts a daemon with --reverse-listen / --reverse-allow and plays the
server's side with a small dialer: it connects to the daemon's reverse
port, sends a real ReverseHello and then relays bytes both ways to the
node-opcua fixture (tests/fixture), so the daemon's Hello, OpenSecureChannel
and session run against a real server over a connection the "server"
opened. Covers: open waiting for a dial and open using an already waiting
connection, read and a subscription (createSubscription /
createMonitoredItems / publish) over it, `list` showing the session as
reverse-connected, ServerUri not in the allow-list, malformed, oversize and
trickled ReverseHellos (refused with a log line; the listener keeps
working), a newer dial replacing a waiting one, a drop (query fails fast
while waiting) and the dial back (the session recovers). When node is
available, the fixture server itself dials out in a last group (node-opcua
2.182.2 implements Reverse Connect; server.mjs with OSM_FIXTURE_REVERSE_CONNECT).

Reuses the harness of test_daemon.py. Python 3 standard library only;
every wait is bounded; processes are stopped by PID.
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import Fail, check, err, expect, nid, ok, req, short  # noqa: E402

HARD_LIMIT = 170
SERVER_URI = "urn:osm-test:reverse-server"
ENDPOINT_FILE = None
BAD_TCP_ENDPOINT_URL_INVALID = 0x80830000


def rhe(server_uri, endpoint_url):
    def s(x):
        if x is None:
            return struct.pack("<i", -1)
        b = x.encode("utf-8")
        return struct.pack("<i", len(b)) + b
    body = s(server_uri) + s(endpoint_url)
    return b"RHEF" + struct.pack("<I", 8 + len(body)) + body


def fixture_addr():
    rest = td.FIXTURE_URL[len("opc.tcp://"):]
    hostport = rest.split("/", 1)[0]
    host, port = hostport.rsplit(":", 1)
    return host.strip("[]"), int(port)


class Dial:
    """One server-side connection to the daemon: RHE, then a relay to the fixture."""

    def __init__(self, port, server_uri=SERVER_URI, endpoint_url=None):
        self.up = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.down = None
        self.closed = threading.Event()
        self.got_hello = threading.Event()
        self.up.sendall(rhe(server_uri, endpoint_url or td.FIXTURE_URL))
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()

    def _pump(self, src, dst):
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                dst.sendall(b)
        except OSError:
            pass
        self.drop()

    def _relay(self):
        try:
            self.up.settimeout(30)
            first = self.up.recv(65536)   # the daemon's Hello, sent at once
            if not first:
                self.drop()
                return
            if first[:4] == b"HELF":
                self.got_hello.set()
            self.down = socket.create_connection(fixture_addr(), timeout=5)
            self.down.sendall(first)
            self.up.settimeout(None)
            self.down.settimeout(None)
        except OSError:
            self.drop()
            return
        t = threading.Thread(target=self._pump, args=(self.down, self.up), daemon=True)
        t.start()
        self._pump(self.up, self.down)

    def drop(self):
        for s in (self.up, self.down):
            if s is not None:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass
        self.closed.set()


def raw_dial(port, data, timeout=8.0):
    """Sends bytes as a dialling server; returns (bytes received, seconds to EOF)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    t0 = time.monotonic()
    got = b""
    try:
        if data:
            s.sendall(data)
        s.settimeout(timeout)
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        raise Fail("the daemon kept the connection open for %.0f s" % timeout)
    finally:
        s.close()
    return got, time.monotonic() - t0


def wait_log(d, text, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in d.stderr():
            return
        time.sleep(0.05)
    raise Fail("log line %r not found; log tail: %s" % (text, d.tail(600)))


class Bg:
    """A request answered in a background thread (an open that waits for a dial)."""

    def __init__(self, addr, obj, timeout=20):
        self.resp = None
        self.error = None
        self.t0 = time.monotonic()
        self.elapsed = None

        def run():
            try:
                self.resp = req(addr, obj, timeout=timeout)[0]
            except BaseException as e:  # noqa: B902 - reported by result()
                self.error = e
            self.elapsed = time.monotonic() - self.t0
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def result(self, timeout=25):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise Fail("no answer within %.0f s" % timeout)
        if self.error:
            raise self.error
        return self.resp


def session_entry(addr, sid):
    for e in ok(req(addr, {"command": "list"})[0])["sessions"]:
        if e["id"] == sid:
            return e
    raise Fail("session %s not in list" % sid)


def q(addr, sid, method, params=None, timeout=20):
    r = {"command": "query", "sessionId": sid, "method": method}
    if params is not None:
        r["params"] = params
    return req(addr, r, timeout=timeout)[0]


def read_ok(addr, sid):
    d = ok(q(addr, sid, "read", [nid("Scalar.Int32")]))
    expect(isinstance(d, dict) and "value" in d, "read answer %s" % short(d))
    return d


# ================================================================ groups

def group_refusals(d, addr, port):
    def not_allowed():
        got, _ = raw_dial(port, rhe("urn:someone:else", td.FIXTURE_URL))
        expect(got[:4] == b"ERRF", "expected an Error message, got %r" % got[:16])
        status = struct.unpack("<I", got[8:12])[0]
        expect(status == BAD_TCP_ENDPOINT_URL_INVALID, "status 0x%08x" % status)
        wait_log(d, 'refused the dial from 127.0.0.1')
        wait_log(d, 'not in the allow-list (--reverse-allow) (ServerUri "urn:someone:else"')
    check("reverse.serveruri_not_allowed_rejected", not_allowed)

    def bad_scheme():
        got, _ = raw_dial(port, rhe(SERVER_URI, "http://10.0.0.1:4840"))
        expect(got[:4] == b"ERRF", "expected an Error message, got %r" % got[:16])
        wait_log(d, "EndpointUrl does not use the opc.tcp scheme")
    check("reverse.endpointurl_scheme_rejected", bad_scheme)

    def empty_uri():
        raw_dial(port, rhe(None, td.FIXTURE_URL))
        wait_log(d, "ServerUri is empty")
    check("reverse.empty_serveruri_rejected", empty_uri)

    def malformed():
        got, _ = raw_dial(port, b"HELF\x10\x00\x00\x00" + b"\x00" * 8)
        expect(not got.startswith(b"HELF"), "the daemon answered a non-RHE: %r" % got[:16])
        wait_log(d, "malformed ReverseHello (BadTcpMessageTypeInvalid)")
        # bytes left over inside the message
        m = rhe(SERVER_URI, td.FIXTURE_URL)
        m = m[:4] + struct.pack("<I", len(m) + 3) + m[8:] + b"xyz"
        raw_dial(port, m)
        wait_log(d, "malformed ReverseHello (BadDecodingError)")
    check("reverse.malformed_rhe_rejected", malformed)

    def oversize():
        # Only the header: the size alone must be refused, before any body.
        got, secs = raw_dial(port, b"RHEF" + struct.pack("<I", 1 << 20))
        expect(secs < 3, "refusal took %.1f s" % secs)
        wait_log(d, "malformed ReverseHello (BadTcpMessageTooLarge)")
        # A field of 4096 bytes inside an otherwise acceptable size.
        raw_dial(port, rhe("u" * 4096, td.FIXTURE_URL))
        wait_log(d, "malformed ReverseHello (BadTcpEndpointUrlInvalid)")
    check("reverse.oversize_rhe_rejected", oversize)

    def trickle():
        got, secs = raw_dial(port, b"RHEF", timeout=10)
        expect(4 <= secs < 9, "closed after %.1f s (deadline 5 s)" % secs)
        wait_log(d, "no complete ReverseHello in time")
    check("reverse.slow_rhe_times_out", trickle)

    def no_effect():
        e = ok(req(addr, {"command": "list"})[0])
        expect(e["count"] == 0, "sessions after refused dials: %s" % short(e))
    check("reverse.refusals_have_no_effect", no_effect)


def group_open_errors(addr):
    def not_allowed():
        m = err(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                           "config": {"reverseConnect": "urn:not:allowed"}})[0],
                "ConnectionException")
        expect("--reverse-allow" in m, "message %r" % m)
    check("reverse.open_unlisted_serveruri_refused", not_allowed)

    def bad_value():
        err(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                       "config": {"reverseConnect": ""}})[0], "ValueError")
    check("reverse.open_empty_reverseconnect_refused", bad_value)

    def times_out():
        t0 = time.monotonic()
        m = err(req(addr, {"command": "open", "endpointUrl": "opc.tcp://nobody.invalid:4840",
                           "config": {"reverseConnect": True, "opcuaTimeout": 1}},
                    timeout=10)[0], "ConnectionException")
        secs = time.monotonic() - t0
        expect("BadTimeout" in m, "message %r" % m)
        expect(0.8 < secs < 5, "open gave up after %.1f s" % secs)
    check("reverse.open_without_dial_times_out", times_out)


def group_session(d, addr, port):
    state = {}

    def open_then_dial():
        bg = Bg(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                       "config": {"reverseConnect": SERVER_URI, "opcuaTimeout": 10}})
        time.sleep(0.5)
        dial = Dial(port)
        data = ok(bg.result())
        expect(dial.got_hello.is_set(), "the daemon sent no Hello first")
        state["sid"] = data["sessionId"]
        state["dial"] = dial
        wait_log(d, "ReverseHello from 127.0.0.1")
    check("reverse.open_waits_for_dial", open_then_dial)
    sid = state.get("sid")
    if not sid:
        return

    check("reverse.read", read_ok, addr, sid)

    def listed():
        e = session_entry(addr, sid)
        expect(e["config"].get("reverseConnect") == SERVER_URI, "config %s" % short(e))
        r = e.get("reverse")
        expect(isinstance(r, dict), "no reverse entry: %s" % short(e))
        expect(r.get("state") == "connected" and r.get("serverUri") == SERVER_URI,
               "reverse %s" % short(r))
    check("reverse.list_shows_reverse", listed)

    def subscribe():
        sub = ok(q(addr, sid, "createSubscription", [100, 2400, 10, 0, True, 0]))
        state["sub"] = sub["subscriptionId"]
        items = [{"nodeId": nid("Sim.Counter"), "samplingInterval": 100, "queueSize": 10,
                  "clientHandle": 7, "monitoringMode": 2}]
        mi = ok(q(addr, sid, "createMonitoredItems", [state["sub"], items]))
        expect(isinstance(mi, list) and mi and mi[0]["statusCode"] == 0, "items %s" % short(mi))
        seen = 0
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and seen < 2:
            p = ok(q(addr, sid, "publish", [[]]))
            seen += sum(1 for n in p["notifications"] if n.get("clientHandle") == 7)
        expect(seen >= 2, "only %d data changes" % seen)
    check("reverse.subscribe_and_publish", subscribe)

    def reused_when_identical():
        data = ok(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                             "config": {"reverseConnect": SERVER_URI, "opcuaTimeout": 10}})[0])
        expect(data.get("sessionId") == sid and data.get("reused") is True, short(data))
    check("reverse.identical_open_reuses", reused_when_identical)

    def drop_and_wait():
        state["dial"].drop()
        deadline = time.monotonic() + 10
        while session_entry(addr, sid)["reverse"]["state"] != "waiting":
            if time.monotonic() > deadline:
                raise Fail("still %s" % short(session_entry(addr, sid)))
            time.sleep(0.1)
    check("reverse.drop_shows_waiting", drop_and_wait)

    def fails_fast():
        t0 = time.monotonic()
        m = err(q(addr, sid, "read", [nid("Scalar.Int32")]), "ConnectionException")
        secs = time.monotonic() - t0
        expect(secs < 1.0, "query took %.2f s" % secs)
        expect("waiting for the server" in m and SERVER_URI in m, "message %r" % m)
    check("reverse.query_fails_fast_while_waiting", fails_fast)

    def never_dials_out():
        # Nothing reconnects by itself: still waiting after a while.
        time.sleep(1.5)
        expect(session_entry(addr, sid)["reverse"]["state"] == "waiting", "not waiting")
    check("reverse.no_outbound_reconnect", never_dials_out)

    def dial_back():
        # A dial that is replaced by a newer one before it is used does no harm.
        state["dial"] = Dial(port)
        deadline = time.monotonic() + 15
        while True:
            try:
                read_ok(addr, sid)
                break
            except Fail:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        expect(session_entry(addr, sid)["reverse"]["state"] == "connected", "not connected")
        p = ok(q(addr, sid, "publish", [[]]))
        expect(p["subscriptionId"] == state["sub"], "publish after recovery %s" % short(p))
        wait_log(d, "goes to a session")
    check("reverse.dial_back_recovers", dial_back)

    def waiting_first_then_open():
        # A dial that arrives before any open waits (held), and a newer dial
        # from the same ServerUri replaces it.
        older = Dial(port, server_uri=SERVER_URI + ":2")
        expect(older.got_hello.wait(5), "no Hello on the waiting connection")
        newer = Dial(port, server_uri=SERVER_URI + ":2")
        expect(newer.got_hello.wait(5), "no Hello on the newer connection")
        expect(older.closed.wait(5), "the older waiting connection was not replaced")
        wait_log(d, "Reverse Connect: a new")  # either order of the two handshakes
        t0 = time.monotonic()
        data = ok(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                             "config": {"reverseConnect": SERVER_URI + ":2",
                                        "opcuaTimeout": 10}}, timeout=15)[0])
        expect(time.monotonic() - t0 < 3, "open took %.1f s" % (time.monotonic() - t0))
        read_ok(addr, data["sessionId"])
        ok(req(addr, {"command": "close", "sessionId": data["sessionId"]})[0])
        newer.drop()
    check("reverse.held_connection_used_and_replaced", waiting_first_then_open)

    def cli_open_reverse():
        cli = os.path.join(os.path.dirname(td.BIN), "opcua-sm")
        if not os.path.exists(cli):
            raise Fail("no opcua-sm next to the daemon binary")
        dial = Dial(port, server_uri=SERVER_URI + ":2")
        try:
            p = subprocess.run([cli, "--socket", "unix://" + addr[1], "open", td.FIXTURE_URL,
                                "--reverse", SERVER_URI + ":2", "--config",
                                '{"opcuaTimeout": 10}'],
                               capture_output=True, text=True, timeout=20)
            expect(p.returncode == 0, "status %d: %s" % (p.returncode, p.stderr[-300:]))
            sid2 = p.stdout.strip()
            e = session_entry(addr, sid2)
            expect(e["config"].get("reverseConnect") == SERVER_URI + ":2", short(e))
            p = subprocess.run([cli, "--socket", "unix://" + addr[1], "list"],
                               capture_output=True, text=True, timeout=20)
            expect("reverse: connected" in p.stdout, "list output %r" % p.stdout[-300:])
            ok(req(addr, {"command": "close", "sessionId": sid2})[0])
        finally:
            dial.drop()
    check("reverse.cli_open_reverse", cli_open_reverse)

    check("reverse.close_session", lambda: ok(req(addr, {"command": "close",
                                                         "sessionId": sid})[0]))
    if state.get("dial"):
        state["dial"].drop()


def group_node_dialer(d, addr, port):
    """The fixture server dials by itself (node-opcua's Reverse Connect)."""
    node = shutil.which("node")
    server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixture",
                          "server.mjs")
    if not node or not os.path.isdir(os.path.join(os.path.dirname(server), "node_modules")):
        print("SKIP reverse.node_server_dials: no node or fixture node_modules", flush=True)
        return
    fport = td.free_tcp_port()
    # Reuse the running fixture's certificates: making new ones takes a while.
    pki = os.path.join(td.TMP, "pki")
    shared_pki = os.path.join(os.path.dirname(ENDPOINT_FILE), "pki")
    if os.path.isdir(shared_pki):
        shutil.copytree(shared_pki, pki, symlinks=True)
    log = open(os.path.join(td.TMP, "node.err"), "wb")
    env = dict(os.environ)
    env["OSM_FIXTURE_REVERSE_CONNECT"] = "opc.tcp://127.0.0.1:%d" % port
    env["OSM_FIXTURE_MAX_LIFETIME"] = "300"
    proc = subprocess.Popen([node, server, "--port", str(fport), "--max-lifetime", "300",
                             "--pki", pki],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                            cwd=os.path.dirname(server), env=env)
    try:
        def dials():
            url = "opc.tcp://127.0.0.1:%d/UA/TestServer" % fport
            data = ok(req(addr, {"command": "open", "endpointUrl": url,
                                 "config": {"reverseConnect": True, "opcuaTimeout": 30}},
                          timeout=40)[0])
            sid = data["sessionId"]
            read_ok(addr, sid)
            e = session_entry(addr, sid)
            expect(e["reverse"]["state"] == "connected", short(e))
            ok(req(addr, {"command": "close", "sessionId": sid})[0])
        check("reverse.node_server_dials", dials)

        def secured():
            # GetEndpoints over one dial (for the server certificate), the
            # Basic256Sha256 channel and session over the server's next dial.
            url = "opc.tcp://127.0.0.1:%d/UA/TestServer" % fport
            data = ok(req(addr, {"command": "open", "endpointUrl": url,
                                 "config": {"reverseConnect": "urn:opcua-sm:test",
                                            "securityPolicy": "http://opcfoundation.org/UA/"
                                                              "SecurityPolicy#Basic256Sha256",
                                            "securityMode": 3, "opcuaTimeout": 30}},
                          timeout=60)[0])
            sid = data["sessionId"]
            read_ok(addr, sid)
            e = session_entry(addr, sid)
            expect(e["reverse"]["state"] == "connected", short(e))
            ok(req(addr, {"command": "close", "sessionId": sid})[0])
        check("reverse.node_server_dials_secured", secured)
    finally:
        try:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        log.close()


def group_cli_flags():
    def bad_listen():
        rc, _, e = td.run_cli(["--socket", "unix://" + td.new_sock_path("bad.sock"),
                               "--reverse-listen", "127.0.0.1:1"])
        expect(rc == 1 and "tcp://HOST:PORT" in e, "status %d, stderr %r" % (rc, e[-300:]))
    check("reverse.bad_listen_uri_refused", bad_listen)


def main():
    def body(extra):
        global ENDPOINT_FILE
        ENDPOINT_FILE = os.path.abspath(sys.argv[2])
        group_cli_flags()
        port = td.free_tcp_port()
        started = check("daemon.starts", lambda: td.start_unix(
            "rev.sock", ["--pki-dir", os.path.join(td.TMP, "daemon-pki"),
                         "--reverse-listen", "tcp://127.0.0.1:%d" % port,
                         "--reverse-allow", SERVER_URI, "--reverse-allow", SERVER_URI + ":2",
                         "--reverse-allow", "urn:opcua-sm:test"]))
        if started:
            d, addr = started
            check("reverse.listening_logged", wait_log, d, "Reverse Connect: listening on "
                  "tcp://127.0.0.1:%d" % port)
            group_refusals(d, addr, port)
            group_open_errors(addr)
            group_session(d, addr, port)
            group_node_dialer(d, addr, port)
            check("daemon.stops", lambda: expect(d.stop() == 0, "exit status not 0: %s"
                                                 % d.tail()))
    return td.run_suite("test_daemon_reverse.py", HARD_LIMIT, "osm-tdr-", body)


if __name__ == "__main__":
    sys.exit(main())
