// The yardstick for parallel reads: N node-opcua client sessions reading the
// same node from the same server for a while, each read waiting for the
// previous one (like a daemon client). Prints one JSON line.
//   node bench/node_read.mjs URL NODE SESSIONS SECONDS
// node-opcua comes from the test fixture's pinned install (tests/fixture).
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "tests", "fixture", "package.json"));
const { OPCUAClient, OPCUACertificateManager, AttributeIds, MessageSecurityMode, SecurityPolicy } =
    require("node-opcua");

const [url, node, nStr, secStr] = process.argv.slice(2);
const sessions = Number(nStr);
const seconds = Number(secStr);
if (!url || !node || !(sessions > 0) || !(seconds > 0)) {
    console.error("usage: node_read.mjs URL NODE SESSIONS SECONDS");
    process.exit(2);
}
const watchdog = setTimeout(() => {
    console.error("node_read: took too long");
    process.exit(1);
}, (seconds + 60) * 1000);

// One certificate store for all sessions, made before they start (each
// client would otherwise race to create the default one).
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "osm-bench-node-"));
const clientCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(tmpRoot, "pki"),
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
    name: "bench"
});
await clientCertificateManager.initialize();

const clients = [];
const open = [];
for (let i = 0; i < sessions; i++) {
    const client = OPCUAClient.create({
        endpointMustExist: false,
        securityMode: MessageSecurityMode.None,
        securityPolicy: SecurityPolicy.None,
        clientCertificateManager,
        applicationName: "osm-bench",
        applicationUri: "urn:opcua-sm:bench:node",
        connectionStrategy: { maxRetry: 0 }
    });
    clients.push(client);
    open.push(client.connect(url).then(() => client.createSession()));
}
const sess = await Promise.all(open);
let total = 0;
const t0 = process.hrtime.bigint();
const end = t0 + BigInt(Math.round(seconds * 1e9));
await Promise.all(
    sess.map(async (s) => {
        while (process.hrtime.bigint() < end) {
            const dv = await s.read({ nodeId: node, attributeId: AttributeIds.Value });
            if (dv.statusCode.value !== 0) throw new Error(`read: ${dv.statusCode.toString()}`);
            total++;
        }
    })
);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ name: "node-parallel", sessions, n: total, per_s: total / wall }));
await Promise.all(sess.map((s) => s.close()));
await Promise.all(clients.map((c) => c.disconnect()));
await clientCertificateManager.dispose();
fs.rmSync(tmpRoot, { recursive: true, force: true });
clearTimeout(watchdog);
