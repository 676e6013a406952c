// The mesh's effective mTLS, computed once from PeerAuthentications, whatever their source (the
// program's own policies, a plan, YAML): each namespace's mode and the policy that decided it,
// each exception's ports as Istio applies them, with the reason and the client outside the mesh
// that the policies' annotations name, and the policies Istio ignores. The `mesh` stack output,
// mesh-report and the rules' explanations all read this view; none computes modes on its own.
import {
    MESH_CLIENTS,
    MTLS_CLIENT_ANNOTATION,
    MTLS_REASON_ANNOTATION,
    readClientAnnotation,
} from "./conventions";
import { KubeObject } from "./model";
import { describePolicy, EffectiveMode, MtlsModel, NamespaceMode, PeerAuthn } from "./mtls";

/** Which policy decided a mode (or that Istio's default did). */
export type Decision = NamespaceMode;

/** One port of an exception and the mode Istio gives it. */
export interface PortView {
    readonly port: number;
    readonly mode: EffectiveMode;
    /** Who calls it from outside the mesh, when the policy says. */
    readonly client?: string;
}

/** A workload-selected PeerAuthentication, as Istio applies it. */
export interface ExceptionView {
    readonly policy: PeerAuthn;
    /** The selected workloads' mode on every port the policy does not list. */
    readonly mode: EffectiveMode;
    readonly ports: readonly PortView[];
    readonly reason?: string;
    /** The older workload policy Istio applies to the selected pods instead, when there is one. */
    readonly shadowedBy?: PeerAuthn;
}

/** One namespace of the mesh. */
export interface NamespaceView {
    readonly name: string;
    readonly decision: Decision;
    /** Who calls a PERMISSIVE namespace from outside the mesh, when its policy says. */
    readonly client?: string;
    /** Why a PERMISSIVE namespace is PERMISSIVE, when its policy says. */
    readonly reason?: string;
    readonly exceptions: readonly ExceptionView[];
}

/** Why Istio ignores a policy (or a part of it). */
export type IgnoredBecause = "root-selector" | "port-level-without-selector" | "shadowed";

export interface IgnoredPolicy {
    readonly policy: PeerAuthn;
    readonly because: IgnoredBecause;
    /** The older policy that holds the same scope, for `shadowed`. */
    readonly winner?: PeerAuthn;
}

export interface MtlsView {
    readonly rootNamespace: string;
    readonly mesh: Decision;
    readonly namespaces: readonly NamespaceView[];
    readonly ignored: readonly IgnoredPolicy[];
}

/** The annotations that carry reasons and clients; the project's conventions unless given. */
export interface ViewAnnotations {
    readonly reason?: string;
    readonly client?: string;
}

/** The effective mTLS of the namespaces named (in that order), under Istio's precedence. */
export function mtlsView(
    model: MtlsModel,
    namespaces: readonly string[],
    annotations: ViewAnnotations = {},
): MtlsView {
    const reasonKey = annotations.reason ?? MTLS_REASON_ANNOTATION;
    const clientKey = annotations.client ?? MTLS_CLIENT_ANNOTATION;
    // The annotation, or else (in YAML) the comment block above the policy.
    const reasonOf = (policy: PeerAuthn | undefined) =>
        policy?.object.metadata.annotations?.[reasonKey]?.trim() ||
        policy?.object.source.comment ||
        undefined;
    const clientsOf = (policy: PeerAuthn | undefined) =>
        readClientAnnotation(policy?.object.metadata.annotations?.[clientKey]);
    return {
        rootNamespace: model.rootNamespace,
        mesh: model.meshMode(),
        namespaces: namespaces.map((name): NamespaceView => {
            const decision = model.namespaceMode(name);
            // Only a namespace-wide PERMISSIVE policy speaks for the namespace's outside clients.
            const own =
                decision.mode === "PERMISSIVE" && decision.level === "namespace"
                    ? decision.decidedBy
                    : undefined;
            const client = clientsOf(own).all;
            const reason = reasonOf(own);
            return {
                name,
                decision,
                ...(client !== undefined && { client }),
                ...(reason !== undefined && { reason }),
                exceptions: model
                    .workloadPoliciesIn(name)
                    .map((policy) => exceptionView(model, policy, reasonOf(policy), clientsOf)),
            };
        }),
        ignored: ignoredPolicies(model),
    };
}

