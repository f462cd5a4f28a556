// The yardstick for notifications: one node-opcua client session with the
// same subscriptions and monitored items as the daemon's suite, counting the
// data changes the server delivers per second. Prints one JSON line per
// window of SECONDS.
//   node bench/node_subscribe.mjs URL SUBS ITEMS_PER_SUB PUBLISH_MS SECONDS [WINDOWS]
// Items are spread over the fixture's Bench counters (OSM_FIXTURE_BENCH=1).
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "tests", "fixture", "package.json"));
const {
    OPCUAClient, OPCUACertificateManager, AttributeIds, MessageSecurityMode, SecurityPolicy,
    ClientMonitoredItemGroup, TimestampsToReturn
} = require("node-opcua");

const [url, subsStr, perStr, pubStr, secStr, winStr] = process.argv.slice(2);
const subs = Number(subsStr);
const perSub = Number(perStr);
const publishMs = Number(pubStr);
const seconds = Number(secStr);
const windows = Number(winStr || 1);
if (!url || !(subs > 0) || !(perSub > 0) || !(publishMs > 0) || !(seconds > 0) || !(windows > 0)) {
    console.error("usage: node_subscribe.mjs URL SUBS ITEMS_PER_SUB PUBLISH_MS SECONDS [WINDOWS]");
    process.exit(2);
}
const COUNTERS = 100; // the fixture's Bench.Counter0..99
const PER_CALL = 100; // the fixture's MaxMonitoredItemsPerCall
const watchdog = setTimeout(() => {
    console.error("node_subscribe: took too long");
    process.exit(1);
}, (seconds * windows + 300) * 1000);

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "osm-bench-node-"));
const clientCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(tmpRoot, "pki"),
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
    name: "bench"
});
await clientCertificateManager.initialize();
const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager,
    applicationName: "osm-bench",
    applicationUri: "urn:opcua-sm:bench:node",
    connectionStrategy: { maxRetry: 0 },
    requestedSessionTimeout: 600000
});
await client.connect(url);
const session = await client.createSession();
let total = 0;
let k = 0;
for (let s = 0; s < subs; s++) {
    const sub = await session.createSubscription2({
        requestedPublishingInterval: publishMs,
        requestedLifetimeCount: 600,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 0
    });
    sub.on("raw_notification", (m) => {
        for (const n of m.notificationData || [])
            if (n && n.monitoredItems) total += n.monitoredItems.length;
    });
    for (let left = perSub; left > 0; left -= PER_CALL) {
        const items = [];
        for (let i = 0; i < Math.min(left, PER_CALL); i++, k++)
            items.push({ nodeId: `ns=1;s=Bench.Counter${k % COUNTERS}`, attributeId: AttributeIds.Value });
        await ClientMonitoredItemGroup.create(sub, items, { samplingInterval: 0, queueSize: 10, discardOldest: true },
            TimestampsToReturn.Both);
    }
}
await new Promise((r) => setTimeout(r, 3000)); // the initial values go first
for (let w = 0; w < windows; w++) {
    const n0 = total;
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(JSON.stringify({ name: "node-subscribe", items: subs * perSub, n: total - n0, per_s: (total - n0) / wall }));
}
await session.close();
await client.disconnect();
await clientCertificateManager.dispose();
fs.rmSync(tmpRoot, { recursive: true, force: true });
clearTimeout(watchdog);
