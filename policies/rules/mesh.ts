// Rules on the mesh as a whole: the mesh-wide default, each enrolled namespace's effective mode
// under Istio's precedence, policies Istio ignores, ingress namespaces, and namespace labels.
import {
    DATAPLANE_MODE_LABEL,
    describePolicy,
    describeSelector,
    describeSubject,
    Finding,
    InventoryRule,
    leavesMesh,
    MeshIndex,
    NamespaceMode,
    notApplicable,
    PeerAuthn,
    SIDECAR_INJECT,
    SIDECAR_INJECTION_LABELS,
} from "../core";
import {
    annotation,
    ingressNamespacesProperty,
    permissiveNamespacesProperty,
    reasonAnnotationProperty,
    reporter,
    RootConfig,
    rootNamespaceProperty,
} from "./common";

/** Why a namespace has the mode it has, for messages. */
export function explainMode(mode: NamespaceMode, rootNamespace: string): string {
    const policy = mode.decidedBy;
    switch (mode.level) {
        case "default":
            return `no mesh-wide PeerAuthentication exists in ${rootNamespace}, so Istio's default PERMISSIVE applies`;
        case "mesh":
            return policy!.mode === mode.mode
                ? `the mesh-wide ${describePolicy(policy!)} sets ${mode.mode}`
                : `the mesh-wide ${describePolicy(policy!)} leaves the mode ${policy!.mode}, which means ${mode.mode}`;
        case "namespace":
            return `its namespace-wide ${describePolicy(policy!)} sets ${mode.mode}`;
        case "workload":
            return `${describePolicy(policy!)} sets ${mode.mode}`;
    }
}

function noMeshInput(index: MeshIndex, rootNamespace: string) {
    const model = index.mtls(rootNamespace);
    if (model.policies.length === 0 && index.ambientNamespaces().length === 0) {
        return notApplicable("the input enrolls no namespace and has no PeerAuthentication");
    }
    return undefined;
}

const defaultReport = reporter("PMX010");
export const requireStrictDefault: InventoryRule<RootConfig> = {
    code: "PMX010",
    name: "mesh-require-strict-default",
    description:
        "Checks that a mesh-wide PeerAuthentication in Istio's root namespace sets mode STRICT (an UNSET mesh-wide mode means PERMISSIVE); add one named default, without a selector, with mtls.mode STRICT.",
    enforcementLevel: "mandatory",
    config: { rootNamespace: rootNamespaceProperty },
    scope: "inventory",
    check(index, config) {
        const skip = noMeshInput(index, config.rootNamespace);
        if (skip) {
            return skip;
        }
        const mesh = index.mtls(config.rootNamespace).meshMode();
        if (mesh.mode === "STRICT") {
            return [];
        }
        if (!mesh.decidedBy) {
            return [
                defaultReport(
                    index.namespaces.get(config.rootNamespace)?.owners[0],
                    `No mesh-wide PeerAuthentication exists in the root namespace ${config.rootNamespace}, so every namespace without its own policy is PERMISSIVE; add a PeerAuthentication named default there, without a selector, with mtls.mode STRICT.`,
                ),
            ];
        }
        return [
            defaultReport(
                mesh.decidedBy.object,
                `${explainMode(mesh, config.rootNamespace).replace(/^the m/, "The m")}; set mtls.mode STRICT.`,
            ),
        ];
    },
};

interface NamespacesConfig extends RootConfig {
    permissiveNamespaces: string[];
}

const namespaceReport = reporter("PMX011");
export const requireStrictNamespaces: InventoryRule<NamespacesConfig> = {
    code: "PMX011",
    name: "mesh-require-strict-namespaces",
    description:
        "Checks that every namespace enrolled in ambient mode is effectively STRICT under Istio's precedence (workload over namespace over mesh, UNSET inherits, only the oldest policy of a scope counts); give the namespace or the mesh a STRICT policy.",
    enforcementLevel: "mandatory",
    config: {
        rootNamespace: rootNamespaceProperty,
        permissiveNamespaces: permissiveNamespacesProperty,
    },
    scope: "inventory",
    check(index, config) {
        const judged = index
            .ambientNamespaces()
            .filter(
                (ns) =>
                    ns.name !== config.rootNamespace &&
                    !config.permissiveNamespaces.includes(ns.name),
            );
        if (judged.length === 0) {
            return notApplicable("the input enrolls no namespace that must be STRICT");
        }
        const model = index.mtls(config.rootNamespace);
        const findings: Finding[] = [];
        for (const ns of judged) {
            const mode = model.namespaceMode(ns.name);
            // A namespace-wide policy that says PERMISSIVE itself is peerauthentication-restrict-permissive's finding.
            if (mode.mode === "STRICT" || mode.level === "namespace") {
                continue;
            }
            const own = model.namespacePolicy(ns.name);
            const ownText = own
                ? ` (its namespace-wide ${describePolicy(own)} leaves the mode ${own.mode})`
                : "";
            findings.push(
                namespaceReport(
                    index.enrollingObject(ns.name),
                    `Namespace ${ns.name} is enrolled in ambient mode but is effectively ${mode.mode}: ${explainMode(mode, config.rootNamespace)}${ownText}; set the mesh-wide policy to STRICT or give ${ns.name} a namespace-wide STRICT policy.`,
                ),
            );
        }
        return findings;
    },
};

