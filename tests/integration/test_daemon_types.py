#!/usr/bin/env python3
"""Structure types discovered at run time, through the daemon binary.

Usage: test_daemon_types.py <daemon binary> <file holding the fixture endpoint URL>

Opens a session on the node-opcua fixture (tests/fixture), checks that a
structure of a server-defined type reads as an opaque body before
discoverDataTypes (query-methods.md #34) and with named fields after it,
then reads each custom structure of ns=1;s=Struct (nested, optional fields,
a union, an array of structures), writes them back changed (with the
ExtensionObject form and with bare fields), reads them back, calls
Methods.BumpStruct with a structure argument, and restores every value.
Structures known only from a DataTypeDictionary (Struct.Legacy*) too.
Also: the tagged (invoke) form, bad field names, publish, and the file cache.

Reuses the harness of test_daemon.py (same directory). Python 3 standard
library only; every wait is bounded; the daemon is stopped by PID.
"""

import copy
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import Fail, check, err, expect, ok, req, short  # noqa: E402

HARD_LIMIT = 150
DV_KEYS = ["value", "type", "dimensions", "statusCode", "sourceTimestamp", "serverTimestamp"]
EO_KEYS = ["typeId", "encoding", "body", "value"]


def s1(ident):
    return {"ns": 1, "id": ident, "type": "string"}


class Ctx:
    def __init__(self, addr, sid):
        self.addr = addr
        self.sid = sid
        self.types_ns = None
        self.saved = {}

    def q(self, method, params=None, timeout=20):
        r = {"command": "query", "sessionId": self.sid, "method": method}
        if params is not None:
            r["params"] = params
        return req(self.addr, r, timeout=timeout)[0]

    def read(self, ident):
        d = ok(self.q("read", [s1(ident)]))
        expect(list(d.keys()) == DV_KEYS, "DataValue keys %s" % list(d.keys()))
        expect(d["statusCode"] == 0, "read %s status %s" % (ident, d["statusCode"]))
        return d

    def fields(self, ident):
        """The named fields of a scalar structure value."""
        d = self.read(ident)
        expect(d["type"] == 22, "%s: type %r, want 22" % (ident, d["type"]))
        eo = d["value"]
        expect(isinstance(eo, dict) and list(eo.keys()) == EO_KEYS, "%s: %s" % (ident, short(eo)))
        expect(eo["encoding"] == 1 and eo["body"] is None and isinstance(eo["value"], dict),
               "%s not decoded: %s" % (ident, short(eo)))
        expect(eo["typeId"]["ns"] == self.types_ns, "%s typeId %s" % (ident, eo["typeId"]))
        return eo

    def write(self, ident, value):
        st = ok(self.q("write", [s1(ident), value]))
        expect(st == 0, "write %s status %s" % (ident, st))


def group_discover(c):
    def before():
        d = c.read("Struct.Custom")
        eo = d["value"]
        expect(eo["value"] is None and isinstance(eo["body"], str),
               "before discovery the body is opaque: %s" % short(eo))
        c.types_ns = eo["typeId"]["ns"]
        expect(c.types_ns >= 1, "typeId %s" % eo["typeId"])
    check("types.opaque_before_discovery", before)

    def encode_refused():
        r = c.q("write", [s1("Struct.Custom"), {"typeId": {"ns": c.types_ns or 2, "id": 3002},
                                                 "value": {"Id": 1}}])
        err(r, "InvalidArgumentException")
    check("types.value_needs_discovery", encode_refused)

    def discover():
        n = ok(c.q("discoverDataTypes", [], timeout=30))
        expect(isinstance(n, int) and n >= 4, "discoverDataTypes -> %r (want >= 4)" % (n,))
        n2 = ok(c.q("discoverDataTypes", [c.types_ns, False], timeout=30))
        expect(n2 == 4, "types in ns %s: %r, want 4" % (c.types_ns, n2))
        n3 = ok(c.q("discoverDataTypes", [c.types_ns + 10], timeout=30))
        expect(n3 == 0, "types in an unused namespace: %r" % (n3,))
    check("types.discoverDataTypes", discover)

    def bad_params():
        err(c.q("discoverDataTypes", ["x"]), "TypeError")
        err(c.q("discoverDataTypes", [None, 3]), "TypeError")
    check("types.discover_bad_params", bad_params)


