// Rules on AuthorizationPolicies in ambient mode and on the waypoints L7 policies need.
import {
    describeSubject,
    explainDecision,
    Finding,
    finding,
    inventoryRule,
    isRecord,
    ISTIO_PORTS,
    listOf,
    describePolicy,
    KubeObject,
    Labels,
    MeshIndex,
    namespaceOf,
    overlaps,
    stringMap,
    Subject,
    subjectRule,
    USE_WAYPOINT_LABEL,
    USE_WAYPOINT_NAMESPACE_LABEL,
    WAYPOINT_CLASS,
    WAYPOINT_FOR_LABEL,
    WAYPOINT_FOR_VALUES,
} from "../core";
import { catalogue } from "../catalogue";
import { ingressNamespacesProperty, isObjectOf, listText, portsText } from "./common";
import { WebhookCall, webhookCalls } from "./outsideClients";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rule = { from?: any[]; to?: any[]; when?: any[] };

function rulesOf(policy: KubeObject): Rule[] {
    const rules = policy.body.spec?.rules;
    // A rule or a field of the wrong shape (null, a string, `from:` as a map) is Istio's
    // validation's to refuse (PMX075); here it has no entries.
    return (Array.isArray(rules) ? rules.filter(isRecord) : []).map((rule) => ({
        from: listOf(rule.from),
        to: listOf(rule.to),
        when: listOf(rule.when),
    }));
}

function nonEmpty(value: unknown): boolean {
    return Array.isArray(value) && value.length > 0;
}

const IDENTITY_FIELDS = ["principals", "namespaces", "serviceAccounts"];
const NEGATED_IDENTITY_FIELDS = ["notPrincipals", "notNamespaces", "notServiceAccounts"];
const IDENTITY_KEYS = ["source.principal", "source.namespace"];

// How ztunnel matches a peer without an identity (a plaintext client: PERMISSIVE or DISABLE), in
// istio/ztunnel src/rbac.rs, Authorization::matches: a positive principal, namespace or service
// account match never matches it; a negated one always does (it is in no list).

/** Whether a source entry (or `when` condition) asks for a peer identity, or negates one. */
function identityMatch(rule: Rule, negated: boolean): boolean {
    const fields = negated ? NEGATED_IDENTITY_FIELDS : IDENTITY_FIELDS;
    return (
        (rule.from ?? []).some((f) => fields.some((k) => nonEmpty(f?.source?.[k]))) ||
        (rule.when ?? []).some(
            (w) => IDENTITY_KEYS.includes(w?.key) && nonEmpty(negated ? w?.notValues : w?.values),
        )
    );
}

/** Whether a rule matches on the peer's mTLS identity at all. */
function usesIdentity(rule: Rule): boolean {
    return identityMatch(rule, false) || identityMatch(rule, true);
}

/** Whether no peer without an identity can match the rule. */
function requiresIdentity(rule: Rule): boolean {
    const from = rule.from ?? [];
    const everySource =
        from.length > 0 && from.every((f) => IDENTITY_FIELDS.some((k) => nonEmpty(f?.source?.[k])));
    const whenAsks = (rule.when ?? []).some(
        (w) => IDENTITY_KEYS.includes(w?.key) && nonEmpty(w?.values),
    );
    return everySource || whenAsks;
}

/** Whether a peer without an identity matches the rule through a negated identity match. */
function negationCatchesPlaintext(rule: Rule): boolean {
    return identityMatch(rule, true) && !identityMatch(rule, false);
}

/** The action of a policy, ALLOW when unset. */
function actionOf(policy: KubeObject): string {
    const action = policy.body.spec?.action;
    return typeof action === "string" ? action : "ALLOW";
}

const L7_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"];
const L7_SOURCE_FIELDS = [
    "requestPrincipals",
    "notRequestPrincipals",
    "remoteIpBlocks",
    "notRemoteIpBlocks",
];

