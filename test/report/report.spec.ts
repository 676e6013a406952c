import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { planInventory } from "../../harness/engine";
import { planStack, stackFilePath } from "../../harness/stack";
import { renderReport } from "../../report/markdown";
import { meshReport, MeshReport } from "../../report/model";
import { readYamlInput, yamlInput, YamlInput } from "../../policies/adapters/yaml";
import { main, stackReport } from "../../scripts/meshReport";
import { planReference, REFERENCE_STACK, runCommand, writeTree } from "../helpers";

const FLUX = path.relative(process.cwd(), path.join(__dirname, "..", "fixtures", "flux"));

/** The report of YAML documents given as text. */
function reportOf(...documents: string[]): MeshReport {
    const text = documents.join("---\n");
    return meshReport(onlyCluster(yamlInput([{ display: "test.yaml", real: "/test.yaml", text }])));
}

/** The inventory of an input that has exactly one cluster. */
function onlyCluster(input: YamlInput) {
    expect(input.clusters).to.have.length(1);
    return input.clusters[0].inventory;
}

/** A Flux fixture tree's one cluster. */
function fluxCluster(tree: "corrected" | "broken") {
    return onlyCluster(readYamlInput([`${FLUX}/${tree}/kubernetes`]));
}

/** Each namespace as `name MODE (decided by)` and its exceptions as `name: port MODE, …`. */
function rows(report: MeshReport): string[] {
    return report.namespaces.flatMap((ns) => [
        `${ns.name} ${ns.mode} (${ns.decidedBy})`,
        ...ns.exceptions.map(
            (e) =>
                `  ${e.name} [${e.mode}]: ${e.ports.map((p) => `${p.port} ${p.mode}`).join(", ")}` +
                (e.ignored ? ` (ignored: ${e.ignored})` : ""),
        ),
    ]);
}