def group_read(c):
    def custom():
        eo = c.fields("Struct.Custom")
        expect(eo["typeId"]["id"] == 3002, "encoding id %s" % eo["typeId"])
        v = eo["value"]
        expect(v == {"Id": 7, "Name": "seven", "Value": 7.5, "Flag": True, "Samples": [1, 2, 3]},
               "TestStruct %s" % short(v))
        c.saved["Struct.Custom"] = copy.deepcopy(v)
    check("types.read_struct", custom)

    def nested():
        v = c.fields("Struct.Nested")["value"]
        expect(list(v.keys()) == ["Label", "Inner", "Items", "Color"], "keys %s" % list(v.keys()))
        expect(v["Label"] == "nest" and v["Color"] == 2, short(v))
        expect(v["Inner"] == {"Id": 1, "Name": "one", "Value": 0.5, "Flag": False,
                              "Samples": [1, 2]}, "Inner %s" % short(v["Inner"]))
        expect([x["Name"] for x in v["Items"]] == ["two", "three"], "Items %s" % short(v["Items"]))
        c.saved["Struct.Nested"] = copy.deepcopy(v)
    check("types.read_nested", nested)

    def optional():
        v = c.fields("Struct.Optional")["value"]
        expect(v == {"Required": 5, "OptValue": 2.5, "OptText": None, "OptList": None},
               "TestOptional %s" % short(v))
        c.saved["Struct.Optional"] = copy.deepcopy(v)
    check("types.read_optional_fields", optional)

    def union():
        v = c.fields("Struct.Union")["value"]
        expect(v == {"_switchField": 2, "Text": "hello"}, "TestUnion %s" % short(v))
        c.saved["Struct.Union"] = copy.deepcopy(v)
    check("types.read_union", union)

    def array():
        d = c.read("Struct.CustomArray")
        expect(d["type"] == 22 and isinstance(d["value"], list) and len(d["value"]) == 2,
               short(d))
        names = [eo["value"]["Name"] for eo in d["value"]]
        expect(names == ["ten", "eleven"], "names %s" % names)
        c.saved["Struct.CustomArray"] = [eo["value"] for eo in d["value"]]
    check("types.read_array_of_structs", array)

    def multi():
        d = ok(c.q("readMulti", [[{"nodeId": s1("Struct.Custom")}, {"nodeId": s1("Struct.Union")}]]))
        expect(d[0]["value"]["value"]["Id"] == 7, short(d))
        expect(d[1]["value"]["value"]["Text"] == "hello", short(d))
    check("types.readMulti", multi)

    def tagged():
        r = req(c.addr, {"command": "invoke", "sessionId": c.sid, "method": "read",
                         "args": [{"__t": "NodeId", "v": "ns=1;s=Struct.Custom"}]})[0]
        d = ok(r)["data"]
        eo = d["variant"]["value"]
        expect(eo["__t"] == "ExtensionObject" and eo["value"]["Name"] == "seven", short(d))
    check("types.invoke_read", tagged)


