#!/usr/bin/env python3
"""Writes without a type (query-methods.md #11), through the daemon binary.

Usage: test_daemon_writes.py <daemon binary> <file holding the fixture endpoint URL>

Writes untyped values to the fixture's Write.<Type> variables (tests/fixture
README): every numeric type at its minimum and maximum (read back equal) and
just outside (refused with TypeError naming the type and its range, and
BadTypeMismatch, nothing written); strings converted to DateTime, Guid,
NodeId, QualifiedName and LocalizedText; nodes whose value is null (the
DataType decides) or whose DataType is abstract (WriteTypeDetectionException);
scalar versus array nodes; writeMulti; attributes other than Value. Checks in
the daemon's debug log that the type is read once and then cached, and that
invalidateCache, flushCache and reconnect drop it; autoDetectWriteType off,
--cache-driver none and readMetadataCache. Every value written is restored.

Reuses the harness of test_daemon.py (same directory). Python 3 standard
library only; every wait is bounded; the daemons are stopped by PID.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_daemon as td  # noqa: E402
from test_daemon import check, err, expect, ok, req, short  # noqa: E402

HARD_LIMIT = 150

# type id, name, range text of the message, minimum, maximum, below, above
NUMERIC = [
    (2, "SByte", "-128..127", -128, 127, -129, 128),
    (3, "Byte", "0..255", 0, 255, -1, 256),
    (4, "Int16", "-32768..32767", -32768, 32767, -32769, 32768),
    (5, "UInt16", "0..65535", 0, 65535, -1, 65536),
    (6, "Int32", "-2147483648..2147483647", -2147483648, 2147483647, -2147483649, 2147483648),
    (7, "UInt32", "0..4294967295", 0, 4294967295, -1, 4294967296),
    # Beyond 2^53 integers travel as decimal strings (a bare JSON integer
    # that large arrives as a double, as from PHP).
    (8, "Int64", "-9223372036854775808..9223372036854775807",
     "-9223372036854775808", "9223372036854775807",
     "-9223372036854775809", "9223372036854775808"),
    (9, "UInt64", "0..18446744073709551615", 0, "18446744073709551615",
     -1, "18446744073709551616"),
]
FLOAT_MAX = 3.4028234663852886e38
DOUBLE_MAX = 1.7976931348623157e308


def w(ident):
    return {"ns": 1, "id": "Write." + ident, "type": "string"}


def text(ident):
    return "ns=1;s=Write." + ident


class Ctx:
    def __init__(self, daemon, addr, sid):
        self.daemon = daemon
        self.addr = addr
        self.sid = sid

    def q(self, method, params, timeout=20):
        return req(self.addr, {"command": "query", "sessionId": self.sid, "method": method,
                               "params": params}, timeout=timeout)[0]

    def read(self, ident):
        d = ok(self.q("read", [w(ident)]))
        expect(d["statusCode"] == 0, "read %s: status %s" % (ident, d["statusCode"]))
        return d

    def write(self, ident, value, type_=None):
        params = [w(ident), value] + ([type_] if type_ is not None else [])
        st = ok(self.q("write", params))
        expect(st == 0, "write %s %s: status %s" % (ident, short(value), st))

    def mismatch(self, ident, value, *parts):
        """An untyped write refused before sending: TypeError naming the type."""
        msg = err(self.q("write", [w(ident), value]), "TypeError")
        for p in parts + ("BadTypeMismatch",):
            expect(p in msg, "write %s %s: %r lacks %r" % (ident, short(value), msg, p))
        return msg

    def detections(self, ident):
        """(read from the node, cached) counts of the daemon's debug lines."""
        lines = [l for l in self.daemon.stderr().splitlines()
                 if "Write type for node %s:" % text(ident) in l]
        return (sum("(read from the node)" in l for l in lines),
                sum("(cached)" in l or "(from the metadata cache)" in l for l in lines))


def as_int(v):
    return int(v) if isinstance(v, str) else v


def exact(v):
    """A value as sent back: integers beyond 2^53 as decimal strings."""
    return str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 53 else v


