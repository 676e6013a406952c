// Rules on the mesh as a whole: the mesh-wide default, each enrolled namespace's effective mode
// under Istio's precedence, policies Istio ignores, ingress namespaces, and namespace labels.
import {
    AMBIENT,
    describePolicy,
    describeSelector,
    DATAPLANE_MODE_LABEL,
    DEFAULT_ROOT_NAMESPACE,
    describeSubject,
    explainDecision,
    Finding,
    finding,
    inventoryRule,
    Labels,
    leavesMesh,
    MeshIndex,
    meshPolicyEffect,
    NamespaceInfo,
    PeerAuthn,
    SIDECAR_INJECT,
    SIDECAR_INJECTION_LABELS,
    Workload,
} from "../core";
import { catalogue } from "../catalogue";
import {
    annotation,
    ingressNamespacesProperty,
    permissiveNamespacesProperty,
    reasonAnnotationProperty,
} from "./common";

const PEER_AUTHENTICATION = "security.istio.io/PeerAuthentication";
const NAMESPACE = "core/Namespace";

const PMX010 = catalogue.PMX010;
export const requireStrictDefault = inventoryRule({
    entry: PMX010,
    config: {},
    inputs: { kinds: [PEER_AUTHENTICATION, NAMESPACE] },
    judges: {
        what: "PeerAuthentication and no namespace enrolled in ambient mode",
        // The mesh as a whole is judged once, when it has anything of a mesh.
        select: (index) =>
            index.mtls().policies.length > 0 || index.ambientNamespaces().length > 0
                ? [index.mtls()]
                : [],
    },
    check([model], index) {
        const mesh = model.meshMode();
        if (mesh.mode === "STRICT") {
            return [];
        }
        const root = index.rootNamespace;
        if (!mesh.decidedBy) {
            return [finding(PMX010, index.namespace(root)?.owners[0], "missing", { root })];
        }
        return [
            finding(PMX010, mesh.decidedBy.object, "notStrict", {
                policy: describePolicy(mesh.decidedBy),
                decision: meshPolicyEffect(mesh),
            }),
        ];
    },
});

interface NamespacesConfig {
    permissiveNamespaces: string[];
}

const PMX011 = catalogue.PMX011;
export const requireStrictNamespaces = inventoryRule<NamespacesConfig, NamespaceInfo>({
    entry: PMX011,
    config: { permissiveNamespaces: permissiveNamespacesProperty },
    inputs: { kinds: [PEER_AUTHENTICATION, NAMESPACE] },
    judges: {
        what: "namespace enrolled in ambient mode that must be STRICT",
        select: (index, config) =>
            index
                .ambientNamespaces()
                .filter(
                    (ns) =>
                        ns.name !== index.rootNamespace &&
                        !config.permissiveNamespaces.includes(ns.name),
                ),
    },
    check(namespaces, index) {
        const model = index.mtls();
        const findings: Finding[] = [];
        for (const ns of namespaces) {
            const mode = model.namespaceMode(ns.name);
            // A namespace-wide policy that says PERMISSIVE itself is peerauthentication-restrict-permissive's finding.
            if (mode.mode === "STRICT" || mode.level === "namespace") {
                continue;
            }
            const own = model.namespacePolicy(ns.name);
            findings.push(
                finding(PMX011, index.enrollingObject(ns.name), "notStrict", {
                    namespace: ns.name,
                    mode: mode.mode,
                    why: explainDecision(mode, index.rootNamespace),
                    own: own
                        ? ` (its namespace-wide ${describePolicy(own)} leaves the mode ${own.mode})`
                        : "",
                    root: index.rootNamespace,
                }),
            );
        }
        return findings;
    },
});

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

const PMX012 = catalogue.PMX012;
export const disallowShadowed = inventoryRule({
    entry: PMX012,
    config: {},
    inputs: { kinds: [PEER_AUTHENTICATION], workloads: true },
    judges: { what: "PeerAuthentication", select: (index) => index.mtls().policies },
    check(_policies, index) {
        const model = index.mtls();
        const findings = model.shadowed.map(({ policy, winner }) =>
            finding(PMX012, policy.object, "scope", {
                policy: describePolicy(policy),
                winner: describePolicy(winner),
                scope: scopeText(policy),
            }),
        );
        const reported = new Set(model.shadowed.map((s) => s.policy));
        for (const workload of index.workloads()) {
            const [winner, ...losers] = model.workloadPoliciesFor(
                workload.namespace,
                workload.labels,
            );
            for (const policy of losers.filter((p) => !reported.has(p))) {
                findings.push(
                    finding(PMX012, policy.object, "workload", {
                        policy: describePolicy(policy),
                        workload: describeSubject(workload.object),
                        winner: describePolicy(winner),
                    }),
                );
            }
        }
        return findings;
    },
});

interface IngressConfig {
    ingressNamespaces: string[];
}

const PMX013 = catalogue.PMX013;
export const requirePermissiveIngress = inventoryRule<IngressConfig, string>({
    entry: PMX013,
    config: { ingressNamespaces: ingressNamespacesProperty },
    inputs: { kinds: [PEER_AUTHENTICATION, NAMESPACE] },
    judges: {
        what: "ingress namespace enrolled in ambient mode",
        select: (index, config) => config.ingressNamespaces.filter((name) => index.isAmbient(name)),
    },
    check(namespaces, index) {
        const model = index.mtls();
        return namespaces
            .map((name) => ({ name, mode: model.namespaceMode(name) }))
            .filter(({ mode }) => mode.mode === "STRICT")
            .map(({ name, mode }) =>
                finding(
                    PMX013,
                    mode.level === "namespace"
                        ? mode.decidedBy!.object
                        : index.enrollingObject(name),
                    "strict",
                    { namespace: name, why: explainDecision(mode, index.rootNamespace) },
                ),
            );
    },
});

