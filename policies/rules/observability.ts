// Rules on the mesh's telemetry: Telemetry resources name providers istiod defines, and the
// monitors of istiod and ztunnel scrape the ports that serve their metrics.
import {
    describeSubject,
    finding,
    inventoryRule,
    isRecord,
    ISTIOD_METRICS,
    KubeObject,
    listOf,
    MetricsEndpoint,
    Subject,
    subjectRule,
    valueAt,
    ZTUNNEL_METRICS,
} from "../core";
import { catalogue } from "../catalogue";
import { isObjectOf, listText } from "./common";

interface TelemetryConfig {
    builtinProviders: string[];
}

const SIGNALS = ["tracing", "accessLogging", "metrics"];

const PMX040 = catalogue.PMX040;
export const requireDefinedProviders = inventoryRule<TelemetryConfig, KubeObject>({
    entry: PMX040,
    config: {
        builtinProviders: {
            type: "array",
            items: { type: "string" },
            description: "Providers istiod defines without meshConfig.",
            default: ["envoy", "prometheus"],
        },
    },
    inputs: { kinds: ["telemetry.istio.io/Telemetry", "helm/istio:istiod"], helmValues: true },
    judges: {
        what: "Telemetry resource beside an istiod release",
        select: (index) =>
            index.releasesOf("istio:istiod").length > 0
                ? index.ofKind("Telemetry", ["telemetry.istio.io"])
                : [],
    },
    check(telemetries, index, config) {
        const defined = new Set(config.builtinProviders);
        for (const istiod of index.releasesOf("istio:istiod")) {
            const providers = valueAt(istiod.values, "meshConfig.extensionProviders");
            for (const provider of Array.isArray(providers) ? providers : []) {
                if (typeof provider?.name === "string") {
                    defined.add(provider.name);
                }
            }
        }
        return telemetries.flatMap((telemetry) => {
            const unknown = new Set<string>();
            for (const signal of SIGNALS) {
                const entries = telemetry.body.spec?.[signal];
                for (const entry of Array.isArray(entries) ? entries : []) {
                    for (const provider of listOf(entry?.providers)) {
                        if (typeof provider?.name === "string" && !defined.has(provider.name)) {
                            unknown.add(`${signal} provider ${provider.name}`);
                        }
                    }
                }
            }
            if (unknown.size === 0) {
                return [];
            }
            return [
                finding(PMX040, telemetry, "providers", {
                    telemetry: describeSubject(telemetry),
                    unknown: listText([...unknown]),
                    defined: listText([...defined].sort()),
                }),
            ];
        });
    },
});

interface MonitorConfig {
    istiodLabels: string[];
    ztunnelLabels: string[];
}

/** Where an Istio component serves its metrics, and what needs them. */
interface NeededMetrics extends MetricsEndpoint {
    readonly labels: keyof MonitorConfig;
    /** What reads the metrics, completing "the metrics …". */
    readonly neededBy: string;
}

const ISTIO_METRICS: readonly NeededMetrics[] = [
    { ...ISTIOD_METRICS, labels: "istiodLabels", neededBy: "Kiali shows for the control plane" },
    { ...ZTUNNEL_METRICS, labels: "ztunnelLabels", neededBy: "Kiali draws its traffic graph from" },
];

interface Requirement {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
}

/** A label selector's requirements: matchLabels as one-value In, then matchExpressions. */
function requirements(selector: unknown): Requirement[] {
    const { matchLabels, matchExpressions } = (selector ?? {}) as Record<string, unknown>;
    const labels = Object.entries(isRecord(matchLabels) ? matchLabels : {}).map(([key, value]) => ({
        key,
        operator: "In",
        values: [String(value)],
    }));
    const expressions = (Array.isArray(matchExpressions) ? matchExpressions : [])
        .filter((e) => typeof e?.key === "string" && typeof e?.operator === "string")
        .map((e) => ({
            key: e.key,
            operator: e.operator,
            values: Array.isArray(e.values) ? e.values.map(String) : [],
        }));
    return [...labels, ...expressions];
}

/**
 * Whether a selector aims at pods (or Services) with these labels: it asks for at least one of
 * them by value and nothing they contradict. Requirements on other labels cannot be judged.
 */
