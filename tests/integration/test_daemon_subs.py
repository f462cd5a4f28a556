#!/usr/bin/env python3
"""Subscriptions, publish and history reads through the daemon binary.

Usage: test_daemon_subs.py <daemon binary> <file holding the fixture endpoint URL>

Starts one daemon on a private Unix socket, opens a session on the node-opcua
fixture (tests/fixture) and drives the query methods of query-methods.md rows
14-24, 37, 38 (and a few invoke forms): createSubscription, monitored items
with and without a deadband filter, publish with acknowledgements, republish,
transferSubscriptions, setTriggering, event items, deleteSubscription, and
historyReadRaw / Processed / AtTime on History.Temperature. Shapes come from
type-serialization.md §1.12 and the golden transcript 08-subscription.ndjson.

Reuses the harness of test_daemon.py (same directory). Python 3 standard
library only; every wait is bounded; the daemon is stopped by PID.
"""

import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import Fail, check, err, expect, is_int, is_num, nid, ok, req, short  # noqa: E402

HARD_LIMIT = 170
SUB_KEYS = ["subscriptionId", "revisedPublishingInterval", "revisedLifetimeCount",
            "revisedMaxKeepAliveCount"]
MI_KEYS = ["statusCode", "monitoredItemId", "revisedSamplingInterval", "revisedQueueSize"]
PUB_KEYS = ["subscriptionId", "sequenceNumber", "moreNotifications", "notifications",
            "availableSequenceNumbers"]
DV_KEYS = ["value", "type", "dimensions", "statusCode", "sourceTimestamp", "serverTimestamp"]
BAD_MONITORED_ITEM_ID_INVALID = 0x80420000
BAD_SUBSCRIPTION_ID_INVALID = 0x80280000


def i0(n):
    return {"ns": 0, "id": n, "type": "numeric"}


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Ctx:
    def __init__(self, addr, sid):
        self.addr = addr
        self.sid = sid
        self.state = {}

    def q(self, method, params=None, timeout=20):
        r = {"command": "query", "sessionId": self.sid, "method": method}
        if params is not None:
            r["params"] = params
        return req(self.addr, r, timeout=timeout)[0]

    def inv(self, method, args, timeout=20):
        return req(self.addr, {"command": "invoke", "sessionId": self.sid, "method": method,
                               "args": args}, timeout=timeout)[0]

    def need(self, key):
        v = self.state.get(key)
        if v is None:
            raise Fail("prerequisite step failed (%s missing)" % key)
        return v

    def publish(self, acks=None):
        d = ok(self.q("publish", [acks or []]))
        expect(list(d.keys()) == PUB_KEYS, "PublishResult keys %s" % list(d.keys()))
        expect(isinstance(d["notifications"], list), "notifications %s" % short(d))
        return d

    def publish_for(self, seconds, acks=None):
        """Publish (acknowledging each answer) for about `seconds`; returns the answers."""
        seen = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            d = self.publish(acks)
            acks = [{"subscriptionId": d["subscriptionId"], "sequenceNumber": d["sequenceNumber"]}]
            seen.append(d)
        return seen


def handles(answers, handle):
    return [n for d in answers for n in d["notifications"]
            if n.get("type") == "DataChange" and n.get("clientHandle") == handle]


# ================================================================ subscriptions