/** The HTTP attributes a rule uses, which only a waypoint can enforce. */
function l7Attributes(rule: Rule): string[] {
    const found = new Set<string>();
    for (const to of rule.to ?? []) {
        L7_OPERATION_FIELDS.filter((k) => nonEmpty(to?.operation?.[k])).forEach((k) =>
            found.add(k),
        );
    }
    for (const from of rule.from ?? []) {
        L7_SOURCE_FIELDS.filter((k) => nonEmpty(from?.source?.[k])).forEach((k) => found.add(k));
    }
    for (const when of rule.when ?? []) {
        if (
            typeof when?.key === "string" &&
            /^(request\.|remote\.ip|experimental\.)/.test(when.key)
        ) {
            found.add(when.key);
        }
    }
    return [...found];
}

/** Ports a rule is limited to, or undefined when it covers every port. */
function rulePorts(rule: Rule): number[] | undefined {
    const ports: number[] = [];
    for (const to of rule.to ?? []) {
        const list = to?.operation?.ports;
        if (!nonEmpty(list)) {
            return undefined;
        }
        ports.push(...list.map(Number));
    }
    return rule.to && rule.to.length > 0 ? ports : undefined;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function authorizationPolicies(index: MeshIndex): KubeObject[] {
    return index.ofKind("AuthorizationPolicy", ["security.istio.io"]);
}

function targetRefs(policy: KubeObject): { kind?: string; name?: string; group?: string }[] {
    const spec = policy.body.spec ?? {};
    // Refs of the wrong shape are validation's to refuse (PMX075); they name no target here.
    return [...listOf(spec.targetRefs), spec.targetRef].filter(isRecord) as {
        kind?: string;
        name?: string;
        group?: string;
    }[];
}

const AUTHORIZATION_POLICY = "security.istio.io/AuthorizationPolicy";

/** The rules of a policy that plaintext peers get around: a DENY's positive identity matches, an ALLOW's negated ones. */
function bypassableRules(policy: KubeObject): Rule[] {
    const action = actionOf(policy);
    return rulesOf(policy).filter((rule) =>
        action === "DENY"
            ? identityMatch(rule, false)
            : action === "ALLOW" && negationCatchesPlaintext(rule),
    );
}

const PMX070 = catalogue.PMX070;
export const requireStrictTarget = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX070,
    config: {},
    inputs: {
        kinds: [AUTHORIZATION_POLICY, "security.istio.io/PeerAuthentication", "core/Namespace"],
    },
    judges: {
        what: "identity-matching AuthorizationPolicy in the mesh",
        select: (index) =>
            authorizationPolicies(index).filter((p) => {
                const namespace = namespaceOf(p);
                return (
                    targetRefs(p).length === 0 &&
                    rulesOf(p).some(usesIdentity) &&
                    (namespace === index.rootNamespace || index.isAmbient(namespace))
                );
            }),
    },
    check(judged, index) {
        const model = index.mtls();
        const findings: Finding[] = [];
        for (const policy of judged) {
            // An ALLOW that asks for identities, or a DENY that negates them, fails closed for
            // plaintext peers: only PMX079's concern, where clients outside the mesh call.
            const rules = bypassableRules(policy);
            if (rules.length === 0) {
                continue;
            }
            const namespace = namespaceOf(policy);
            const selector = stringMap(policy.body.spec?.selector?.matchLabels);
            const ports = rules.map(rulePorts);
            const allPorts = ports.some((p) => p === undefined);
            const mode =
                namespace === index.rootNamespace
                    ? model.meshMode()
                    : model.workloadMode(namespace, selector);
            const problems: string[] = [];
            if (mode.mode !== "STRICT") {
                problems.push(
                    `its target is effectively ${mode.mode} (${explainDecision(mode, index.rootNamespace)})`,
                );
            }
            const open = plaintextPorts(
                index,
                namespace,
                selector,
                (port) => allPorts || ports.some((p) => p?.includes(port)),
            );
            if (open.length > 0) {
                problems.push(
                    `${portsText(open)} of the selected workloads ${open.length === 1 ? "accepts" : "accept"} plaintext`,
                );
            }
            if (problems.length > 0) {
                findings.push(
                    finding(PMX070, policy, actionOf(policy) === "DENY" ? "deny" : "allow", {
                        policy: describeSubject(policy),
                        problems: listText(problems),
                    }),
                );
            }
        }
        return findings;
    },
});

