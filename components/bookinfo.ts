// Istio's bookinfo sample in its own ambient namespace, published on Envoy Gateway: the page's
// "Testing Istio installation" step.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link Bookinfo}. */
export interface BookinfoArgs {
    /** Istio's version; the manifests come from the matching release-<major>.<minor> branch. */
    readonly istioVersion: string;
    /** The sample's namespace, created and enrolled by MeshNamespaces. */
    readonly namespace: k8s.core.v1.Namespace;
    /**
     * A Kubernetes provider whose default namespace is the sample's: Istio publishes the
     * manifests without a namespace, and the manifest component cannot set one.
     */
    readonly manifestsProvider: k8s.Provider;
    /** Host name the HTTPRoute serves, such as book-info.homelab.ricsanfre.com. */
    readonly hostname: string;
    /** The Gateway the HTTPRoute attaches to. Defaults to envoy-gateway-system/public-gateway. */
    readonly gateway: { readonly name: string; readonly namespace: string };
}

/** Istio's bookinfo manifests (the app and its versioned Services) for an Istio version. */
export function bookinfoManifestUrls(istioVersion: string): string[] {
    const [major, minor] = istioVersion.replace(/^v/, "").split(".");
    const base = `https://raw.githubusercontent.com/istio/istio/release-${major}.${minor}/samples/bookinfo/platform/kube`;
    return [`${base}/bookinfo.yaml`, `${base}/bookinfo-versions.yaml`];
}

/** Spec of the HTTPRoute `bookinfo`: the product page, its assets, login and the products API. */
export function bookinfoRouteSpec(hostname: string, gateway: BookinfoArgs["gateway"]) {
    const path = (type: "Exact" | "PathPrefix", value: string) => ({ path: { type, value } });
    return {
        parentRefs: [{ name: gateway.name, namespace: gateway.namespace }],
        hostnames: [hostname],
        rules: [
            {
                matches: [
                    path("Exact", "/productpage"),
                    path("PathPrefix", "/static"),
                    path("Exact", "/login"),
                    path("Exact", "/logout"),
                    path("PathPrefix", "/api/v1/products"),
                ],
                backendRefs: [{ name: "productpage", port: 9080 }],
            },
        ],
    };
}

/** The bookinfo sample: Istio's manifests and an HTTPRoute on the public gateway. */
export class Bookinfo extends pulumi.ComponentResource {
    public readonly manifests: k8s.yaml.v2.ConfigGroup;
    public readonly route: k8s.apiextensions.CustomResource;
    /** The product page's public URL. */
    public readonly url: string;

    constructor(name: string, args: BookinfoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:mesh:Bookinfo", name, {}, opts);

        // The provider fetches the manifests at deploy time; nothing is downloaded here.
        this.manifests = new k8s.yaml.v2.ConfigGroup(
            `${name}-manifests`,
            { files: bookinfoManifestUrls(args.istioVersion) },
            { parent: this, provider: args.manifestsProvider, dependsOn: [args.namespace] },
        );
        // Gateway API's CRDs come with Envoy Gateway, which another stack installs.
        this.route = new k8s.apiextensions.CustomResource(
            `${name}-route`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "bookinfo", namespace: args.namespace.metadata.name },
                spec: bookinfoRouteSpec(args.hostname, args.gateway),
            },
            { parent: this },
        );
        this.url = `https://${args.hostname}/productpage`;

        this.registerOutputs({ manifests: this.manifests, route: this.route, url: this.url });
    }
}