function selectsLabels(selector: unknown, known: ReadonlyMap<string, string>): boolean {
    const relevant = requirements(selector).filter((r) => known.has(r.key));
    const holds = (r: Requirement) => {
        const value = known.get(r.key)!;
        switch (r.operator) {
            case "In":
                return r.values.includes(value);
            case "NotIn":
                return !r.values.includes(value);
            case "Exists":
                return true;
            default:
                return false;
        }
    };
    return (
        relevant.every(holds) &&
        relevant.some((r) => r.operator === "In" && r.values.includes(known.get(r.key)!))
    );
}

/** `key=value` entries as a map; malformed entries are left out. */
function labelPairs(entries: readonly string[]): Map<string, string> {
    return new Map(
        entries
            .filter((entry) => entry.indexOf("=") > 0)
            .map((entry) => [
                entry.slice(0, entry.indexOf("=")),
                entry.slice(entry.indexOf("=") + 1),
            ]),
    );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Endpoint = Record<string, any>;

function endpointsOf(monitor: KubeObject): Endpoint[] {
    const spec = monitor.body.spec ?? {};
    const list = monitor.kind === "PodMonitor" ? spec.podMetricsEndpoints : spec.endpoints;
    return (Array.isArray(list) ? list : []).filter(isRecord);
}

function pathOf(endpoint: Endpoint): string {
    return typeof endpoint.path === "string" && endpoint.path !== "" ? endpoint.path : "/metrics";
}

function scrapes(endpoint: Endpoint, metrics: NeededMetrics): boolean {
    const { port, portNumber, targetPort } = endpoint;
    const onPort =
        port === metrics.portName ||
        portNumber === metrics.port ||
        targetPort === metrics.portName ||
        (targetPort !== undefined && String(targetPort) === String(metrics.port));
    return onPort && metrics.paths.includes(pathOf(endpoint));
}

function describeEndpoint(endpoint: Endpoint, monitor: KubeObject): string {
    const { port, portNumber, targetPort } = endpoint;
    const where =
        port !== undefined
            ? `port ${port}`
            : portNumber !== undefined
              ? `port ${portNumber}`
              : targetPort !== undefined
                ? `target port ${targetPort}`
                : monitor.kind === "PodMonitor"
                  ? "every port the pods declare"
                  : "every port of the Service";
    return `${where} at ${pathOf(endpoint)}`;
}

function isMonitor(subject: Subject): subject is KubeObject {
    return (
        isObjectOf(subject, "monitoring.coreos.com", "ServiceMonitor") ||
        isObjectOf(subject, "monitoring.coreos.com", "PodMonitor")
    );
}

const PMX041 = catalogue.PMX041;
export const requireIstioMetricsPorts = subjectRule<MonitorConfig>({
    entry: PMX041,
    config: {
        istiodLabels: {
            type: "array",
            items: { type: "string" },
            description: "Labels (key=value) of istiod's pods and Service.",
            default: ["app=istiod", "istio=pilot", "app.kubernetes.io/name=istiod"],
        },
        ztunnelLabels: {
            type: "array",
            items: { type: "string" },
            description: "Labels (key=value) of ztunnel's pods.",
            default: ["app=ztunnel", "app.kubernetes.io/name=ztunnel"],
        },
    },
    inputs: {
        kinds: ["monitoring.coreos.com/ServiceMonitor", "monitoring.coreos.com/PodMonitor"],
    },
    judges: { what: "ServiceMonitor or PodMonitor", test: isMonitor },
    check(subject, config) {
        const monitor = subject as KubeObject;
        const endpoints = endpointsOf(monitor);
        return ISTIO_METRICS.filter((metrics) =>
            selectsLabels(monitor.body.spec?.selector, labelPairs(config[metrics.labels])),
        )
            .filter((metrics) => !endpoints.some((endpoint) => scrapes(endpoint, metrics)))
            .map((metrics) =>
                finding(PMX041, monitor, "port", {
                    monitor: describeSubject(monitor),
                    component: metrics.component,
                    scraped:
                        endpoints.length === 0
                            ? "nothing"
                            : listText(endpoints.map((e) => describeEndpoint(e, monitor))),
                    portName: metrics.portName,
                    port: metrics.port,
                    path: metrics.paths[0],
                    neededBy: metrics.neededBy,
                }),
            );
    },
});

export const observabilityRules = [requireDefinedProviders, requireIstioMetricsPorts];
