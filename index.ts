// picluster-mesh: the Pi Cluster's Istio ambient service mesh in one `pulumi up`.
// The program is the exported function (Pulumi calls it and exports what it returns), so that
// the offline plan can evaluate it again and again without reloading the module.
import { Bookinfo } from "./components/bookinfo";
import { Cilium, ciliumArgs } from "./components/cilium";
import { IstioGateway, istioGatewayArgs } from "./components/gateway";
import { IstioAmbient, istioAmbientArgs } from "./components/istio";
import { Kiali, kialiArgs } from "./components/kiali";
import { MeshNamespaces } from "./components/meshNamespace";
import { MeshObservability, meshObservabilityArgs } from "./components/observability";
import { identityProviders, kubernetesProvider } from "./components/providers";
import { loadStackConfig } from "./config/load";

export = () => {
    // Validate everything before the first resource is registered.
    const config = loadStackConfig();

    const kubernetes = kubernetesProvider("kubernetes", config.kubernetes);
    const opts = { providers: [kubernetes] };

    const cilium = new Cilium("cilium", ciliumArgs(config), opts);
    const istio = new IstioAmbient("istio", istioAmbientArgs(config, cilium.release), opts);
    const gateway = config.gateway.enabled
        ? new IstioGateway("gateway", istioGatewayArgs(config, istio.istiod), opts)
        : undefined;
    new MeshObservability(
        "observability",
        meshObservabilityArgs(config, istio.namespace, istio.base),
        opts,
    );

    // Vault and Keycloak are contacted only by a stack that signs in to Kiali with OpenID.
    const identity =
        config.kiali.auth.strategy === "openid" ? identityProviders(config.identity) : undefined;
    const kiali = new Kiali("kiali", { ...kialiArgs(config), providers: identity }, opts);

    const meshNamespaces = new MeshNamespaces(
        "mesh",
        {
            rootNamespace: config.istio.namespace,
            namespaces: config.mesh.namespaces,
            istioCrds: istio.base,
        },
        opts,
    );

    const sample = config.mesh.bookinfo;
    const bookinfo = sample.enabled
        ? new Bookinfo(
              "bookinfo",
              {
                  istioVersion: config.istio.version,
                  namespace: meshNamespaces.created[sample.namespace],
                  manifestsProvider: kubernetesProvider(
                      "bookinfo-kubernetes",
                      config.kubernetes,
                      sample.namespace,
                  ),
                  hostname: sample.hostname ?? `book-info.${config.domain}`,
                  gateway: sample.gateway,
              },
              opts,
          )
        : undefined;

    return {
        /** Istio's version and root namespace. */
        istioVersion: config.istio.version,
        istioNamespace: istio.namespace,
        /** The ingress gateway's namespace, when the gateway is enabled. */
        gatewayNamespace: gateway?.namespace,
        /** The Kiali console. */
        kialiUrl: kiali.url,
        /** Each mesh namespace's effective mTLS mode and exceptions (the mesh configuration table). */
        mesh: meshNamespaces.summary,
        /** The bookinfo sample's product page, when the sample is enabled. */
        bookinfoUrl: bookinfo?.url,
    };
};