function scopeText(policy: PeerAuthn): string {
    switch (policy.scope) {
        case "mesh":
            return "the mesh-wide scope";
        case "namespace":
            return `the namespace-wide scope of ${policy.namespace}`;
        default:
            return `workloads ${describeSelector(policy.selector)}`;
    }
}

const shadowReport = reporter("PMX012");
export const disallowShadowed: InventoryRule<RootConfig> = {
    code: "PMX012",
    name: "mesh-disallow-shadowed-peerauthentication",
    description:
        "Checks that no PeerAuthentication is silently ignored because an older one holds the same scope (one mesh-wide, one namespace-wide per namespace, one per workload); merge them into a single policy.",
    enforcementLevel: "mandatory",
    config: { rootNamespace: rootNamespaceProperty },
    scope: "inventory",
    check(index, config) {
        const model = index.mtls(config.rootNamespace);
        if (model.policies.length === 0) {
            return notApplicable("the input has no PeerAuthentication");
        }
        const findings = model.shadowed.map(({ policy, winner }) =>
            shadowReport(
                policy.object,
                `${describePolicy(policy)} is ignored: the older ${describePolicy(winner)} already holds ${scopeText(policy)}; merge the two into one policy.`,
            ),
        );
        const reported = new Set(model.shadowed.map((s) => s.policy));
        for (const workload of index.workloads()) {
            const [winner, ...losers] = model.workloadPoliciesFor(
                workload.namespace,
                workload.labels,
            );
            for (const policy of losers.filter((p) => !reported.has(p))) {
                findings.push(
                    shadowReport(
                        policy.object,
                        `${describePolicy(policy)} is ignored for ${describeSubject(workload.object)}: the older ${describePolicy(winner)} also selects it, and Istio applies only the oldest; select each workload with one policy.`,
                    ),
                );
            }
        }
        return findings;
    },
};

interface IngressConfig extends RootConfig {
    ingressNamespaces: string[];
}

const ingressReport = reporter("PMX013");
export const requirePermissiveIngress: InventoryRule<IngressConfig> = {
    code: "PMX013",
    name: "mesh-require-permissive-ingress",
    description:
        "Checks that enrolled ingress namespaces are not effectively STRICT, since clients outside the mesh have no SPIFFE identity and ztunnel would drop their traffic; give the namespace a namespace-wide PERMISSIVE policy with a reason.",
    enforcementLevel: "mandatory",
    config: { rootNamespace: rootNamespaceProperty, ingressNamespaces: ingressNamespacesProperty },
    scope: "inventory",
    check(index, config) {
        const judged = config.ingressNamespaces.filter((name) => index.isAmbient(name));
        if (judged.length === 0) {
            return notApplicable("the input enrolls no ingress namespace");
        }
        const model = index.mtls(config.rootNamespace);
        return judged
            .map((name) => ({ name, mode: model.namespaceMode(name) }))
            .filter(({ mode }) => mode.mode === "STRICT")
            .map(({ name, mode }) =>
                ingressReport(
                    mode.level === "namespace"
                        ? mode.decidedBy!.object
                        : index.enrollingObject(name),
                    `Ingress namespace ${name} is effectively STRICT (${explainMode(mode, config.rootNamespace)}), so ztunnel drops every client outside the mesh; give ${name} a namespace-wide PERMISSIVE policy with a reason.`,
                ),
            );
    },
};