def group_subscriptions(c):
    def create():
        d = ok(c.q("createSubscription", [100, 2400, 10, 0, True, 0]))
        expect(list(d.keys()) == SUB_KEYS, "SubscriptionResult keys %s" % list(d.keys()))
        expect(is_int(d["subscriptionId"]) and d["subscriptionId"] > 0, "id %s" % short(d))
        expect(is_num(d["revisedPublishingInterval"]) and d["revisedPublishingInterval"] >= 100,
               "interval %s" % short(d))
        c.state["sub"] = d["subscriptionId"]
    check("subs.createSubscription", create)

    def create_items():
        sub = c.need("sub")
        items = [
            {"nodeId": nid("Sim.Counter"), "samplingInterval": 100, "queueSize": 10,
             "clientHandle": 1, "monitoringMode": 2},
            # Sim.Sawtooth climbs 0.01 per 100 ms: an absolute deadband of 0.2
            # lets about one change in 2 s through; the twin without filter all.
            {"nodeId": nid("Sim.Sawtooth"), "samplingInterval": 100, "queueSize": 50,
             "clientHandle": 2, "monitoringMode": 2,
             "filter": {"trigger": 1, "deadbandType": 1, "deadbandValue": 0.2}},
            {"nodeId": nid("Sim.Sawtooth"), "samplingInterval": 100, "queueSize": 50,
             "clientHandle": 3, "monitoringMode": 2},
            # No monitoringMode: Reporting here (ipc-protocol.md §9 #7), PHP: Disabled.
            {"nodeId": nid("Sim.Counter"), "samplingInterval": 100, "clientHandle": 4},
            {"nodeId": nid("DoesNotExist"), "clientHandle": 5},
        ]
        d = ok(c.q("createMonitoredItems", [sub, items]))
        expect(isinstance(d, list) and len(d) == 5, "results %s" % short(d))
        for r in d:
            expect(list(r.keys()) == MI_KEYS, "MonitoredItemResult keys %s" % list(r.keys()))
        expect([r["statusCode"] for r in d[:4]] == [0, 0, 0, 0], "statuses %s" % short(d))
        expect(d[4]["statusCode"] == 0x80340000, "unknown node status %s" % short(d[4]))
        expect(d[0]["revisedQueueSize"] == 10 and d[0]["revisedSamplingInterval"] == 100,
               "revised %s" % short(d[0]))
        c.state["mi"] = [r["monitoredItemId"] for r in d[:4]]
    check("subs.createMonitoredItems", create_items)

    def publish_sequence():
        c.need("mi")
        answers = c.publish_for(2.5)
        seqs = [d["sequenceNumber"] for d in answers if d["notifications"]]
        expect(len(seqs) >= 3, "only %d publish answers with data" % len(seqs))
        expect(all(b > a for a, b in zip(seqs, seqs[1:])), "sequence numbers %s" % seqs)
        counters = [n["dataValue"]["value"] for n in handles(answers, 1)]
        expect(len(counters) >= 10, "Sim.Counter notifications: %d" % len(counters))
        expect(counters == sorted(counters) and len(set(counters)) == len(counters),
               "Sim.Counter not strictly increasing: %s" % counters[:12])
        for n in handles(answers, 1)[:3]:
            expect(list(n.keys()) == ["type", "clientHandle", "dataValue"], "keys %s" % short(n))
            expect(list(n["dataValue"].keys()) == DV_KEYS and n["dataValue"]["type"] == 7,
                   "dataValue %s" % short(n))
        expect(len(handles(answers, 4)) >= 5, "item without monitoringMode is not reporting")
        last = answers[-1]
        # The last answer was not acknowledged: still available, and republishable.
        expect(last["sequenceNumber"] in last["availableSequenceNumbers"],
               "unacknowledged %d not available: %s" % (last["sequenceNumber"], short(last)))
        c.state["answers"] = answers
        c.state["unacked"] = last["sequenceNumber"]
        acked = answers[-2]["sequenceNumber"]
        c.state["acked"] = acked
        expect(acked not in last["availableSequenceNumbers"],
               "acknowledged %d still available: %s" % (acked, last["availableSequenceNumbers"]))
    check("subs.publish_sequence_and_ack", publish_sequence)

    def deadband():
        answers = c.need("answers")
        filtered = [n["dataValue"]["value"] for n in handles(answers, 2)]
        plain = [n["dataValue"]["value"] for n in handles(answers, 3)]
        expect(len(plain) >= 12, "unfiltered Sawtooth: only %d changes" % len(plain))
        expect(1 <= len(filtered) <= 4, "deadband 0.2: %d changes %s (unfiltered %d)"
               % (len(filtered), filtered, len(plain)))
        expect(all(abs(b - a) > 0.2 for a, b in zip(filtered, filtered[1:])),
               "changes within the deadband: %s" % filtered)
    check("subs.deadband_absolute", deadband)

    def republish():
        sub, seq = c.need("sub"), c.need("unacked")
        d = ok(c.q("republish", [sub, seq]))
        expect(list(d.keys()) == ["sequenceNumber", "publishTime", "notifications"],
               "RepublishResult keys %s" % list(d.keys()))
        expect(d["sequenceNumber"] == seq, "sequenceNumber %s" % short(d))
        # node-opcua keeps no publish time with a retransmitted message: null.
        expect(d["publishTime"] is None or d["publishTime"].endswith("+00:00"),
               "publishTime %s" % short(d))
        expect(isinstance(d["notifications"], list), "notifications %s" % short(d))
        e = err(c.q("republish", [sub, c.need("acked")]), "ServiceException")
        expect("BadMessageNotAvailable" in e, "message %r" % e)
    check("subs.republish", republish)

    def modify():
        sub, mi = c.need("sub"), c.need("mi")
        d = ok(c.q("modifyMonitoredItems", [sub, [
            {"monitoredItemId": mi[0], "samplingInterval": 500, "queueSize": 5, "clientHandle": 11}]]))
        expect(isinstance(d, list) and len(d) == 1, "results %s" % short(d))
        expect(list(d[0].keys()) == ["statusCode", "revisedSamplingInterval", "revisedQueueSize"],
               "keys %s" % list(d[0].keys()))
        expect(d[0] == {"statusCode": 0, "revisedSamplingInterval": 500, "revisedQueueSize": 5},
               "modify %s" % short(d[0]))
        d = ok(c.q("modifyMonitoredItems", [sub, [{"monitoredItemId": 999999}]]))
        expect(d[0]["statusCode"] == BAD_MONITORED_ITEM_ID_INVALID, "unknown item %s" % short(d))
        answers = c.publish_for(1.5, [{"subscriptionId": sub, "sequenceNumber": c.need("unacked")}])
        expect(len(handles(answers, 11)) >= 1, "no notification with the new client handle 11")
    check("subs.modifyMonitoredItems", modify)

    def triggering():
        sub, mi = c.need("sub"), c.need("mi")
        d = ok(c.q("setTriggering", [sub, mi[0], [mi[2]], []]))
        expect(d == {"addResults": [0], "removeResults": []}, "setTriggering %s" % short(d))
        d = ok(c.q("setTriggering", [sub, mi[0], [], [mi[2]]]))
        expect(d == {"addResults": [], "removeResults": [0]}, "setTriggering remove %s" % short(d))
    check("subs.setTriggering", triggering)

    def delete_items():
        sub, mi = c.need("sub"), c.need("mi")
        d = ok(c.q("deleteMonitoredItems", [sub, [mi[3], 999999]]))
        expect(d == [0, BAD_MONITORED_ITEM_ID_INVALID], "deleteMonitoredItems %s" % short(d))
        answers = c.publish_for(1.0)
        expect(not handles(answers, 4), "deleted item still reports")
    check("subs.deleteMonitoredItems", delete_items)

    def transfer():
        sub = c.need("sub")
        d = ok(c.q("transferSubscriptions", [[sub], True]))
        expect(isinstance(d, list) and len(d) == 1, "results %s" % short(d))
        expect(list(d[0].keys()) == ["statusCode", "availableSequenceNumbers"],
               "TransferResult keys %s" % list(d[0].keys()))
        expect(is_int(d[0]["statusCode"]) and isinstance(d[0]["availableSequenceNumbers"], list),
               "TransferResult %s" % short(d[0]))
        d = ok(c.q("transferSubscriptions", [[4000000000]]))
        expect(len(d) == 1 and d[0]["statusCode"] == BAD_SUBSCRIPTION_ID_INVALID,
               "unknown subscription %s" % short(d))
    check("subs.transferSubscriptions", transfer)

    def events():
        sub = ok(c.q("createSubscription", [100]))["subscriptionId"]
        try:
            d = ok(c.q("createEventMonitoredItem", [sub, i0(2253)]))
            expect(list(d.keys()) == MI_KEYS and d["statusCode"] == 0, "result %s" % short(d))
            d = ok(c.q("createEventMonitoredItem", [sub, nid("Events"), ["Message", "Severity"], 9]))
            expect(d["statusCode"] == 0, "second event item %s" % short(d))
            end = time.monotonic() + 12
            acks, default_ev, custom_ev = None, None, None
            while time.monotonic() < end and not (default_ev and custom_ev):
                p = c.publish(acks)
                acks = [{"subscriptionId": sub, "sequenceNumber": p["sequenceNumber"]}]
                for n in p["notifications"]:
                    if n.get("type") != "Event":
                        continue
                    expect(list(n.keys()) == ["type", "clientHandle", "eventFields"], "keys %s" % short(n))
                    if n["clientHandle"] == 1:
                        default_ev = n
                    elif n["clientHandle"] == 9:
                        custom_ev = n
            expect(default_ev is not None and custom_ev is not None,
                   "no events within 12 s (%s / %s)" % (short(default_ev), short(custom_ev)))
            f = default_ev["eventFields"]
            expect(len(f) == 6, "default select fields: %s" % short(f))
            expect([v["type"] for v in f] == [15, 17, 12, 13, 21, 5], "field types %s" % short(f))
            expect(f[1]["value"] == {"ns": 1, "id": "TestEventType", "type": "string"},
                   "EventType %s" % short(f[1]))
            expect(f[2]["value"] == "Events", "SourceName %s" % short(f[2]))
            expect(f[4]["value"]["text"].startswith("Tick "), "Message %s" % short(f[4]))
            g = custom_ev["eventFields"]
            expect(len(g) == 2 and g[0]["type"] == 21 and g[1]["type"] == 5, "custom %s" % short(g))
        finally:
            c.q("deleteSubscription", [sub])
    check("subs.createEventMonitoredItem", events)

    def invoke_forms():
        r = ok(c.inv("createSubscription", [200.0, 600, 5]))["data"]
        expect(r.get("__t") == "SubscriptionResult" and
               sorted(r) == ["__t", "interval", "keepAlive", "lifetime", "subId"],
               "SubscriptionResult %s" % short(r))
        sub = r["subId"]
        items = [{"nodeId": {"__t": "NodeId", "v": "ns=1;s=Sim.Counter"}, "samplingInterval": 100.0,
                  "clientHandle": 21, "monitoringMode": 2}]
        m = ok(c.inv("createMonitoredItems", [sub, items]))["data"]
        expect(isinstance(m, list) and m[0].get("__t") == "MonitoredItemResult" and m[0]["status"] == 0,
               "MonitoredItemResult %s" % short(m))
        deadline = time.monotonic() + 5
        while True:
            p = ok(c.inv("publish", [[]]))["data"]
            expect(p.get("__t") == "PublishResult", "PublishResult %s" % short(p))
            mine = [n for n in p["notif"] if n.get("clientHandle") == 21]
            if mine:
                break
            expect(time.monotonic() < deadline, "no tagged notification within 5 s")
        expect(mine[0]["dataValue"].get("__t") == "DataValue", "notification %s" % short(mine[0]))
        expect(ok(c.inv("deleteSubscription", [sub]))["data"] == 0, "invoke deleteSubscription")
    check("subs.invoke_forms", invoke_forms)

    def many_items():
        # 250 items against the fixture's MaxMonitoredItemsPerCall of 100: the
        # daemon splits the requests and answers as if the server took them at once
        sub3 = ok(c.q("createSubscription", [1000, 600, 10, 0, False, 0]))["subscriptionId"]
        try:
            items = [{"nodeId": nid("Sim.Counter"), "samplingInterval": 1000, "queueSize": 1,
                      "clientHandle": 1000 + i} for i in range(250)]
            d = ok(c.q("createMonitoredItems", [sub3, items], timeout=60))
            expect(len(d) == 250 and all(r["statusCode"] == 0 for r in d),
                   "create results %s" % short(d))
            ids = [r["monitoredItemId"] for r in d]
            expect(len(set(ids)) == 250, "monitored item ids not distinct")
            m = ok(c.q("modifyMonitoredItems", [sub3, [{"monitoredItemId": i,
                                                        "samplingInterval": 2000}
                                                       for i in ids]], timeout=60))
            expect(len(m) == 250 and all(r["statusCode"] == 0 for r in m),
                   "modify results %s" % short(m))
            dl = ok(c.q("deleteMonitoredItems", [sub3, ids], timeout=60))
            expect(dl == [0] * 250, "delete results %s" % short(dl))
        finally:
            c.q("deleteSubscription", [sub3])
    check("subs.monitored_items_split_to_server_limit", many_items)

    def delete():
        sub = c.need("sub")
        expect(ok(c.q("deleteSubscription", [sub])) == 0, "deleteSubscription")
        expect(ok(c.q("deleteSubscription", [sub])) == BAD_SUBSCRIPTION_ID_INVALID,
               "deleteSubscription again")
        err(c.q("publish", [[]]), "ServiceException")
    check("subs.deleteSubscription_then_publish", delete)

    def publish_waits_for_keepalive():
        # The defaults (500 ms x 10) make the server hold a Publish for 5 s
        # when nothing changes (no other subscription is left to answer it),
        # as long as the per-request timeout: the daemon's deadline must
        # cover the keep-alive period, not fail.
        sub2 = ok(c.q("createSubscription", []))["subscriptionId"]
        try:
            ok(c.q("createMonitoredItems", [sub2, [{"nodeId": i0(2261), "clientHandle": 77}]]))
            first = ok(c.q("publish", [[]]))
            acks = [{"subscriptionId": first["subscriptionId"],
                     "sequenceNumber": first["sequenceNumber"]}]
            t0 = time.monotonic()
            d = ok(c.q("publish", [acks]))
            took = time.monotonic() - t0
            expect(list(d.keys()) == PUB_KEYS, "PublishResult keys %s" % list(d.keys()))
            expect(d["notifications"] == [], "keep-alive expected: %s" % short(d))
            expect(took < 9, "keep-alive publish took %.1f s" % took)
        finally:
            c.q("deleteSubscription", [sub2])
    check("subs.publish_waits_for_keepalive", publish_waits_for_keepalive)

    def bad_params():
        err(c.q("createMonitoredItems", [1]), "TypeError")
        err(c.q("createMonitoredItems", [1, [{"nodeId": nid("Sim.Counter"), "monitoringMode": 7}]]),
            "ValueError")
        err(c.q("publish", [[{"subscriptionId": 1}]]), "TypeError")
        err(c.q("createEventMonitoredItem", [1, i0(2253), "Message"]), "TypeError")
    check("subs.bad_params", bad_params)