def open_session(addr, config=None):
    return ok(req(addr, {"command": "open", "endpointUrl": td.FIXTURE_URL,
                         "config": dict({"opcuaTimeout": 10}, **(config or {}))},
                  timeout=20)[0])["sessionId"]


# ================================================================ numbers

def group_numbers(c):
    for type_id, name, rng, lo, hi, below, above in NUMERIC:
        def run(type_id=type_id, name=name, rng=rng, lo=lo, hi=hi, below=below, above=above):
            saved = c.read(name)
            expect(saved["type"] == type_id, "%s holds type %s" % (name, saved["type"]))
            try:
                for v in (lo, hi):
                    c.write(name, v)
                    back = c.read(name)
                    expect(back["type"] == type_id and back["value"] == as_int(v),
                           "%s: wrote %s, read back %s" % (name, v, short(back)))
                expected = "expected %s (%s)" % (name, rng)
                for v in (below, above, 2.5):
                    c.mismatch(name, v, expected, "holds %s" % name)
                expect(c.read(name)["value"] == as_int(hi), "%s changed by a refused write" % name)
                c.write(name, 7.0)  # an integral real is an integer
                expect(c.read(name)["value"] == 7, "%s after 7.0" % name)
                c.mismatch(name, "x", expected)
                c.mismatch(name, True, expected)
            finally:
                c.write(name, exact(saved["value"]), type_id)
            expect(c.read(name)["value"] == saved["value"], "%s not restored" % name)
        check("writes.numeric_%s" % name, run)

    def reals():
        saved = {n: c.read(n)["value"] for n in ("Float", "Double", "Boolean")}
        try:
            for v in (FLOAT_MAX, -FLOAT_MAX, -1.5):
                c.write("Float", v)
                expect(c.read("Float")["value"] == v, "Float %s" % v)
            rng = "expected Float (a number within +-3.4028234663852886e+38)"
            for v in (3.5e38, -3.5e38, 1e40, DOUBLE_MAX):
                c.mismatch("Float", v, rng)
            for v in (DOUBLE_MAX, -DOUBLE_MAX, 5e-324, 42):
                c.write("Double", v)
                back = c.read("Double")
                expect(back["value"] == v and back["type"] == 11, "Double %s: %s" % (v, short(back)))
            c.mismatch("Double", "1.5", "expected Double (a finite number)")
            c.mismatch("Double", None, "expected Double")
            c.write("Boolean", False)
            expect(c.read("Boolean")["value"] is False, "Boolean false")
            c.mismatch("Boolean", 1, "expected Boolean (true or false)")
        finally:
            c.write("Float", saved["Float"], 10)
            c.write("Double", saved["Double"], 11)
            c.write("Boolean", saved["Boolean"], 1)
    check("writes.float_double_boolean", reals)

    def not_json():
        raw = ('{"command":"query","sessionId":"%s","method":"write","params":'
               '[{"ns":1,"id":"Write.Double","type":"string"},1e400]}\n' % c.sid).encode()
        resp = td.parse(td.exchange_raw(c.addr, raw))
        expect(resp.get("success") is False, "1e400 accepted: %s" % short(resp))
    check("writes.double_overflow_in_json", not_json)


# ================================================================ text forms

def group_text(c):
    cases = [
        ("DateTime", "2025-06-01T12:30:00Z", "2025-06-01T12:30:00+00:00", 13),
        ("Guid", "0000ABCD-0000-0000-0000-0000000000EF", "0000abcd-0000-0000-0000-0000000000ef", 14),
        ("NodeId", "ns=1;s=Array", {"ns": 1, "id": "Array", "type": "string"}, 17),
        ("QualifiedName", "1:Other", {"ns": 1, "name": "Other"}, 20),
        ("LocalizedText", "Hallo", {"locale": None, "text": "Hallo"}, 21),
        ("String", "plain", "plain", 12),
    ]
    for name, sent, want, type_id in cases:
        def run(name=name, sent=sent, want=want, type_id=type_id):
            saved = c.read(name)["value"]
            try:
                c.write(name, sent)
                back = c.read(name)
                expect(back["type"] == type_id and back["value"] == want,
                       "%s: wrote %r, read back %s" % (name, sent, short(back)))
            finally:
                c.write(name, saved, type_id)
        check("writes.text_%s" % name, run)

    def bad_text():
        c.mismatch("Guid", "not-a-guid", "expected Guid")
        c.mismatch("DateTime", "2025-13-01", "expected DateTime")
        c.mismatch("LocalizedText", 5, "expected LocalizedText")
        err(c.q("write", [w("NodeId"), "ns=1;x=1"]), "InvalidNodeIdException")
    check("writes.text_refused", bad_text)