const namespace = (name: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    istio.io/dataplane-mode: ambient
`;

function peerAuthentication(
    ns: string,
    name: string,
    spec: string,
    extra: { created?: string; reason?: string } = {},
) {
    return `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${ns}
${extra.created ? `  creationTimestamp: "${extra.created}"\n` : ""}${extra.reason ? `  annotations:\n    picluster-mesh/mtls-reason: ${extra.reason}\n` : ""}spec:
${spec}`;
}

const MESH_STRICT = peerAuthentication("istio-system", "default", "  mtls: {mode: STRICT}\n");

describe("mesh-report's effective mTLS, with the policy pack's precedence", () => {
    it("gives the corrected Flux tree's namespaces and exceptions their modes", () => {
        const report = meshReport(fluxCluster("corrected"));
        expect(report.mesh).to.deep.equal({
            mode: "STRICT",
            decidedBy: "mesh-wide `istio-system/default`",
        });
        expect(rows(report)).to.deep.equal([
            "e-commerce STRICT (namespace-wide `e-commerce-strict`)",
            "databases STRICT (namespace-wide `databases-strict`)",
            "  cnpg-metrics-permissive [STRICT]: 9187 PERMISSIVE",
            "  mongodb-metrics-permissive [STRICT]: 9216 PERMISSIVE",
            "  valkey-metrics-permissive [STRICT]: 9121 PERMISSIVE",
            "  cnpg-webhook-permissive [STRICT]: 9443 PERMISSIVE",
            "  postgres-keycloak-metrics-permissive [STRICT]: 9187 PERMISSIVE",
            "envoy-gateway-system PERMISSIVE (namespace-wide `envoy-gateway-permissive`)",
            "kafka STRICT (namespace-wide `kafka-strict`)",
            // In build order: the component lists the webhook's exception first.
            "  strimzi-operator-permissive [STRICT]: 8080 PERMISSIVE, 8443 PERMISSIVE",
            "  kafka-broker-metrics-permissive [STRICT]: 9404 PERMISSIVE",
            "  entity-operator-metrics-permissive [STRICT]: 8081 PERMISSIVE",
            "keycloak STRICT (mesh-wide `istio-system/default`)",
            "  keycloak-permissive [STRICT]: 8080 PERMISSIVE",
        ]);
        expect(report.namespaces[2].reason).to.equal("External clients lack SPIFFE identities");
        expect(report.ignored).to.deep.equal([]);
    });

    it("shows the broken tree as Istio would apply it: keycloak PERMISSIVE, port settings ignored", () => {
        const report = meshReport(fluxCluster("broken"));
        expect(report.mesh.mode).to.equal("PERMISSIVE");
        expect(rows(report).filter((row) => !row.startsWith(" "))).to.deep.equal([
            "e-commerce STRICT (namespace-wide `e-commerce-strict`)",
            "databases STRICT (namespace-wide `databases-strict`)",
            "envoy-gateway-system STRICT (namespace-wide `envoy-gateway-strict`)",
            "kafka STRICT (namespace-wide `kafka-strict`)",
            "keycloak PERMISSIVE (Istio's default: no mesh-wide policy in istio-system)",
        ]);
        expect(report.ignored).to.deep.equal([
            "databases/databases-strict: its portLevelMtls is ignored, since it selects no workload (Istio rejects it).",
            "keycloak/keycloak-permissive: its portLevelMtls is ignored, since it selects no workload (Istio rejects it).",
        ]);
    });

    it("lets an UNSET namespace-wide mode inherit the mesh's, and port UNSET the workload's", () => {
        const report = reportOf(
            MESH_STRICT,
            namespace("shop"),
            peerAuthentication("shop", "shop-unset", "  mtls: {mode: UNSET}\n"),
            peerAuthentication(
                "shop",
                "web",
                "  selector: {matchLabels: {app: web}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    '8080': {mode: UNSET}\n    '9090': {mode: STRICT}\n",
            ),
        );
        expect(rows(report)).to.deep.equal([
            "shop STRICT (mesh-wide `istio-system/default`)",
            "  web [PERMISSIVE]: 8080 PERMISSIVE, 9090 STRICT",
        ]);
    });

    it("counts only the oldest namespace-wide policy and the oldest workload policy that selects pods", () => {
        const report = reportOf(
            MESH_STRICT,
            namespace("shop"),
            peerAuthentication("shop", "newer", "  mtls: {mode: PERMISSIVE}\n", {
                created: "2026-02-01T00:00:00Z",
            }),
            peerAuthentication("shop", "older", "  mtls: {mode: STRICT}\n", {
                created: "2026-01-01T00:00:00Z",
            }),
            peerAuthentication(
                "shop",
                "api",
                "  selector: {matchLabels: {app: api}}\n  portLevelMtls:\n    '9443': {mode: PERMISSIVE}\n",
            ),
            peerAuthentication(
                "shop",
                "api-v2",
                "  selector: {matchLabels: {app: api, version: v2}}\n  portLevelMtls:\n    '8080': {mode: PERMISSIVE}\n",
            ),
        );
        expect(rows(report)).to.deep.equal([
            "shop STRICT (namespace-wide `older`)",
            "  api [STRICT]: 9443 PERMISSIVE",
            "  api-v2 [STRICT]: 8080 STRICT (ignored: Istio applies the older api to the pods it selects)",
        ]);
        expect(report.ignored).to.deep.equal([
            "shop/newer: the older shop/older holds the same scope.",
        ]);
    });

    // pilot/pkg/serviceregistry/ambient/authorization.go: DISABLE is not STRICT for ztunnel.
    it("ignores workload selectors in the root namespace, and shows a DISABLE namespace as PERMISSIVE", () => {
        const report = reportOf(
            MESH_STRICT,
            namespace("shop"),
            peerAuthentication(
                "istio-system",
                "root-selector",
                "  selector: {matchLabels: {app: web}}\n  mtls: {mode: PERMISSIVE}\n",
            ),
            peerAuthentication("shop", "shop-disable", "  mtls: {mode: DISABLE}\n"),
        );
        expect(rows(report)).to.deep.equal(["shop PERMISSIVE (namespace-wide `shop-disable`)"]);
        expect(report.ignored).to.deep.equal([
            "istio-system/root-selector: Istio ignores workload selectors in the root namespace istio-system.",
        ]);
    });

    it("renders the table and the topology as Markdown and Mermaid", () => {
        const report = reportOf(
            MESH_STRICT,
            namespace("gateway"),
            namespace("db"),
            peerAuthentication("gateway", "gateway-permissive", "  mtls: {mode: PERMISSIVE}\n", {
                reason: "External clients have no identity",
            }),
            peerAuthentication(
                "db",
                "webhook",
                "  selector: {matchLabels: {app: operator}}\n  portLevelMtls:\n    '9443': {mode: PERMISSIVE}\n",
                { reason: "kube-apiserver calls the webhook" },
            ),
        );
        expect(renderReport(report)).to.equal(
            [
                "### Effective mTLS",
                "",
                "Mesh-wide default: **STRICT** (mesh-wide `istio-system/default`). Computed with the policy pack's precedence: workload over namespace over mesh, UNSET inherits, the oldest policy of a scope wins.",
                "",
                "| Namespace | Mode                                             | Exception | Selector       | Ports           | Client | Reason                            |",
                "| --------- | ------------------------------------------------ | --------- | -------------- | --------------- | ------ | --------------------------------- |",
                "| `gateway` | PERMISSIVE (namespace-wide `gateway-permissive`) |           | all workloads  | all             |        | External clients have no identity |",
                "| `db`      | STRICT (mesh-wide `istio-system/default`)        |           |                |                 |        |                                   |",
                "|           |                                                  | `webhook` | `app=operator` | 9443 PERMISSIVE |        | kube-apiserver calls the webhook  |",
                "",
                "### Topology",
                "",
                "```mermaid",
                "graph TB",
                '    subgraph outside["Outside the mesh"]',
                '        client_unknown["clients outside the mesh"]',
                "    end",
                '    subgraph node["Kubernetes node"]',
                '        ztunnel["ztunnel<br/>(per-node L4 proxy)"]',
                '        subgraph ns0["gateway: PERMISSIVE"]',
                '            ns0_pods["all workloads<br/>PERMISSIVE"]',
                "        end",
                '        subgraph ns1["db: STRICT"]',
                '            ns1_pods["other workloads<br/>STRICT"]',
                '            ns1_x0["webhook<br/>app=operator"]',
                "        end",
                "    end",
                '    client_unknown -->|"any port"| ns0_pods',
                '    ztunnel <-->|"HBONE mTLS"| ns0',
                '    client_unknown -->|":9443"| ns1_x0',
                '    ztunnel <-->|"HBONE mTLS"| ns1',
                "    style ns0 fill:#fff3e0,stroke:#e65100",
                "    style ns1 fill:#e3f2fd,stroke:#1565c0",
                "```",
            ].join("\n"),
        );
    });
});

