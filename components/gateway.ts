// Istio's ingress gateway chart in its own namespace.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mergeValues } from "../policies/core";
import { ChartSource, helmRelease } from "./helm";
import { componentNamespace } from "./namespace";

/** Arguments of {@link IstioGateway}. */
export interface IstioGatewayArgs {
    /** Namespace created for the gateway. Defaults to `istio-ingress`. */
    readonly namespace: string;
    /** Helm release name; the chart names its Deployment and Service after it. */
    readonly releaseName: string;
    readonly source: ChartSource;
    /** Cilium LB-IPAM address for the gateway's LoadBalancer Service. */
    readonly loadBalancerIP?: string;
    /** Extra chart values, merged under the values this component requires. */
    readonly values: Record<string, unknown>;
    /**
     * The istiod release: gateway pods get their proxy from istiod's injector, so the gateway
     * installs only once istiod serves.
     */
    readonly istiod: pulumi.Resource;
}

/** Values for the gateway chart. */
export function gatewayValues(
    loadBalancerIP: string | undefined,
    user: Record<string, unknown> = {},
): Record<string, unknown> {
    if (!loadBalancerIP) {
        return user;
    }
    return mergeValues(user, {
        service: { annotations: { "io.cilium/lb-ipam-ips": loadBalancerIP } },
    });
}

/** The Istio ingress gateway. */
export class IstioGateway extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: IstioGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:istio:IstioGateway", name, {}, opts);

        this.namespace = componentNamespace(`${name}-namespace`, args.namespace, true, this);
        this.release = helmRelease(
            `${name}-release`,
            {
                releaseName: args.releaseName,
                namespace: this.namespace,
                source: args.source,
                // The chart reads no root namespace: the gateway's proxy, which istiod injects,
                // finds istiod through istiod's own values.
                values: gatewayValues(args.loadBalancerIP, args.values),
            },
            { parent: this, dependsOn: [args.istiod] },
        );

        this.registerOutputs({ namespace: this.namespace, release: this.release });
    }
}
