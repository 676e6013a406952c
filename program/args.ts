// The one place where the stack's config becomes the components' arguments. Components know
// nothing of the config schema: each takes its own documented args, so it can be built and
// tested on its own, and this module is all that changes when the config's shape does.
import * as pulumi from "@pulumi/pulumi";
import type { BookinfoArgs } from "../components/bookinfo";
import type { CiliumArgs } from "../components/cilium";
import type { IstioGatewayArgs } from "../components/gateway";
import type { IstioAmbientArgs } from "../components/istio";
import type { KialiArgs, KialiAuth, KialiOidcArgs } from "../components/kiali";
import type { MeshNamespaceArgs } from "../components/mesh";
import type { MeshNamespacesArgs } from "../components/meshNamespace";
import type { MeshObservabilityArgs } from "../components/observability";
import type { IdentityProvidersArgs, KubernetesProviderArgs } from "../components/providers";
import { MeshNamespaceConfig, namespacePolicyName } from "../config/mesh";
import { PROJECT, StackConfig } from "../config/schema";

/** How the program reaches the cluster. */
export function kubernetesArgs(config: StackConfig): KubernetesProviderArgs {
    return { kubeconfig: config.kubernetes.kubeconfig, context: config.kubernetes.context };
}

/** Cilium's arguments. */
export function ciliumArgs(config: StackConfig): CiliumArgs {
    const { chart, version, repository, ...rest } = config.cilium;
    return {
        mode: rest.mode,
        source: { chart, version, repository },
        namespace: rest.namespace,
        releaseName: rest.releaseName,
        values: rest.values,
        ambientHostProbes: rest.ambientHostProbes,
    };
}

/** Istio's arguments; `cniRelease` is Cilium's, when the program manages it. */
export function istioAmbientArgs(
    config: StackConfig,
    cniRelease?: pulumi.Resource,
): IstioAmbientArgs {
    const { istio } = config;
    const tracing = config.telemetry.tracing;
    return {
        version: istio.version,
        repository: istio.repository,
        namespace: istio.namespace,
        createNamespace: istio.createNamespace,
        releases: istio.releases,
        ztunnelResources: istio.ztunnel.resources,
        tracing: tracing.enabled
            ? { name: tracing.provider, service: tracing.service, port: tracing.port }
            : undefined,
        values: istio.values,
        cniRelease,
    };
}

/** The gateway's arguments: Istio's gateway chart at Istio's version. */
export function istioGatewayArgs(config: StackConfig, istiod: pulumi.Resource): IstioGatewayArgs {
    const { gateway, istio } = config;
    return {
        namespace: gateway.namespace,
        releaseName: gateway.releaseName,
        source: { chart: "gateway", version: istio.version, repository: istio.repository },
        loadBalancerIP: gateway.loadBalancerIP,
        values: gateway.values,
        istiod,
    };
}

/** Tracing and metrics, for Istio's namespace and the release of its CRDs. */
export function meshObservabilityArgs(
    config: StackConfig,
    namespace: pulumi.Input<string>,
    istioCrds: pulumi.Resource,
): MeshObservabilityArgs {
    const { tracing, metrics } = config.telemetry;
    return {
        namespace,
        istioCrds,
        tracing: tracing.enabled
            ? {
                  provider: tracing.provider,
                  samplingPercentage: tracing.samplingPercentage,
                  customTags: tracing.customTags,
              }
            : undefined,
        metricsInterval: metrics.enabled ? metrics.interval : undefined,
    };
}

/** Kiali's arguments. */
export function kialiArgs(config: StackConfig): KialiArgs {
    const kiali = config.kiali;
    const webFqdn = `${kiali.subdomain}.${config.domain}`;
    const auth = kiali.auth;
    let authSettings: KialiAuth = { strategy: "anonymous" };
    let oidc: KialiOidcArgs | undefined;
    if (auth.strategy === "openid") {
        const openid = auth.openid;
        authSettings = {
            strategy: "openid",
            clientId: openid.clientId,
            issuerUri: openid.issuerUri ?? `https://iam.${config.domain}/realms/${openid.realm}`,
            disableRbac: openid.disableRbac,
            secretRotation: openid.rotation,
        };
        oidc = {
            client: {
                realm: openid.realm,
                clientId: openid.clientId,
                appUrl: `https://${webFqdn}`,
                implicitFlow: openid.implicitFlow,
                directAccessGrants: openid.directAccessGrants,
            },
            vault: openid.vault,
            rotation: openid.rotation,
            secretStore: openid.secretStore,
        };
    }
    const services = config.services;
    return {
        namespace: kiali.namespace,
        createNamespace: kiali.createNamespace,
        operator: {
            source: {
                chart: kiali.operator.chart,
                version: kiali.operator.version,
                repository: kiali.operator.repository,
            },
            releaseName: kiali.operator.releaseName,
            values: kiali.operator.values,
        },
        spec: {
            webFqdn,
            logLevel: kiali.logLevel,
            prometheusUrl: services.prometheus.url,
            grafana: {
                internalUrl: services.grafana.internalUrl,
                externalUrl: services.grafana.externalUrl ?? `https://grafana.${config.domain}`,
            },
            tempo: services.tempo,
            auth: authSettings,
        },
        route: {
            hostname: webFqdn,
            gateway: kiali.route.gateway,
            gatewayNamespace: kiali.route.gatewayNamespace,
        },
        oidc,
    };
}

/**
 * Where Vault and Keycloak are, and the credentials from the secret config keys `vaultToken` and
 * `keycloakClientSecret`; whatever is unset, each provider reads from its environment.
 */
export function identityProvidersArgs(config: StackConfig): IdentityProvidersArgs {
    const secrets = new pulumi.Config(PROJECT);
    return {
        vault: { address: config.identity.vault.address, token: secrets.getSecret("vaultToken") },
        keycloak: {
            ...config.identity.keycloak,
            clientSecret: secrets.getSecret("keycloakClientSecret"),
        },
    };
}

/** One mesh namespace: its namespace-wide policy, if it has one, named as the config says. */
export function meshNamespaceArgs(entry: MeshNamespaceConfig): MeshNamespaceArgs {
    const policyName = namespacePolicyName(entry);
    return {
        name: entry.name,
        create: entry.create,
        ...(policyName !== undefined && {
            policy: {
                name: policyName,
                mode: entry.mode,
                ...(entry.reason !== undefined && { reason: entry.reason }),
                ...(entry.client !== undefined && { client: entry.client }),
            },
        }),
        exceptions: entry.exceptions,
        networkPolicies: entry.networkPolicies,
    };
}

/** The mesh's namespaces, held to the mesh-wide default in Istio's root namespace. */
export function meshNamespacesArgs(
    config: StackConfig,
    istioCrds: pulumi.Resource,
): MeshNamespacesArgs {
    return {
        rootNamespace: config.istio.namespace,
        namespaces: config.mesh.namespaces.map(meshNamespaceArgs),
        istioCrds,
    };
}

/** The bookinfo sample, in its namespace (created by MeshNamespaces). */
export function bookinfoArgs(
    config: StackConfig,
    namespace: BookinfoArgs["namespace"],
    manifestsProvider: BookinfoArgs["manifestsProvider"],
): BookinfoArgs {
    const sample = config.mesh.bookinfo;
    return {
        istioVersion: config.istio.version,
        namespace,
        manifestsProvider,
        hostname: sample.hostname ?? `book-info.${config.domain}`,
        gateway: sample.gateway,
    };
}
