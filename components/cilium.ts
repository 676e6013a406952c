// Cilium as the CNI underneath Istio ambient: the Helm release with Istio's required settings,
// and the optional CiliumClusterwideNetworkPolicy for SNAT-ed kubelet probes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CILIUM_ISTIO_VALUES, KUBELET_PROBE_CIDR, mergeValues } from "../policies/core";
import { ChartSource, helmRelease } from "./helm";

/** Release inputs left as the running release has them while adopting it. */
export const ADOPTION_IGNORED_INPUTS = [
    "values",
    "version",
    "chart",
    "repositoryOpts",
    "timeout",
    "maxHistory",
    "cleanupOnFail",
    "createNamespace",
];

/** Arguments of {@link Cilium}. */
export interface CiliumArgs {
    /**
     * `managed` installs and upgrades the release; `adopt` imports the running release as it is
     * (first run on an existing cluster); `unmanaged` leaves Cilium alone.
     */
    readonly mode: "managed" | "adopt" | "unmanaged";
    readonly source: ChartSource;
    /** Namespace of the release. Defaults to `kube-system`. */
    readonly namespace: string;
    /** Helm release name. Defaults to `cilium`. */
    readonly releaseName: string;
    /** The cluster's own Cilium values; Istio's required settings are merged on top. */
    readonly values: Record<string, unknown>;
    /** Add the allow-ambient-hostprobes CiliumClusterwideNetworkPolicy. Defaults to `false`. */
    readonly ambientHostProbes: boolean;
}

/** The Cilium values to install: the user's values with Istio's settings forced on top. */
export function ciliumValues(userValues: Record<string, unknown>): Record<string, unknown> {
    return mergeValues(userValues, CILIUM_ISTIO_VALUES);
}

/**
 * The spec of allow-ambient-hostprobes. A Cilium policy that selects every endpoint and has an
 * ingress section would put the whole cluster into ingress default-deny; `enableDefaultDeny`
 * off makes it purely additive.
 */
export function ambientHostProbesSpec(): Record<string, unknown> {
    return {
        description: "Allows SNAT-ed kubelet health check probes into ambient pods",
        endpointSelector: {},
        enableDefaultDeny: { ingress: false, egress: false },
        // The source address ambient pods see after Istio SNATs the kubelet's probes (istio/istio#49277).
        ingress: [{ fromCIDR: [KUBELET_PROBE_CIDR] }],
    };
}

/** Cilium configured for Istio ambient. */
export class Cilium extends pulumi.ComponentResource {
    /** The Cilium release, unless Cilium is unmanaged. Istio's node-level charts wait for it. */
    public readonly release?: k8s.helm.v3.Release;
    /** The allow-ambient-hostprobes policy, when enabled. */
    public readonly hostProbesPolicy?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CiliumArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:network:Cilium", name, {}, opts);

        if (args.mode !== "unmanaged") {
            const adopting = args.mode === "adopt";
            this.release = helmRelease(
                `${name}-release`,
                {
                    releaseName: args.releaseName,
                    namespace: args.namespace,
                    source: args.source,
                    values: ciliumValues(args.values),
                },
                {
                    parent: this,
                    // Cilium is the cluster's network: `pulumi destroy` must never uninstall it.
                    retainOnDelete: true,
                    // Adopting imports the running release unchanged; the next run in `managed`
                    // mode then applies Istio's settings as an ordinary upgrade. An import fails
                    // on any input that differs from what it reads back, so everything the
                    // running release may not match, Pulumi-only settings included, is ignored.
                    import: adopting ? `${args.namespace}/${args.releaseName}` : undefined,
                    ignoreChanges: adopting ? ADOPTION_IGNORED_INPUTS : undefined,
                },
            );
        }

        if (args.ambientHostProbes) {
            // Cilium's operator registers its CRDs at startup, so the policy waits for the release.
            this.hostProbesPolicy = new k8s.apiextensions.CustomResource(
                `${name}-ambient-hostprobes`,
                {
                    apiVersion: "cilium.io/v2",
                    kind: "CiliumClusterwideNetworkPolicy",
                    metadata: { name: "allow-ambient-hostprobes" },
                    spec: ambientHostProbesSpec(),
                },
                { parent: this, dependsOn: this.release ? [this.release] : [] },
            );
        }

        this.registerOutputs({ release: this.release, hostProbesPolicy: this.hostProbesPolicy });
    }
}