/** Ports that workload policies selecting (some of) the pods open to plaintext, sorted. */
function plaintextPorts(
    index: MeshIndex,
    namespace: string,
    selector: Labels,
    relevant: (port: number) => boolean,
): number[] {
    const open = new Set<number>();
    for (const workload of index.mtls().workloadPoliciesIn(namespace)) {
        if (!overlaps(workload.selector, selector)) {
            continue;
        }
        for (const setting of workload.ports ?? []) {
            if (
                setting.port !== undefined &&
                relevant(setting.port) &&
                setting.mode !== "STRICT" &&
                setting.mode !== "UNSET"
            ) {
                open.add(setting.port);
            }
        }
    }
    return [...open].sort((a, b) => a - b);
}

function isWaypoint(gateway: KubeObject): boolean {
    return gateway.body.spec?.gatewayClassName === WAYPOINT_CLASS;
}

const PMX071 = catalogue.PMX071;
export const requireWaypointForL7 = inventoryRule({
    entry: PMX071,
    config: {},
    inputs: {
        kinds: [
            AUTHORIZATION_POLICY,
            "gateway.networking.k8s.io/Gateway",
            "core/Service",
            "core/Namespace",
        ],
    },
    judges: {
        what: "L7 AuthorizationPolicy in an ambient namespace",
        select: (index) =>
            authorizationPolicies(index)
                .map((policy) => ({
                    policy,
                    attributes: [...new Set(rulesOf(policy).flatMap(l7Attributes))],
                }))
                .filter(
                    ({ policy, attributes }) =>
                        attributes.length > 0 && index.isAmbient(namespaceOf(policy)),
                ),
    },
    check(judged, index) {
        const gateways = index.ofKind("Gateway", ["gateway.networking.k8s.io"]);
        const key = (g: KubeObject) => `${namespaceOf(g)}/${g.metadata.name}`;
        const waypoints = new Set(gateways.filter(isWaypoint).map(key));
        const others = new Set(gateways.filter((g) => !isWaypoint(g)).map(key));
        const findings: Finding[] = [];
        for (const { policy, attributes } of judged) {
            const namespace = namespaceOf(policy);
            const name = describeSubject(policy);
            const refs = targetRefs(policy);
            if (refs.length === 0) {
                findings.push(selectorFinding(policy, name, attributes));
                continue;
            }
            for (const ref of refs) {
                // An ingress Gateway enforces a policy bound to it itself, with its HTTP rules
                // (pilot/pkg/model/policyattachment.go, ShouldAttachPolicy: kind Gateway attaches
                // to any Gateway-API proxy of that name); only waypoints serve other targets.
                if (ref.kind === "Gateway" && others.has(`${namespace}/${ref.name}`)) {
                    continue;
                }
                const waypoint = refWaypoint(index, namespace, ref);
                if (waypoint === undefined || !waypoints.has(waypoint)) {
                    findings.push(
                        finding(PMX071, policy, "noWaypoint", {
                            policy: name,
                            kind: String(ref.kind),
                            name: String(ref.name),
                            problem: waypoint
                                ? `its waypoint ${waypoint} is not deployed`
                                : "no waypoint serves it",
                        }),
                    );
                }
            }
        }
        return findings;
    },
});

/**
 * What ztunnel does with a workload-selected policy that uses HTTP attributes
 * (pilot/pkg/serviceregistry/ambient/authorization.go, handleRule; ztunnel src/rbac.rs): an ALLOW
 * loses each rule that uses them, a DENY keeps its rules without them, and CUSTOM or AUDIT
 * policies are not sent at all.
 */
function selectorFinding(policy: KubeObject, name: string, attributes: string[]): Finding {
    const action = actionOf(policy);
    const args = { policy: name, attributes: listText(attributes) };
    switch (action) {
        case "ALLOW":
            return finding(PMX071, policy, "selectorAllow", args);
        case "DENY":
            return finding(PMX071, policy, "selectorDeny", args);
        default:
            return finding(PMX071, policy, "selectorAction", { ...args, action });
    }
}