describe("mesh-report of the reference stack", () => {
    it("renders the view of the stack's policies in the order its config lists them", async () => {
        const report = await stackReport(REFERENCE_STACK);
        const kafkaRows = report
            .split("\n")
            .filter((line) =>
                /`(strimzi-operator|kafka-broker-metrics|entity-operator-metrics)-permissive`/.test(
                    line,
                ),
            )
            .map((line) => /`([a-z-]+-permissive)`/.exec(line)![1]);
        expect(kafkaRows).to.deep.equal([
            "strimzi-operator-permissive",
            "kafka-broker-metrics-permissive",
            "entity-operator-metrics-permissive",
        ]);
    });

    let plan: Awaited<ReturnType<typeof planStack>>;
    before(async () => {
        plan = await planReference();
    });

    it("names each exception's client and reason from the annotations of the stack's policies", () => {
        const report = meshReport(planInventory(plan));
        const kafka = report.namespaces.find((ns) => ns.name === "kafka")!;
        const strimzi = kafka.exceptions.find((e) => e.name === "strimzi-operator-permissive")!;
        expect(strimzi).to.deep.include({
            name: "strimzi-operator-permissive",
            ports: [
                { port: 8080, mode: "PERMISSIVE", client: "prometheus" },
                { port: 8443, mode: "PERMISSIVE", client: "kube-apiserver" },
            ],
        });
        expect(strimzi.reason).to.equal(
            "The kube-apiserver calls Strimzi's admission webhooks (8443) and Prometheus scrapes the operator's metrics (8080), both from outside the mesh.",
        );
        const gateway = report.namespaces.find((ns) => ns.name === "envoy-gateway-system")!;
        expect(gateway).to.deep.include({
            mode: "PERMISSIVE",
            client: "external",
            reason: "External HTTP clients have no SPIFFE identity; STRICT would drop all external traffic.",
        });
    });
});

