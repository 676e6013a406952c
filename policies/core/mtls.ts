// Istio's PeerAuthentication precedence, as ztunnel enforces it in ambient mode (istiod's
// pilot/pkg/serviceregistry/ambient/workloads.go, fetchPeerAuthentications, and authorization.go,
// convertedSelectorPeerAuthentications):
// - scopes: mesh-wide (root namespace, no `selector` at all), namespace-wide (other namespace, no
//   or empty selector), workload (other namespace, non-empty selector); any other policy of the
//   root namespace (`selector: {}` included) never reaches workloads of other namespaces;
// - only the oldest mesh-wide policy and the oldest namespace-wide policy of a namespace count,
//   and the oldest workload policy that selects a workload;
// - workload over namespace over mesh; UNSET inherits; a mesh-wide UNSET (or no policy) means
//   PERMISSIVE; port-level UNSET inherits the workload's mode;
// - DISABLE is not STRICT: ztunnel accepts plaintext under it, exactly as under PERMISSIVE, at
//   every level (authorization.go sets the strict flag to `mode == STRICT` for any set mode).
import { KubeObject } from "./model";
import { Labels, matches, selectorKey, stringMap } from "./labels";

export type Mode = "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET";
/** What ztunnel enforces. */
export type EffectiveMode = "STRICT" | "PERMISSIVE";

export const MODES: readonly string[] = ["STRICT", "PERMISSIVE", "DISABLE", "UNSET"];

export type Scope = "mesh" | "namespace" | "workload" | "ignored-root-selector";

/** One portLevelMtls entry as written. */
export interface PortSetting {
    /** The key as written (a port number as a string). */
    readonly key: string;
    /** The port number, when the key is a whole number. */
    readonly port?: number;
    readonly mode: string;
}

/** A PeerAuthentication, read. */
export interface PeerAuthn {
    readonly object: KubeObject;
    readonly namespace: string;
    readonly name: string;
    /** Whether `spec.selector` is written at all. */
    readonly hasSelector: boolean;
    readonly selector: Labels;
    /** Top-level mode as written; UNSET when absent. */
    readonly mode: string;
    /** undefined when `portLevelMtls` is absent. */
    readonly ports?: readonly PortSetting[];
    readonly scope: Scope;
}

export function isPeerAuthentication(object: KubeObject): boolean {
    return (
        object.kind === "PeerAuthentication" &&
        object.apiVersion.startsWith("security.istio.io/") &&
        !object.patch
    );
}

/** Reads a PeerAuthentication object. */
export function readPeerAuthentication(
    object: KubeObject,
    namespace: string,
    rootNamespace: string,
): PeerAuthn {
    const spec = object.body.spec ?? {};
    const hasSelector = spec.selector !== undefined && spec.selector !== null;
    const selector = stringMap(spec.selector?.matchLabels);
    const workloadSelected = Object.keys(selector).length > 0;
    const portLevel = spec.portLevelMtls;
    const ports =
        portLevel === undefined || portLevel === null
            ? undefined
            : Object.entries(portLevel as Record<string, { mode?: string } | null>).map(
                  ([key, setting]) => ({
                      key,
                      port: /^\d+$/.test(key) ? Number(key) : undefined,
                      mode: typeof setting?.mode === "string" ? setting.mode : "UNSET",
                  }),
              );
    const root = namespace === rootNamespace;
    // In the root namespace only a policy without a selector is mesh-wide for ztunnel.
    const meshWide = root && !hasSelector;
    return {
        object,
        namespace,
        name: object.metadata.name ?? "",
        hasSelector,
        selector,
        mode: typeof spec.mtls?.mode === "string" ? spec.mtls.mode : "UNSET",
        ports,
        scope: meshWide
            ? "mesh"
            : root
              ? "ignored-root-selector"
              : workloadSelected
                ? "workload"
                : "namespace",
    };
}

/**
 * Whether Istio takes `a` as older than `b`: by creation time when both have one, then, as for
 * equal times, by name and then namespace (pilot/pkg/model/config.go,
 * configCompareByCreationTime). Never by input order: the engine hands a stack policy its
 * resources in no set order, and planned objects have no creation time yet.
 */
function older(a: PeerAuthn, b: PeerAuthn): boolean {
    const at = a.object.metadata.creationTimestamp;
    const bt = b.object.metadata.creationTimestamp;
    if (at && bt && at !== bt) {
        return at < bt;
    }
    if (a.name !== b.name) {
        return a.name < b.name;
    }
    return a.namespace < b.namespace;
}

/**
 * A top-level mode as ztunnel applies it: UNSET inherits, DISABLE accepts plaintext as
 * PERMISSIVE does (pilot/pkg/serviceregistry/ambient/authorization.go: the strict flag becomes
 * `mode == STRICT` for every mode that is set). Invalid modes are rejected by Istio: none.
 */
function explicit(mode: string): EffectiveMode | undefined {
    switch (mode) {
        case "STRICT":
        case "PERMISSIVE":
            return mode;
        case "DISABLE":
            return "PERMISSIVE";
        default:
            return undefined;
    }
}

/** A namespace's mode and which policy decided it. */
export interface NamespaceMode {
    readonly mode: EffectiveMode;
    /** The policy whose mode applies; undefined when nothing sets one (PERMISSIVE default). */
    readonly decidedBy?: PeerAuthn;
    readonly level: "workload" | "namespace" | "mesh" | "default";
}

/** A workload's mode, its policy and its ports' modes. */
export interface WorkloadMode extends NamespaceMode {
    /** The workload policy that selects it, if any (its mode may be UNSET). */
    readonly policy?: PeerAuthn;
    /** Port → mode for every port its policy names. */
    readonly ports: ReadonlyMap<number, EffectiveMode>;
}

