// picluster-mesh: the Pi Cluster's Istio ambient service mesh in one `pulumi up`.
// The program is the exported function (Pulumi calls it and exports what it returns), so that
// the offline plan can evaluate it again and again without reloading the module.
import { Bookinfo } from "./components/bookinfo";
import { Cilium } from "./components/cilium";
import { IstioGateway } from "./components/gateway";
import { IstioAmbient } from "./components/istio";
import { Kiali } from "./components/kiali";
import { MeshNamespaces } from "./components/meshNamespace";
import { MeshObservability } from "./components/observability";
import { identityProviders, kubernetesProvider } from "./components/providers";
import { loadStackConfig } from "./config/load";
import * as from from "./program/args";

export = () => {
    // Validate everything before the first resource is registered.
    const config = loadStackConfig();

    const kubernetes = kubernetesProvider("kubernetes", from.kubernetesArgs(config));
    const opts = { providers: [kubernetes] };

    const cilium = new Cilium("cilium", from.ciliumArgs(config), opts);
    const istio = new IstioAmbient("istio", from.istioAmbientArgs(config, cilium.release), opts);
    const gateway = config.gateway.enabled
        ? new IstioGateway("gateway", from.istioGatewayArgs(config, istio.istiod), opts)
        : undefined;
    new MeshObservability(
        "observability",
        from.meshObservabilityArgs(config, istio.namespace, istio.base),
        opts,
    );

    // Vault and Keycloak are contacted only by a stack that installs Kiali and signs in to it
    // with OpenID.
    const kialiConfig = config.kiali;
    const identity =
        kialiConfig.enabled && kialiConfig.auth.strategy === "openid"
            ? identityProviders(from.identityProvidersArgs(config))
            : undefined;
    const kiali = kialiConfig.enabled
        ? new Kiali("kiali", from.kialiArgs(config), {
              providers: [kubernetes, ...(identity ? [identity.vault, identity.keycloak] : [])],
          })
        : undefined;

    const meshNamespaces = new MeshNamespaces(
        "mesh",
        from.meshNamespacesArgs(config, istio.base),
        opts,
    );

    const sample = config.mesh.bookinfo;
    const bookinfo = sample.enabled
        ? new Bookinfo(
              "bookinfo",
              from.bookinfoArgs(
                  config,
                  meshNamespaces.created[sample.namespace],
                  kubernetesProvider(
                      "bookinfo-kubernetes",
                      from.kubernetesArgs(config),
                      sample.namespace,
                  ),
              ),
              opts,
          )
        : undefined;

    return {
        /** Istio's version and root namespace. */
        istioVersion: config.istio.version,
        istioNamespace: istio.namespace,
        /** The ingress gateway's namespace, when the gateway is enabled. */
        gatewayNamespace: gateway?.namespace,
        /** The Kiali console, when Kiali is enabled. */
        kialiUrl: kiali?.url,
        /** Each mesh namespace's effective mTLS mode and exceptions (the mesh configuration table). */
        mesh: meshNamespaces.summary,
        /** The bookinfo sample's product page, when the sample is enabled. */
        bookinfoUrl: bookinfo?.url,
    };
};
