// The mesh's policies as plain Kubernetes objects, annotated with the reason and the client of
// every exception, and the `mesh` output computed from them by the policy core's mTLS view.
// Pure: no Pulumi here.
import {
    clientAnnotation,
    EffectiveMode,
    ISTIO_PORTS,
    KUBELET_PROBE_CIDR,
    Mode,
    MTLS_CLIENT_ANNOTATION,
    MTLS_REASON_ANNOTATION,
    MtlsModel,
    MtlsView,
    mtlsView,
    peerAuthenticationObject,
} from "../policies/core";
import { meshSummary, MeshSummary } from "../report/summary";

/** A PeerAuthentication's mode as Istio's API spells it. */
export type MtlsMode = Mode;
export type { EffectiveMode };

/** apiVersion and kind of every PeerAuthentication this program writes. */
export const PEER_AUTHENTICATION = {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
};

/** A PeerAuthentication as Istio reads it (security.istio.io/v1). */
export interface PeerAuthentication {
    metadata: { name: string; namespace: string; annotations?: Record<string, string> };
    spec: {
        selector?: { matchLabels?: Record<string, string> };
        mtls?: { mode?: MtlsMode };
        portLevelMtls?: Record<string, { mode?: MtlsMode }>;
    };
}

/** A namespace-wide PeerAuthentication. */
export interface NamespacePolicyArgs {
    readonly name: string;
    readonly mode: "STRICT" | "PERMISSIVE";
    /** Why the namespace is not simply STRICT. */
    readonly reason?: string;
    /** Who calls a PERMISSIVE namespace from outside the mesh. */
    readonly client?: string;
}

/** A workload-selected PeerAuthentication that sets single ports' modes. */
export interface ExceptionArgs {
    readonly name: string;
    /** Pod labels (matchLabels) of the workloads it applies to; never empty. */
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly {
        readonly port: number;
        readonly mode: "STRICT" | "PERMISSIVE";
        /** Who calls the port from outside the mesh. */
        readonly client?: string;
    }[];
    readonly reason?: string;
}

/** An additive NetworkPolicy that lets ztunnel reach pods other NetworkPolicies hold. */
export interface MeshNetworkPolicyArgs {
    readonly name: string;
    /** Pods it selects (matchLabels); every pod of the namespace when empty. */
    readonly podSelector: Readonly<Record<string, string>>;
    /** Application ports ztunnel must reach directly (Keycloak's JGroups 7800 and 57800). */
    readonly ztunnelPorts: readonly number[];
    /** Also let in the kubelet's probes, which ambient mode SNATs. */
    readonly allowKubeletProbes: boolean;
}

/** One namespace of the mesh. */
export interface MeshNamespaceArgs {
    readonly name: string;
    /** Create the Namespace; otherwise the existing namespace is only labelled. */
    readonly create: boolean;
    /** The namespace-wide policy; none when the namespace inherits the mesh-wide STRICT. */
    readonly policy?: NamespacePolicyArgs;
    readonly exceptions: readonly ExceptionArgs[];
    readonly networkPolicies: readonly MeshNetworkPolicyArgs[];
}

/** The mesh-wide STRICT default: every enrolled namespace inherits it. */
export function meshWidePolicy(rootNamespace: string): PeerAuthentication {
    return {
        metadata: { name: "default", namespace: rootNamespace },
        spec: { mtls: { mode: "STRICT" } },
    };
}

/**
 * A namespace's PeerAuthentications: the namespace-wide one (only when its mode differs from the
 * mesh-wide STRICT or the config names one) and one workload-selected policy per exception.
 * Namespace-wide policies carry no selector, and port modes only ever go into selected
 * policies: Istio rejects portLevelMtls without a selector.
 */
