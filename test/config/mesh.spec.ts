import { expect } from "chai";
import { parseStackConfig } from "../../config/load";
import { BadConfig, itRejectsEach, referenceRawConfig } from "../helpers";

const minimal = { domain: "homelab.example.com" };

/** The CNPG webhook exception as the Pi Cluster has it, with some fields replaced. */
function webhookException(changes: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "cnpg-webhook-permissive",
        selector: { "app.kubernetes.io/name": "cloudnative-pg" },
        ports: [{ port: 9443, mode: "PERMISSIVE", client: "kube-apiserver" }],
        reason: "The kube-apiserver calls the CNPG admission webhook from outside the mesh.",
        ...changes,
    };
}

/** A mesh whose third namespace, databases, has the given settings. */
function withDatabases(settings: Record<string, unknown>): Record<string, unknown> {
    return {
        ...minimal,
        mesh: {
            namespaces: [
                { name: "kafka" },
                { name: "keycloak" },
                { name: "databases", ...settings },
            ],
        },
    };
}

/** The databases namespace with the webhook exception on the given ports. */
function withWebhookPorts(...ports: Record<string, unknown>[]): Record<string, unknown> {
    return withDatabases({ exceptions: [webhookException({ ports })] });
}

const databases = "picluster-mesh:mesh.namespaces[2]";
const exception0 = `${databases}.exceptions[0]`;
const clients = '"kube-apiserver", "prometheus", "external", "controller"';