describe("the mesh-report command", () => {
    it("prints the report of YAML paths", async () => {
        const { code, stdout } = await runCommand(main, [`${FLUX}/corrected/kubernetes`]);
        expect(code).to.equal(0);
        // One section per cluster the tree's builds apply, saying what it could not read.
        const { remote } = readYamlInput([`${FLUX}/corrected/kubernetes`]);
        expect(stdout).to.equal(
            `## Cluster ${FLUX}/corrected/kubernetes/clusters/prod\n\n${renderReport(meshReport(fluxCluster("corrected")), { unused: [], remote })}`,
        );
        expect(stdout).to.contain(
            "> Not read: 2 remote resources Flux fetches (`https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/26.4.0/kubernetes/keycloaks.k8s.keycloak.org-v1.yml`, `https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/26.4.0/kubernetes/kubernetes.yml`); policies in them are not counted.",
        );
        // What it prints, not only that it prints what the library renders.
        expect(stdout).to.contain("### Effective mTLS");
        expect(stdout).to.match(/\| `envoy-gateway-system` +\| PERMISSIVE/);
        expect(stdout).to.contain("```mermaid");
    });

    it("exits 2 with the usage when given both a stack and paths, or neither", async () => {
        const usage =
            "usage: npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-docs] [--max-file-size SIZE]";
        for (const args of [["--stack", "picluster", FLUX], []]) {
            expect(await runCommand(main, args)).to.deep.equal({
                code: 2,
                stdout: "",
                stderr: `mesh-report: give either --stack or paths; ${usage}`,
            });
        }
    });

    it("exits 2 with one line for a stack without a settings file or a missing path", async () => {
        const missingStack = await runCommand(main, ["--stack", "nowhere"]);
        expect(missingStack.code).to.equal(2);
        expect(missingStack.stderr).to.equal(
            `mesh-report: ${stackFilePath("nowhere")} does not exist`,
        );
        expect(await runCommand(main, [`${FLUX}/missing`])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-report: cannot read ${FLUX}/missing: no such file or directory`,
        });
    });

    it("names every file it could not use, says its modes come from partial input, and exits 2", async () => {
        // The mesh-wide STRICT default is in the file that does not parse: what is left reads
        // PERMISSIVE, which the report must not present as the mesh's mode without saying so.
        const root = writeTree({
            "ns.yaml": namespace("shop"),
            "mesh.yaml": MESH_STRICT.replace("  mtls", "\tmtls"),
        });
        fs.writeFileSync(
            path.join(root, "shop.yaml"),
            Buffer.concat([
                Buffer.from([0xff, 0xfe, 0x00, 0x00]),
                Buffer.from("kind: PeerAuthentication\n", "utf16le"),
            ]),
        );
        const { code, stdout, stderr } = await runCommand(main, [root]);
        expect(code).to.equal(2);
        expect(stdout.split("\n").slice(0, 8)).to.deep.equal([
            "> **Partial input.** 2 files could not be used, so the modes below are computed without them; they may hold policies that change them:",
            ">",
            `> - \`${root}/mesh.yaml\` line 7 is not valid YAML: Tabs are not allowed as indentation.`,
            `> - \`${root}/shop.yaml\` line 1 cannot be read as YAML: it is UTF-32 (its byte-order mark says so), which kubectl, kustomize and Flux do not decode.`,
            "",
            "### Effective mTLS",
            "",
            "Mesh-wide default: **PERMISSIVE** (Istio's default: no mesh-wide policy in istio-system, from partial input). Computed with the policy pack's precedence: workload over namespace over mesh, UNSET inherits, the oldest policy of a scope wins.",
        ]);
        expect(stderr.split("\n")).to.deep.equal([
            `mesh-report: ${root}/mesh.yaml line 7 is not valid YAML: Tabs are not allowed as indentation; the report is computed without it`,
            `mesh-report: ${root}/shop.yaml line 1 cannot be read as YAML: it is UTF-32 (its byte-order mark says so), which kubectl, kustomize and Flux do not decode; the report is computed without it`,
        ]);
    });

    it("reads a mesh-wide default written in UTF-16, as kubectl does", async () => {
        const root = writeTree({ "ns.yaml": namespace("shop") });
        fs.writeFileSync(
            path.join(root, "mesh.yaml"),
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MESH_STRICT, "utf16le")]),
        );
        const { code, stdout, stderr } = await runCommand(main, [root]);
        expect([code, stderr]).to.deep.equal([0, ""]);
        expect(stdout).to.contain(
            "Mesh-wide default: **STRICT** (mesh-wide `istio-system/default`). Computed",
        );
    });

    it("refuses a file above --max-file-size in one line, before reading it", async () => {
        const root = writeTree({ "ns.yaml": namespace("shop") });
        const size = Buffer.byteLength(namespace("shop"));
        expect(await runCommand(main, ["--max-file-size", "64", root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-report: cannot read ${root}/ns.yaml: ${size} bytes, more than the 64 bytes a file may have (--max-file-size)`,
        });
    });
});
