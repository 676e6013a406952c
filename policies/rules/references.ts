// Rules on what objects name that the input does not define: the source namespaces of an
// AuthorizationPolicy, as istioctl reports them (IST0101, pkg/config/analysis/analyzers/authz/
// authorizationpolicies.go, analyzeNamespaceNotFound), and the waypoints that istio.io/
// use-waypoint labels name, which istioctl does not check (istiod resolves them in
// pilot/pkg/serviceregistry/ambient/waypoints.go, GetUseWaypoint and fetchWaypointForTarget).
import {
    describeSubject,
    Finding,
    finding,
    inventoryRule,
    isRecord,
    ISTIO_SECURITY_GROUP,
    KubeObject,
    MeshIndex,
    namespaceOf,
    stringMap,
    USE_WAYPOINT_LABEL,
    USE_WAYPOINT_NAMESPACE_LABEL,
    WAYPOINT_CLASS,
} from "../core";
import { catalogue } from "../catalogue";

const GATEWAY_GROUP = "gateway.networking.k8s.io";

// PMX077: source namespaces.

/** A namespaces or notNamespaces entry of a source, and where it is written. */
interface NamespaceEntry {
    readonly policy: KubeObject;
    readonly value: string;
    readonly field: string;
}

/** Every namespaces entry, then every notNamespaces entry, of each source, in rule order. */
function namespaceEntries(policy: KubeObject): NamespaceEntry[] {
    const entries: NamespaceEntry[] = [];
    const rules = policy.body.spec?.rules;
    (Array.isArray(rules) ? rules : []).forEach((rule: unknown, i) => {
        const from = isRecord(rule) && Array.isArray(rule.from) ? rule.from : [];
        from.forEach((entry: unknown, j) => {
            const source = isRecord(entry) && isRecord(entry.source) ? entry.source : {};
            for (const key of ["namespaces", "notNamespaces"]) {
                const list = Array.isArray(source[key]) ? (source[key] as unknown[]) : [];
                list.forEach((value, k) => {
                    // An empty value is PMX075's: Istio rejects the policy.
                    if (typeof value === "string" && value !== "") {
                        const field = `rules[${i}].from[${j}].source.${key}[${k}]`;
                        entries.push({ policy, value, field });
                    }
                });
            }
        });
    });
    return entries;
}

/**
 * Whether a namespace matches an entry as istioctl matches it (namespaceMatch): `*` any,
 * `*suffix` and `prefix*` case-sensitively, anything else exactly but regardless of case.
 */
function namespaceMatch(namespace: string, pattern: string): boolean {
    if (pattern === "*") {
        return true;
    }
    if (pattern.startsWith("*")) {
        return namespace.endsWith(pattern.slice(1));
    }
    if (pattern.endsWith("*")) {
        return namespace.startsWith(pattern.slice(0, -1));
    }
    return namespace.toLowerCase() === pattern.toLowerCase();
}

const PMX077 = catalogue.PMX077;
export const checkSourceNamespaces = inventoryRule<Record<string, never>, NamespaceEntry>({
    entry: PMX077,
    config: {},
    inputs: { kinds: [`${ISTIO_SECURITY_GROUP}/AuthorizationPolicy`, "core/Namespace"] },
    judges: {
        what: "AuthorizationPolicy source namespaces in an input that declares namespaces",
        // An input without Namespaces cannot tell (istioctl skips the analyzer without them).
        select: (index) =>
            index.allNamespaces().length === 0
                ? []
                : index
                      .ofKind("AuthorizationPolicy", [ISTIO_SECURITY_GROUP])
                      .flatMap(namespaceEntries),
    },
    check(judged, index) {
        const namespaces = index.allNamespaces().map((ns) => ns.name);
        return judged
            .filter((entry) => !namespaces.some((ns) => namespaceMatch(ns, entry.value)))
            .map((entry) =>
                finding(PMX077, entry.policy, "namespace", {
                    policy: describeSubject(entry.policy),
                    value: JSON.stringify(entry.value),
                    field: entry.field,
                }),
            );
    },
});

// PMX078: waypoints named by istio.io/use-waypoint.

