// Rules on AuthorizationPolicies in ambient mode and on the waypoints L7 policies need.
import {
    describeSubject,
    Finding,
    InventoryRule,
    KubeObject,
    MeshIndex,
    namespaceOf,
    notApplicable,
    overlaps,
    stringMap,
    Subject,
    SubjectRule,
    ISTIO_PORTS,
    USE_WAYPOINT_LABEL,
    USE_WAYPOINT_NAMESPACE_LABEL,
    WAYPOINT_CLASS,
    WAYPOINT_FOR_LABEL,
    WAYPOINT_FOR_VALUES,
} from "../core";
import {
    isObjectOf,
    listText,
    portsText,
    reporter,
    RootConfig,
    rootNamespaceProperty,
} from "./common";
import { explainMode } from "./mesh";

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

const strictReport = reporter("PMX070");
export const requireStrictTarget: InventoryRule<RootConfig> = {
    code: "PMX070",
    name: "authorizationpolicy-require-strict-target",
    description:
        "Checks that AuthorizationPolicies matching principals or namespaces only target workloads and ports that are effectively STRICT, since plaintext peers carry no identity (a DENY rule then never matches them); make the target STRICT or drop the identity match.",
    enforcementLevel: "mandatory",
    config: { rootNamespace: rootNamespaceProperty },
    scope: "inventory",
    check(index, config) {
        const judged = authorizationPolicies(index).filter((p) => {
            const namespace = namespaceOf(p);
            return (
                targetRefs(p).length === 0 &&
                rulesOf(p).some(usesIdentity) &&
                (namespace === config.rootNamespace || index.isAmbient(namespace))
            );
        });
        if (judged.length === 0) {
            return notApplicable(
                "the input has no identity-matching AuthorizationPolicy in the mesh",
            );
        }
        const model = index.mtls(config.rootNamespace);
        const findings: Finding[] = [];
        for (const policy of judged) {
            const namespace = namespaceOf(policy);
            const selector = stringMap(policy.body.spec?.selector?.matchLabels);
            const identityRules = rulesOf(policy).filter(usesIdentity);
            const ports = identityRules.map(rulePorts);
            const allPorts = ports.some((p) => p === undefined);
            const mode =
                namespace === config.rootNamespace
                    ? model.meshMode()
                    : model.workloadMode(namespace, selector);
            const problems: string[] = [];
            if (mode.mode !== "STRICT") {
                problems.push(
                    `its target is effectively ${mode.mode} (${explainMode(mode, config.rootNamespace)})`,
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
                    strictReport(
                        policy,
                        `${describeSubject(policy)} matches principals or namespaces, but ${listText(problems)}; plaintext peers have no identity, so make the target STRICT or limit the rule to STRICT ports.`,
                    ),
                );
            }
        }
        return findings;
    },
};

function isWaypoint(gateway: KubeObject): boolean {
    return gateway.body.spec?.gatewayClassName === WAYPOINT_CLASS;
}

const waypointReport = reporter("PMX071");
export const requireWaypointForL7: InventoryRule = {
    code: "PMX071",
    name: "authorizationpolicy-require-waypoint-for-l7",
    description:
        "Checks that AuthorizationPolicies using HTTP attributes in ambient namespaces are bound with targetRefs to a waypoint that exists, since ztunnel cannot enforce them (an ALLOW then denies everything, a DENY does nothing); deploy a waypoint and target it or the Service that uses it.",
    enforcementLevel: "mandatory",
    config: {},
    scope: "inventory",
    check(index) {
        const judged = authorizationPolicies(index)
            .map((policy) => ({
                policy,
                attributes: [...new Set(rulesOf(policy).flatMap(l7Attributes))],
            }))
            .filter(
                ({ policy, attributes }) =>
                    attributes.length > 0 && index.isAmbient(namespaceOf(policy)),
            );
        if (judged.length === 0) {
            return notApplicable("the input has no L7 AuthorizationPolicy in an ambient namespace");
        }
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
                    waypointReport(
                        policy,
                        `${name} uses ${listText(attributes)} but selects workloads, so ztunnel enforces it without them (an ALLOW denies everything, a DENY does nothing); bind it to a waypoint with targetRefs.`,
                    ),
                );
                continue;
            }
            for (const ref of refs) {
                const waypoint = refWaypoint(index, namespace, ref);
                if (waypoint === undefined || !waypoints.has(waypoint)) {
                    findings.push(
                        waypointReport(
                            policy,
                            `${name} targets ${ref.kind} ${ref.name}, but ${waypoint ? `its waypoint ${waypoint} is not deployed` : "no waypoint serves it"}; deploy a Gateway of class ${WAYPOINT_CLASS} and point ${USE_WAYPOINT_LABEL} at it.`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
};

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
    const nsLabels = index.namespaces.get(namespace)?.labels ?? {};
    const name = labels[USE_WAYPOINT_LABEL] ?? nsLabels[USE_WAYPOINT_LABEL];
    if (!name || name === "none") {
        return undefined;
    }
    const waypointNamespace =
        labels[USE_WAYPOINT_NAMESPACE_LABEL] ?? nsLabels[USE_WAYPOINT_NAMESPACE_LABEL] ?? namespace;
    return `${waypointNamespace}/${name}`;
}

const gatewayReport = reporter("PMX072");
export const requireValidWaypoint: SubjectRule = {
    code: "PMX072",
    name: "waypoint-require-hbone-listener",
    description:
        "Checks that a waypoint Gateway (class istio-waypoint) listens for HBONE on port 15008 and labels istio.io/waypoint-for with service, workload, all or none; fix the listener or the label.",
    enforcementLevel: "mandatory",
    config: {},
    scope: "subject",
    appliesTo: (subject: Subject) =>
        isObjectOf(subject, "gateway.networking.k8s.io", "Gateway") && isWaypoint(subject),
    check(subject) {
        const gateway = subject as KubeObject;
        const findings: Finding[] = [];
        const listeners = Array.isArray(gateway.body.spec?.listeners)
            ? gateway.body.spec.listeners
            : [];
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        if (!listeners.some((l: any) => l?.port === ISTIO_PORTS.hbone && l?.protocol === "HBONE")) {
            findings.push(
                gatewayReport(
                    gateway,
                    `${describeSubject(gateway)} has no HBONE listener on port 15008, so no mesh traffic reaches it; add a listener {name: mesh, port: 15008, protocol: HBONE}.`,
                ),
            );
        }
        const waypointFor = gateway.metadata.labels?.[WAYPOINT_FOR_LABEL];
        if (waypointFor !== undefined && !WAYPOINT_FOR_VALUES.includes(waypointFor)) {
            findings.push(
                gatewayReport(
                    gateway,
                    `${describeSubject(gateway)} labels istio.io/waypoint-for=${waypointFor}; use service, workload, all or none.`,
                ),
            );
        }
        return findings;
    },
};

export const authorizationRules = [requireStrictTarget, requireWaypointForL7, requireValidWaypoint];