/**
 * The injection labels of a namespace as istioctl counts them (pkg/config/analysis/analyzers/
 * injection/injection.go): istio-injection with any value; istio.io/rev and
 * istio.io/dataplane-mode with any value, unless istio-injection is there and not `enabled`.
 */
function injectionLabels(labels: Labels): string[] {
    const injection = labels[SIDECAR_INJECTION_LABELS[0]];
    const found = injection === undefined ? [] : [`${SIDECAR_INJECTION_LABELS[0]}=${injection}`];
    for (const key of [SIDECAR_INJECTION_LABELS[1], DATAPLANE_MODE_LABEL]) {
        if (labels[key] !== undefined && (injection === undefined || injection === "enabled")) {
            found.push(`${key}=${labels[key]}`);
        }
    }
    return found;
}

/** Namespaces with more than one injection label, and whether ambient mode is one of them. */
function multiplyLabelled(index: MeshIndex, ambient: boolean): NamespaceInfo[] {
    return index.allNamespaces().filter(
        (ns) =>
            // istioctl skips the namespace named istio-system, whatever the root namespace.
            ns.name !== DEFAULT_ROOT_NAMESPACE &&
            injectionLabels(ns.labels).length > 1 &&
            (ns.labels[DATAPLANE_MODE_LABEL] === AMBIENT) === ambient,
    );
}

const PMX014 = catalogue.PMX014;
export const disallowSidecarAndAmbient = inventoryRule({
    entry: PMX014,
    config: {},
    inputs: { kinds: [NAMESPACE], workloads: true },
    judges: {
        what: "namespace enrolled in ambient mode",
        select: (index) => index.ambientNamespaces(),
    },
    check(_ambient, index) {
        const findings: Finding[] = multiplyLabelled(index, true).map((ns) =>
            finding(PMX014, index.enrollingObject(ns.name), "namespace", {
                namespace: ns.name,
                labels: injectionLabels(ns.labels)
                    .filter((label) => !label.startsWith(`${DATAPLANE_MODE_LABEL}=`))
                    .join(", "),
            }),
        );
        for (const workload of index.workloads()) {
            if (!index.isAmbient(workload.namespace)) {
                continue;
            }
            const inject = workload.labels[SIDECAR_INJECT] ?? workload.annotations[SIDECAR_INJECT];
            if (inject === "true") {
                findings.push(
                    finding(PMX014, workload.object, "pod", {
                        workload: describeSubject(workload.object),
                        namespace: workload.namespace,
                    }),
                );
            }
        }
        return findings;
    },
});

const PMX019 = catalogue.PMX019;
export const requireSingleInjectionLabel = inventoryRule({
    entry: PMX019,
    config: {},
    inputs: { kinds: [NAMESPACE] },
    judges: { what: "Namespace", select: (index) => index.allNamespaces() },
    check(_namespaces, index) {
        return multiplyLabelled(index, false).map((ns) =>
            finding(PMX019, ns.owners[0] ?? ns.patches[0], "labels", {
                namespace: ns.name,
                labels: injectionLabels(ns.labels).join(", "),
            }),
        );
    },
});

function sourceText(object: { source: { urn?: string; file?: string; line?: number } }): string {
    const { urn, file, line } = object.source;
    if (urn) {
        return urn.split("::").pop()!;
    }
    return line ? `${file}:${line}` : (file ?? "the input");
}

const PMX015 = catalogue.PMX015;
export const requireSingleOwner = inventoryRule({
    entry: PMX015,
    config: {},
    inputs: { kinds: [NAMESPACE] },
    judges: {
        what: "Namespace",
        select: (index) => index.allNamespaces().filter((ns) => ns.owners.length > 0),
    },
    check(owned) {
        return owned.flatMap((ns) =>
            ns.owners.slice(1).map((owner) =>
                finding(PMX015, owner, "again", {
                    namespace: ns.name,
                    again: sourceText(owner),
                    first: sourceText(ns.owners[0]),
                }),
            ),
        );
    },
});

interface OptOutConfig {
    reasonAnnotation: string;
}

const PMX016 = catalogue.PMX016;
export const disallowWorkloadOptOut = inventoryRule<OptOutConfig, Workload>({
    entry: PMX016,
    config: { reasonAnnotation: reasonAnnotationProperty },
    inputs: { kinds: [NAMESPACE], workloads: true },
    judges: {
        what: "workload in an ambient namespace",
        select: (index) => index.workloads().filter((w) => index.isAmbient(w.namespace)),
    },
    check(workloads, _index, config) {
        return workloads
            .filter(
                (w) =>
                    leavesMesh(w) &&
                    !annotation(w.object, config.reasonAnnotation) &&
                    !w.annotations[config.reasonAnnotation],
            )
            .map((w) =>
                finding(PMX016, w.object, "optOut", {
                    workload: describeSubject(w.object),
                    namespace: w.namespace,
                    annotation: config.reasonAnnotation,
                }),
            );
    },
});

export const meshRules = [
    requireStrictDefault,
    requireStrictNamespaces,
    disallowShadowed,
    requirePermissiveIngress,
    disallowSidecarAndAmbient,
    requireSingleOwner,
    disallowWorkloadOptOut,
    requireSingleInjectionLabel,
];
