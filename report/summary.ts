// The `mesh` stack output: the policy core's mTLS view of the program's own PeerAuthentications,
// as plain data, one entry per namespace with its effective mode, the policy that decided it, and
// its exceptions with their clients and reasons.
import { decidingPolicy, EffectiveMode, MtlsView } from "../policies/core";

/** One exception in the `mesh` stack output. */
export interface ExceptionSummary {
    name: string;
    selector: Record<string, string>;
    ports: { port: number; mode: EffectiveMode; client?: string }[];
    reason: string;
}

/** One namespace in the `mesh` stack output: a row of the mesh configuration table. */
export interface NamespaceSummary {
    name: string;
    /** True when the program creates the namespace; false when it only labels it. */
    created: boolean;
    mode: EffectiveMode;
    /** The policy (`namespace/name`) that decided the namespace's mode. */
    policy?: string;
    client?: string;
    reason?: string;
    exceptions: ExceptionSummary[];
}

export interface MeshSummary {
    rootNamespace: string;
    /** The mesh-wide default every enrolled namespace inherits unless its policies say otherwise. */
    mode: EffectiveMode;
    namespaces: NamespaceSummary[];
}

/** The view as the `mesh` output; `created` names the namespaces the program creates. */
export function meshSummary(view: MtlsView, created: ReadonlySet<string>): MeshSummary {
    return {
        rootNamespace: view.rootNamespace,
        mode: view.mesh.mode,
        namespaces: view.namespaces.map((ns) => {
            const policy = decidingPolicy(ns.decision);
            return {
                name: ns.name,
                created: created.has(ns.name),
                mode: ns.decision.mode,
                ...(policy && { policy: `${policy.namespace}/${policy.name}` }),
                ...(ns.client !== undefined && { client: ns.client }),
                ...(ns.reason !== undefined && { reason: ns.reason }),
                exceptions: ns.exceptions.map((exception) => ({
                    name: exception.policy.name,
                    selector: { ...exception.policy.selector },
                    ports: exception.ports.map(({ port, mode, client }) => ({
                        port,
                        mode,
                        ...(client !== undefined && { client }),
                    })),
                    reason: exception.reason ?? "",
                })),
            };
        }),
    };
}
