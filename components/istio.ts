// Istio in ambient mode: the istio-system namespace and the base, cni, istiod and ztunnel charts,
// each waiting only for what it really needs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ROOT_NAMESPACE, IstioChart, mergeValues } from "../policies/core";
import { ChartSource, helmRelease } from "./helm";
import { componentNamespace } from "./namespace";

type Values = Record<string, unknown>;

/** Resource requests and limits for ztunnel, as in a Pod spec. */
export interface ResourceRequirements {
    readonly requests?: { readonly cpu?: string; readonly memory?: string };
    readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** The OpenTelemetry extension provider istiod defines for tracing. */
export interface TracingProvider {
    /** Provider name that Telemetry resources refer to. Defaults to `opentelemetry`. */
    readonly name: string;
    /** OTLP gRPC service host. Defaults to Tempo's distributor. */
    readonly service: string;
    /** OTLP gRPC port. Defaults to `4317`. */
    readonly port: number;
}

/** Arguments of {@link IstioAmbient}. */
export interface IstioAmbientArgs {
    /** Istio chart version, shared by every chart. */
    readonly version: string;
    /** Istio's chart repository. */
    readonly repository: string;
    /** Istio's root namespace. Defaults to `istio-system`. */
    readonly namespace: string;
    /**
     * Create the root namespace (and delete it on destroy). Set false when it already exists and
     * belongs to something else, as on a cluster moved from Flux. Defaults to `true`.
     */
    readonly createNamespace: boolean;
    /** Helm release names. */
    readonly releases: {
        readonly base: string;
        readonly cni: string;
        readonly istiod: string;
        readonly ztunnel: string;
    };
    /** ztunnel's resource requests and limits. */
    readonly ztunnelResources: ResourceRequirements;
    /** Tracing through an OpenTelemetry extension provider; off when undefined. */
    readonly tracing?: TracingProvider;
    /** Extra values per chart, merged under the values this component requires. */
    readonly values: { base: Values; cni: Values; istiod: Values; ztunnel: Values };
    /**
     * The CNI's release, when this program manages it. istio-cni and istiod wait for it: the
     * CNI must run (and allow istio-cni's plugin) before their pods can start.
     */
    readonly cniRelease?: pulumi.Resource;
}

/**
 * Values that point a chart at a root namespace other than `istio-system`, for the charts that
 * read one (policies/upstream/charts at 1.30.3). Empty for the default, so that the Pi Cluster's
 * values stay exactly the repository's, and for cni and gateway, which read no root namespace:
 * the gateway's injected proxy finds istiod through istiod's own `global.istioNamespace`
 * (istio-discovery files/kube-gateway.yaml).
 */
export function rootNamespaceValues(namespace: string, chart: IstioChart): Values {
    if (namespace === DEFAULT_ROOT_NAMESPACE) {
        return {};
    }
    switch (chart) {
        case "ztunnel":
            // ztunnel builds istiod's address from its top-level `istioNamespace` (templates/
            // daemonset.yaml). Its zzz_profile.yaml flattens `global.*` onto the top level, so
            // `global.istioNamespace` would work too, but a top-level key wins over a flattened one.
            return { istioNamespace: namespace };
        case "istiod":
            return {
                global: { istioNamespace: namespace },
                meshConfig: { rootNamespace: namespace },
            };
        case "base":
            return { global: { istioNamespace: namespace } };
        case "cni":
        case "gateway":
            return {};
    }
}

/**
 * Values for the base chart. Since Istio 1.24 the chart ships its CRDs as templates, so
 * `helm upgrade` upgrades them with the chart; this pins that behaviour explicitly.
 */
export function baseValues(user: Values = {}): Values {
    return mergeValues(user, { base: { enableCRDTemplates: true } });
}

/** Values for the cni chart: the ambient profile. */
export function cniValues(user: Values = {}): Values {
    return mergeValues(user, { profile: "ambient" });
}

/** Values for the istiod chart: the ambient profile and, optionally, OpenTelemetry tracing. */
export function istiodValues(tracing: TracingProvider | undefined, user: Values = {}): Values {
    const required: Values = { profile: "ambient" };
    if (tracing) {
        required.meshConfig = {
            enableTracing: true,
            extensionProviders: [
                {
                    name: tracing.name,
                    opentelemetry: {
                        port: tracing.port,
                        service: tracing.service,
                        resource_detectors: { environment: {} },
                    },
                },
            ],
        };
    }
    return mergeValues(user, required);
}

/** Values for the ztunnel chart: the configured resources. */
export function ztunnelValues(resources: ResourceRequirements, user: Values = {}): Values {
    return mergeValues(user, { resources });
}

/** Istio's control plane and ambient data plane. */
export class IstioAmbient extends pulumi.ComponentResource {
    /** The root namespace's name, known once the Namespace exists. */
    public readonly namespace: pulumi.Output<string>;
    /** The base release: Istio's CRDs. Every Istio custom resource waits for it. */
    public readonly base: k8s.helm.v3.Release;
    public readonly cni: k8s.helm.v3.Release;
    public readonly istiod: k8s.helm.v3.Release;
    public readonly ztunnel: k8s.helm.v3.Release;

    constructor(name: string, args: IstioAmbientArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:istio:IstioAmbient", name, {}, opts);

        this.namespace = componentNamespace(
            `${name}-namespace`,
            args.namespace,
            args.createNamespace,
            this,
        );
        const root = (chart: IstioChart) => rootNamespaceValues(args.namespace, chart);

        const source = (chart: string): ChartSource => ({
            chart,
            version: args.version,
            repository: args.repository,
        });
        const waitForCni = args.cniRelease ? [args.cniRelease] : [];

        this.base = helmRelease(
            `${name}-base`,
            {
                releaseName: args.releases.base,
                namespace: this.namespace,
                source: source("base"),
                values: mergeValues(baseValues(args.values.base), root("base")),
                skipCrds: true,
            },
            // The CRDs carry every Istio resource in the cluster; deleting them deletes those too.
            { parent: this, protect: true },
        );
        this.cni = helmRelease(
            `${name}-cni`,
            {
                releaseName: args.releases.cni,
                namespace: this.namespace,
                source: source("cni"),
                values: mergeValues(cniValues(args.values.cni), root("cni")),
            },
            { parent: this, dependsOn: [this.base, ...waitForCni] },
        );
        this.istiod = helmRelease(
            `${name}-istiod`,
            {
                releaseName: args.releases.istiod,
                namespace: this.namespace,
                source: source("istiod"),
                values: mergeValues(istiodValues(args.tracing, args.values.istiod), root("istiod")),
            },
            { parent: this, dependsOn: [this.base, ...waitForCni] },
        );
        this.ztunnel = helmRelease(
            `${name}-ztunnel`,
            {
                releaseName: args.releases.ztunnel,
                namespace: this.namespace,
                source: source("ztunnel"),
                values: mergeValues(
                    ztunnelValues(args.ztunnelResources, args.values.ztunnel),
                    root("ztunnel"),
                ),
            },
            { parent: this, dependsOn: [this.cni, this.istiod] },
        );

        this.registerOutputs({
            namespace: this.namespace,
            base: this.base,
            cni: this.cni,
            istiod: this.istiod,
            ztunnel: this.ztunnel,
        });
    }
}
