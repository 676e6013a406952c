// Rules on AuthorizationPolicies in ambient mode and on the waypoints L7 policies need.
import {
    describeSubject,
    explainDecision,
    Finding,
    finding,
    inventoryRule,
    ISTIO_PORTS,
    KubeObject,
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
import { isObjectOf, listText, portsText } from "./common";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rule = { from?: any[]; to?: any[]; when?: any[] };

function rulesOf(policy: KubeObject): Rule[] {
    const rules = policy.body.spec?.rules;
    return Array.isArray(rules) ? rules : [];
}

function nonEmpty(value: unknown): boolean {
    return Array.isArray(value) && value.length > 0;
}

const IDENTITY_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces"];
const IDENTITY_KEYS = ["source.principal", "source.namespace"];

/** Whether a rule matches on the peer's mTLS identity. */
function usesIdentity(rule: Rule): boolean {
    return (
        (rule.from ?? []).some((f) => IDENTITY_FIELDS.some((k) => nonEmpty(f?.source?.[k]))) ||
        (rule.when ?? []).some((w) => IDENTITY_KEYS.includes(w?.key))
    );
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
    return [
        ...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []),
        ...(spec.targetRef ? [spec.targetRef] : []),
    ];
}

const AUTHORIZATION_POLICY = "security.istio.io/AuthorizationPolicy";

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
            const namespace = namespaceOf(policy);
            const selector = stringMap(policy.body.spec?.selector?.matchLabels);
            const identityRules = rulesOf(policy).filter(usesIdentity);
            const ports = identityRules.map(rulePorts);
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
            // Port exceptions of workload policies that may select the same pods.
            const open = new Set<number>();
            for (const workload of model.workloadPoliciesIn(namespace)) {
                if (!overlaps(workload.selector, selector)) {
                    continue;
                }
                for (const setting of workload.ports ?? []) {
                    const relevant = allPorts || ports.some((p) => p?.includes(setting.port!));
                    if (
                        setting.port !== undefined &&
                        relevant &&
                        setting.mode !== "STRICT" &&
                        setting.mode !== "UNSET"
                    ) {
                        open.add(setting.port);
                    }
                }
            }
            if (open.size > 0) {
                problems.push(
                    `${portsText([...open].sort((a, b) => a - b))} of the selected workloads ${open.size === 1 ? "accepts" : "accept"} plaintext`,
                );
            }
            if (problems.length > 0) {
                findings.push(
                    finding(PMX070, policy, "plaintext", {
                        policy: describeSubject(policy),
                        problems: listText(problems),
                    }),
                );
            }
        }
        return findings;
    },
});

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
        const waypoints = new Set(
            index
                .ofKind("Gateway", ["gateway.networking.k8s.io"])
                .filter(isWaypoint)
                .map((g) => `${namespaceOf(g)}/${g.metadata.name}`),
        );
        const findings: Finding[] = [];
        for (const { policy, attributes } of judged) {
            const namespace = namespaceOf(policy);
            const name = describeSubject(policy);
            const refs = targetRefs(policy);
            if (refs.length === 0) {
                findings.push(
                    finding(PMX071, policy, "selector", {
                        policy: name,
                        attributes: listText(attributes),
                    }),
                );
                continue;
            }
            for (const ref of refs) {
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

export const authorizationRules = [requireStrictTarget, requireWaypointForL7, requireValidWaypoint];
