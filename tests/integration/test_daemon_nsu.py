#!/usr/bin/env python3
"""NodeIds by namespace URI ("nsu") through the daemon binary, across a server
restart that changes the namespace order.

Usage: test_daemon_nsu.py <daemon binary> <fixture endpoint file> <fixture ctl.sh> [opcua-sm]

A private fixture server (its own state directory and port; the shared CTest
fixture is not touched) is started in its normal order (urn:opcua-sm:test at
index 1). A session reads, writes, browses, resolves, invokes and subscribes
with {"nsu": "urn:opcua-sm:test", ...} objects and "nsu=" texts; unknown URIs
are refused. The server is then stopped and started again on the same port with
OSM_FIXTURE_NS_REORDER=1 (urn:opcua-sm:test at index 3). After the daemon has
reconnected, the same nsu ids still reach the same nodes, ns=1 ids now get what
the server says about them (the namespace really moved; no stale cached answer),
the auto-published monitored item is re-created on the moved node, and the log
says that the NamespaceArray changed. opcua-sm is run with an nsu id before and
after the restart.

Reuses the harness of test_daemon.py. Python 3 standard library only; every
wait is bounded; daemons and the private server are stopped by PID / state dir.
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import Fail, check, err, expect, ok, req, short  # noqa: E402

HARD_LIMIT = 220
URI = "urn:opcua-sm:test"
BAD_NODE_ID_UNKNOWN = 0x80340000
CTL = None
CLI = None
PRIVATE_FX = None  # state dir of the private fixture server, stopped in the end
EVENTS = None  # --events-file of the daemon
HANDLE = 9  # client handle of the monitored Sim.Counter
N_BEFORE = [0]  # its data changes before the restart


def nsu(ident):
    return {"nsu": URI, "id": ident, "type": "string"}


def nid(ident, ns):
    return {"ns": ns, "id": ident, "type": "string"}


def q(addr, sid, method, params=None, timeout=20):
    r = {"command": "query", "sessionId": sid, "method": method}
    if params is not None:
        r["params"] = params
    return req(addr, r, timeout=timeout)[0]


def fixture_ctl(action, env_extra=None):
    return td.fixture_ctl(CTL, PRIVATE_FX, action, env_extra)


def cli(sock, *args):
    env = dict(os.environ)
    env.pop("OPCUA_AUTH_TOKEN", None)
    env.pop("OPCUA_SOCKET_PATH", None)
    r = subprocess.run([CLI, "--socket", sock, "--timeout", "20"] + list(args),
                       capture_output=True, text=True, timeout=30, env=env)
    if r.returncode != 0:
        raise Fail("opcua-sm %s: exit %d, stderr %r" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def changes():
    """DataChange lines of the monitored Sim.Counter in the events file."""
    out = []
    if os.path.exists(EVENTS):
        with open(EVENTS, "rb") as f:
            for raw in f.read().split(b"\n"):
                if raw.strip():
                    x = json.loads(raw.decode("utf-8"))
                    if x.get("type") == "DataChange" and x.get("clientHandle") == HANDLE:
                        out.append(x)
    return out


def wait_changes(skip, n, timeout):
    deadline = time.monotonic() + timeout
    while len(changes()) - skip < n:
        if time.monotonic() > deadline:
            raise Fail("%d data changes of Sim.Counter within %d s, expected %d"
                       % (len(changes()) - skip, timeout, n))
        time.sleep(0.3)


def value_of(addr, sid, node):
    dv = ok(q(addr, sid, "read", [node]))
    expect(dv.get("statusCode") == 0, "read %s: %s" % (short(node), short(dv)))
    return dv["value"]


def browse_names(addr, sid, node):
    refs = ok(q(addr, sid, "browse", [node]))
    return {r["browseName"]["name"]: r["nodeId"] for r in refs}


def group_before(addr, sid, sock):
    """Normal order: urn:opcua-sm:test is namespace 1."""
    def read_write():
        a = value_of(addr, sid, nsu("Scalar.Int32"))
        expect(a == value_of(addr, sid, nid("Scalar.Int32", 1)), "nsu and ns=1 differ")
        expect(ok(q(addr, sid, "write", [nsu("Scalar.Int32"), 1111])) == 0, "write failed")
        expect(value_of(addr, sid, nid("Scalar.Int32", 1)) == 1111, "write went elsewhere")
        multi = ok(q(addr, sid, "readMulti", [[{"nodeId": nsu("Scalar.Int32")},
                                               {"nodeId": nsu("Scalar.Double")}]]))
        expect(len(multi) == 2 and multi[0]["value"] == 1111, "readMulti: %s" % short(multi))
    check("before.read_write", read_write)

    def browse_resolve():
        names = browse_names(addr, sid, nsu("Scalar"))
        expect(names.get("Int32") == nid("Scalar.Int32", 1), "browse: %s" % short(names))
        # also fills the daemon's cache for the ns=1 form, checked after the restart
        expect("Int32" in browse_names(addr, sid, nid("Scalar", 1)), "browse ns=1")
        got = ok(q(addr, sid, "resolveNodeId", ["nsu=" + URI + ";s=Scalar.Int32"]))
        expect(got == nid("Scalar.Int32", 1), "resolveNodeId text: %s" % short(got))
        got = ok(q(addr, sid, "resolveNodeId", ["/1:Int32", nsu("Scalar")]))
        expect(got == nid("Scalar.Int32", 1), "resolveNodeId start: %s" % short(got))
    check("before.browse_and_resolve", browse_resolve)

    def values_and_invoke():
        # a NodeId-typed value given as nsu text
        expect(ok(q(addr, sid, "write", [nsu("Scalar.NodeId"), "nsu=%s;s=Array" % URI, 17])) == 0,
               "write NodeId value")
        expect(value_of(addr, sid, nsu("Scalar.NodeId")) == nid("Array", 1), "NodeId value")
        r = req(addr, {"command": "invoke", "sessionId": sid, "method": "read",
                       "args": [{"__t": "NodeId", "v": "nsu=%s;s=Scalar.Int32" % URI}]},
                timeout=20)[0]
        dv = ok(r)["data"]
        expect(json.dumps(dv).find("1111") >= 0, "invoke read: %s" % short(dv))
    check("before.values_and_invoke", values_and_invoke)

    def structures():
        expect(ok(q(addr, sid, "discoverDataTypes", [])) >= 4, "no types discovered")
        v = value_of(addr, sid, nsu("Struct.Custom"))
        expect(v.get("typeId") == {"ns": 2, "id": 3002, "type": "numeric"} and v.get("value"),
               "Struct.Custom: %s" % short(v))
    check("before.discovered_structure", structures)

    def subscribe():
        # auto-published (--events-file); re-created after the restart
        sub = ok(q(addr, sid, "createSubscription", [200, 600, 10]))["subscriptionId"]
        items = ok(q(addr, sid, "createMonitoredItems", [sub, [
            {"nodeId": nsu("Sim.Counter"), "samplingInterval": 100, "clientHandle": HANDLE}]]))
        expect(items[0]["statusCode"] == 0, "monitored item: %s" % short(items))
        wait_changes(0, 3, 15)
    check("before.monitored_item", subscribe)

    def unknown_uri():
        m = err(q(addr, sid, "read", [{"nsu": "urn:nope", "id": "X", "type": "string"}]),
                "InvalidNodeIdException")
        expect("unknown namespace URI \"urn:nope\"" in m and "NamespaceArray has" in m, m)
        err(q(addr, sid, "read", [{"ns": 1, "nsu": URI, "id": "X", "type": "string"}]),
            "InvalidNodeIdException")
        err(q(addr, sid, "resolveNodeId", ["nsu=urn:nope;s=X"]), "InvalidNodeIdException")
        m = err(q(addr, sid, "write", [nsu("Scalar.NodeId"), "nsu=urn:nope;i=1", 17]),
                "InvalidNodeIdException")
        expect("urn:nope" in m, m)
    check("before.unknown_uri_is_refused", unknown_uri)

    if CLI:
        def cli_read():
            out = cli(sock, "--json", "read", sid, "nsu=%s;s=Scalar.Int32" % URI)
            expect(json.loads(out)["value"] == 1111, "opcua-sm read: %r" % out)
        check("before.cli_read", cli_read)


def group_after(addr, sid, sock, d):
    """Restarted with urn:opcua-sm:test at index 3."""
    def same_nodes():
        a = value_of(addr, sid, nid("Scalar.Int32", 3))
        expect(a == value_of(addr, sid, nsu("Scalar.Int32")), "nsu and ns=3 differ")
        expect(ok(q(addr, sid, "write", [nsu("Scalar.Int32"), 2222])) == 0, "write failed")
        expect(value_of(addr, sid, nid("Scalar.Int32", 3)) == 2222, "write went elsewhere")
        names = browse_names(addr, sid, nsu("Scalar"))
        expect(names.get("Int32") == nid("Scalar.Int32", 3), "browse: %s" % short(names))
        got = ok(q(addr, sid, "resolveNodeId", ["nsu=" + URI + ";s=Scalar.Int32"]))
        expect(got == nid("Scalar.Int32", 3), "resolveNodeId: %s" % short(got))
        got = ok(q(addr, sid, "resolveNodeId", ["/3:Int32", nsu("Scalar")]))
        expect(got == nid("Scalar.Int32", 3), "resolveNodeId start: %s" % short(got))
        expect(ok(q(addr, sid, "write", [nsu("Scalar.NodeId"), "nsu=%s;s=Array" % URI, 17])) == 0,
               "write NodeId value")
        expect(value_of(addr, sid, nsu("Scalar.NodeId")) == nid("Array", 3), "NodeId value")
    check("after.nsu_ids_reach_the_same_nodes", same_nodes)

    def ns1_moved():
        dv = ok(q(addr, sid, "read", [nid("Scalar.Int32", 1)]))
        expect(dv.get("statusCode") == BAD_NODE_ID_UNKNOWN, "ns=1 read: %s" % short(dv))
        # the browse of ns=1 cached before the restart must not come back
        r = q(addr, sid, "browse", [nid("Scalar", 1)])
        refs = r.get("data") if r.get("success") else []
        expect(not refs, "stale browse answer for ns=1: %s" % short(r))
    check("after.ns1_ids_get_what_the_server_says", ns1_moved)

    def item_follows():
        wait_changes(N_BEFORE[0], 3, 30)
    check("after.recreated_monitored_item_follows_the_namespace", item_follows)

    def structures():
        # the types of the old order are gone: the body stays opaque until discovered again
        v = value_of(addr, sid, nsu("Struct.Custom"))
        expect(v.get("typeId") == {"ns": 1, "id": 3002, "type": "numeric"} and v.get("body")
               and not v.get("value"), "Struct.Custom before discovery: %s" % short(v))
        expect(ok(q(addr, sid, "discoverDataTypes", [])) >= 4, "no types discovered")
        v = value_of(addr, sid, nsu("Struct.Custom"))
        expect(v.get("value") and v["value"].get("Name"), "Struct.Custom: %s" % short(v))
    check("after.structures_discovered_again", structures)

    def logged():
        lines = [x for x in d.stderr().splitlines() if "NamespaceArray changed" in x]
        expect(lines, "log: %s" % d.stderr()[-800:])
        expect("1 monitored item(s) moved" in lines[0], lines[0])
        print("note: " + lines[0].strip(), flush=True)
    check("after.log_says_namespaces_changed", logged)

    if CLI:
        def cli_read():
            out = cli(sock, "--json", "read", sid, "nsu=%s;s=Scalar.Int32" % URI)
            expect(json.loads(out)["value"] == 2222, "opcua-sm read: %r" % out)
        check("after.cli_read", cli_read)


def run():
    global PRIVATE_FX
    PRIVATE_FX = os.path.join(td.TMP, "fx")
    os.makedirs(PRIVATE_FX)
    if check("private_fixture_starts", fixture_ctl, "start") is None:
        return
    with open(os.path.join(PRIVATE_FX, "endpoint")) as f:
        url = f.read().strip()
    port = url.rsplit(":", 1)[1].split("/")[0]
    global EVENTS
    EVENTS = os.path.join(td.TMP, "events.ndjson")
    d, addr = td.start_unix("nsu.sock", ["--log-level", "info", "--events-file", EVENTS])
    sock = addr[1]
    sid = check("open", lambda: ok(req(addr, {
        "command": "open", "endpointUrl": url, "config": {"opcuaTimeout": 10},
        "forceNew": True}, timeout=25)[0])["sessionId"])
    if sid is None:
        return
    group_before(addr, sid, sock)

    def restart_reordered():
        fixture_ctl("stop")
        N_BEFORE[0] = len(changes())
        fixture_ctl("start", {"OSM_FIXTURE_PORT": port, "OSM_FIXTURE_NS_REORDER": "1"})
        with open(os.path.join(PRIVATE_FX, "endpoint")) as f:
            expect(f.read().strip() == url, "the fixture came back on another port")
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            last = q(addr, sid, "read", [nid("Scalar.Int32", 3)])
            if last.get("success") and last["data"].get("statusCode") == 0:
                return True
            time.sleep(0.5)
        raise Fail("no good read of ns=3 within 60 s: %s" % short(last))
    if check("restart_with_another_namespace_order", restart_reordered) is None:
        return
    group_after(addr, sid, sock, d)

    def clean_exit():
        rc = d.stop()
        expect(rc == 0 and "Sanitizer" not in d.stderr(),
               "exit status %s: %s" % (rc, d.stderr()[-1500:]))
    check("daemon_exits_cleanly", clean_exit)


def main():
    def body(extra):
        global CTL, CLI
        CTL = os.path.abspath(extra[0])
        if len(extra) == 2:
            CLI = os.path.abspath(extra[1])
        run()
    return td.run_suite("test_daemon_nsu.py", HARD_LIMIT, "osm-tdn-", body, extra=(1, 2),
                        extra_usage=" <ctl.sh> [opcua-sm]", soft_margin=30,
                        cleanup=stop_private_fixture)


def stop_private_fixture():
    if PRIVATE_FX:
        fixture_ctl("stop")


if __name__ == "__main__":
    sys.exit(main())