function exceptionView(
    model: MtlsModel,
    policy: PeerAuthn,
    reason: string | undefined,
    clientsOf: (policy: PeerAuthn) => ReturnType<typeof readClientAnnotation>,
): ExceptionView {
    // The pods the policy selects carry at least its selector's labels; Istio gives them the
    // oldest policy that selects them.
    const applied = model.workloadMode(policy.namespace, policy.selector);
    const clients = clientsOf(policy);
    const ports = (policy.ports ?? []).flatMap((setting): PortView[] => {
        if (setting.port === undefined) {
            return [];
        }
        const client = clients.ports.get(setting.port) ?? clients.all;
        const mode = applied.ports.get(setting.port) ?? applied.mode;
        return [{ port: setting.port, mode, ...(client !== undefined && { client }) }];
    });
    return {
        policy,
        mode: applied.mode,
        ports,
        ...(reason !== undefined && { reason }),
        ...(applied.policy !== policy && { shadowedBy: applied.policy }),
    };
}

function ignoredPolicies(model: MtlsModel): IgnoredPolicy[] {
    const ignored: IgnoredPolicy[] = [];
    for (const policy of model.policies) {
        if (policy.scope === "ignored-root-selector") {
            ignored.push({ policy, because: "root-selector" });
        } else if (policy.scope !== "workload" && (policy.ports?.length ?? 0) > 0) {
            ignored.push({ policy, because: "port-level-without-selector" });
        }
    }
    for (const { policy, winner } of model.shadowed) {
        ignored.push({ policy, because: "shadowed", winner });
    }
    return ignored;
}

/** Whether a policy's own mode gives the decision's (DISABLE gives PERMISSIVE, UNSET nothing). */
function setsMode(policy: PeerAuthn, mode: EffectiveMode): boolean {
    return policy.mode === mode || (policy.mode === "DISABLE" && mode === "PERMISSIVE");
}

/** The policy that set a decision's mode itself, if one did (an UNSET mesh policy did not). */
export function decidingPolicy(decision: Decision): PeerAuthn | undefined {
    const policy = decision.decidedBy;
    return policy && setsMode(policy, decision.mode) ? policy : undefined;
}

/** What a policy does to the mode: `sets STRICT`, `sets DISABLE, which ztunnel takes as …`. */
function effectOf(policy: PeerAuthn, mode: EffectiveMode): string {
    if (policy.mode === mode) {
        return `sets ${mode}`;
    }
    return policy.mode === "DISABLE"
        ? `sets DISABLE, which ztunnel treats as ${mode}`
        : `leaves the mode ${policy.mode}, which means ${mode}`;
}

/** What a mesh-wide policy does to the mode: `sets STRICT`, or leaves it to Istio's default. */
export function meshPolicyEffect(decision: Decision): string {
    return effectOf(decision.decidedBy!, decision.mode);
}

/** Why a namespace (or workload) has its mode, as a clause for messages. */
export function explainDecision(decision: Decision, rootNamespace: string): string {
    const policy = decision.decidedBy;
    switch (decision.level) {
        case "default":
            return `no mesh-wide PeerAuthentication exists in ${rootNamespace}, so Istio's default PERMISSIVE applies`;
        case "mesh":
            return `the mesh-wide ${describePolicy(policy!)} ${meshPolicyEffect(decision)}`;
        case "namespace":
            return `its namespace-wide ${describePolicy(policy!)} ${effectOf(policy!, decision.mode)}`;
        case "workload":
            return `${describePolicy(policy!)} ${effectOf(policy!, decision.mode)}`;
    }
}

/** A client's description (`Prometheus scraping metrics`), or the name as given. */
export function describeClient(client: string): string {
    return MESH_CLIENTS[client as keyof typeof MESH_CLIENTS] ?? client;
}

/** A PeerAuthentication written as a plain object (the program's own), in the core's model. */
export function peerAuthenticationObject(policy: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: {
        readonly name: string;
        readonly namespace: string;
        readonly annotations?: Readonly<Record<string, string>>;
    };
    readonly spec: Readonly<Record<string, unknown>>;
}): KubeObject {
    return {
        category: "kubernetes",
        apiVersion: policy.apiVersion,
        kind: policy.kind,
        metadata: policy.metadata,
        body: policy,
        source: {},
        patch: false,
    };
}
