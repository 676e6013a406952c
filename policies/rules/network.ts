// Rules on network policies around the mesh: Kubernetes NetworkPolicies in ambient namespaces
// must let HBONE and the kubelet's SNAT-ed probes in; a cluster-wide Cilium policy must not put
// the whole cluster into default-deny.
import {
    describeSelector,
    describeSubject,
    Finding,
    finding,
    inventoryRule,
    ISTIO_PORTS,
    isRecord,
    KUBELET_PROBE_ADDRESS,
    listOf,
    KUBELET_PROBE_CIDR,
    KubeObject,
    Labels,
    MeshIndex,
    namespaceOf,
    selectorKey,
    stringMap,
    Subject,
    subjectRule,
} from "../core";
import { catalogue } from "../catalogue";
import { isObjectOf, listText } from "./common";

const HBONE_PORT = ISTIO_PORTS.hbone;

/** Whether an IPv4 CIDR contains an address. */
export function cidrContains(cidr: string, address: string): boolean {
    const [network, bitsText] = cidr.split("/");
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    const toNumber = (ip: string) => {
        const parts = ip.split(".").map(Number);
        if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
            return undefined;
        }
        return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    };
    const net = toNumber(network);
    const ip = toNumber(address);
    if (net === undefined || ip === undefined || !(bits >= 0 && bits <= 32)) {
        return false;
    }
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (net & mask) >>> 0 === (ip & mask) >>> 0;
}

