// The mesh report's model: the policy core's mTLS view (policies/core/mtlsView.ts) put into the
// words of a table, one row per namespace and exception. Nothing here computes a mode: what
// Istio applies, who decided it and what Istio ignores all come from the view.
import {
    Decision,
    EffectiveMode,
    ExceptionView,
    IgnoredPolicy,
    Inventory,
    Labels,
    MeshIndex,
    MtlsView,
    mtlsView,
} from "../policies/core";

/** One port of an exception and the mode Istio gives it. */
export interface ReportPort {
    readonly port: number;
    readonly mode: EffectiveMode;
    /** Who calls it from outside the mesh, when the policy says. */
    readonly client?: string;
}

/** A workload-selected PeerAuthentication, as Istio applies it. */
export interface ReportException {
    readonly name: string;
    readonly selector: Labels;
    /** The selected workloads' mode on every port not listed. */
    readonly mode: EffectiveMode;
    readonly ports: readonly ReportPort[];
    readonly reason?: string;
    /** Why Istio ignores the policy, when it does. */
    readonly ignored?: string;
}

/** One enrolled namespace: a row of the table and a box of the diagram. */
export interface ReportNamespace {
    readonly name: string;
    readonly mode: EffectiveMode;
    /** Which policy decided the mode, in words. */
    readonly decidedBy: string;
    /** Who calls a PERMISSIVE namespace from outside the mesh, when its policy says. */
    readonly client?: string;
    readonly reason?: string;
    readonly exceptions: ReportException[];
}

export interface MeshReport {
    readonly rootNamespace: string;
    readonly mesh: { readonly mode: EffectiveMode; readonly decidedBy: string };
    readonly namespaces: ReportNamespace[];
    /** Policies Istio ignores, with why. */
    readonly ignored: string[];
}

export interface ReportOptions {
    /** The annotation that carries a PERMISSIVE exception's reason; the project's default. */
    readonly reasonAnnotation?: string;
}

/** The report of every namespace an input enrolls in ambient mode, in input order. */
export function meshReport(inventory: Inventory, options: ReportOptions = {}): MeshReport {
    const index = new MeshIndex(inventory);
    const namespaces = index
        .ambientNamespaces()
        .map((ns) => ns.name)
        .filter((name) => name !== index.rootNamespace);
    return reportOf(mtlsView(index.mtls(), namespaces, { reason: options.reasonAnnotation }));
}

/** The view in the words of the report. */
export function reportOf(view: MtlsView): MeshReport {
    const root = view.rootNamespace;
    return {
        rootNamespace: root,
        mesh: { mode: view.mesh.mode, decidedBy: decisionText(view.mesh, root) },
        namespaces: view.namespaces.map((ns) => ({
            name: ns.name,
            mode: ns.decision.mode,
            decidedBy: decisionText(ns.decision, root),
            ...(ns.client !== undefined && { client: ns.client }),
            ...(ns.reason !== undefined && { reason: ns.reason }),
            exceptions: ns.exceptions.map(exceptionOf),
        })),
        ignored: view.ignored.map((ignored) => ignoredText(ignored, root)),
    };
}

/** Who decided a mode, as a table cell. */
function decisionText(decision: Decision, rootNamespace: string): string {
    const policy = decision.decidedBy;
    switch (decision.level) {
        case "default":
            return `Istio's default: no mesh-wide policy in ${rootNamespace}`;
        case "mesh":
            return `mesh-wide \`${policy!.namespace}/${policy!.name}\``;
        case "namespace":
            return `namespace-wide \`${policy!.name}\``;
        case "workload":
            return `workload \`${policy!.name}\``;
    }
}

function exceptionOf(exception: ExceptionView): ReportException {
    return {
        name: exception.policy.name,
        selector: exception.policy.selector,
        mode: exception.mode,
        ports: exception.ports,
        ...(exception.reason !== undefined && { reason: exception.reason }),
        ...(exception.shadowedBy && {
            ignored: `Istio applies the older ${exception.shadowedBy.name} to the pods it selects`,
        }),
    };
}

function ignoredText({ policy, because, winner }: IgnoredPolicy, rootNamespace: string): string {
    const name = `${policy.namespace}/${policy.name}`;
    switch (because) {
        case "root-selector":
            return `${name}: Istio ignores workload selectors in the root namespace ${rootNamespace}.`;
        case "port-level-without-selector":
            return `${name}: its portLevelMtls is ignored, since it selects no workload (Istio rejects it).`;
        case "shadowed":
            return `${name}: the older ${winner!.namespace}/${winner!.name} holds the same scope.`;
    }
}