# ================================================================ history

def group_history(c):
    node = nid("History.Temperature")

    def check_values(d, what):
        prev = None
        for dv in d:
            expect(list(dv.keys()) == DV_KEYS, "%s keys %s" % (what, list(dv.keys())))
            expect(dv["type"] == 11 and 14.9 <= dv["value"] <= 25.1, "%s value %s" % (what, short(dv)))
            expect(dv["sourceTimestamp"] is not None, "%s without sourceTimestamp" % what)
            expect(prev is None or dv["sourceTimestamp"] >= prev, "%s not in time order" % what)
            prev = dv["sourceTimestamp"]

    def raw_all():
        now = time.time()
        # 1 Hz history: about 1800 values, more than one page (1000) of the daemon.
        d = ok(c.q("historyReadRaw", [node, iso(now - 1800), iso(now - 5)], timeout=30))
        expect(isinstance(d, list) and 1780 <= len(d) <= 1800, "count %d" % len(d))
        check_values(d, "raw")
    check("history.raw_follows_continuation_points", raw_all)

    def raw_capped():
        now = time.time()
        d = ok(c.q("historyReadRaw", [node, iso(now - 3500), iso(now), 2500, False], timeout=30))
        expect(len(d) == 2500, "numValuesPerNode 2500: got %d" % len(d))
        check_values(d, "raw capped")
        d = ok(c.q("historyReadRaw", [node, iso(now - 300), iso(now), 5]))
        expect(len(d) == 5, "numValuesPerNode 5: got %d" % len(d))
    check("history.raw_numValuesPerNode", raw_capped)

    def raw_repeat():
        # Continuation points released on the way (the server keeps 10 at most):
        # many capped reads in a row must all work.
        now = time.time()
        for _ in range(12):
            d = ok(c.q("historyReadRaw", [node, iso(now - 600), iso(now), 3]))
            expect(len(d) == 3, "got %d" % len(d))
    check("history.raw_releases_continuation_points", raw_repeat)

    def processed():
        now = int(time.time()) // 60 * 60
        d = ok(c.q("historyReadProcessed", [node, iso(now - 600), iso(now), 60000.0, i0(2342)],
                   timeout=30))
        expect(isinstance(d, list) and len(d) == 10, "Average over 10 x 60 s: %s" % short(d))
        for dv in d:
            expect(list(dv.keys()) == DV_KEYS, "keys %s" % list(dv.keys()))
            expect(dv["value"] is None or 14.9 <= dv["value"] <= 25.1, "average %s" % short(dv))
        expect(sum(dv["value"] is not None for dv in d) >= 9, "averages %s" % short(d))
        err(c.q("historyReadProcessed", [node, iso(now - 600), iso(now)]), "TypeError")
    check("history.processed_average", processed)

    def at_time():
        now = time.time()
        e = err(c.q("historyReadAtTime", [node, [iso(now - 60), iso(now - 30)]]), "ServiceException")
        expect(e == "HistoryRead failed: BadHistoryOperationUnsupported", "message %r" % e)
    check("history.at_time_unsupported", at_time)

    def bad_time():
        err(c.q("historyReadRaw", [node, "not a time"]), "Exception")
        err(c.q("historyReadRaw", [nid("Scalar.Int32"), iso(time.time() - 60), iso(time.time())]),
            "ServiceException")
    check("history.errors", bad_time)

    def invoke_raw():
        now = time.time()
        args = [{"__t": "NodeId", "v": "ns=1;s=History.Temperature"},
                {"__t": "DateTime", "v": datetime.datetime.fromtimestamp(now - 120, datetime.timezone.utc)
                 .strftime("%Y-%m-%dT%H:%M:%S.000000+00:00")},
                None, 4, False]
        d = ok(c.inv("historyReadRaw", args))["data"]
        expect(isinstance(d, list) and len(d) == 4 and d[0].get("__t") == "DataValue",
               "tagged history %s" % short(d))
    check("history.invoke", invoke_raw)


# ================================================================ main

def main():
    def body(extra):
        addr = check("daemon.starts", lambda: td.start_unix("subs.sock")[1])
        if addr is not None:
            sid = check("subs.open_session", lambda: ok(req(
                addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                       "config": {"opcuaTimeout": 10}}, timeout=20)[0])["sessionId"])
            if sid is not None:
                c = Ctx(addr, sid)
                group_subscriptions(c)
                group_history(c)
                check("subs.close_session", lambda: ok(req(
                    addr, {"command": "close", "sessionId": sid})[0]))
    return td.run_suite("test_daemon_subs.py", HARD_LIMIT, "osm-tds-", body)


if __name__ == "__main__":
    sys.exit(main())
