// picluster-mesh: the Pi Cluster's Istio ambient service mesh in one `pulumi up`.
import { loadStackConfig } from "./config/load";
import { Cilium } from "./components/cilium";
import { IstioGateway } from "./components/gateway";
import { IstioAmbient } from "./components/istio";
import { MeshObservability } from "./components/observability";
import { Bookinfo } from "./components/bookinfo";
import { MeshNamespaces } from "./components/meshNamespace";
import { Kiali, kialiArgs } from "./components/kiali";
import { identityProviders, kubernetesProvider } from "./components/providers";

// Validate everything before the first resource is registered.
const config = loadStackConfig();

const kubernetes = kubernetesProvider("kubernetes", config.kubernetes);
const opts = { providers: [kubernetes] };

const cilium = new Cilium(
    "cilium",
    {
        mode: config.cilium.mode,
        source: {
            chart: config.cilium.chart,
            version: config.cilium.version,
            repository: config.cilium.repository,
        },
        namespace: config.cilium.namespace,
        releaseName: config.cilium.releaseName,
        values: config.cilium.values,
        ambientHostProbes: config.cilium.ambientHostProbes,
    },
    opts,
);

const tracing = config.telemetry.tracing;
const istio = new IstioAmbient(
    "istio",
    {
        version: config.istio.version,
        repository: config.istio.repository,
        namespace: config.istio.namespace,
        releases: config.istio.releases,
        ztunnelResources: config.istio.ztunnel.resources,
        tracing: tracing.enabled
            ? { name: tracing.provider, service: tracing.service, port: tracing.port }
            : undefined,
        values: config.istio.values,
        cniRelease: cilium.release,
    },
    opts,
);

const gateway = config.gateway.enabled
    ? new IstioGateway(
          "gateway",
          {
              namespace: config.gateway.namespace,
              releaseName: config.gateway.releaseName,
              source: {
                  chart: "gateway",
                  version: config.istio.version,
                  repository: config.istio.repository,
              },
              loadBalancerIP: config.gateway.loadBalancerIP,
              values: config.gateway.values,
              istiod: istio.istiod,
          },
          opts,
      )
    : undefined;

new MeshObservability(
    "observability",
    {
        namespace: istio.namespace,
        istioCrds: istio.base,
        tracing: tracing.enabled
            ? {
                  provider: tracing.provider,
                  samplingPercentage: tracing.samplingPercentage,
                  customTags: tracing.customTags,
              }
            : undefined,
        metricsInterval: config.telemetry.metrics.enabled
            ? config.telemetry.metrics.interval
            : undefined,
    },
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

/** Istio's version and root namespace. */
export const istioVersion = config.istio.version;
export const istioNamespace = istio.namespace;
/** The ingress gateway's namespace, when the gateway is enabled. */
export const gatewayNamespace = gateway?.namespace;
/** The Kiali console. */
export const kialiUrl = kiali.url;
/** Each mesh namespace's effective mTLS mode and exceptions (the mesh configuration table). */
export const mesh = meshNamespaces.summary;
/** The bookinfo sample's product page, when the sample is enabled. */
export const bookinfoUrl = bookinfo?.url;