describe("mesh config", () => {
    it("defaults to no mesh namespaces and bookinfo off, routed through envoy-gateway-system/public-gateway", () => {
        expect(parseStackConfig(minimal).mesh).to.deep.equal({
            namespaces: [],
            bookinfo: {
                enabled: false,
                namespace: "book-info",
                gateway: { name: "public-gateway", namespace: "envoy-gateway-system" },
            },
        });
    });

    it("defaults a listed namespace to an existing namespace that inherits STRICT and has no exceptions", () => {
        const mesh = parseStackConfig({
            ...minimal,
            mesh: { namespaces: [{ name: "e-commerce" }] },
        }).mesh;
        expect(mesh.namespaces).to.deep.equal([
            {
                name: "e-commerce",
                create: false,
                mode: "STRICT",
                exceptions: [],
                networkPolicies: [],
            },
        ]);
    });

    it("reads the reference stack's six namespaces, creating only book-info", () => {
        const mesh = parseStackConfig(referenceRawConfig()).mesh;
        expect(
            mesh.namespaces.map((n) => `${n.name} ${n.mode}${n.create ? " created" : ""}`),
        ).to.deep.equal([
            "envoy-gateway-system PERMISSIVE",
            "keycloak STRICT",
            "databases STRICT",
            "e-commerce STRICT",
            "kafka STRICT",
            "book-info STRICT created",
        ]);
        expect(mesh.bookinfo.enabled).to.equal(true);
    });

    const badValues: BadConfig[] = [
        [
            "an exception without a reason",
            withDatabases({ exceptions: [webhookException({ reason: undefined })] }),
            `Invalid config ${exception0}.reason is missing: expected a reason naming the client outside the mesh.`,
        ],
        [
            "an exception whose reason is blank",
            withDatabases({ exceptions: [webhookException({ reason: "  " })] }),
            `Invalid config ${exception0}.reason = "  ": expected a reason naming the client outside the mesh.`,
        ],
        [
            "an exception without a selector",
            withDatabases({ exceptions: [webhookException({ selector: undefined })] }),
            `Invalid config ${exception0}.selector is missing: expected a non-empty workload selector such as {app: keycloak} (Istio rejects portLevelMtls without one).`,
        ],
        [
            "an exception with an empty selector",
            withDatabases({ exceptions: [webhookException({ selector: {} })] }),
            `Invalid config ${exception0}.selector = {}: expected a non-empty workload selector such as {app: keycloak} (Istio rejects portLevelMtls without one).`,
        ],
        [
            "a selector key that is not a label key",
            withDatabases({ exceptions: [webhookException({ selector: { "Bad Key": "x" } })] }),
            `Invalid config ${exception0}.selector.Bad Key = "Bad Key": expected a label key such as app or app.kubernetes.io/name.`,
        ],
        [
            "a selector value that is not a label value",
            withDatabases({ exceptions: [webhookException({ selector: { app: "not valid!" } })] }),
            `Invalid config ${exception0}.selector.app = "not valid!": expected a label value: at most 63 letters, digits, '-', '_' or '.'.`,
        ],
        [
            "a port above 65535",
            withWebhookPorts({ port: 70000, mode: "PERMISSIVE", client: "prometheus" }),
            `Invalid config ${exception0}.ports[0].port = 70000: expected a port number from 1 to 65535.`,
        ],
        [
            "a port of 0",
            withWebhookPorts({ port: 0, mode: "PERMISSIVE", client: "prometheus" }),
            `Invalid config ${exception0}.ports[0].port = 0: expected a port number from 1 to 65535.`,
        ],
        [
            "DISABLE as a port mode (ambient mode ignores it)",
            withWebhookPorts({ port: 9443, mode: "DISABLE", client: "prometheus" }),
            `Invalid config ${exception0}.ports[0].mode = "DISABLE": expected one of "STRICT", "PERMISSIVE".`,
        ],
        [
            "a PERMISSIVE port that names no client",
            withWebhookPorts({ port: 9443, mode: "PERMISSIVE" }),
            `Invalid config ${exception0}.ports[0].client is missing: expected the client that calls this PERMISSIVE port from outside the mesh: one of ${clients}.`,
        ],
        [
            "a client the schema does not know",
            withWebhookPorts({ port: 9443, mode: "PERMISSIVE", client: "tofu" }),
            `Invalid config ${exception0}.ports[0].client = "tofu": expected one of ${clients}.`,
        ],
        [
            "a port listed twice in one exception",
            withWebhookPorts(
                { port: 8443, mode: "PERMISSIVE", client: "kube-apiserver" },
                { port: 8443, mode: "PERMISSIVE", client: "prometheus" },
            ),
            `Invalid config ${exception0}.ports[1].port = 8443: expected a port listed once per exception (ports[0] already lists it).`,
        ],
        [
            "an exception without ports",
            withWebhookPorts(),
            `Invalid config ${exception0}.ports = []: expected at least one port.`,
        ],
        [
            "two exceptions with one name",
            withDatabases({ exceptions: [webhookException(), webhookException()] }),
            `Invalid config ${databases}.exceptions[1].name = "cnpg-webhook-permissive": expected a PeerAuthentication name used once per namespace (exceptions[0] already uses it).`,
        ],
        [
            "an exception named like the namespace-wide policy",
            withDatabases({
                policy: "databases-strict",
                exceptions: [webhookException({ name: "databases-strict" })],
            }),
            `Invalid config ${exception0}.name = "databases-strict": expected a PeerAuthentication name used once per namespace (the namespace-wide policy uses it).`,
        ],
        [
            "an exception that spells port modes the Istio way",
            withDatabases({
                exceptions: [webhookException({ portLevelMtls: { "9443": "PERMISSIVE" } })],
            }),
            `Invalid config ${exception0}: unknown key "portLevelMtls"; allowed keys: name, selector, ports, reason.`,
        ],
        [
            "a namespace listed twice",
            {
                ...minimal,
                mesh: { namespaces: [{ name: "kafka" }, { name: "keycloak" }, { name: "kafka" }] },
            },
            'Invalid config picluster-mesh:mesh.namespaces[2].name = "kafka": expected a namespace listed once (namespaces[0] already lists it).',
        ],
        [
            "a PERMISSIVE namespace without a reason",
            {
                ...minimal,
                mesh: {
                    namespaces: [
                        { name: "envoy-gateway-system", mode: "PERMISSIVE", client: "external" },
                    ],
                },
            },
            "Invalid config picluster-mesh:mesh.namespaces[0].reason is missing: expected a reason naming the client outside the mesh (a PERMISSIVE namespace needs one).",
        ],
        [
            "a PERMISSIVE namespace without a client",
            {
                ...minimal,
                mesh: {
                    namespaces: [
                        { name: "envoy-gateway-system", mode: "PERMISSIVE", reason: "ingress" },
                    ],
                },
            },
            `Invalid config picluster-mesh:mesh.namespaces[0].client is missing: expected the client outside the mesh that needs a PERMISSIVE namespace: one of ${clients}.`,
        ],
        [
            "Istio's root namespace as a mesh namespace",
            { ...minimal, mesh: { namespaces: [{ name: "istio-system" }] } },
            'Invalid config picluster-mesh:mesh.namespaces[0].name = "istio-system": expected a namespace other than Istio\'s root namespace istio-system (it holds the mesh-wide policy, and Istio ignores selector policies there).',
        ],
        [
            "bookinfo in a namespace the program does not create",
            {
                ...minimal,
                mesh: { namespaces: [{ name: "book-info" }], bookinfo: { enabled: true } },
            },
            'Invalid config picluster-mesh:mesh.bookinfo.namespace = "book-info": expected a namespace listed in mesh.namespaces with create: true.',
        ],
        [
            "two NetworkPolicies with one name",
            {
                ...minimal,
                mesh: {
                    namespaces: [
                        { name: "keycloak", networkPolicies: [{ name: "mesh" }, { name: "mesh" }] },
                    ],
                },
            },
            'Invalid config picluster-mesh:mesh.namespaces[0].networkPolicies[1].name = "mesh": expected a NetworkPolicy name used once per namespace (networkPolicies[0] already uses it).',
        ],
        [
            "a ztunnel port above 65535",
            {
                ...minimal,
                mesh: {
                    namespaces: [
                        {
                            name: "keycloak",
                            networkPolicies: [{ name: "mesh", ztunnelPorts: [70000] }],
                        },
                    ],
                },
            },
            "Invalid config picluster-mesh:mesh.namespaces[0].networkPolicies[0].ztunnelPorts[0] = 70000: expected a port number from 1 to 65535.",
        ],
    ];
    itRejectsEach(badValues);
});