def group_write(c):
    def struct_eo_form():
        eo = c.fields("Struct.Custom")
        v = dict(eo["value"], Id=70, Name="seventy", Samples=[4.5])
        c.write("Struct.Custom", {"typeId": eo["typeId"], "encoding": 1, "body": None, "value": v})
        back = c.fields("Struct.Custom")["value"]
        expect(back == v, "read back %s, wrote %s" % (short(back), short(v)))
    check("types.write_struct", struct_eo_form)

    def struct_bare_fields():
        c.write("Struct.Custom", {"Id": 71, "Name": "bare", "Value": 1.0, "Flag": False,
                                  "Samples": []})
        back = c.fields("Struct.Custom")["value"]
        expect(back["Id"] == 71 and back["Name"] == "bare" and back["Samples"] == [], short(back))
    check("types.write_bare_fields", struct_bare_fields)

    def nested():
        v = copy.deepcopy(c.saved.get("Struct.Nested") or Fail("no saved value"))
        v["Label"] = "changed"
        v["Inner"]["Id"] = 99
        v["Items"].append({"Id": 4, "Name": "four", "Value": 2.0, "Flag": True, "Samples": [4]})
        v["Color"] = 0
        c.write("Struct.Nested", v)
        back = c.fields("Struct.Nested")["value"]
        expect(back == v, "read back %s" % short(back))
    check("types.write_nested", nested)

    def optional():
        v = {"Required": -1, "OptValue": None, "OptText": "present", "OptList": [1, 2]}
        c.write("Struct.Optional", v)
        back = c.fields("Struct.Optional")["value"]
        expect(back == v, "read back %s" % short(back))
        c.write("Struct.Optional", {"Required": 3})
        back = c.fields("Struct.Optional")["value"]
        expect(back == {"Required": 3, "OptValue": None, "OptText": None, "OptList": None},
               "absent fields: %s" % short(back))
    check("types.write_optional_fields", optional)

    def union():
        c.write("Struct.Union", {"Number": 42})
        back = c.fields("Struct.Union")["value"]
        expect(back == {"_switchField": 1, "Number": 42}, "read back %s" % short(back))
        s = {"Id": 5, "Name": "arm", "Value": 0.0, "Flag": True, "Samples": [1.5]}
        c.write("Struct.Union", {"_switchField": 3, "Struct": s})
        back = c.fields("Struct.Union")["value"]
        expect(back == {"_switchField": 3, "Struct": s}, "read back %s" % short(back))
    check("types.write_union", union)

    def array():
        v = [{"Id": 20, "Name": "twenty", "Value": 1.0, "Flag": True, "Samples": []}]
        c.write("Struct.CustomArray", v)
        d = c.read("Struct.CustomArray")
        expect([eo["value"] for eo in d["value"]] == v, "read back %s" % short(d))
    check("types.write_array_of_structs", array)

    def bad():
        r = c.q("write", [s1("Struct.Custom"), {"Id": 1, "Nope": 2}])
        err(r, "TypeError")
        expect("Nope" in r["error"]["message"], short(r))
        r = c.q("write", [s1("Struct.Custom"), {"Id": "x"}])
        err(r, "TypeError")
        r = c.q("write", [s1("Struct.Union"), {"Number": 1, "Text": "two arms"}])
        err(r, "TypeError")
    check("types.write_bad_fields", bad)

    def restore():
        for ident in ("Struct.Custom", "Struct.Nested", "Struct.Optional", "Struct.Union"):
            if ident in c.saved:
                c.write(ident, c.saved[ident])
        if "Struct.CustomArray" in c.saved:
            c.write("Struct.CustomArray", c.saved["Struct.CustomArray"])
        expect(c.fields("Struct.Custom")["value"] == c.saved.get("Struct.Custom"), "restored")
    check("types.restore_values", restore)


