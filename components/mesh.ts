// The mesh's policies as plain Kubernetes objects, and their effective modes through the policy
// pack's analysis core. Pure: no Pulumi here.
// Only types come from the config module: loading its schema from here would load the stack
// schema from inside a module the stack schema itself loads.
import type { MeshNamespaceConfig, MeshNetworkPolicyConfig } from "../config/mesh";
import {
    EffectiveMode,
    KubeObject,
    Mode,
    MTLS_REASON_ANNOTATION,
    MtlsModel,
    ISTIO_PORTS,
    KUBELET_PROBE_CIDR,
    MeshClient,
} from "../policies/core";

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

/** What one workload-selected PeerAuthentication amounts to. */
export interface WorkloadMtls {
    policy: string;
    selector: Record<string, string>;
    /** The selected workloads' mode on every port not listed. */
    mode: EffectiveMode;
    ports: { port: number; mode: EffectiveMode }[];
}

/** The effective peer authentication of one namespace. */
export interface NamespaceMtls {
    namespace: string;
    /** The mode of every workload and port no workload policy names. */
    mode: EffectiveMode;
    /**
     * The policy (`namespace/name`) that decided `mode`: the namespace-wide one, else the
     * mesh-wide one; undefined when Istio's built-in PERMISSIVE applies.
     */
    decidedBy?: string;
    workloads: WorkloadMtls[];
}

/** `namespace/name`, the way kubectl and istioctl name a policy. */
export function policyRef(policy: { namespace: string; name: string }): string {
    return `${policy.namespace}/${policy.name}`;
}

/**
 * Istio's peer-authentication precedence for one namespace, computed by the policy pack's
 * analysis core (policies/core/mtls.ts), so that the `mesh` output, the pack and mesh-report
 * can never disagree: a workload-selected policy over the namespace-wide policy over the
 * mesh-wide policy; UNSET inherits; only the oldest (here: first) mesh-wide and namespace-wide
 * policy counts; selector policies in the root namespace are ignored.
 * https://istio.io/latest/docs/concepts/security/#peer-authentication
 */
export function effectiveMtls(
    policies: readonly PeerAuthentication[],
    namespace: string,
    rootNamespace: string,
): NamespaceMtls {
    return namespaceMtls(mtlsModel(policies, rootNamespace), namespace);
}

/** The analysis core's model of a set of PeerAuthentications; build it once, query it often. */
export function mtlsModel(
    policies: readonly PeerAuthentication[],
    rootNamespace: string,
): MtlsModel {
    return new MtlsModel(
        rootNamespace,
        policies.map((policy) => ({
            object: toKubeObject(policy),
            namespace: policy.metadata.namespace,
        })),
    );
}

/** One namespace's effective peer authentication, from a model of every policy. */
export function namespaceMtls(model: MtlsModel, namespace: string): NamespaceMtls {
    const namespaceMode = model.namespaceMode(namespace);
    const workloads = model.workloadPoliciesIn(namespace).map((policy) => {
        const workload = model.workloadMode(namespace, policy.selector);
        return {
            policy: policy.name,
            selector: { ...policy.selector },
            mode: workload.mode,
            ports: [...workload.ports]
                .map(([port, mode]) => ({ port, mode }))
                .sort((a, b) => a.port - b.port),
        };
    });
    // A mesh-wide policy whose mode is UNSET decides nothing: Istio's built-in PERMISSIVE applies.
    const decider = namespaceMode.decidedBy;
    const decided = decider?.mode === "STRICT" || decider?.mode === "PERMISSIVE";
    return {
        namespace,
        mode: namespaceMode.mode,
        decidedBy: decided ? policyRef(decider) : undefined,
        workloads,
    };
}

/** A planned PeerAuthentication in the analysis core's model. */
function toKubeObject(policy: PeerAuthentication): KubeObject {
    return {
        category: "kubernetes",
        ...PEER_AUTHENTICATION,
        metadata: policy.metadata,
        body: { ...PEER_AUTHENTICATION, ...policy },
        source: {},
        patch: false,
    };
}

