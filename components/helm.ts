// Shared pieces for the Helm releases every component installs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Where a chart comes from: an https:// chart repository or an oci:// registry path. */
export interface ChartSource {
    /** Chart name (`base`, `cilium`). */
    readonly chart: string;
    /** Pinned chart version; Helm would otherwise install the latest. */
    readonly version: string;
    /** `https://…` chart repository or `oci://…` registry path that holds the chart. */
    readonly repository: string;
}

/** Options for {@link helmRelease}. */
export interface HelmReleaseOptions {
    /** The Helm release name, set explicitly: the provider would otherwise add a random suffix. */
    readonly releaseName: string;
    /** Namespace the release lives in; pass the Namespace resource's output to wait for it. */
    readonly namespace: pulumi.Input<string>;
    readonly source: ChartSource;
    readonly values: Record<string, unknown>;
    /**
     * Skip the chart's `crds/` directory. Helm installs that directory once and never upgrades
     * it, so charts whose CRDs must follow chart upgrades ship them as templates instead.
     */
    readonly skipCrds?: boolean;
}

/** The chart, version and repository arguments of a `helm.v3.Release` for a chart source. */
export function chartArgs(
    source: ChartSource,
): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> {
    if (source.repository.startsWith("oci://")) {
        return {
            chart: `${source.repository.replace(/\/+$/, "")}/${source.chart}`,
            version: source.version,
        };
    }
    return {
        chart: source.chart,
        version: source.version,
        repositoryOpts: { repo: source.repository },
    };
}

/** A Helm release with an explicit name and the settings every release here shares. */
export function helmRelease(
    name: string,
    options: HelmReleaseOptions,
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        name,
        {
            name: options.releaseName,
            namespace: options.namespace,
            ...chartArgs(options.source),
            values: options.values,
            skipCrds: options.skipCrds,
            createNamespace: false,
            cleanupOnFail: true,
            // Pulling arm64 images onto Raspberry Pis is slow; Helm's 5-minute default is not enough.
            timeout: 900,
            maxHistory: 10,
        },
        opts,
    );
}