def group_call(c):
    def bump():
        arg = {"Id": 41, "Name": "answer", "Value": 4.2, "Flag": True, "Samples": [1, 2]}
        eo = {"typeId": {"ns": c.types_ns, "id": 3002, "type": "numeric"}, "value": arg}
        r = ok(c.q("call", [s1("Methods"), s1("Methods.BumpStruct"),
                            [{"type": 22, "value": eo, "dimensions": None}]]))
        expect(r["statusCode"] == 0 and r["inputArgumentResults"] == [0], short(r))
        out = r["outputArguments"][0]
        expect(out["type"] == 22 and out["value"]["value"] == dict(arg, Id=42), short(out))
        # the DataType id works as typeId too
        eo["typeId"]["id"] = 3001
        r = ok(c.q("call", [s1("Methods"), s1("Methods.BumpStruct"),
                            [{"type": 22, "value": eo, "dimensions": None}]]))
        expect(r["outputArguments"][0]["value"]["value"]["Id"] == 42, short(r))
    check("types.call_with_struct", bump)

    def typed():
        m = s1("Methods")
        r = ok(c.q("call", [m, s1("Methods.Multiply"), [6, 7]]))
        expect(r["statusCode"] == 0 and r["outputArguments"] == [
            {"type": 11, "value": 42, "dimensions": None}], short(r))
        r = ok(c.q("call", [m, s1("Methods.Echo"), ["hi"]]))
        expect(r["outputArguments"][0]["value"] == "hi", short(r))
        # mixed: a Variant object and a plain value
        r = ok(c.q("call", [m, s1("Methods.Multiply"), [{"type": 11, "value": 2.5}, 4]]))
        expect(r["outputArguments"][0]["value"] == 10, short(r))
        arg = {"Id": 1, "Name": "plain", "Value": 0.5, "Flag": False, "Samples": [9]}
        r = ok(c.q("call", [m, s1("Methods.BumpStruct"), [arg]]))
        expect(r["outputArguments"][0]["value"]["value"] == dict(arg, Id=2), short(r))
        err(c.q("call", [m, s1("Methods.Multiply"), ["x", 1]]), "TypeError")
        r = c.q("call", [m, s1("Methods.Echo"), ["a", "b"]])
        err(r, "TypeError")
        expect("declares 1" in r["error"]["message"], short(r))
        err(c.q("call", [m, s1("Methods.BumpStruct"), [{"Nope": 1}]]), "TypeError")
    check("types.call_plain_arguments", typed)


def group_legacy(c):
    """Structures described only by a DataTypeDictionary (no DataTypeDefinition)."""
    legacy = {"Id": 1, "Name": "old", "Values": [1.5, 2.5], "Inner": {"Code": 3, "Tag": "in"},
              "Mode": 1, "Extra": 7}

    def legacy_fields(ident):
        eo = c.read(ident)["value"]
        expect(isinstance(eo, dict) and eo.get("encoding") == 1 and isinstance(eo["value"], dict),
               "%s not decoded: %s" % (ident, short(eo)))
        return eo

    def discover():
        eo = c.read("Struct.Legacy")["value"]
        ns = eo["typeId"]["ns"]
        expect(ns not in (0, 1, c.types_ns), "legacy typeId %s" % eo["typeId"])
        n = ok(c.q("discoverDataTypes", [ns, False], timeout=30))
        expect(n == 3, "types in the legacy namespace %s: %r, want 3" % (ns, n))
        # LegacyFixed (a fixed-length array) is left out, with the reason in the log
        log = td.DAEMONS[0].stderr()
        expect(any("LegacyFixed" in x and "fixed-length" in x for x in log.splitlines()),
               "no reason logged for LegacyFixed: %s" % log[-800:])
    check("types.legacy_dictionary_discovered", discover)

    def read():
        eo = legacy_fields("Struct.Legacy")
        expect(eo["value"] == legacy, "LegacyStruct %s" % short(eo["value"]))
        u = legacy_fields("Struct.LegacyUnion")["value"]
        expect(u == {"_switchField": 2, "Text": "old"}, "LegacyUnion %s" % short(u))
    check("types.legacy_read", read)

    def write():
        try:
            v = {"Id": 2, "Name": "new", "Values": [-1.0], "Inner": {"Code": -3, "Tag": "ni"},
                 "Mode": 0, "Extra": None}
            c.write("Struct.Legacy", v)
            back = legacy_fields("Struct.Legacy")["value"]
            expect(back == v, "read back %s, wrote %s" % (short(back), short(v)))
            c.write("Struct.LegacyUnion", {"Number": 5})
            back = legacy_fields("Struct.LegacyUnion")["value"]
            expect(back == {"_switchField": 1, "Number": 5}, "union read back %s" % short(back))
        finally:
            c.write("Struct.Legacy", legacy)
            c.write("Struct.LegacyUnion", {"_switchField": 2, "Text": "old"})
        expect(legacy_fields("Struct.Legacy")["value"] == legacy, "restored")
    check("types.legacy_write_round_trip", write)