/** The waypoint (`namespace/name`) a targetRef resolves to, when the input says. */
function refWaypoint(
    index: MeshIndex,
    namespace: string,
    ref: { kind?: string; name?: string },
): string | undefined {
    if (ref.kind === "Gateway") {
        return `${namespace}/${ref.name}`;
    }
    if (ref.kind === "GatewayClass") {
        return undefined;
    }
    const labels = stringMap(index.service(namespace, ref.name ?? "")?.metadata.labels);
    const nsLabels = index.namespace(namespace)?.labels ?? {};
    const name = labels[USE_WAYPOINT_LABEL] ?? nsLabels[USE_WAYPOINT_LABEL];
    if (!name || name === "none") {
        return undefined;
    }
    const waypointNamespace =
        labels[USE_WAYPOINT_NAMESPACE_LABEL] ?? nsLabels[USE_WAYPOINT_NAMESPACE_LABEL] ?? namespace;
    return `${waypointNamespace}/${name}`;
}

const PMX072 = catalogue.PMX072;
export const requireValidWaypoint = subjectRule({
    entry: PMX072,
    config: {},
    inputs: { kinds: ["gateway.networking.k8s.io/Gateway"] },
    judges: {
        what: "waypoint Gateway",
        test: (subject: Subject) =>
            isObjectOf(subject, "gateway.networking.k8s.io", "Gateway") && isWaypoint(subject),
    },
    check(subject) {
        const gateway = subject as KubeObject;
        const findings: Finding[] = [];
        const listeners = Array.isArray(gateway.body.spec?.listeners)
            ? gateway.body.spec.listeners
            : [];
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        if (!listeners.some((l: any) => l?.port === ISTIO_PORTS.hbone && l?.protocol === "HBONE")) {
            findings.push(
                finding(PMX072, gateway, "listener", { gateway: describeSubject(gateway) }),
            );
        }
        const waypointFor = gateway.metadata.labels?.[WAYPOINT_FOR_LABEL];
        if (waypointFor !== undefined && !WAYPOINT_FOR_VALUES.includes(waypointFor)) {
            findings.push(
                finding(PMX072, gateway, "waypointFor", {
                    gateway: describeSubject(gateway),
                    value: waypointFor,
                }),
            );
        }
        return findings;
    },
});

/** A way clients outside the mesh (no identity) come in: pods, and a port or every port. */
interface Door {
    readonly description: string;
    readonly selector: Labels;
    readonly port?: number;
}

interface DoorConfig {
    ingressNamespaces: string[];
}

/** Where a namespace takes clients outside the mesh, as the input says. */
function doorsOf(
    index: MeshIndex,
    namespace: string,
    config: DoorConfig,
    calls: readonly WebhookCall[],
): Door[] {
    const model = index.mtls();
    const doors: Door[] = [];
    if (config.ingressNamespaces.includes(namespace)) {
        doors.push({
            description: `namespace ${namespace} is an ingress namespace`,
            selector: {},
        });
    }
    const mode = model.namespaceMode(namespace);
    if (mode.level === "namespace" && mode.mode === "PERMISSIVE") {
        doors.push({
            description: `${describePolicy(mode.decidedBy!)} keeps namespace ${namespace} open to plaintext`,
            selector: {},
        });
    }
    for (const policy of model.workloadPoliciesIn(namespace)) {
        const open = (mode: string) => mode === "PERMISSIVE" || mode === "DISABLE";
        if (open(policy.mode)) {
            doors.push({
                description: `${describePolicy(policy)} keeps its workloads open to plaintext`,
                selector: policy.selector,
            });
        }
        for (const setting of policy.ports ?? []) {
            if (setting.port !== undefined && open(setting.mode)) {
                doors.push({
                    description: `${describePolicy(policy)} keeps port ${setting.port} open to plaintext`,
                    selector: policy.selector,
                    port: setting.port,
                });
            }
        }
    }
    for (const { configuration, targets } of calls) {
        for (const target of targets.filter((t) => t.namespace === namespace)) {
            doors.push({
                description: `the kube-apiserver calls port ${target.port} for ${describeSubject(configuration)}`,
                selector: target.selector,
                port: target.port,
            });
        }
    }
    return doors;
}

