#!/usr/bin/env python3
"""Replays the exchanges recorded from the PHP reference daemon against ours.

Usage: test_golden.py <daemon binary> <file holding the fixture endpoint URL>
                      <directory of the recorded *.ndjson files>

tests/data/golden/NN-*.ndjson hold request/response line pairs recorded
from php-opcua/opcua-session-manager v4.4.0 against a small server whose
namespace 1 has the "Anchor" object; our fixture server has the same
object (tests/fixture/server.mjs), so every request can be sent to our
daemon unchanged, except for the endpoint URL and the ids the servers
hand out (sessions, subscriptions, monitored items), which are mapped.

Each response is compared with the recorded one: the same keys in the
same order, the same JSON types (an integer is not a float), the same
values, except
  - values that change every run (timestamps, times, ids, sequence numbers)
    are compared by type only;
  - lists of notifications and sequence numbers are compared by the shape
    of their elements, not by their length;
  - the pairs listed in EXPECTED_DIFFERENCES, each with its reason: the
    deliberate differences of our daemon (docs/ipc.md, README
    "Differences from the PHP daemon") and values that depend on the
    server (its build info, the other folders of our fixture).

Python 3 standard library only; every wait is bounded; the daemons started
are stopped by PID. Prints PASS/FAIL per exchange, then "N passed, M failed".
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SOCK_TIMEOUT = 20.0
RECORDED_URL = "opc.tcp://127.0.0.1:4855/UA/anchor"
AUTH_TOKEN = "s3cret-anchor-token"

# Keys whose values change from run to run: compared by type only.
VOLATILE = {"time", "lastUsed", "sessionId", "id", "subscriptionId", "monitoredItemId",
            "sequenceNumber", "sourceTimestamp", "serverTimestamp", "sourceTs", "serverTs"}
# Lists whose length depends on timing: each element is compared with the
# recorded first element by shape.
TIMING_LISTS = {"notifications", "availableSequenceNumbers"}

# (file, pair index) -> (mode, reason). Modes:
#   "shape"  compare keys and types only (values depend on the server)
#   "ours"   a deliberate difference: our answer is checked by the given
#            predicate instead
SHAPE = "shape"


def _valid_endpoints(resp):
    return resp.get("success") is True and isinstance(resp.get("data"), list) and resp["data"]


def _connect_refused(resp):
    e = resp.get("error") or {}
    return (resp.get("success") is False and e.get("type") == "ConnectionException"
            and "127.0.0.1:1" in e.get("message", ""))


def _bad_url(resp):
    e = resp.get("error") or {}
    return resp.get("success") is False and e.get("type") == "ConnectionException"


def _error_of_type(kind):
    def check(resp):
        e = resp.get("error") or {}
        return (resp.get("success") is False and e.get("type") == kind
                and isinstance(e.get("message"), str) and e["message"] != "")
    return check


ANCHOR_REF = {"referenceTypeId": {"ns": 0, "id": 35, "type": "numeric"}, "isForward": True,
              "nodeId": {"ns": 1, "id": "Anchor", "type": "string"},
              "browseName": {"ns": 1, "name": "Anchor"},
              "displayName": {"locale": None, "text": "Anchor"}, "nodeClass": 1,
              "typeDefinition": {"ns": 0, "id": 58, "type": "numeric"}}


def _objects_with_anchor(resp):
    data = resp.get("data")
    return resp.get("success") is True and isinstance(data, list) and ANCHOR_REF in data


RECORDED_METHODS = None  # describe.methods of the recording, filled in by main()
NOT_INVOKABLE = {"addNodes", "deleteNodes", "addReferences", "deleteReferences",
                 "registerTypeCodec"}


def _describe(resp):
    data = resp.get("data") or {}
    methods = data.get("methods")
    return (resp.get("success") is True
            and list(data) == ["methods", "modules", "wireClasses", "enumClasses", "wireTypeIds"]
            and methods == [m for m in RECORDED_METHODS if m not in NOT_INVOKABLE])


PHP_INTERNAL = "PHP's message names its own classes and source lines; ours says what is wrong"

EXPECTED_DIFFERENCES = {
    # The server's own values and state left by earlier exchanges: our
    # fixture is not the recorded server, and the recording's files were not
    # captured in their numeric order.
    ("03-read", 0): (SHAPE, "ServerStatus/State timestamps come from our server's start"),
    ("03-read", 1): (SHAPE, "as above"),
    ("03-read", 2): (SHAPE, "CurrentTime"),
    ("03-read", 3): (SHAPE, "i=2261 is the server's product name"),
    ("03-read", 4): (SHAPE, "BuildInfo body holds the server's build info"),
    ("03-read", 5): (SHAPE, "Counter changes every 100 ms"),
    ("03-read", 6): (SHAPE, "Counter"),
    ("03-read", 7): (SHAPE, "Temperature holds what earlier writes left"),
    ("03-read", 8): (SHAPE, "Message holds what earlier writes left"),
    ("03-read", 9): (SHAPE, "Flag holds what earlier writes left"),
    ("03-read", 10): (SHAPE, "Int32Array holds what earlier writes left"),
    ("04-readMulti", 0): (SHAPE, "Counter changes; Message holds what 05-write wrote"),
    ("06-browse", 1): (_objects_with_anchor,
                       "Objects of our fixture holds more folders than the recorded server's"),
    ("06-browse", 7): (_error_of_type("ServiceException"),
                       "our message names the status code and says what it means"),
    ("08-subscription", 9): (_error_of_type("ServiceException"),
                             "our message names the status (BadNoSubscription) instead of "
                             "repeating its hex code"),
    ("09-describe-invoke", 0): (_describe,
                                "invoke runs no NodeManagement service nor registerTypeCodec, "
                                "so describe does not list them"),
    ("09-describe-invoke", 1): (SHAPE, "timestamps"),
    ("09-describe-invoke", 3): (SHAPE, "BuildInfo of our server"),
    ("11-errors", 5): (_error_of_type("TypeError"), PHP_INTERNAL),
    ("11-errors", 6): (_error_of_type("TypeError"), PHP_INTERNAL),
    ("11-errors", 8): (_error_of_type("TypeError"), PHP_INTERNAL),
    ("11-errors", 7): (_error_of_type("UnhandledMatchError"), PHP_INTERNAL),
    ("20-managedclient-demo", 2): (SHAPE, "Counter changes"),
    ("20-managedclient-demo", 3): (SHAPE, "Int32Array holds what 05-write wrote"),
    ("20-managedclient-demo", 14): (SHAPE, "i=2262 is the server's product URI"),
    # Deliberate differences (README, "Differences from the PHP daemon").
    ("02-open", 4): (_error_of_type("ConnectionException"),
                     "the connection error's wording is ours"),
    ("02-open", 5): (_error_of_type("ConnectionException"),
                     "PHP tries DNS on a non-opc.tcp URL; we refuse the URL itself"),
}
# PHP answers getEndpoints with an empty line (binary certificates break its
# JSON encoder); we send valid JSON: any recorded empty answer to a
# getEndpoints request must be a non-empty endpoint list from us.
EMPTY_ANSWER_RULE = (_valid_endpoints, "PHP answers getEndpoints with an empty line")


class Fail(Exception):
    pass


def load_pairs(path):
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) % 2:
        raise SystemExit("%s: odd number of lines" % path)
    return [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]


def exchange(sock_path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(SOCK_TIMEOUT)
    try:
        s.connect(sock_path)
        s.sendall(line.encode("utf-8") + b"\n")
        buf = b""
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf.split(b"\n", 1)[0].decode("utf-8")
    finally:
        s.close()


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return type(v).__name__


def compare(want, got, path, values=True):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            raise Fail("%s: expected an object, got %s" % (path, jtype(got)))
        if list(want) != list(got):
            raise Fail("%s: keys %s, expected %s" % (path, list(got), list(want)))
        for k in want:
            if not values and k == "value":
                continue  # a Variant's value: any type, when comparing shapes
            v = values and k not in VOLATILE
            compare(want[k], got[k], "%s.%s" % (path, k), v)
        return
    if isinstance(want, list):
        if not isinstance(got, list):
            raise Fail("%s: expected a list, got %s" % (path, jtype(got)))
        key = path.rsplit(".", 1)[-1]
        if key in TIMING_LISTS or (not values and len(want) != len(got)):
            if want:
                for i, g in enumerate(got):
                    compare(want[0], g, "%s[%d]" % (path, i), False)
            return
        if len(want) != len(got):
            raise Fail("%s: %d elements, expected %d" % (path, len(got), len(want)))
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, "%s[%d]" % (path, i), values)
        return
    if jtype(want) != jtype(got):
        # a timestamp is null where the status is bad: that must agree too
        raise Fail("%s: %s (%s), expected %s (%s)"
                   % (path, json.dumps(got), jtype(got), json.dumps(want), jtype(want)))
    if values and want != got:
        raise Fail("%s: %s, expected %s" % (path, json.dumps(got), json.dumps(want)))


class Replay:
    def __init__(self, sock_path, url):
        self.sock = sock_path
        self.url = url
        self.ids = {}  # recorded id -> ours (sessions, subscriptions, items)

    def _map_request(self, line):
        esc = self.url.replace("/", "\\/")
        line = line.replace(RECORDED_URL.replace("/", "\\/"), esc).replace(RECORDED_URL, self.url)
        for old, new in self.ids.items():
            if isinstance(old, str):
                line = line.replace('"%s"' % old, '"%s"' % new)
            else:
                line = re.sub(r"(?<![\w.])%d(?![\w.])" % old, str(new), line)
        return line

    def _learn(self, want, got):
        """Record which of our ids stand for the recorded ones."""
        if isinstance(want, dict) and isinstance(got, dict):
            for k in ("sessionId", "subscriptionId", "monitoredItemId"):
                if k in want and k in got and want[k] is not None and got[k] is not None:
                    if want[k] not in self.ids:
                        self.ids[want[k]] = got[k]
            for k in want:
                if k in got:
                    self._learn(want[k], got[k])
        elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
            for w, g in zip(want, got):
                self._learn(w, g)

    def run_pair(self, name, idx, req, resp):
        sent = self._map_request(req)
        raw = exchange(self.sock, sent)
        rule = EXPECTED_DIFFERENCES.get((name, idx))
        if resp == "":
            want = None
            if '"method":"getEndpoints"' in req:
                rule = EMPTY_ANSWER_RULE
        else:
            want = json.loads(resp.replace(RECORDED_URL.replace("/", "\\/"), RECORDED_URL))
        try:
            got = json.loads(raw)
        except ValueError:
            raise Fail("not JSON: %r" % raw[:200])
        if isinstance(want, dict):
            self._learn(want, got)
        if callable(rule and rule[0]):
            if not rule[0](got):
                raise Fail("%s; got %s" % (rule[1], raw[:300]))
            return
        if want is None:
            raise Fail("the recording has no answer and no rule says what ours must be")
        text = json.dumps(want).replace(RECORDED_URL, self.url)
        for old, new in self.ids.items():
            if isinstance(old, str):
                text = text.replace(old, new)
        want = json.loads(text)
        compare(want, got, "$", not (rule and rule[0] == SHAPE))


class Daemon:
    def __init__(self, binary, tmp, name, env_extra=None):
        self.sock = os.path.join(tmp, name + ".sock")
        self.log = open(os.path.join(tmp, name + ".log"), "wb")
        env = dict(os.environ)
        env.pop("OPCUA_AUTH_TOKEN", None)
        env.update(env_extra or {})
        self.proc = subprocess.Popen([binary, "--socket", self.sock, "--log-level", "debug"],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env, cwd=tmp)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("daemon did not start; see %s.log" % name)
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


def main():
    if len(sys.argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    binary, url_file, data_dir = (os.path.abspath(a) for a in sys.argv[1:])
    with open(url_file) as f:
        url = f.read().strip()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("timed out")))
    signal.alarm(150)
    global RECORDED_METHODS
    with open(os.path.join(data_dir, "09-describe-invoke.ndjson")) as f:
        RECORDED_METHODS = json.loads(f.read().split("\n")[1])["data"]["methods"]
    files = sorted(f[:-7] for f in os.listdir(data_dir) if f.endswith(".ndjson"))
    tmp = tempfile.mkdtemp(prefix="osm-golden-")
    passed = failed = 0
    daemons = []
    try:
        plain = Daemon(binary, tmp, "plain")
        daemons.append(plain)
        authed = Daemon(binary, tmp, "auth", {"OPCUA_AUTH_TOKEN": AUTH_TOKEN})
        daemons.append(authed)
        replay = Replay(plain.sock, url)
        auth_replay = Replay(authed.sock, url)
        for name in files:
            r = auth_replay if name == "13-auth" else replay
            for idx, (req, resp) in enumerate(load_pairs(os.path.join(data_dir, name + ".ndjson"))):
                label = "%s #%d %s" % (name, idx, req[:90])
                try:
                    r.run_pair(name, idx, req, resp)
                    print("PASS %s" % label, flush=True)
                    passed += 1
                except (Fail, OSError) as e:
                    print("FAIL %s: %s" % (label, e), flush=True)
                    failed += 1
    finally:
        for d in daemons:
            d.stop()
        if failed:
            for d in daemons:
                print("--- daemon log %s" % d.sock)
                with open(d.sock[:-5] + ".log", "rb") as f:
                    print(f.read().decode("utf-8", "replace")[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