const sidecarReport = reporter("PMX014");
export const disallowSidecarAndAmbient: InventoryRule = {
    code: "PMX014",
    name: "mesh-disallow-sidecar-and-ambient",
    description:
        "Checks that no namespace or pod is set up for both ambient mode and sidecar injection; remove the istio-injection or istio.io/rev label (or the pod's sidecar.istio.io/inject) from ambient namespaces.",
    enforcementLevel: "mandatory",
    config: {},
    scope: "inventory",
    check(index) {
        const ambient = index.ambientNamespaces();
        if (ambient.length === 0) {
            return notApplicable("the input enrolls no namespace in ambient mode");
        }
        const findings: Finding[] = [];
        for (const ns of ambient) {
            const sidecar = SIDECAR_INJECTION_LABELS.filter(
                (label) =>
                    ns.labels[label] !== undefined &&
                    !(label === "istio-injection" && ns.labels[label] === "disabled"),
            );
            if (sidecar.length > 0) {
                findings.push(
                    sidecarReport(
                        index.enrollingObject(ns.name),
                        `Namespace ${ns.name} has ${DATAPLANE_MODE_LABEL}=ambient and ${sidecar.map((l) => `${l}=${ns.labels[l]}`).join(", ")}; keep only the ambient label, or pods get a sidecar and ztunnel redirection both.`,
                    ),
                );
            }
        }
        for (const workload of index.workloads()) {
            if (!index.isAmbient(workload.namespace)) {
                continue;
            }
            const inject = workload.labels[SIDECAR_INJECT] ?? workload.annotations[SIDECAR_INJECT];
            if (inject === "true") {
                findings.push(
                    sidecarReport(
                        workload.object,
                        `${describeSubject(workload.object)} asks for a sidecar (sidecar.istio.io/inject=true) in the ambient namespace ${workload.namespace}; remove it, or opt the pods out of ambient with ${DATAPLANE_MODE_LABEL}=none.`,
                    ),
                );
            }
        }
        return findings;
    },
};

const ownerReport = reporter("PMX015");
export const requireSingleOwner: InventoryRule = {
    code: "PMX015",
    name: "namespace-require-single-owner",
    description:
        "Checks that each namespace is declared by one Namespace object, since the last of several applies strips the labels of the others (the ambient label among them); declare it once and add labels with a patch.",
    enforcementLevel: "mandatory",
    config: {},
    scope: "inventory",
    check(index) {
        const owned = [...index.namespaces.values()].filter((ns) => ns.owners.length > 0);
        if (owned.length === 0) {
            return notApplicable("the input declares no Namespace");
        }
        return owned.flatMap((ns) =>
            ns.owners
                .slice(1)
                .map((owner) =>
                    ownerReport(
                        owner,
                        `Namespace ${ns.name} is declared again by ${sourceText(owner)} after ${sourceText(ns.owners[0])}; the last apply replaces the other's labels, so declare it once and add labels with a patch.`,
                    ),
                ),
        );
    },
};

function sourceText(object: { source: { urn?: string; file?: string; line?: number } }): string {
    const { urn, file, line } = object.source;
    if (urn) {
        return urn.split("::").pop()!;
    }
    return line ? `${file}:${line}` : (file ?? "the input");
}

interface OptOutConfig {
    reasonAnnotation: string;
}

const optOutReport = reporter("PMX016");
export const disallowWorkloadOptOut: InventoryRule<OptOutConfig> = {
    code: "PMX016",
    name: "mesh-disallow-unexplained-opt-out",
    description:
        "Checks that workloads in ambient namespaces do not leave the mesh (istio.io/dataplane-mode=none or ambient.istio.io/redirection=disabled) without a reason; prefer a PERMISSIVE port exception, or add the reason annotation.",
    enforcementLevel: "advisory",
    config: { reasonAnnotation: reasonAnnotationProperty },
    scope: "inventory",
    check(index, config) {
        const judged = index.workloads().filter((w) => index.isAmbient(w.namespace));
        if (judged.length === 0) {
            return notApplicable("the input has no workload in an ambient namespace");
        }
        return judged
            .filter(
                (w) =>
                    leavesMesh(w) &&
                    !annotation(w.object, config.reasonAnnotation) &&
                    !w.annotations[config.reasonAnnotation],
            )
            .map((w) =>
                optOutReport(
                    w.object,
                    `${describeSubject(w.object)} takes its pods out of the ambient mesh in ${w.namespace} without a reason; prefer a workload-selected PERMISSIVE port exception, or add the annotation ${config.reasonAnnotation} saying why.`,
                ),
            );
    },
};

export const meshRules = [
    requireStrictDefault,
    requireStrictNamespaces,
    disallowShadowed,
    requirePermissiveIngress,
    disallowSidecarAndAmbient,
    requireSingleOwner,
    disallowWorkloadOptOut,
];