/** Whether a rule reaches the door's port. */
function coversDoor(rule: Rule, door: Door): boolean {
    const ports = rulePorts(rule);
    return ports === undefined || door.port === undefined || ports.includes(door.port);
}

/** Workload-selecting ALLOW policies by namespace, once per check. */
function allowPoliciesByNamespace(index: MeshIndex): Map<string, KubeObject[]> {
    const byNamespace = new Map<string, KubeObject[]>();
    for (const policy of authorizationPolicies(index)) {
        if (actionOf(policy) === "ALLOW" && targetRefs(policy).length === 0) {
            const namespace = namespaceOf(policy);
            const list = byNamespace.get(namespace);
            if (list) {
                list.push(policy);
            } else {
                byNamespace.set(namespace, [policy]);
            }
        }
    }
    return byNamespace;
}

/** Whether some ALLOW policy for the pods lets a plaintext client through the door. */
function allowedThrough(
    allows: ReadonlyMap<string, readonly KubeObject[]>,
    root: string,
    namespace: string,
    door: Door,
): boolean {
    const candidates = [...(allows.get(namespace) ?? []), ...(allows.get(root) ?? [])];
    return candidates.some(
        (policy) =>
            overlaps(stringMap(policy.body.spec?.selector?.matchLabels), door.selector) &&
            rulesOf(policy).some((rule) => !requiresIdentity(rule) && coversDoor(rule, door)),
    );
}

const PMX079 = catalogue.PMX079;
export const admitOutsideClients = inventoryRule<DoorConfig, KubeObject>({
    entry: PMX079,
    config: { ingressNamespaces: ingressNamespacesProperty },
    inputs: {
        kinds: [
            AUTHORIZATION_POLICY,
            "security.istio.io/PeerAuthentication",
            "core/Namespace",
            "core/Service",
            "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
            "admissionregistration.k8s.io/MutatingWebhookConfiguration",
        ],
        workloads: true,
    },
    judges: {
        what: "AuthorizationPolicy that plaintext peers cannot pass, in an ambient namespace",
        select: (index) =>
            authorizationPolicies(index).filter((policy) => {
                const namespace = namespaceOf(policy);
                const rules = rulesOf(policy);
                const action = actionOf(policy);
                return (
                    targetRefs(policy).length === 0 &&
                    namespace !== index.rootNamespace &&
                    index.isAmbient(namespace) &&
                    ((action === "ALLOW" && rules.length > 0 && rules.every(requiresIdentity)) ||
                        (action === "DENY" && rules.some(negationCatchesPlaintext)))
                );
            }),
    },
    check(judged, index, config) {
        const findings: Finding[] = [];
        // Computed once: the webhooks, the ALLOW policies, and each namespace's doors.
        const calls = webhookCalls(index);
        const allows = allowPoliciesByNamespace(index);
        const doors = new Map<string, Door[]>();
        for (const policy of judged) {
            const namespace = namespaceOf(policy);
            const selector = stringMap(policy.body.spec?.selector?.matchLabels);
            const deny = actionOf(policy) === "DENY";
            if (!doors.has(namespace)) {
                doors.set(namespace, doorsOf(index, namespace, config, calls));
            }
            const closed = doors
                .get(namespace)!
                .filter(
                    (door) =>
                        overlaps(door.selector, selector) &&
                        (deny
                            ? rulesOf(policy).some(
                                  (rule) =>
                                      negationCatchesPlaintext(rule) && coversDoor(rule, door),
                              )
                            : !allowedThrough(allows, index.rootNamespace, namespace, door)),
                );
            if (closed.length > 0) {
                findings.push(
                    finding(PMX079, policy, deny ? "deny" : "allow", {
                        policy: describeSubject(policy),
                        doors: listText(closed.map((door) => door.description)),
                    }),
                );
            }
        }
        return findings;
    },
});

export const authorizationRules = [
    requireStrictTarget,
    requireWaypointForL7,
    requireValidWaypoint,
    admitOutsideClients,
];