/** What the ingress rules of a set of NetworkPolicies let in. */
interface Allowance {
    hbone: boolean;
    probes: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// A field of the wrong shape (`ports:` or `from:` as a map) makes the API server refuse the
// policy (YAML005 says so); such a rule vouches for nothing here.
function coversPort(rule: any, port: number): boolean {
    if (!isListOrAbsent(rule?.ports)) {
        return false;
    }
    const ports = listOf(rule?.ports);
    if (ports.length === 0) {
        return true;
    }
    return ports.some((p) => {
        if ((p?.protocol ?? "TCP") !== "TCP") {
            return false;
        }
        if (p?.port === undefined) {
            return true;
        }
        const end = typeof p.endPort === "number" ? p.endPort : p.port;
        return typeof p.port === "number" && p.port <= port && port <= end;
    });
}

function allowsAddress(rule: any, address: string): boolean {
    if (!isListOrAbsent(rule?.from) || !isListOrAbsent(rule?.ports)) {
        return false;
    }
    const from = listOf(rule?.from);
    if (from.length === 0) {
        return listOf(rule?.ports).length === 0;
    }
    return (
        listOf(rule?.ports).length === 0 &&
        from.some(
            (peer) =>
                typeof peer?.ipBlock?.cidr === "string" &&
                cidrContains(peer.ipBlock.cidr, address) &&
                !listOf(peer.ipBlock.except).some((e: unknown) =>
                    typeof e === "string" ? cidrContains(e, address) : false,
                ),
        )
    );
}

function isListOrAbsent(value: unknown): boolean {
    return value === undefined || value === null || Array.isArray(value);
}

function allowance(policy: KubeObject): Allowance {
    const rules = listOf(policy.body.spec?.ingress);
    return {
        hbone: rules.some((rule) => coversPort(rule, HBONE_PORT)),
        probes: rules.some((rule) => allowsAddress(rule, KUBELET_PROBE_ADDRESS)),
    };
}

function restrictsIngress(policy: KubeObject): boolean {
    const types: unknown = policy.body.spec?.policyTypes;
    // Without policyTypes, every NetworkPolicy restricts ingress.
    return !Array.isArray(types) || types.includes("Ingress");
}

/** Whether a cluster-wide Cilium policy lets the kubelet's probes into every endpoint. */
function ciliumAllowsProbes(policy: KubeObject): boolean {
    const specs = [policy.body.spec, ...listOf(policy.body.specs)].filter(isRecord);
    return specs.some(
        (spec) =>
            selectsEverything(spec.endpointSelector) &&
            listOf(spec.ingress).some((rule: any) =>
                [
                    ...listOf(rule?.fromCIDR),
                    ...listOf(rule?.fromCIDRSet).map((entry: any) => entry?.cidr),
                ].some(
                    (cidr) => typeof cidr === "string" && cidrContains(cidr, KUBELET_PROBE_ADDRESS),
                ),
            ),
    );
}

function selectsEverything(selector: any): boolean {
    return (
        selector !== undefined &&
        selector !== null &&
        Object.keys(selector.matchLabels ?? {}).length === 0 &&
        (selector.matchExpressions ?? []).length === 0
    );
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Whether the pods a selector holds are all made by something the input does not show. */
function makerOpensProbes(index: MeshIndex, namespace: string, selector: Labels): boolean {
    return (
        index.workloadsMatching(namespace, selector).length === 0 &&
        index.podSourcesIn(namespace).length > 0
    );
}

/** A label selector requirement, as the NetworkPolicy API writes it. */
interface Requirement {
    readonly key: string;
    readonly operator: string;
    readonly values?: unknown;
}

function isRequirement(value: unknown): value is Requirement {
    return isRecord(value) && typeof value.key === "string" && typeof value.operator === "string";
}

/** The pods a NetworkPolicy holds: by labels and expressions (`tier In (web,api)`), or all. */
function podsText(policy: KubeObject): string {
    const selector = policy.body.spec?.podSelector;
    const labels = stringMap(selector?.matchLabels);
    const requirements: unknown[] = Array.isArray(selector?.matchExpressions)
        ? selector.matchExpressions
        : [];
    const expressions = requirements
        .filter(isRequirement)
        .map(({ key, operator, values }) =>
            Array.isArray(values) && values.length > 0
                ? `${key} ${operator} (${values.join(",")})`
                : `${key} ${operator}`,
        );
    const parts = [
        ...(Object.keys(labels).length > 0 ? [describeSelector(labels)] : []),
        ...expressions,
    ];
    return parts.length > 0 ? `pods ${parts.join(", ")}` : "every pod";
}

/** Every subset of a selector's labels, as selector keys (bounded: selectors are small). */
function subsetKeys(selector: Labels): string[] {
    const entries = Object.entries(selector).slice(0, 10);
    const keys: string[] = [];
    for (let mask = 0; mask < 1 << entries.length; mask++) {
        keys.push(selectorKey(Object.fromEntries(entries.filter((_, i) => mask & (1 << i)))));
    }
    return keys;
}

const NETWORK_POLICY = "networking.k8s.io/NetworkPolicy";
const CLUSTERWIDE_POLICY = "cilium.io/CiliumClusterwideNetworkPolicy";

const PMX020 = catalogue.PMX020;
export const allowAmbientPorts = inventoryRule({
    entry: PMX020,
    config: {},
    inputs: { kinds: [NETWORK_POLICY, CLUSTERWIDE_POLICY, "core/Namespace"], workloads: true },
    judges: {
        what: "NetworkPolicy restricting ingress in an ambient namespace",
        select: (index) =>
            index
                .ofKind("NetworkPolicy", ["networking.k8s.io"])
                .filter((p) => restrictsIngress(p) && index.isAmbient(namespaceOf(p))),
    },
    check(judged, index) {
        const clusterProbes = index
            .ofKind("CiliumClusterwideNetworkPolicy", ["cilium.io"])
            .some(ciliumAllowsProbes);
        // What each (namespace, exact selector) lets in; a policy's pods also get what every
        // policy whose selector is a subset of its own lets in.
        const byScope = new Map<string, Allowance>();
        const selectorOf = (p: KubeObject) => stringMap(p.body.spec?.podSelector?.matchLabels);
        for (const policy of index.ofKind("NetworkPolicy", ["networking.k8s.io"])) {
            if ((policy.body.spec?.podSelector?.matchExpressions ?? []).length > 0) {
                continue; // selects fewer pods than its labels say: cannot vouch for others
            }
            const key = `${namespaceOf(policy)}|${selectorKey(selectorOf(policy))}`;
            const own = allowance(policy);
            const sum = byScope.get(key) ?? { hbone: false, probes: false };
            byScope.set(key, { hbone: sum.hbone || own.hbone, probes: sum.probes || own.probes });
        }
        const findings: Finding[] = [];
        for (const policy of judged) {
            const namespace = namespaceOf(policy);
            const total = allowance(policy);
            for (const key of subsetKeys(selectorOf(policy))) {
                const other = byScope.get(`${namespace}|${key}`);
                total.hbone ||= other?.hbone ?? false;
                total.probes ||= other?.probes ?? false;
            }
            total.probes ||= clusterProbes;
            // Pods the input does not show, made by an operator or chart it does show: their
            // maker knows their probe ports and opens them in NetworkPolicies of its own (the
            // Keycloak operator's keycloak-network-policy), which the input cannot show either.
            // HBONE is Istio's port, which no maker opens, so it is still judged.
            total.probes ||= makerOpensProbes(index, namespace, selectorOf(policy));
            const missing = [
                ...(total.hbone ? [] : [`HBONE (TCP ${HBONE_PORT})`]),
                ...(total.probes ? [] : [`the kubelet's probes from ${KUBELET_PROBE_ADDRESS}`]),
            ];
            if (missing.length === 0) {
                continue;
            }
            const fixes = [
                ...(total.hbone ? [] : [`a rule with port ${HBONE_PORT}/TCP`]),
                ...(total.probes ? [] : [`a rule from ipBlock ${KUBELET_PROBE_CIDR}`]),
            ];
            findings.push(
                finding(PMX020, policy, "blocked", {
                    policy: describeSubject(policy),
                    pods: podsText(policy),
                    namespace,
                    missing: listText(missing),
                    fixes: listText(fixes),
                }),
            );
        }
        return findings;
    },
});

function isClusterwidePolicy(subject: Subject): subject is KubeObject {
    return isObjectOf(subject, "cilium.io", "CiliumClusterwideNetworkPolicy");
}

const PMX021 = catalogue.PMX021;
export const disallowClusterDefaultDeny = subjectRule({
    entry: PMX021,
    config: {},
    inputs: { kinds: [CLUSTERWIDE_POLICY] },
    judges: { what: "CiliumClusterwideNetworkPolicy", test: isClusterwidePolicy },
    check(subject) {
        const object = subject as KubeObject;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const specs: any[] = [object.body.spec, ...listOf(object.body.specs)].filter(isRecord);
        const directions = new Set<string>();
        for (const spec of specs) {
            if (!selectsEverything(spec.endpointSelector)) {
                continue;
            }
            for (const direction of ["ingress", "egress"]) {
                const hasRules =
                    spec[direction] !== undefined || spec[`${direction}Deny`] !== undefined;
                if (hasRules && spec.enableDefaultDeny?.[direction] !== false) {
                    directions.add(direction);
                }
            }
        }
        return [...directions].map((direction) =>
            finding(PMX021, subject, "defaultDeny", {
                policy: describeSubject(subject),
                direction,
            }),
        );
    },
});

export const networkRules = [allowAmbientPorts, disallowClusterDefaultDeny];
