// Mesh-wide tracing (Telemetry API) and Prometheus scraping of istiod and ztunnel.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ISTIOD_METRICS, ZTUNNEL_METRICS } from "../policies/core";

/** Arguments of {@link MeshObservability}. */
export interface MeshObservabilityArgs {
    /** Istio's root namespace, from the IstioAmbient component (waits for the Namespace). */
    readonly namespace: pulumi.Input<string>;
    /** The release that installs Istio's CRDs; the Telemetry resource waits for it. */
    readonly istioCrds: pulumi.Resource;
    /** Mesh-wide tracing; no Telemetry resource when undefined. */
    readonly tracing?: {
        /** An extension provider defined in istiod's meshConfig. */
        readonly provider: string;
        readonly samplingPercentage: number;
        /** Literal tags added to every span. */
        readonly customTags: Record<string, string>;
    };
    /** Scrape interval for the ServiceMonitor and PodMonitor; none when undefined. */
    readonly metricsInterval?: string;
}

const monitoringLabels = {
    "app.kubernetes.io/part-of": "istio",
    "app.kubernetes.io/component": "monitoring",
};

/** Spec of the mesh-wide Telemetry resource `otel-global`. */
export function telemetrySpec(tracing: NonNullable<MeshObservabilityArgs["tracing"]>) {
    return {
        tracing: [
            {
                providers: [{ name: tracing.provider }],
                randomSamplingPercentage: tracing.samplingPercentage,
                customTags: Object.fromEntries(
                    Object.entries(tracing.customTags).map(([tag, value]) => [
                        tag,
                        { literal: { value } },
                    ]),
                ),
            },
        ],
    };
}

/**
 * Spec of the istiod ServiceMonitor: istiod serves metrics on port http-monitoring (15014).
 * Until the repository committed these two monitors (6b950feb) Prometheus scraped no Istio
 * metrics and Kiali's graph stayed empty; the page's ztunnel monitor names no port at all.
 */
export function istiodServiceMonitorSpec(namespace: string, interval: string) {
    return {
        namespaceSelector: { matchNames: [namespace] },
        selector: { matchLabels: { app: "istiod" } },
        endpoints: [{ port: ISTIOD_METRICS.portName, path: ISTIOD_METRICS.paths[0], interval }],
    };
}

/** Spec of the ztunnel PodMonitor: ztunnel serves metrics on port ztunnel-stats (15020). */
export function ztunnelPodMonitorSpec(namespace: string, interval: string) {
    return {
        namespaceSelector: { matchNames: [namespace] },
        selector: { matchLabels: { app: "ztunnel" } },
        podMetricsEndpoints: [
            { port: ZTUNNEL_METRICS.portName, path: ZTUNNEL_METRICS.paths[0], interval },
        ],
    };
}

/** Tracing and metrics for the mesh. */
export class MeshObservability extends pulumi.ComponentResource {
    public readonly telemetry?: k8s.apiextensions.CustomResource;
    public readonly istiodMonitor?: k8s.apiextensions.CustomResource;
    public readonly ztunnelMonitor?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MeshObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:observability:MeshObservability", name, {}, opts);

        const namespace = pulumi.output(args.namespace);
        if (args.tracing) {
            this.telemetry = new k8s.apiextensions.CustomResource(
                `${name}-otel-global`,
                {
                    apiVersion: "telemetry.istio.io/v1",
                    kind: "Telemetry",
                    metadata: { name: "otel-global", namespace },
                    spec: telemetrySpec(args.tracing),
                },
                { parent: this, dependsOn: [args.istioCrds] },
            );
        }
        // The Prometheus Operator's CRDs belong to the monitoring stack, which is already there.
        const interval = args.metricsInterval;
        if (interval) {
            this.istiodMonitor = new k8s.apiextensions.CustomResource(
                `${name}-istiod-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "ServiceMonitor",
                    metadata: { name: "istio-istiod", namespace, labels: monitoringLabels },
                    spec: namespace.apply((ns) => istiodServiceMonitorSpec(ns, interval)),
                },
                { parent: this },
            );
            this.ztunnelMonitor = new k8s.apiextensions.CustomResource(
                `${name}-ztunnel-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PodMonitor",
                    metadata: { name: "istio-ztunnel", namespace, labels: monitoringLabels },
                    spec: namespace.apply((ns) => ztunnelPodMonitorSpec(ns, interval)),
                },
                { parent: this },
            );
        }

        this.registerOutputs({
            telemetry: this.telemetry,
            istiodMonitor: this.istiodMonitor,
            ztunnelMonitor: this.ztunnelMonitor,
        });
    }
}
