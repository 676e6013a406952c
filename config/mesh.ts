// Config section `picluster-mesh:mesh`: the namespaces in the ambient mesh, their mTLS modes, the
// exceptions for clients outside the mesh, the NetworkPolicies that let ztunnel in, and the
// bookinfo sample.
import { z } from "zod";
import { MESH_CLIENTS, MeshClient } from "../policies/core";
import { k8sName, port } from "./primitives";

/**
 * Modes a policy may set. DISABLE is left out on purpose: ambient mode ignores policies that use
 * it, so accepting it would only hide a mistake.
 */
export const MTLS_MODES = ["STRICT", "PERMISSIVE"] as const;

const mtlsMode = z.enum(MTLS_MODES);
const client = z.enum(Object.keys(MESH_CLIENTS) as [MeshClient, ...MeshClient[]]);
const clientsText = Object.keys(MESH_CLIENTS).join(", ");

const reasonText = "a reason naming the client outside the mesh";
const reason = z.string({ error: reasonText }).regex(/\S/, reasonText);

// Kubernetes label syntax: an optional DNS-subdomain prefix, then a name of at most 63 characters.
const labelName = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)";
const labelKeyPattern = new RegExp(
    `^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${labelName}$`,
);
const labelValueText = "a label value: at most 63 letters, digits, '-', '_' or '.'";
const labelValue = z
    .string({ error: labelValueText })
    .regex(new RegExp(`^${labelName}?$`), labelValueText);

/** A label map whose keys are checked one by one, so that an error names the bad key. */
function labels(missingText: string) {
    return z.record(z.string(), labelValue, { error: missingText }).superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
            if (!labelKeyPattern.test(key)) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: "a label key such as app or app.kubernetes.io/name",
                    input: key,
                });
            }
        }
    });
}

const selectorText =
    "a non-empty workload selector such as {app: keycloak} (Istio rejects portLevelMtls without one)";

/** One port of an exception and the mode it gets. */
const exceptionPort = z
    .strictObject({
        port: port.describe("The workloads' port (the container port, not the Service's)."),
        mode: mtlsMode.describe("The port's mode."),
        client: client
            .optional()
            .describe(
                `Who calls this port from outside the mesh (${clientsText}); required when the port is PERMISSIVE.`,
            ),
    })
    .superRefine((entry, ctx) => {
        if (entry.mode === "PERMISSIVE" && entry.client === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["client"],
                message: `the client that calls this PERMISSIVE port from outside the mesh: one of ${quoted(Object.keys(MESH_CLIENTS))}`,
                input: undefined,
            });
        }
    });

/** A workload-selected PeerAuthentication with port-level modes. */
const exception = z
    .strictObject({
        name: k8sName.describe("The PeerAuthentication's name."),
        selector: labels(selectorText)
            .refine((map) => Object.keys(map).length > 0, selectorText)
            .describe(
                "Pod labels (matchLabels) of the workloads the exception applies to; never empty.",
            ),
        ports: z
            .array(exceptionPort)
            .min(1, "at least one port")
            .describe("The ports and their modes."),
        reason: reason.describe("Why these workloads need the exception."),
    })
    .superRefine((entry, ctx) => {
        reportRepeats(
            entry.ports.map((p) => p.port),
            (index) => ["ports", index, "port"],
            (first) => `a port listed once per exception (ports[${first}] already lists it)`,
            ctx,
        );
    });

/** An additive NetworkPolicy that lets ztunnel reach pods other NetworkPolicies hold. */
const networkPolicy = z.strictObject({
    name: k8sName.describe("The NetworkPolicy's name."),
    podSelector: labels("a map of pod labels such as {app: keycloak}")
        .default({})
        .describe("Pods the policy selects (matchLabels); every pod of the namespace when empty."),
    ztunnelPorts: z
        .array(port)
        .default([])
        .describe(
            "Application ports ztunnel must reach directly, from ztunnel's pods (Keycloak's JGroups 7800 and 57800).",
        ),
    allowKubeletProbes: z
        .boolean()
        .default(false)
        .describe("Also admit the kubelet's probes, which ambient mode SNATs to 169.254.7.127."),
});

const namespace = z
    .strictObject({
        name: k8sName.describe("The namespace."),
        create: z
            .boolean()
            .default(false)
            .describe(
                "true: the stack creates and owns the Namespace (with the ambient label). false: it only adds the label istio.io/dataplane-mode=ambient with a server-side apply patch; the namespace must exist, and `pulumi destroy` removes only the label.",
            ),
        mode: mtlsMode
            .default("STRICT")
            .describe(
                "The namespace-wide mode: STRICT (inherited from the mesh-wide default) or PERMISSIVE; DISABLE is refused, since ambient mode ignores it.",
            ),
        policy: k8sName
            .optional()
            .describe(
                "Name of an explicit namespace-wide PeerAuthentication, always created when set; otherwise one named <namespace>-permissive is created for a PERMISSIVE namespace only.",
            ),
        client: client
            .optional()
            .describe(
                `Who calls the namespace from outside the mesh (${clientsText}); required when it is PERMISSIVE.`,
            ),
        reason: reason.optional().describe("Why; required when the namespace is PERMISSIVE."),
        exceptions: z
            .array(exception)
            .default([])
            .describe("Workload-selected PeerAuthentications with port-level modes."),
        networkPolicies: z
            .array(networkPolicy)
            .default([])
            .describe(
                "Additive NetworkPolicies (policyTypes Ingress) that let ztunnel in where other NetworkPolicies hold the pods: ports 15008, 15006, 15020 and 15021 from anywhere, ztunnelPorts from ztunnel's pods. None unless listed.",
            ),
    })
    .superRefine((entry, ctx) => {
        if (entry.mode === "PERMISSIVE") {
            for (const key of ["client", "reason"] as const) {
                if (entry[key] === undefined) {
                    ctx.addIssue({
                        code: "custom",
                        path: [key],
                        message:
                            key === "client"
                                ? `the client outside the mesh that needs a PERMISSIVE namespace: one of ${quoted(Object.keys(MESH_CLIENTS))}`
                                : `${reasonText} (a PERMISSIVE namespace needs one)`,
                        input: undefined,
                    });
                }
            }
        }
        // The namespace-wide policy, if any, comes first: no exception may reuse its name.
        reportRepeats(
            [namespacePolicyName(entry), ...entry.exceptions.map((e) => e.name)],
            (index) => ["exceptions", index - 1, "name"],
            (first) =>
                `a PeerAuthentication name used once per namespace (${first === 0 ? "the namespace-wide policy uses it" : `exceptions[${first - 1}] already uses it`})`,
            ctx,
        );
        reportRepeats(
            entry.networkPolicies.map((p) => p.name),
            (index) => ["networkPolicies", index, "name"],
            (first) =>
                `a NetworkPolicy name used once per namespace (networkPolicies[${first}] already uses it)`,
            ctx,
        );
    });