def group_publish(c):
    def publish():
        sub = ok(c.q("createSubscription", [100.0, 1200, 5]))["subscriptionId"]
        try:
            items = ok(c.q("createMonitoredItems", [sub, [
                {"nodeId": s1("Struct.Custom"), "clientHandle": 5, "monitoringMode": 2},
                {"nodeId": s1("Struct.CustomArray"), "clientHandle": 6, "monitoringMode": 2}]]))
            expect(all(i["statusCode"] == 0 for i in items), short(items))
            seen = {}
            end = time.monotonic() + 10
            while time.monotonic() < end and len(seen) < 2:
                d = ok(c.q("publish", [[]], timeout=15))
                for n in d["notifications"]:
                    if n["type"] == "DataChange":
                        seen[n["clientHandle"]] = n["dataValue"]["value"]
            expect(5 in seen and seen[5]["value"]["Name"] == "seven", "handle 5: %s" % short(seen))
            expect(6 in seen and [e["value"]["Name"] for e in seen[6]] == ["ten", "eleven"],
                   "handle 6: %s" % short(seen))
        finally:
            c.q("deleteSubscription", [sub])
    check("types.publish_decodes", publish)


def group_file_cache():
    """A second daemon with the file cache: discovery is stored and reused."""
    cache = os.path.join(td.TMP, "cache")

    def run():
        addr = td.start_unix("cache.sock", ["--cache-driver", "file", "--cache-path", cache])[1]
        for round_ in range(2):
            sid = ok(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                                "config": {"opcuaTimeout": 10}}, timeout=20)[0])["sessionId"]
            c = Ctx(addr, sid)
            t0 = time.monotonic()
            n = ok(c.q("discoverDataTypes", [], timeout=30))
            expect(n >= 4, "round %d: %r" % (round_, n))
            if round_ == 1:
                expect(time.monotonic() - t0 < 2, "cached discovery is slow")
            c.types_ns = c.read("Struct.Custom")["value"]["typeId"]["ns"]
            expect(c.fields("Struct.Custom")["value"]["Name"] == "seven", "round %d" % round_)
            ok(req(addr, {"command": "close", "sessionId": sid})[0])
        expect(os.listdir(cache), "no cache files written")
    check("types.file_cache", run)


def main():
    def body(extra):
        addr = check("daemon.starts", lambda: td.start_unix("types.sock")[1])
        if addr is not None:
            sid = check("types.open_session", lambda: ok(req(
                addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                       "config": {"opcuaTimeout": 10}}, timeout=20)[0])["sessionId"])
            if sid is not None:
                c = Ctx(addr, sid)
                group_discover(c)
                group_read(c)
                group_write(c)
                group_call(c)
                group_legacy(c)
                group_publish(c)
                check("types.close_session", lambda: ok(req(
                    addr, {"command": "close", "sessionId": sid})[0]))
        group_file_cache()

        def clean_exit():
            codes = [d.stop() for d in td.DAEMONS]
            expect(all(c == 0 for c in codes), "daemon exit statuses %s (sanitizer report?)"
                   % codes)
        check("types.daemons_exit_cleanly", clean_exit)
    return td.run_suite("test_daemon_types.py", HARD_LIMIT, "osm-tdt-", body)


if __name__ == "__main__":
    sys.exit(main())
