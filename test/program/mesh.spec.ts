import { expect } from "chai";
import { PeerAuthentication } from "../../components/mesh";
import { PROJECT } from "../../config/schema";
import { Plan, PlannedResource } from "../../harness/runtime/plan";
import { MeshSummary } from "../../report/summary";
import { inputsOf, planReference, resourceNamed, resourcesOfType, waitsFor } from "../helpers";

const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

/** `namespace/name` of a planned Kubernetes object. */
function objectRef(resource: PlannedResource): string {
    const { namespace, name } = inputsOf(resource).metadata;
    return namespace ? `${namespace}/${name}` : name;
}

/** Every PeerAuthentication in the plan as `namespace/name` and its spec, sorted. */
function peerAuthentications(plan: Plan): [string, unknown][] {
    return resourcesOfType(plan, PEER_AUTHENTICATION)
        .map((r): [string, unknown] => [objectRef(r), inputsOf(r).spec])
        .sort(([a], [b]) => a.localeCompare(b));
}

const permissive = (...ports: number[]) =>
    Object.fromEntries(ports.map((port) => [String(port), { mode: "PERMISSIVE" }]));
const selected = (matchLabels: Record<string, string>, ...ports: number[]) => ({
    selector: { matchLabels },
    portLevelMtls: permissive(...ports),
});

/** The ingress rules every mesh NetworkPolicy starts with: HBONE, waypoint, metrics and health. */
const infrastructureIngress = [
    { ports: [{ protocol: "TCP", port: 15008 }] },
    { ports: [{ protocol: "TCP", port: 15006 }] },
    {
        ports: [
            { protocol: "TCP", port: 15020 },
            { protocol: "TCP", port: 15021 },
        ],
    },
];

/** The bookinfo settings of a stack's raw config, to edit in place. */
function bookinfoOf(config: Record<string, unknown>): Record<string, unknown> {
    return (config[`${PROJECT}:mesh`] as { bookinfo: Record<string, unknown> }).bookinfo;
}