/** An object whose label sends its traffic through a waypoint, and the waypoint's name. */
interface WaypointUse {
    readonly object: KubeObject;
    /** `namespace/name` of the waypoint. */
    readonly waypoint: string;
}

/**
 * The waypoint the labels name (GetUseWaypoint): in istio.io/use-waypoint-namespace, else in
 * the object's own namespace; undefined without the label or with `none`, which opts out.
 */
function waypointOf(labels: Readonly<Record<string, string>>, namespace: string) {
    const name = labels[USE_WAYPOINT_LABEL];
    if (name === undefined || name === "none") {
        return undefined;
    }
    return `${labels[USE_WAYPOINT_NAMESPACE_LABEL] ?? namespace}/${name}`;
}

/**
 * Namespaces, Services and pod templates that name a waypoint. A Namespace is reported on the
 * last object (owner or patch) that carries the label; its Services and pods inherit it, so
 * they are not reported again.
 */
function waypointUses(index: MeshIndex): WaypointUse[] {
    const uses: WaypointUse[] = [];
    for (const info of index.allNamespaces()) {
        const waypoint = waypointOf(info.labels, info.name);
        const object = [...info.owners, ...info.patches]
            .reverse()
            .find((o) => o.metadata.labels?.[USE_WAYPOINT_LABEL] !== undefined);
        if (waypoint && object) {
            uses.push({ object, waypoint });
        }
    }
    for (const service of index.ofKind("Service", [""])) {
        const waypoint = waypointOf(stringMap(service.metadata.labels), namespaceOf(service));
        if (waypoint) {
            uses.push({ object: service, waypoint });
        }
    }
    for (const workload of index.workloads()) {
        const waypoint = waypointOf(workload.labels, workload.namespace);
        if (waypoint) {
            uses.push({ object: workload.object, waypoint });
        }
    }
    return uses;
}

/** The controller whose Gateways istiod deploys as waypoints (gatewaycommon/classinfo.go). */
const MESH_CONTROLLER = "istio.io/mesh-controller";

const PMX078 = catalogue.PMX078;
export const requireUsedWaypoint = inventoryRule<Record<string, never>, WaypointUse>({
    entry: PMX078,
    config: {},
    inputs: {
        kinds: [
            "core/Namespace",
            "core/Service",
            `${GATEWAY_GROUP}/Gateway`,
            `${GATEWAY_GROUP}/GatewayClass`,
        ],
        workloads: true,
    },
    judges: {
        what: "Namespace, Service or pod template labelled istio.io/use-waypoint",
        select: waypointUses,
    },
    check(judged, index) {
        // A waypoint is a Gateway object, whatever makes its pods: charts and operators the
        // input does not show (index.podSourcesIn) deploy no Gateway for the label to name.
        const gateways = new Map(
            index
                .ofKind("Gateway", [GATEWAY_GROUP])
                .map((g) => [`${namespaceOf(g)}/${g.metadata.name}`, g]),
        );
        let meshClasses: Set<string> | undefined;
        const isWaypointClass = (name: string): boolean => {
            if (name === WAYPOINT_CLASS) {
                return true;
            }
            meshClasses ??= new Set(
                index
                    .ofKind("GatewayClass", [GATEWAY_GROUP])
                    .filter((c) => c.body.spec?.controllerName === MESH_CONTROLLER)
                    .map((c) => c.metadata.name ?? ""),
            );
            return meshClasses.has(name);
        };
        return judged.flatMap(({ object, waypoint }): Finding[] => {
            const gateway = gateways.get(waypoint);
            const args = { object: describeSubject(object), waypoint };
            if (!gateway) {
                return [finding(PMX078, object, "missing", args)];
            }
            const gatewayClass = gateway.body.spec?.gatewayClassName;
            if (typeof gatewayClass !== "string" || !isWaypointClass(gatewayClass)) {
                return [
                    finding(PMX078, object, "notWaypoint", {
                        ...args,
                        class: JSON.stringify(gatewayClass ?? null),
                    }),
                ];
            }
            return [];
        });
    },
});

export const referenceRules = [checkSourceNamespaces, requireUsedWaypoint];