# ================================================================ what the node says

def group_node_types(c):
    def null_value():
        c.write("NullDouble", 2.5)  # the value is null: the DataType decides
        back = c.read("NullDouble")
        expect(back["type"] == 11 and back["value"] == 2.5, short(back))
        c.write("Duration", 1500)  # Duration is a Double
        back = c.read("Duration")
        expect(back["type"] == 11 and back["value"] == 1500, short(back))
        c.mismatch("Duration", "1500", "expected Double")
    check("writes.datatype_decides", null_value)

    def abstract():
        msg = err(c.q("write", [w("NullVariant"), 5]), "WriteTypeDetectionException")
        expect(text("NullVariant") in msg and "abstract" in msg, msg)
        msg = err(c.q("write", [{"ns": 1, "id": "Write.Nope", "type": "string"}, 5]),
                  "WriteTypeDetectionException")
        expect("BadNodeIdUnknown" in msg, msg)
    check("writes.detection_fails", abstract)

    def ranks():
        saved = c.read("Int32Array")["value"]
        try:
            c.mismatch("Int32Array", 5, "expected an array of Int32", "holds Int32 arrays")
            c.mismatch("Int32", [5], "expected a scalar Int32")
            c.mismatch("Int32Array", [[1, 2], [3, 4]], "dimension")
            c.write("Int32Array", [4, 5, -6])
            expect(c.read("Int32Array")["value"] == [4, 5, -6], "array read back")
            c.mismatch("Int32Array", [1, 2147483648], "Int32Array", "expected Int32")
        finally:
            c.write("Int32Array", saved, 6)
    check("writes.value_rank", ranks)

    def multi():
        before = c.read("Int16")["value"]
        r = c.q("writeMulti", [[{"nodeId": w("Int16"), "value": 1},
                                {"nodeId": w("SByte"), "value": 500}]])
        msg = err(r, "TypeError")
        expect("writeItems[1].value" in msg and "SByte (-128..127)" in msg, msg)
        expect(c.read("Int16")["value"] == before, "writeMulti wrote part of a refused batch")
        st = ok(c.q("writeMulti", [[{"nodeId": w("Int16"), "value": before},
                                    {"nodeId": w("SByte"), "value": c.read("SByte")["value"]}]]))
        expect(st == [0, 0], "writeMulti statuses %s" % st)
    check("writes.writeMulti", multi)

    def attributes():
        # DisplayName is a LocalizedText whatever the node holds; the
        # fixture does not let it be written (BadNotWritable, 0x803B0000).
        st = ok(c.q("writeMulti", [[{"nodeId": w("Int16"), "value": "name", "attributeId": 4}]]))
        expect(st == [0x803B0000], "DisplayName write status %s" % st)
        r = c.q("writeMulti", [[{"nodeId": w("Int16"), "value": 300, "attributeId": 17}]])
        msg = err(r, "TypeError")
        expect("attribute 17 of %s holds Byte" % text("Int16") in msg, msg)
        msg = err(c.q("writeMulti", [[{"nodeId": w("Int16"), "value": 1, "attributeId": 99}]]),
                  "WriteTypeDetectionException")
        expect("99" in msg, msg)
    check("writes.other_attributes", attributes)


# ================================================================ the cache

