// The analysis core on its own: Istio's PeerAuthentication precedence, and rules that need what
// an input lacks (plain YAML has no Helm values or dependency edges) saying so instead of passing.
import { expect } from "chai";
import { evaluate, Inventory, KubeObject, MeshIndex } from "../../policies/core";
import { rules } from "../../policies/rules";

let line = 0;
function object(
    apiVersion: string,
    kind: string,
    metadata: Record<string, unknown>,
    spec: unknown = {},
): KubeObject {
    return {
        category: "kubernetes",
        apiVersion,
        kind,
        metadata,
        body: { apiVersion, kind, metadata, spec },
        source: { file: "mesh.yaml", line: ++line },
        patch: false,
    };
}

function peerAuthentication(
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
    created?: string,
) {
    return object(
        "security.istio.io/v1",
        "PeerAuthentication",
        { name, namespace, ...(created && { creationTimestamp: created }) },
        spec,
    );
}

function inventory(objects: KubeObject[]): Inventory {
    return {
        objects,
        releases: [],
        oidcClients: [],
        capabilities: { helmReleases: false, dependencies: false },
    };
}

describe("the analysis core's PeerAuthentication precedence", () => {
    const model = new MeshIndex(
        inventory([
            // The newer mesh-wide STRICT loses to the older UNSET one: the mesh is PERMISSIVE.
            peerAuthentication(
                "istio-system",
                "strict",
                { mtls: { mode: "STRICT" } },
                "2026-02-01T00:00:00Z",
            ),
            peerAuthentication("istio-system", "default", {}, "2026-01-01T00:00:00Z"),
            // Ignored: a selector in the root namespace.
            peerAuthentication("istio-system", "ztunnel", {
                selector: { matchLabels: { app: "ztunnel" } },
                mtls: { mode: "STRICT" },
            }),
            peerAuthentication("kafka", "kafka-strict", { mtls: { mode: "STRICT" } }),
            peerAuthentication("kafka", "brokers", {
                selector: { matchLabels: { "strimzi.io/kind": "Kafka" } },
                portLevelMtls: {
                    "9404": { mode: "PERMISSIVE" },
                    "9091": { mode: "UNSET" },
                    "9999": { mode: "DISABLE" },
                },
            }),
            peerAuthentication("databases", "databases-unset", { mtls: { mode: "UNSET" } }),
            peerAuthentication("databases", "postgres", {
                selector: { matchLabels: { app: "postgres" } },
                mtls: { mode: "STRICT" },
            }),
            peerAuthentication("keycloak", "keycloak-disable", { mtls: { mode: "DISABLE" } }),
        ]),
    ).mtls();

    it("keeps the oldest mesh-wide policy, whose UNSET means PERMISSIVE", () => {
        expect(model.mesh?.name).to.equal("default");
        expect(model.meshMode().mode).to.equal("PERMISSIVE");
        expect(model.shadowed.map((s) => `${s.policy.name} < ${s.winner.name}`)).to.deep.equal([
            "strict < default",
        ]);
    });

    it("resolves namespace, workload and port modes: workload over namespace over mesh, UNSET inherits", () => {
        const rows = [
            ["kafka", {}, 9092, "STRICT"],
            ["kafka", { "strimzi.io/kind": "Kafka" }, 9092, "STRICT"],
            ["kafka", { "strimzi.io/kind": "Kafka" }, 9404, "PERMISSIVE"],
            ["kafka", { "strimzi.io/kind": "Kafka" }, 9091, "STRICT"],
            ["kafka", { "strimzi.io/kind": "Kafka" }, 9999, "PERMISSIVE"],
            ["databases", {}, 5432, "PERMISSIVE"],
            ["databases", { app: "postgres", role: "primary" }, 5432, "STRICT"],
            ["keycloak", { app: "keycloak" }, 8080, "PERMISSIVE"],
            ["istio-system", { app: "ztunnel" }, 15020, "PERMISSIVE"],
        ] as const;
        for (const [namespace, labels, port, mode] of rows) {
            expect(
                model.portMode(namespace, labels, port),
                `${namespace} ${JSON.stringify(labels)} :${port}`,
            ).to.equal(mode);
        }
    });

    it("says which policy decided a mode, and at which level", () => {
        const describe = (namespace: string, labels: Record<string, string>) => {
            const mode = model.workloadMode(namespace, labels);
            return `${mode.mode} ${mode.level} ${mode.decidedBy?.name ?? "-"}`;
        };
        expect(describe("kafka", {})).to.equal("STRICT namespace kafka-strict");
        expect(describe("databases", { app: "postgres" })).to.equal("STRICT workload postgres");
        // A namespace-wide DISABLE is PERMISSIVE for ztunnel (ambient/authorization.go).
        expect(describe("keycloak", {})).to.equal("PERMISSIVE namespace keycloak-disable");
    });
});

describe("the analysis core over an input without Helm values or dependency edges", () => {
    it("has the rules that need them say they do not apply, and the others judge", () => {
        const { findings, notApplicable } = evaluate(
            inventory([
                object("v1", "Namespace", {
                    name: "kafka",
                    labels: { "istio.io/dataplane-mode": "ambient" },
                }),
                object(
                    "telemetry.istio.io/v1",
                    "Telemetry",
                    { name: "otel", namespace: "istio-system" },
                    { tracing: [{ providers: [{ name: "x" }] }] },
                ),
            ]),
            rules,
        );
        const reasons = Object.fromEntries(notApplicable.map((n) => [n.code, n.reason]));
        expect(reasons.PMX030).to.equal("the input has no Helm releases and values");
        expect(reasons.PMX031).to.equal("the input has no Helm releases and values");
        expect(reasons.PMX040).to.equal("the input has no Helm releases and values");
        expect(reasons.PMX032).to.equal("the input has no dependency edges between resources");
        expect(findings.map((f) => [f.code, f.object?.source])).to.deep.equal([
            ["PMX010", undefined],
            ["PMX011", { file: "mesh.yaml", line: line - 1 }],
        ]);
    });
});