describe("the reference stack's mesh namespaces", () => {
    let plan: Plan;
    before(async () => {
        plan = await planReference();
    });

    it("reproduces the Pi Cluster's PeerAuthentications one by one on a mesh-wide STRICT default", () => {
        expect(peerAuthentications(plan)).to.deep.equal([
            [
                "databases/cnpg-metrics-permissive",
                selected({ "cnpg.io/cluster": "postgres-ecommerce" }, 9187),
            ],
            [
                "databases/cnpg-webhook-permissive",
                selected({ "app.kubernetes.io/name": "cloudnative-pg" }, 9443),
            ],
            ["databases/databases-strict", { mtls: { mode: "STRICT" } }],
            ["databases/mongodb-metrics-permissive", selected({ app: "mongodb-svc" }, 9216)],
            [
                "databases/postgres-keycloak-metrics-permissive",
                selected({ "cnpg.io/cluster": "postgres-keycloak" }, 9187),
            ],
            [
                "databases/valkey-metrics-permissive",
                selected({ "app.kubernetes.io/name": "valkey" }, 9121),
            ],
            ["e-commerce/e-commerce-strict", { mtls: { mode: "STRICT" } }],
            ["envoy-gateway-system/envoy-gateway-permissive", { mtls: { mode: "PERMISSIVE" } }],
            ["istio-system/default", { mtls: { mode: "STRICT" } }],
            [
                "kafka/entity-operator-metrics-permissive",
                selected({ "app.kubernetes.io/name": "entity-operator" }, 8081),
            ],
            [
                "kafka/kafka-broker-metrics-permissive",
                selected({ "strimzi.io/kind": "Kafka" }, 9404),
            ],
            ["kafka/kafka-strict", { mtls: { mode: "STRICT" } }],
            [
                "kafka/strimzi-operator-permissive",
                selected({ "strimzi.io/kind": "cluster-operator" }, 8080, 8443),
            ],
            ["keycloak/keycloak-permissive", selected({ app: "keycloak" }, 8080)],
        ]);
        for (const resource of resourcesOfType(plan, PEER_AUTHENTICATION)) {
            expect(inputsOf(resource).apiVersion, resource.name).to.equal("security.istio.io/v1");
        }
    });

    it("never sets portLevelMtls without a non-empty selector, and no namespace-wide policy carries one", () => {
        for (const [ref, spec] of peerAuthentications(plan) as [
            string,
            PeerAuthentication["spec"],
        ][]) {
            const labels = Object.keys(spec.selector?.matchLabels ?? {});
            expect(labels.length > 0, ref).to.equal(spec.portLevelMtls !== undefined);
            expect(spec.mtls === undefined, ref).to.equal(spec.portLevelMtls !== undefined);
        }
    });

    it("labels the five existing namespaces with a patch that sets only the ambient label", () => {
        const patches = resourcesOfType(plan, NAMESPACE_PATCH);
        expect(patches.map((r) => [r.name, inputsOf(r)])).to.deep.equal(
            ["envoy-gateway-system", "keycloak", "databases", "e-commerce", "kafka"].map((name) => [
                `mesh-ambient-${name}`,
                {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name, labels: { "istio.io/dataplane-mode": "ambient" } },
                },
            ]),
        );
    });

    it("owns none of the mesh namespaces that already exist: book-info is the only one it creates", () => {
        const mesh = resourceNamed(plan, "mesh");
        const created = resourcesOfType(plan, NAMESPACE).filter((r) => r.parent === mesh.urn);
        expect(created.map((r) => [r.name, inputsOf(r).metadata])).to.deep.equal([
            [
                "mesh-namespace-book-info",
                { name: "book-info", labels: { "istio.io/dataplane-mode": "ambient" } },
            ],
        ]);
        const everyNamespace = resourcesOfType(plan, NAMESPACE).map(objectRef);
        for (const existing of [
            "envoy-gateway-system",
            "keycloak",
            "databases",
            "e-commerce",
            "kafka",
        ]) {
            expect(everyNamespace, existing).to.not.include(existing);
        }
        for (const resource of plan.resources.filter((r) => r.parent === mesh.urn)) {
            expect(resource.options, resource.name).to.include({
                protect: false,
                retainOnDelete: false,
                import: null,
            });
        }
    });

    it("makes every PeerAuthentication wait for istio-base alone, and patches and NetworkPolicies wait for nothing", () => {
        for (const resource of resourcesOfType(plan, PEER_AUTHENTICATION)) {
            expect(waitsFor(plan, resource), resource.name).to.deep.equal(["istio-base"]);
        }
        for (const resource of [
            ...resourcesOfType(plan, NAMESPACE_PATCH),
            ...resourcesOfType(plan, NETWORK_POLICY),
            resourceNamed(plan, "mesh-namespace-book-info"),
        ]) {
            expect(waitsFor(plan, resource), resource.name).to.deep.equal([]);
        }
    });

    it("annotates every PERMISSIVE policy with its reason, and no STRICT one", () => {
        const reasons = resourcesOfType(plan, PEER_AUTHENTICATION).map(
            (r) =>
                `${objectRef(r)}: ${inputsOf(r).metadata.annotations?.["picluster-mesh/mtls-reason"] ?? "-"}`,
        );
        expect(reasons).to.include.members([
            "istio-system/default: -",
            "databases/databases-strict: -",
            "envoy-gateway-system/envoy-gateway-permissive: External HTTP clients have no SPIFFE identity; STRICT would drop all external traffic.",
            "databases/cnpg-webhook-permissive: The kube-apiserver calls the CloudNativePG admission webhook (Service 443 to pod 9443) from outside the mesh.",
        ]);
        expect(reasons.filter((r) => r.endsWith(": -"))).to.deep.equal([
            "istio-system/default: -",
            "databases/databases-strict: -",
            "e-commerce/e-commerce-strict: -",
            "kafka/kafka-strict: -",
        ]);
    });

    it("reproduces keycloak-istio-mesh as the repository commits it, plus ambient's kubelet probes", () => {
        const policies = resourcesOfType(plan, NETWORK_POLICY);
        expect(policies.map(objectRef)).to.deep.equal(["keycloak/keycloak-istio-mesh"]);
        expect(inputsOf(policies[0]).spec).to.deep.equal({
            podSelector: {
                matchLabels: {
                    app: "keycloak",
                    "app.kubernetes.io/managed-by": "keycloak-operator",
                },
            },
            policyTypes: ["Ingress"],
            ingress: [
                ...infrastructureIngress,
                {
                    from: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "istio-system" },
                            },
                            podSelector: { matchLabels: { app: "ztunnel" } },
                        },
                    ],
                    ports: [
                        { protocol: "TCP", port: 7800 },
                        { protocol: "TCP", port: 57800 },
                    ],
                },
                { from: [{ ipBlock: { cidr: "169.254.7.127/32" } }] },
            ],
        });
    });

    it("exports the mesh table: each namespace's effective mode, deciding policy and exceptions", () => {
        const mesh = plan.outputs.mesh as MeshSummary;
        expect([mesh.rootNamespace, mesh.mode]).to.deep.equal(["istio-system", "STRICT"]);
        const rows = mesh.namespaces.map(
            (n) =>
                `${n.name} ${n.mode} by ${n.policy}: ` +
                n.exceptions
                    .map(
                        (e) =>
                            `${e.name} ` +
                            e.ports.map((p) => `:${p.port} ${p.mode} for ${p.client}`).join(", "),
                    )
                    .join("; "),
        );
        expect(rows).to.deep.equal([
            "envoy-gateway-system PERMISSIVE by envoy-gateway-system/envoy-gateway-permissive: ",
            "keycloak STRICT by istio-system/default: keycloak-permissive :8080 PERMISSIVE for controller",
            "databases STRICT by databases/databases-strict: " +
                "cnpg-webhook-permissive :9443 PERMISSIVE for kube-apiserver; " +
                "cnpg-metrics-permissive :9187 PERMISSIVE for prometheus; " +
                "postgres-keycloak-metrics-permissive :9187 PERMISSIVE for prometheus; " +
                "mongodb-metrics-permissive :9216 PERMISSIVE for prometheus; " +
                "valkey-metrics-permissive :9121 PERMISSIVE for prometheus",
            "e-commerce STRICT by e-commerce/e-commerce-strict: ",
            "kafka STRICT by kafka/kafka-strict: " +
                "strimzi-operator-permissive :8080 PERMISSIVE for prometheus, :8443 PERMISSIVE for kube-apiserver; " +
                "kafka-broker-metrics-permissive :9404 PERMISSIVE for prometheus; " +
                "entity-operator-metrics-permissive :8081 PERMISSIVE for prometheus",
            "book-info STRICT by istio-system/default: ",
        ]);
    });

    it("carries the reason and client of every PERMISSIVE namespace and exception into the output", () => {
        const namespaces = (plan.outputs.mesh as MeshSummary).namespaces;
        expect(namespaces[0]).to.deep.equal({
            name: "envoy-gateway-system",
            created: false,
            mode: "PERMISSIVE",
            policy: "envoy-gateway-system/envoy-gateway-permissive",
            client: "external",
            reason: "External HTTP clients have no SPIFFE identity; STRICT would drop all external traffic.",
            exceptions: [],
        });
        expect(namespaces[1].exceptions).to.deep.equal([
            {
                name: "keycloak-permissive",
                selector: { app: "keycloak" },
                ports: [{ port: 8080, mode: "PERMISSIVE", client: "controller" }],
                reason: "The Tofu Controller's runner in flux-system (outside the mesh) calls Keycloak's HTTP API.",
            },
        ]);
        expect(namespaces.map((n) => n.created)).to.deep.equal([
            false,
            false,
            false,
            false,
            false,
            true,
        ]);
    });

    it("deploys bookinfo from Istio's release-1.30 manifests through a provider whose default namespace is book-info", () => {
        const manifests = resourceNamed(plan, "bookinfo-manifests");
        const provider = resourceNamed(plan, "bookinfo-kubernetes");
        expect(manifests.type).to.equal(CONFIG_GROUP);
        expect(inputsOf(manifests)).to.deep.equal({
            files: [
                "https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo.yaml",
                "https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo-versions.yaml",
            ],
        });
        expect(manifests.options.provider).to.equal(`${provider.urn}::bookinfo-kubernetes-id`);
        expect(inputsOf(provider)).to.deep.equal({
            enableServerSideApply: "true",
            namespace: "book-info",
        });
        expect(waitsFor(plan, manifests)).to.deep.equal(["mesh-namespace-book-info"]);
    });

    it("routes book-info.homelab.ricsanfre.com on public-gateway to productpage:9080, waiting only for the namespace", () => {
        const route = resourceNamed(plan, "bookinfo-route");
        expect(route.type).to.equal(HTTP_ROUTE);
        expect(objectRef(route)).to.equal("book-info/bookinfo");
        expect(inputsOf(route).spec).to.deep.equal({
            parentRefs: [{ name: "public-gateway", namespace: "envoy-gateway-system" }],
            hostnames: ["book-info.homelab.ricsanfre.com"],
            rules: [
                {
                    matches: [
                        { path: { type: "Exact", value: "/productpage" } },
                        { path: { type: "PathPrefix", value: "/static" } },
                        { path: { type: "Exact", value: "/login" } },
                        { path: { type: "Exact", value: "/logout" } },
                        { path: { type: "PathPrefix", value: "/api/v1/products" } },
                    ],
                    backendRefs: [{ name: "productpage", port: 9080 }],
                },
            ],
        });
        expect(waitsFor(plan, route)).to.deep.equal(["mesh-namespace-book-info"]);
        expect(plan.outputs.bookinfoUrl).to.equal(
            "https://book-info.homelab.ricsanfre.com/productpage",
        );
    });
});

describe("the bookinfo toggle", () => {
    it("drops the manifests, their provider and the route when off, and still enrolls book-info", async () => {
        const plan = await planReference((config) => {
            bookinfoOf(config).enabled = false;
        });
        for (const name of [
            "bookinfo",
            "bookinfo-manifests",
            "bookinfo-route",
            "bookinfo-kubernetes",
        ]) {
            expect(plan.resources.map((r) => r.name)).to.not.include(name);
        }
        expect(resourcesOfType(plan, CONFIG_GROUP)).to.deep.equal([]);
        expect(
            inputsOf(resourceNamed(plan, "mesh-namespace-book-info")).metadata.labels,
        ).to.deep.equal({
            "istio.io/dataplane-mode": "ambient",
        });
        expect(plan.outputs.bookinfoUrl).to.equal(undefined);
    });

    it("honours a hostname override", async () => {
        const plan = await planReference((config) => {
            bookinfoOf(config).hostname = "books.homelab.ricsanfre.com";
        });
        expect(inputsOf(resourceNamed(plan, "bookinfo-route")).spec.hostnames).to.deep.equal([
            "books.homelab.ricsanfre.com",
        ]);
    });
});