/** A policy Istio ignores because an older one holds the same scope. */
export interface Shadowed {
    readonly policy: PeerAuthn;
    readonly winner: PeerAuthn;
}

/** Every PeerAuthentication of an input, composed with Istio's precedence. */
export class MtlsModel {
    /** Every PeerAuthentication, in input order. */
    readonly policies: PeerAuthn[] = [];
    /** The mesh-wide policy that counts. */
    mesh?: PeerAuthn;
    readonly shadowed: Shadowed[] = [];
    private readonly namespaceWide = new Map<string, PeerAuthn>();
    private readonly workloadPolicies = new Map<string, PeerAuthn[]>();
    /** Workload policies by one of their selector's pairs, per namespace. */
    private readonly workloadIndex = new Map<string, Map<string, PeerAuthn[]>>();

    constructor(
        readonly rootNamespace: string,
        peerAuthentications: Iterable<{ object: KubeObject; namespace: string }>,
    ) {
        // Policies that compete for one scope: the oldest of each group counts.
        const groups = new Map<string, PeerAuthn[]>();
        for (const { object, namespace } of peerAuthentications) {
            const policy = readPeerAuthentication(object, namespace, rootNamespace);
            this.policies.push(policy);
            if (policy.scope === "ignored-root-selector") {
                continue;
            }
            // Identical selectors select identical workloads, so they compete too.
            push(groups, `${policy.scope}|${namespace}|${selectorKey(policy.selector)}`, policy);
            if (policy.scope === "workload") {
                push(this.workloadPolicies, namespace, policy);
                const [firstKey] = Object.keys(policy.selector).sort();
                const pairs = this.workloadIndex.get(namespace) ?? new Map<string, PeerAuthn[]>();
                this.workloadIndex.set(namespace, pairs);
                push(pairs, `${firstKey}=${policy.selector[firstKey]}`, policy);
            }
        }
        for (const group of groups.values()) {
            const winner = group.reduce((best, policy) => (older(policy, best) ? policy : best));
            for (const policy of group) {
                if (policy !== winner) {
                    this.shadowed.push({ policy, winner });
                }
            }
            if (winner.scope === "mesh") {
                this.mesh = winner;
            } else if (winner.scope === "namespace") {
                this.namespaceWide.set(winner.namespace, winner);
            }
        }
    }

    /** The mesh-wide mode: the mesh policy's, else PERMISSIVE. */
    meshMode(): NamespaceMode {
        const mode = this.mesh && explicit(this.mesh.mode);
        return mode
            ? { mode, decidedBy: this.mesh, level: "mesh" }
            : { mode: "PERMISSIVE", decidedBy: this.mesh, level: this.mesh ? "mesh" : "default" };
    }

    /** The namespace-wide policy that counts in a namespace. */
    namespacePolicy(namespace: string): PeerAuthn | undefined {
        return this.namespaceWide.get(namespace);
    }

    /** Workload policies of a namespace, in input order. */
    workloadPoliciesIn(namespace: string): readonly PeerAuthn[] {
        return this.workloadPolicies.get(namespace) ?? [];
    }

    /** A namespace's mode: its namespace-wide policy's, else the mesh's. */
    namespaceMode(namespace: string): NamespaceMode {
        const policy = this.namespaceWide.get(namespace);
        const mode = policy && explicit(policy.mode);
        return mode ? { mode, decidedBy: policy, level: "namespace" } : this.meshMode();
    }

    /** The oldest workload policy whose selector matches the labels. */
    workloadPolicy(namespace: string, labels: Labels): PeerAuthn | undefined {
        return this.workloadPoliciesFor(namespace, labels)[0];
    }

    /** Every workload policy that selects pods with these labels, oldest first. */
    workloadPoliciesFor(namespace: string, labels: Labels): PeerAuthn[] {
        const pairs = this.workloadIndex.get(namespace);
        const found = new Set<PeerAuthn>();
        for (const [key, value] of Object.entries(labels)) {
            for (const policy of pairs?.get(`${key}=${value}`) ?? []) {
                if (matches(policy.selector, labels)) {
                    found.add(policy);
                }
            }
        }
        return [...found].sort((a, b) => (older(a, b) ? -1 : older(b, a) ? 1 : 0));
    }

    /** The mode of pods with these labels, and of each port their policy names. */
    workloadMode(namespace: string, labels: Labels): WorkloadMode {
        const policy = this.workloadPolicy(namespace, labels);
        const own = policy && explicit(policy.mode);
        const base: NamespaceMode = own
            ? { mode: own, decidedBy: policy, level: "workload" }
            : this.namespaceMode(namespace);
        const ports = new Map<number, EffectiveMode>();
        for (const setting of policy?.ports ?? []) {
            if (setting.port !== undefined) {
                ports.set(setting.port, portMode(setting.mode, base.mode));
            }
        }
        return { ...base, policy, ports };
    }

    /** The mode of one port of pods with these labels. */
    portMode(namespace: string, labels: Labels, port: number): EffectiveMode {
        const workload = this.workloadMode(namespace, labels);
        return workload.ports.get(port) ?? workload.mode;
    }
}

function portMode(mode: string, workload: EffectiveMode): EffectiveMode {
    switch (mode) {
        case "STRICT":
            return "STRICT";
        case "PERMISSIVE":
        case "DISABLE":
            return "PERMISSIVE";
        default:
            return workload;
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) {
        list.push(value);
    } else {
        map.set(key, [value]);
    }
}

/** `PeerAuthentication ns/name`, for messages. */
export function describePolicy(policy: PeerAuthn): string {
    return `PeerAuthentication ${policy.namespace}/${policy.name}`;
}
