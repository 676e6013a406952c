import * as k8s from "@pulumi/kubernetes";
import { expect } from "chai";
import { MeshNamespaceArgs, meshNetworkPolicySpec } from "../../components/mesh";
import { MeshNamespaces } from "../../components/meshNamespace";
import { planProgram, PlannedResource } from "../../harness/runtime/plan";
import { inputsOf, resourceNamed, resourcesOfType, waitsFor } from "../helpers";

const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";
const NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch";

/** `namespace/name` of a planned Kubernetes object. */
function objectRef(resource: PlannedResource): string {
    const { namespace, name } = inputsOf(resource).metadata;
    return namespace ? `${namespace}/${name}` : name;
}

/** The ingress rules every mesh NetworkPolicy starts with: HBONE, waypoint, metrics and health. */
export const infrastructureIngress = [
    { ports: [{ protocol: "TCP", port: 15008 }] },
    { ports: [{ protocol: "TCP", port: 15006 }] },
    {
        ports: [
            { protocol: "TCP", port: 15020 },
            { protocol: "TCP", port: 15021 },
        ],
    },
];

describe("mesh namespaces", () => {
    const created: MeshNamespaceArgs = {
        name: "payments",
        create: true,
        policy: {
            name: "payments-permissive",
            mode: "PERMISSIVE",
            client: "external",
            reason: "Card terminals call the API directly.",
        },
        exceptions: [
            {
                name: "api-strict",
                selector: { app: "api" },
                ports: [{ port: 8443, mode: "STRICT" }],
                reason: "Only mesh clients may reach the admin port.",
            },
        ],
        networkPolicies: [
            { name: "allow-mesh", podSelector: {}, ztunnelPorts: [], allowKubeletProbes: true },
        ],
    };

    it("creates the namespace-wide policy it is given, and makes objects in a created namespace wait for it", async () => {
        let summary: unknown;
        const plan = await planProgram({
            program: () => {
                const crds = new k8s.helm.v3.Release("crds", { chart: "base" });
                summary = new MeshNamespaces("mesh", {
                    rootNamespace: "mesh-root",
                    namespaces: [created],
                    istioCrds: crds,
                }).summary;
            },
        });
        expect(resourcesOfType(plan, NAMESPACE_PATCH)).to.deep.equal([]);
        expect(
            resourcesOfType(plan, PEER_AUTHENTICATION).map((r) => [
                objectRef(r),
                inputsOf(r).spec,
                waitsFor(plan, r),
            ]),
        ).to.deep.equal([
            ["mesh-root/default", { mtls: { mode: "STRICT" } }, ["crds"]],
            [
                "payments/payments-permissive",
                { mtls: { mode: "PERMISSIVE" } },
                ["crds", "mesh-namespace-payments"],
            ],
            [
                "payments/api-strict",
                {
                    selector: { matchLabels: { app: "api" } },
                    portLevelMtls: { "8443": { mode: "STRICT" } },
                },
                ["crds", "mesh-namespace-payments"],
            ],
        ]);
        expect(
            waitsFor(plan, resourceNamed(plan, "mesh-netpol-payments/allow-mesh")),
        ).to.deep.equal(["mesh-namespace-payments"]);
        expect(summary).to.deep.equal({
            rootNamespace: "mesh-root",
            mode: "STRICT",
            namespaces: [
                {
                    name: "payments",
                    created: true,
                    mode: "PERMISSIVE",
                    policy: "payments/payments-permissive",
                    client: "external",
                    reason: "Card terminals call the API directly.",
                    exceptions: [
                        {
                            name: "api-strict",
                            selector: { app: "api" },
                            ports: [{ port: 8443, mode: "STRICT" }],
                            reason: "Only mesh clients may reach the admin port.",
                        },
                    ],
                },
            ],
        });
    });

    it("emits an additive policy for any namespace: infrastructure ports, every pod when no selector, and the kubelet's probes on request", () => {
        expect(meshNetworkPolicySpec(created.networkPolicies[0], "mesh-root")).to.deep.equal({
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
                ...infrastructureIngress,
                { from: [{ ipBlock: { cidr: "169.254.7.127/32" } }] },
            ],
        });
    });

    it("only patches the ambient label onto a namespace it does not create, and owns it nowhere", async () => {
        const plan = await planProgram({
            program: () => {
                const crds = new k8s.helm.v3.Release("crds", { chart: "base" });
                new MeshNamespaces("mesh", {
                    rootNamespace: "istio-system",
                    namespaces: [
                        { name: "shop", create: false, exceptions: [], networkPolicies: [] },
                    ],
                    istioCrds: crds,
                });
            },
        });
        expect(
            resourcesOfType(plan, NAMESPACE_PATCH).map((r) => [r.name, inputsOf(r)]),
        ).to.deep.equal([
            [
                "mesh-ambient-shop",
                {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name: "shop", labels: { "istio.io/dataplane-mode": "ambient" } },
                },
            ],
        ]);
        expect(resourcesOfType(plan, "kubernetes:core/v1:Namespace")).to.deep.equal([]);
        expect(resourcesOfType(plan, PEER_AUTHENTICATION).map(objectRef)).to.deep.equal([
            "istio-system/default",
        ]);
    });
});
