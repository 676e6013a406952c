// Rules on clients outside the mesh that call into STRICT namespaces: the kube-apiserver calling
// admission webhooks, and Prometheus scraping metrics ports. Each needs a PERMISSIVE exception on
// the workload port it calls, or its calls fail.
import {
    describeSelector,
    describeSubject,
    Finding,
    finding,
    inventoryRule,
    isRecord,
    KubeObject,
    Labels,
    leavesMesh,
    listOf,
    MeshIndex,
    MtlsModel,
    namespaceOf,
    stringMap,
    Workload,
} from "../core";
import { catalogue } from "../catalogue";

/** Pods a caller reaches on one workload port. */
export interface Target {
    readonly namespace: string;
    /** The pods' labels: each selected workload's, or the selector's when no workload is known. */
    readonly pods: readonly Labels[];
    readonly selector: Labels;
    readonly port: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Resolves a Service port (by number or name) to workload port numbers. */
function serviceTargets(
    index: MeshIndex,
    service: KubeObject,
    servicePort: number | string,
): Target[] {
    const namespace = namespaceOf(service);
    const selector = stringMap(service.body.spec?.selector);
    if (Object.keys(selector).length === 0) {
        return [];
    }
    const entry = listOf(service.body.spec?.ports).find((p: any) =>
        typeof servicePort === "number" ? p?.port === servicePort : p?.name === servicePort,
    );
    if (!isRecord(entry)) {
        return [];
    }
    const workloads = index.workloadsMatching(namespace, selector);
    return podTargets(namespace, selector, workloads, entry.targetPort ?? entry.port);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Whether every pod a Service selects leaves the mesh (and some pod is in the input). */
function podsLeaveMesh(index: MeshIndex, service: KubeObject): boolean {
    const selector = stringMap(service.body.spec?.selector);
    const workloads =
        Object.keys(selector).length > 0
            ? index.workloadsMatching(namespaceOf(service), selector)
            : [];
    return workloads.length > 0 && workloads.every(leavesMesh);
}

/** Targets for a port given as a number or a container port name. */
function podTargets(
    namespace: string,
    selector: Labels,
    workloads: readonly Workload[],
    port: unknown,
): Target[] {
    // Pods that leave the mesh take plaintext from anyone: no exception is needed for them.
    const inMesh = workloads.filter((w) => !leavesMesh(w));
    if (workloads.length > 0 && inMesh.length === 0) {
        return [];
    }
    if (typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port))) {
        const pods = inMesh.length > 0 ? inMesh.map((w) => w.labels) : [selector];
        return [{ namespace, pods, selector, port: Number(port) }];
    }
    if (typeof port !== "string") {
        return [];
    }
    // A named port resolves per workload; unresolvable names cannot be judged.
    return inMesh
        .filter((w) => w.namedPorts.has(port))
        .map((w) => ({ namespace, pods: [w.labels], selector, port: w.namedPorts.get(port)! }));
}

/** Whether some pod of the target is STRICT on the port. */
function strictOnPort(model: MtlsModel, target: Target): boolean {
    return target.pods.some(
        (labels) => model.portMode(target.namespace, labels, target.port) === "STRICT",
    );
}

export interface WebhookCall {
    readonly configuration: KubeObject;
    readonly targets: readonly Target[];
}

const WEBHOOK_KINDS = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

/**
 * Webhook calls into ambient namespaces that the input can judge: served by pods it shows (a port
 * that resolves, or pods that all leave the mesh, which pass).
 */
export function webhookCalls(index: MeshIndex): WebhookCall[] {
    const calls: WebhookCall[] = [];
    for (const kind of WEBHOOK_KINDS) {
        for (const configuration of index.ofKind(kind, ["admissionregistration.k8s.io"])) {
            for (const webhook of listOf(configuration.body.webhooks)) {
                const ref = webhook?.clientConfig?.service;
                if (!ref?.name || !index.isAmbient(ref.namespace)) {
                    continue;
                }
                const service = index.service(ref.namespace, ref.name);
                if (!service) {
                    continue;
                }
                const targets = serviceTargets(index, service, ref.port ?? 443);
                if (targets.length > 0 || podsLeaveMesh(index, service)) {
                    calls.push({ configuration, targets });
                }
            }
        }
    }
    return calls;
}

