#!/usr/bin/env python3
"""Auto-publish, notification sinks, watch and --config through the daemon binary.

Usage: test_daemon_publish.py <daemon binary> <fixture endpoint file> <fixture ctl.sh> [opcua-sm]

Against the node-opcua fixture (tests/fixture): data changes of the 100 ms
Sim.Counter reach --events-file in order and without loss over 10 s; events and
keep-alives become lines; a manual publish gets auto_publish_active; SIGHUP
reopens the events file; the watch command streams lines, turns auto-publish on
only while attached, ends with SessionClosed, and a slow reader gets an Overflow
line while the daemon stays responsive; --config opens two named connections
(one unreachable, retried) addressable by name. Finally a private fixture
server (its own state directory and port; the shared CTest fixture is not
touched) is stopped and restarted on the same port mid-subscription:
notifications resume and the log says that some were missed.

Reuses the harness of test_daemon.py. Python 3 standard library only; every
wait is bounded; daemons and the private server are stopped by PID / state dir.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import Fail, check, err, expect, ok, req, short  # noqa: E402

HARD_LIMIT = 230
SUBS = []  # subscriptions of the events-file session, deleted at its end
CTL = None
CLI = None  # opcua-sm binary, optional
PRIVATE_FX = None  # state dir of the private fixture server, stopped in the end


def nid(ident, ns=1):
    return {"ns": ns, "id": ident, "type": "string"}


def q(addr, sid, method, params=None, timeout=20):
    r = {"command": "query", "sessionId": sid, "method": method}
    if params is not None:
        r["params"] = params
    return req(addr, r, timeout=timeout)[0]


def open_session(addr, url=None):
    return ok(req(addr, {"command": "open", "endpointUrl": url or td.FIXTURE_URL,
                         "config": {"opcuaTimeout": 10}, "forceNew": True}, timeout=25)[0])["sessionId"]


def counter_sub(addr, sid, handle=7, interval=100):
    sub = ok(q(addr, sid, "createSubscription", [interval, 600, 10]))["subscriptionId"]
    items = ok(q(addr, sid, "createMonitoredItems", [sub, [
        {"nodeId": nid("Sim.Counter"), "samplingInterval": 50, "queueSize": 20,
         "clientHandle": handle}]]))
    expect(items[0]["statusCode"] == 0, "item not created: %s" % short(items))
    return sub


def read_lines(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            if raw.strip():
                out.append(json.loads(raw.decode("utf-8")))
    return out


def wait_for(pred, timeout, step=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Fail("%s not met within %.0f s" % (what, timeout))
        time.sleep(step)


def check_counter_run(lines, handle, sid):
    """DataChange lines of handle: values +1 each, sequence numbers ascending."""
    dc = [x for x in lines if x.get("type") == "DataChange" and x.get("clientHandle") == handle
          and x.get("sessionId") == sid]
    expect(len(dc) >= 80, "only %d data changes in 10 s" % len(dc))
    for k in ("sessionId", "endpointUrl", "subscriptionId", "sequenceNumber", "clientHandle",
              "dataValue"):
        expect(k in dc[0], "line without %s: %s" % (k, short(dc[0])))
    expect(dc[0]["endpointUrl"] == td.FIXTURE_URL, "endpointUrl %s" % dc[0]["endpointUrl"])
    vals = [x["dataValue"]["value"] for x in dc]
    expect(all(b > a for a, b in zip(vals, vals[1:])), "values out of order: %s" % vals[:20])
    # No loss between server and file: every notification message the server
    # numbered reached the file (the server's own sampling of a 100 ms counter
    # may skip a value on a loaded machine; that is not ours to check).
    seqs = [x["sequenceNumber"] for x in dc]
    expect(all(b >= a for a, b in zip(seqs, seqs[1:])), "sequence numbers out of order")
    distinct = sorted(set(seqs))
    holes = [(a, b) for a, b in zip(distinct, distinct[1:]) if b != a + 1]
    expect(not holes, "notification messages missing between: %s" % holes[:5])
    missed = [x for x in lines if x.get("type") == "Missed" and x.get("sessionId") == sid]
    expect(not missed, "Missed lines: %s" % short(missed))
    return len(dc)


# ---------------------------------------------------------------- events file

def group_events_file():
    path = os.path.join(td.TMP, "events.ndjson")
    d, addr = td.start_unix("ev.sock", ["--events-file", path, "--log-level", "debug"])
    sid = check("evfile.open", open_session, addr)
    if sid is None:
        return
    sub = check("evfile.subscribe", counter_sub, addr, sid)
    if sub is None:
        return
    t0 = time.monotonic()

    def manual_publish_refused():
        r = q(addr, sid, "publish", [[]])
        err(r, "auto_publish_active")

    check("evfile.manual_publish_gets_auto_publish_active", manual_publish_refused)

    def keepalive_and_events():
        ka = ok(q(addr, sid, "createSubscription", [100, 300, 3]))["subscriptionId"]
        ev = ok(q(addr, sid, "createSubscription", [200, 600, 10]))["subscriptionId"]
        SUBS.extend([ka, ev])
        r = ok(q(addr, sid, "createEventMonitoredItem", [ev, nid("Events"), None, 9]))
        expect(r["statusCode"] == 0, "event item: %s" % short(r))
        # Selecting a condition field does not make a plain event an alarm.
        r = ok(q(addr, sid, "createEventMonitoredItem",
                 [ev, nid("Events"), ["EventId", "Message", "ConditionName"], 10]))
        expect(r["statusCode"] == 0, "event item: %s" % short(r))
        lines = wait_for(lambda: (lambda ls: ls if any(
            x.get("type") == "KeepAlive" and x.get("subscriptionId") == ka for x in ls) and any(
            x.get("type") == "Event" and x.get("clientHandle") == 9 for x in ls) else None)(
            read_lines(path)), 8, what="a KeepAlive and an Event line")
        e = [x for x in lines if x.get("type") == "Event" and x.get("clientHandle") == 9][0]
        expect(isinstance(e.get("eventFields"), list) and len(e["eventFields"]) == 6,
               "event fields: %s" % short(e))
        msg = e["eventFields"][4]["value"]
        c = [x for x in lines if x.get("type") == "Event" and x.get("clientHandle") == 10]
        expect(not c or "alarm" not in c[0], "a plain event marked as alarm: %s" % short(c))
        expect(isinstance(msg, dict) and str(msg.get("text", "")).startswith("Tick "),
               "Message field: %s" % short(msg))
        expect("alarm" not in e, "a plain event marked as alarm: %s" % short(e))
        k = [x for x in lines if x.get("type") == "KeepAlive"][0]
        expect("clientHandle" not in k and "sequenceNumber" in k, "keep-alive: %s" % short(k))

    check("evfile.keepalive_and_event_lines", keepalive_and_events)

    def in_order_10s():
        left = 10.5 - (time.monotonic() - t0)
        if left > 0:
            time.sleep(left)
        return check_counter_run(read_lines(path), 7, sid)

    n = check("evfile.counter_in_order_without_loss_10s", in_order_10s)
    if n:
        print("  (%d data changes of Sim.Counter)" % n)

    def sighup_reopens():
        rotated = path + ".1"
        os.rename(path, rotated)
        os.kill(d.pid, signal.SIGHUP)
        wait_for(lambda: len(read_lines(path)) > 0, 5, what="lines in the reopened file")
        expect("Events file reopened" in d.stderr(), "no reopen log line")

    check("evfile.sighup_reopens", sighup_reopens)

    def delete_stops():
        for s in SUBS:
            ok(q(addr, sid, "deleteSubscription", [s]))
        wait_for(lambda: "Auto-publish stopped for session %s" % sid in d.stderr(), 5,
                 what="the stop log line")
        r = q(addr, sid, "publish", [[]])
        expect(not (r.get("success") is False and r["error"]["type"] == "auto_publish_active"),
               "publish still refused after the last subscription went")

    SUBS.append(sub)
    check("evfile.delete_last_subscription_stops", delete_stops)
    d.stop()


# ---------------------------------------------------------------- watch

def start_watch(addr, sid=None, rcvbuf=None):
    c = td.Conn(addr, 10)
    if rcvbuf:
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    r = {"command": "watch"}
    if sid is not None:
        r["sessionId"] = sid
    c.send(td.encode(r) + b"\n")
    first = json.loads(c.read_line(10))
    return c, first


def group_watch():
    d, addr = td.start_unix("w.sock", ["--watch-queue", "50"])
    sid = check("watch.open", open_session, addr)
    if sid is None:
        return
    sub = check("watch.subscribe", counter_sub, addr, sid)
    if sub is None:
        return

    def manual_publish_without_watch():
        r = ok(q(addr, sid, "publish", [[]]))
        expect(r["subscriptionId"] == sub, "publish: %s" % short(r))

    check("watch.off_by_default_manual_publish_works", manual_publish_without_watch)

    def unknown_session():
        r = req(addr, {"command": "watch", "sessionId": "nope"})[0]
        err(r, "session_not_found")

    check("watch.unknown_session", unknown_session)

    def stream():
        c, first = start_watch(addr, sid)
        try:
            data = ok(first)
            expect(data.get("watching") == sid and data.get("queueSize") == 50,
                   "first line: %s" % short(first))
            got = []
            deadline = time.monotonic() + 10
            while len(got) < 15 and time.monotonic() < deadline:
                got.append(json.loads(c.read_line(5)))
            dc = [x for x in got if x.get("type") == "DataChange"]
            expect(len(dc) >= 10, "only %d data changes: %s" % (len(dc), short(got)))
            expect(all(x["sessionId"] == sid and x["subscriptionId"] == sub for x in dc),
                   "foreign lines: %s" % short(dc))
            err(q(addr, sid, "publish", [[]]), "auto_publish_active")
        finally:
            c.close()
        # The engine stops once the watcher is gone.
        wait_for(lambda: q(addr, sid, "publish", [[]]).get("success") is True, 8,
                 what="manual publish working again after the watch ended")

    check("watch.streams_and_auto_publish_only_while_attached", stream)

    def slow_reader():
        # Many items so that lines come fast; a small socket buffer; no reading.
        s2 = ok(q(addr, sid, "createSubscription", [50, 600, 10]))["subscriptionId"]
        items = [{"nodeId": nid(n), "samplingInterval": 50, "queueSize": 5,
                  "clientHandle": 100 + i}
                 for i, n in enumerate(["Sim.Counter", "Sim.Sine", "Sim.Sawtooth", "Sim.Random",
                                        "Sim.Timestamp"] * 12)]
        ok(q(addr, sid, "createMonitoredItems", [s2, items]))
        c, first = start_watch(addr, "*", rcvbuf=4096)
        try:
            expect(ok(first).get("watching") == "*", "first line: %s" % short(first))
            worst = 0.0
            t_end = time.monotonic() + 7
            while time.monotonic() < t_end:
                t = time.monotonic()
                ok(req(addr, {"command": "ping"}, timeout=5)[0])
                worst = max(worst, time.monotonic() - t)
                time.sleep(0.25)
            expect(worst < 1.0, "ping took %.2f s while a reader stalled" % worst)
            over = None
            deadline = time.monotonic() + 15
            while over is None and time.monotonic() < deadline:
                x = json.loads(c.read_line(5))
                if x.get("type") == "Overflow":
                    over = x
            expect(over is not None, "no Overflow line")
            expect(over["dropped"] > 0 and over["totalDropped"] >= over["dropped"],
                   "overflow line: %s" % short(over))
        finally:
            c.close()
        wait_for(lambda: "dropped" in d.stderr() and "Watch client for all sessions ended" in
                 d.stderr(), 5, what="the drop count in the log")
        ok(q(addr, sid, "deleteSubscription", [s2]))

    check("watch.slow_reader_drops_counted_daemon_unaffected", slow_reader)

    def session_closed_ends_stream():
        c, first = start_watch(addr, sid)
        try:
            ok(first)
            json.loads(c.read_line(5))
            ok(req(addr, {"command": "close", "sessionId": sid})[0])
            last = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    last = json.loads(c.read_line(3))
                except Fail:
                    break
                if last.get("type") == "SessionClosed":
                    break
            expect(last and last.get("type") == "SessionClosed" and last.get("sessionId") == sid,
                   "last line: %s" % short(last))
            c.expect_eof(5)
        finally:
            c.close()

    check("watch.session_close_ends_stream", session_closed_ends_stream)
    d.stop()


# ---------------------------------------------------------------- --config

def group_config():
    dead_port = td.free_tcp_port()
    cfg = {
        "plc": {"endpoint": td.FIXTURE_URL, "config": {"opcuaTimeout": 10},
                "subscriptions": [{"publishing_interval": 100, "monitored_items": [
                    {"node_id": "ns=1;s=Sim.Counter", "sampling_interval": 50, "queue_size": 10,
                     "client_handle": 3}],
                    "event_monitored_items": [{"node_id": "ns=1;s=Events", "client_handle": 4}]}]},
        "gone": {"endpoint": "opc.tcp://127.0.0.1:%d/nothing" % dead_port},
    }
    path = os.path.join(td.TMP, "connections.json")
    with open(path, "w") as f:
        json.dump(cfg, f)

    def bad_config_refused():
        bad = os.path.join(td.TMP, "bad.json")
        with open(bad, "w") as f:
            json.dump({"x": {"endpoint": "opc.tcp://h:1", "subscriptions": [
                {"monitored_items": [{"nodeid": "ns=1;s=A"}]}]}}, f)
        rc, _, e = td.run_cli(["--socket", "unix://" + os.path.join(td.TMP, "bad.sock"),
                               "--config", bad])
        expect(rc == 2, "exit status %s" % rc)
        expect("unknown key \"nodeid\"" in e, "message: %s" % short(e))

    check("config.bad_file_refused", bad_config_refused)

    d, addr = td.start_unix("cfg.sock", ["--config", path])

    def two_named_one_unreachable():
        wait_for(lambda: 'Auto-connected "plc"' in d.stderr(), 20, what="plc connected")
        wait_for(lambda: d.stderr().count('Auto-connect failed for "gone"') >= 2, 10,
                 what="two failed attempts for the unreachable connection")
        e = d.stderr()
        expect("retrying in 1 s" in e and "retrying in 2 s" in e, "no backoff: %s" % e[-600:])
        lst = ok(req(addr, {"command": "list"})[0])
        expect(lst["count"] == 1, "list: %s" % short(lst))

    check("config.two_connections_one_unreachable", two_named_one_unreachable)

    def by_name():
        v = ok(q(addr, "plc", "read", [nid("Sim.Counter")]))
        expect(isinstance(v.get("value"), int), "read by name: %s" % short(v))
        c, first = start_watch(addr, "plc")
        try:
            ok(first)
            types = set()
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and not {"DataChange", "Event"} <= types:
                x = json.loads(c.read_line(5))
                expect(x.get("name") == "plc", "line without the name: %s" % short(x))
                types.add(x.get("type"))
            expect({"DataChange", "Event"} <= types, "types seen: %s" % types)
        finally:
            c.close()

    check("config.session_addressable_by_name", by_name)

    def cli_watch():
        sock = "unix://" + addr[1]
        p = subprocess.run([CLI, "--socket", sock, "watch", "plc", "--count", "3"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        out = p.stdout.decode()
        expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
        lines = out.splitlines()
        expect(len(lines) == 3 and all(x.startswith("plc  sub ") for x in lines),
               "output: %r" % out[:600])
        p = subprocess.run([CLI, "--socket", sock, "--json", "watch", "--count", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        lines = p.stdout.decode().splitlines()
        expect(p.returncode == 0 and len(lines) == 2, "json output: %r" % lines)
        expect(all(json.loads(x).get("name") == "plc" for x in lines), "json lines: %r" % lines)
        p = subprocess.run([CLI, "--socket", sock, "watch", "nope"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        expect(p.returncode == 5, "unknown session: exit %d" % p.returncode)

    if CLI:
        check("config.opcua_sm_watch", cli_watch)
    d.stop()


# ---------------------------------------------------------------- server restart

def fixture_ctl(action, env_extra=None):
    return td.fixture_ctl(CTL, PRIVATE_FX, action, env_extra)


def group_restart():
    global PRIVATE_FX
    PRIVATE_FX = os.path.join(td.TMP, "fx")
    os.makedirs(PRIVATE_FX)
    if check("restart.private_fixture_starts", fixture_ctl, "start") is None:
        return
    with open(os.path.join(PRIVATE_FX, "endpoint")) as f:
        url = f.read().strip()
    port = url.rsplit(":", 1)[1].split("/")[0]
    path = os.path.join(td.TMP, "restart.ndjson")
    d, addr = td.start_unix("rs.sock", ["--events-file", path])
    sid = check("restart.open", open_session, addr, url)
    if sid is None:
        return
    if check("restart.subscribe", counter_sub, addr, sid, 5) is None:
        return

    def resume():
        wait_for(lambda: len(read_lines(path)) > 5, 10, what="data before the restart")
        fixture_ctl("stop")
        time.sleep(1.0)
        n_before = len(read_lines(path))
        fixture_ctl("start", {"OSM_FIXTURE_PORT": port})
        with open(os.path.join(PRIVATE_FX, "endpoint")) as f:
            expect(f.read().strip() == url, "the fixture came back on another port")
        wait_for(lambda: len([x for x in read_lines(path)[n_before:]
                              if x.get("type") == "DataChange"]) >= 5, 60,
                 step=0.5, what="data changes after the restart")
        log = d.stderr()
        expect("re-created as" in log and "were missed" in log,
               "the log does not say what was missed: %s" % log[-800:])
        after = [x for x in read_lines(path)[n_before:] if x.get("type") == "DataChange"]
        expect(all(x["clientHandle"] == 5 for x in after), "client handle changed")
        expect(any(x.get("type") == "SubscriptionRecreated" for x in read_lines(path)),
               "no SubscriptionRecreated line")

    check("restart.notifications_resume_and_log_says_missed", resume)
    d.stop()


def main():
    def body(extra):
        global CTL, CLI
        CTL = os.path.abspath(extra[0])
        if len(extra) == 2:
            CLI = os.path.abspath(extra[1])
        group_events_file()
        group_watch()
        group_config()
        group_restart()
    return td.run_suite("test_daemon_publish.py", HARD_LIMIT, "osm-tdp-", body, extra=(1, 2),
                        extra_usage=" <ctl.sh> [opcua-sm]", soft_margin=30,
                        cleanup=stop_private_fixture)


def stop_private_fixture():
    if PRIVATE_FX:
        fixture_ctl("stop")


if __name__ == "__main__":
    sys.exit(main())