/**
 * The namespace-wide PeerAuthentication's name, or undefined when the namespace simply inherits
 * the mesh-wide STRICT default.
 */
export function namespacePolicyName(
    entry: Pick<MeshNamespaceConfig, "name" | "mode" | "policy">,
): string | undefined {
    if (entry.policy !== undefined) {
        return entry.policy;
    }
    return entry.mode === "STRICT" ? undefined : `${entry.name}-${entry.mode.toLowerCase()}`;
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
export function namespacePolicies(entry: MeshNamespaceConfig): PeerAuthentication[] {
    const policies: PeerAuthentication[] = [];
    const name = namespacePolicyName(entry);
    if (name !== undefined) {
        policies.push({
            metadata: { name, namespace: entry.name, ...reasonAnnotation(entry.reason) },
            spec: { mtls: { mode: entry.mode } },
        });
    }
    for (const exception of entry.exceptions) {
        policies.push({
            metadata: {
                name: exception.name,
                namespace: entry.name,
                ...reasonAnnotation(exception.reason),
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
 * The reason for a PERMISSIVE exception, where the policy pack (PMX005) and reviewers of the
 * cluster can read it.
 */
function reasonAnnotation(reason: string | undefined) {
    return reason === undefined ? {} : { annotations: { [MTLS_REASON_ANNOTATION]: reason } };
}

/** Every PeerAuthentication the mesh config produces, the mesh-wide default first. */
export function meshPolicies(
    rootNamespace: string,
    namespaces: readonly MeshNamespaceConfig[],
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
export function meshNetworkPolicySpec(policy: MeshNetworkPolicyConfig, rootNamespace: string) {
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

/** One exception in the `mesh` stack output. */
export interface ExceptionSummary {
    name: string;
    selector: Record<string, string>;
    ports: { port: number; mode: EffectiveMode; client?: MeshClient }[];
    reason: string;
}

/** One namespace in the `mesh` stack output: a row of the mesh configuration table. */
export interface NamespaceSummary {
    name: string;
    /** True when this program creates the namespace; false when it only labels it. */
    created: boolean;
    mode: EffectiveMode;
    /** The policy (`namespace/name`) that decided the namespace's mode. */
    policy?: string;
    client?: MeshClient;
    reason?: string;
    exceptions: ExceptionSummary[];
}

export interface MeshSummary {
    rootNamespace: string;
    /** The mesh-wide default every enrolled namespace inherits unless its config says otherwise. */
    mode: EffectiveMode;
    namespaces: NamespaceSummary[];
}

/**
 * The mesh configuration table: each namespace's effective mode and exceptions, computed with
 * Istio's precedence over the policies this program creates, with the config's reasons.
 */
export function meshSummary(
    rootNamespace: string,
    namespaces: readonly MeshNamespaceConfig[],
): MeshSummary {
    const model = mtlsModel(meshPolicies(rootNamespace, namespaces), rootNamespace);
    const root = namespaceMtls(model, rootNamespace);
    return {
        rootNamespace,
        mode: root.mode,
        namespaces: namespaces.map((entry) => {
            const effective = namespaceMtls(model, entry.name);
            const permissive = effective.mode === "PERMISSIVE";
            return {
                name: entry.name,
                created: entry.create,
                mode: effective.mode,
                ...(effective.decidedBy !== undefined && { policy: effective.decidedBy }),
                ...(permissive && { client: entry.client, reason: entry.reason }),
                exceptions: effective.workloads.map((workload) => {
                    const config = entry.exceptions.find((e) => e.name === workload.policy);
                    return {
                        name: workload.policy,
                        selector: workload.selector,
                        ports: workload.ports.map(({ port, mode }) => {
                            const client = config?.ports.find((p) => p.port === port)?.client;
                            return { port, mode, ...(client !== undefined && { client }) };
                        }),
                        reason: config?.reason ?? "",
                    };
                }),
            };
        }),
    };
}