export function namespacePolicies(entry: MeshNamespaceArgs): PeerAuthentication[] {
    const policies: PeerAuthentication[] = [];
    const policy = entry.policy;
    if (policy !== undefined) {
        policies.push({
            metadata: {
                name: policy.name,
                namespace: entry.name,
                ...exceptionAnnotations(policy.reason, clientAnnotation({ all: policy.client })),
            },
            spec: { mtls: { mode: policy.mode } },
        });
    }
    for (const exception of entry.exceptions) {
        policies.push({
            metadata: {
                name: exception.name,
                namespace: entry.name,
                ...exceptionAnnotations(
                    exception.reason,
                    clientAnnotation({ ports: exception.ports }),
                ),
            },
            spec: {
                selector: { matchLabels: { ...exception.selector } },
                portLevelMtls: Object.fromEntries(
                    exception.ports.map((p) => [String(p.port), { mode: p.mode }]),
                ),
            },
        });
    }
    return policies;
}

/**
 * The reason for a PERMISSIVE exception and the client outside the mesh that needs it, where the
 * policy pack (PMX005), the mesh reports and reviewers of the cluster read them.
 */
function exceptionAnnotations(reason: string | undefined, client: string | undefined) {
    const annotations = {
        ...(reason !== undefined && { [MTLS_REASON_ANNOTATION]: reason }),
        ...(client !== undefined && { [MTLS_CLIENT_ANNOTATION]: client }),
    };
    return Object.keys(annotations).length > 0 ? { annotations } : {};
}

/** Every PeerAuthentication the mesh config produces, the mesh-wide default first. */
export function meshPolicies(
    rootNamespace: string,
    namespaces: readonly MeshNamespaceArgs[],
): PeerAuthentication[] {
    return [meshWidePolicy(rootNamespace), ...namespaces.flatMap(namespacePolicies)];
}

/** Ports ambient mode needs to reach pods held by NetworkPolicies, one rule per purpose. */
const ISTIO_INFRASTRUCTURE_PORTS = [
    [ISTIO_PORTS.hbone],
    [ISTIO_PORTS.inbound],
    [ISTIO_PORTS.stats, ISTIO_PORTS.health],
];

const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * Spec of an additive NetworkPolicy that lets ztunnel through to pods another NetworkPolicy
 * (the Keycloak operator's, say) holds: Istio's infrastructure ports from anywhere, and the
 * configured application ports from ztunnel's pods in the root namespace.
 */
export function meshNetworkPolicySpec(policy: MeshNetworkPolicyArgs, rootNamespace: string) {
    const ingress: Record<string, unknown>[] = ISTIO_INFRASTRUCTURE_PORTS.map((ports) => ({
        ports: ports.map(tcp),
    }));
    if (policy.ztunnelPorts.length > 0) {
        ingress.push({
            from: [
                {
                    namespaceSelector: {
                        matchLabels: { "kubernetes.io/metadata.name": rootNamespace },
                    },
                    podSelector: { matchLabels: { app: "ztunnel" } },
                },
            ],
            ports: policy.ztunnelPorts.map(tcp),
        });
    }
    if (policy.allowKubeletProbes) {
        ingress.push({ from: [{ ipBlock: { cidr: KUBELET_PROBE_CIDR } }] });
    }
    const podSelector =
        Object.keys(policy.podSelector).length > 0 ? { matchLabels: policy.podSelector } : {};
    return { podSelector, policyTypes: ["Ingress"], ingress };
}

/**
 * The effective mTLS of the configured namespaces, in the configured order: the policy core's
 * mTLS view of the PeerAuthentications this program creates.
 */
export function meshView(
    rootNamespace: string,
    namespaces: readonly MeshNamespaceArgs[],
): MtlsView {
    const model = new MtlsModel(
        rootNamespace,
        meshPolicies(rootNamespace, namespaces).map((policy) => ({
            object: peerAuthenticationObject({ ...PEER_AUTHENTICATION, ...policy }),
            namespace: policy.metadata.namespace,
        })),
    );
    return mtlsView(
        model,
        namespaces.map((entry) => entry.name),
    );
}

/** The `mesh` stack output: the view, and which namespaces the program creates. */
export function meshSummaryOf(
    rootNamespace: string,
    namespaces: readonly MeshNamespaceArgs[],
): MeshSummary {
    const created = new Set(namespaces.filter((n) => n.create).map((n) => n.name));
    return meshSummary(meshView(rootNamespace, namespaces), created);
}