const PMX080 = catalogue.PMX080;
export const requireWebhookException = inventoryRule({
    entry: PMX080,
    config: {},
    inputs: {
        kinds: [
            ...WEBHOOK_KINDS.map((kind) => `admissionregistration.k8s.io/${kind}`),
            "core/Service",
            "core/Namespace",
            "security.istio.io/PeerAuthentication",
        ],
        workloads: true,
    },
    judges: { what: "webhook served from an ambient namespace", select: webhookCalls },
    check(calls, index) {
        const model = index.mtls();
        return dedupe(
            calls
                .flatMap(({ configuration, targets }) =>
                    targets.map((target) => ({ configuration, target })),
                )
                .filter(({ target }) => strictOnPort(model, target))
                .map(({ configuration, target }) =>
                    finding(PMX080, configuration, "strict", {
                        configuration: describeSubject(configuration),
                        port: target.port,
                        selector: describeSelector(target.selector),
                        namespace: target.namespace,
                    }),
                ),
        );
    },
});

interface ScrapeConfig {
    scraperNamespaces: string[];
}

const PMX081 = catalogue.PMX081;
export const requireScrapeException = inventoryRule<ScrapeConfig, Scrape>({
    entry: PMX081,
    config: {
        scraperNamespaces: {
            type: "array",
            items: { type: "string" },
            description: "Namespaces Prometheus runs in.",
            default: ["kube-prom-stack"],
        },
    },
    inputs: {
        kinds: [
            "monitoring.coreos.com/ServiceMonitor",
            "monitoring.coreos.com/PodMonitor",
            "core/Service",
            "core/Namespace",
            "security.istio.io/PeerAuthentication",
        ],
        workloads: true,
    },
    judges: { what: "scraped port in an ambient namespace", select: scrapeTargets },
    check(scrapes, index, config) {
        if (config.scraperNamespaces.some((ns) => index.isAmbient(ns))) {
            return []; // Prometheus has a mesh identity: STRICT ports accept it.
        }
        const model = index.mtls();
        return dedupe(
            scrapes
                .filter(({ target }) => strictOnPort(model, target))
                .map(({ source, target }) =>
                    finding(PMX081, source, "strict", {
                        source: describeSubject(source),
                        port: target.port,
                        selector: describeSelector(target.selector),
                        namespace: target.namespace,
                    }),
                ),
        );
    },
});

function monitorNamespaces(index: MeshIndex, monitor: KubeObject): string[] {
    const selector = monitor.body.spec?.namespaceSelector;
    const names: string[] = selector?.any
        ? index.ambientNamespaces().map((ns) => ns.name)
        : Array.isArray(selector?.matchNames)
          ? selector.matchNames
          : [namespaceOf(monitor)];
    return names.filter((ns) => index.isAmbient(ns));
}

interface Scrape {
    readonly source: KubeObject;
    readonly target: Target;
}

function scrapeTargets(index: MeshIndex): Scrape[] {
    const scrapes: Scrape[] = [];
    for (const monitor of index.ofKind("ServiceMonitor", ["monitoring.coreos.com"])) {
        const selector = stringMap(monitor.body.spec?.selector?.matchLabels);
        for (const namespace of monitorNamespaces(index, monitor)) {
            for (const service of index.servicesLabelled(namespace, selector)) {
                for (const endpoint of listOf(monitor.body.spec?.endpoints)) {
                    const targets =
                        endpoint?.targetPort !== undefined
                            ? podTargets(
                                  namespace,
                                  stringMap(service.body.spec?.selector),
                                  index.workloadsMatching(
                                      namespace,
                                      stringMap(service.body.spec?.selector),
                                  ),
                                  endpoint.targetPort,
                              )
                            : serviceTargets(index, service, endpoint?.port);
                    targets.forEach((target) => scrapes.push({ source: monitor, target }));
                }
            }
        }
    }
    for (const monitor of index.ofKind("PodMonitor", ["monitoring.coreos.com"])) {
        const selector = stringMap(monitor.body.spec?.selector?.matchLabels);
        for (const namespace of monitorNamespaces(index, monitor)) {
            const workloads = index.workloadsMatching(namespace, selector);
            for (const endpoint of listOf(monitor.body.spec?.podMetricsEndpoints)) {
                const port = endpoint?.portNumber ?? endpoint?.port ?? endpoint?.targetPort;
                podTargets(namespace, selector, workloads, port).forEach((target) =>
                    scrapes.push({ source: monitor, target }),
                );
            }
        }
    }
    for (const workload of index.workloads()) {
        const port = workload.annotations["prometheus.io/port"];
        if (
            workload.annotations["prometheus.io/scrape"] === "true" &&
            port &&
            index.isAmbient(workload.namespace)
        ) {
            podTargets(workload.namespace, workload.labels, [workload], port).forEach((target) =>
                scrapes.push({ source: workload.object, target }),
            );
        }
    }
    return scrapes;
}

function dedupe(findings: Finding[]): Finding[] {
    const seen = new Set<string>();
    return findings.filter((f) => {
        const source = f.object?.source;
        const key = `${source?.urn ?? `${source?.file}:${source?.line}`}|${f.message}`;
        if (seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
}

export const outsideClientRules = [requireWebhookException, requireScrapeException];