/**
 * The namespace-wide PeerAuthentication's name: the one the config gives, else
 * `<namespace>-<mode>`; undefined when the namespace simply inherits the mesh-wide STRICT.
 */
export function namespacePolicyName(entry: {
    readonly name: string;
    readonly mode: string;
    readonly policy?: string;
}): string | undefined {
    if (entry.policy !== undefined) {
        return entry.policy;
    }
    return entry.mode === "STRICT" ? undefined : `${entry.name}-${entry.mode.toLowerCase()}`;
}

export const meshSchema = z
    .strictObject({
        namespaces: z
            .array(namespace)
            .default([])
            .superRefine((list, ctx) =>
                reportRepeats(
                    list.map((n) => n.name),
                    (index) => [index, "name"],
                    (first) => `a namespace listed once (namespaces[${first}] already lists it)`,
                    ctx,
                ),
            )
            .describe(
                "The namespaces in the ambient mesh, each listed once; never Istio's root namespace. None unless listed.",
            ),
        bookinfo: z
            .strictObject({
                enabled: z
                    .boolean()
                    .default(false)
                    .describe(
                        "Deploy Istio's bookinfo sample (its manifests for Istio's version, fetched at deploy time) and the HTTPRoute bookinfo.",
                    ),
                namespace: k8sName
                    .default("book-info")
                    .describe("Its namespace: one listed in mesh.namespaces with create: true."),
                hostname: z
                    .string()
                    .regex(
                        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
                        "a host name such as book-info.example.com",
                    )
                    .optional()
                    .describe("Host of the HTTPRoute; book-info.<domain> when unset."),
                gateway: z
                    .strictObject({
                        name: k8sName
                            .default("public-gateway")
                            .describe("The Gateway API Gateway the HTTPRoute attaches to."),
                        namespace: k8sName
                            .default("envoy-gateway-system")
                            .describe("The Gateway's namespace."),
                    })
                    .prefault({}),
            })
            .prefault({})
            .describe("Istio's bookinfo sample, to try the mesh."),
    })
    .prefault({})
    .describe(
        "The namespaces in the ambient mesh, their mTLS modes and exceptions, the NetworkPolicies that let ztunnel in, and the bookinfo sample.",
    )
    .superRefine((mesh, ctx) => {
        if (!mesh.bookinfo.enabled) {
            return;
        }
        const target = mesh.namespaces.find((n) => n.name === mesh.bookinfo.namespace);
        if (!target?.create) {
            ctx.addIssue({
                code: "custom",
                path: ["bookinfo", "namespace"],
                message: "a namespace listed in mesh.namespaces with create: true",
                input: mesh.bookinfo.namespace,
            });
        }
    });

export type MeshConfig = z.output<typeof meshSchema>;
export type MeshNamespaceConfig = MeshConfig["namespaces"][number];
export type MeshExceptionConfig = MeshNamespaceConfig["exceptions"][number];
export type MeshNetworkPolicyConfig = MeshNamespaceConfig["networkPolicies"][number];
export type BookinfoConfig = MeshConfig["bookinfo"];

/**
 * Cross-section check: the mesh's namespaces cannot include Istio's root namespace, where a
 * namespace-wide policy would become the mesh-wide one and Istio ignores selector policies.
 */
export function checkMeshAgainstIstio(
    config: { mesh: MeshConfig; istio: { namespace: string } },
    ctx: z.RefinementCtx,
): void {
    (config.mesh?.namespaces ?? []).forEach((entry, index) => {
        if (entry.name === config.istio?.namespace) {
            ctx.addIssue({
                code: "custom",
                path: ["mesh", "namespaces", index, "name"],
                message: `a namespace other than Istio's root namespace ${config.istio.namespace} (it holds the mesh-wide policy, and Istio ignores selector policies there)`,
                input: entry.name,
            });
        }
    });
}

/** Adds one issue for every value already seen earlier in the list. */
function reportRepeats(
    values: readonly unknown[],
    path: (index: number) => PropertyKey[],
    message: (firstIndex: number) => string,
    ctx: z.RefinementCtx,
): void {
    values.forEach((value, index) => {
        const first = values.indexOf(value);
        if (first !== index) {
            ctx.addIssue({
                code: "custom",
                path: path(index),
                message: message(first),
                input: value,
            });
        }
    });
}

function quoted(values: readonly string[]): string {
    return values.map((v) => JSON.stringify(v)).join(", ");
}