def group_cache(c):
    node = "XmlElement"  # not written before in this session
    saved = {}

    def once():
        saved["v"] = c.read(node)["value"]
        r0, c0 = c.detections(node)
        expect((r0, c0) == (0, 0), "%s was written before" % node)
        c.write(node, "<a>1</a>")
        c.write(node, "<a>2</a>")
        r1, c1 = c.detections(node)
        expect((r1, c1) == (1, 1), "read %d and cached %d times, want 1 and 1" % (r1, c1))
    check("writes.cache_second_write_no_read", once)

    def dropped(how, params):
        def run():
            r0, _ = c.detections(node)
            ok(c.q(how, params))
            c.write(node, "<a>3</a>")
            c.write(node, "<a>4</a>")
            r1, _ = c.detections(node)
            expect(r1 - r0 == 1, "after %s: type read %d times, want 1" % (how, r1 - r0))
        return run
    check("writes.cache_invalidateCache", dropped("invalidateCache", [w(node)]))
    check("writes.cache_flushCache", dropped("flushCache", []))
    check("writes.cache_reconnect", dropped("reconnect", []))

    def refused_is_cached():
        r0, c0 = c.detections(node)
        c.mismatch(node, 5, "expected XmlElement (a string or null)")
        r1, c1 = c.detections(node)
        expect((r1 - r0, c1 - c0) == (0, 1), "refused write: %d reads" % (r1 - r0))
        c.write(node, saved["v"], 16)
        expect(c.read(node)["value"] == saved["v"], "not restored")
    check("writes.cache_refused_write", refused_is_cached)


def group_sessions(addr):
    def detection_off():
        sid = open_session(addr, {"autoDetectWriteType": False})
        c = Ctx(None, addr, sid)
        msg = err(c.q("write", [w("Int16"), 1]), "WriteTypeDetectionException")
        expect("no explicit type" in msg and text("Int16") in msg, msg)
        v = c.read("Int16")["value"]
        expect(ok(c.q("write", [w("Int16"), v, 4])) == 0, "typed write with detection off")
        ok(req(addr, {"command": "close", "sessionId": sid})[0])
    check("writes.autoDetectWriteType_off", detection_off)


def group_metadata_cache(daemon, addr):
    def run():
        sid = open_session(addr, {"readMetadataCache": True})
        c = Ctx(daemon, addr, sid)
        node = "Int32"
        for attr in (14, 15):
            ok(c.q("read", [w(node), attr]))
        v = c.read(node)["value"]
        c.write(node, v)
        lines = [l for l in daemon.stderr().splitlines()
                 if "Write type for node %s:" % text(node) in l]
        expect(lines and "(from the metadata cache)" in lines[-1],
               "the DataType/ValueRank reads were not used: %s" % lines[-1:])
        ok(req(addr, {"command": "close", "sessionId": sid})[0])
    check("writes.readMetadataCache", run)


def group_no_cache():
    def run():
        d, addr = td.start_unix("nocache.sock", ["--log-level", "debug", "--cache-driver", "none"])
        c = Ctx(d, addr, open_session(addr))
        v = c.read("Byte")["value"]
        c.write("Byte", v)
        c.write("Byte", v)
        reads, cached = c.detections("Byte")
        expect((reads, cached) == (2, 0), "--cache-driver none: %d reads, %d cached"
               % (reads, cached))
    check("writes.cache_driver_none", run)


def main():
    def body(extra):
        started = check("daemon.starts", lambda: td.start_unix("writes.sock",
                                                              ["--log-level", "debug"]))
        if started is not None:
            daemon, addr = started
            sid = check("writes.open_session", lambda: open_session(addr))
            if sid is not None:
                c = Ctx(daemon, addr, sid)
                group_numbers(c)
                group_text(c)
                group_node_types(c)
                group_cache(c)
                check("writes.close_session", lambda: ok(req(
                    addr, {"command": "close", "sessionId": sid})[0]))
            group_sessions(addr)
            group_metadata_cache(daemon, addr)
        group_no_cache()

        def clean_exit():
            codes = [d.stop() for d in td.DAEMONS]
            expect(all(code == 0 for code in codes), "daemon exit statuses %s (sanitizer report?)"
                   % codes)
        check("writes.daemons_exit_cleanly", clean_exit)
    return td.run_suite("test_daemon_writes.py", HARD_LIMIT, "osm-tdw-", body)


if __name__ == "__main__":
    sys.exit(main())
