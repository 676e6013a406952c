// The whole stack configuration, declared once. Pulumi.yaml's `config:` block cannot type nested
// objects, so the schema and its defaults live here and every stack file is checked against it
// before any resource is registered.
import { z } from "zod";
import { checkStackChartValues } from "./chartValues";
import { identitySchema, kialiSchema } from "./kiali";
import { checkMeshAgainstIstio, meshSchema } from "./mesh";
import {
    chartRepository,
    chartVersion,
    dnsLabel,
    domainName,
    helmValues,
    httpUrl,
    ipv4,
    k8sName,
    port,
    quantity,
} from "./primitives";

/** The Pulumi project name; stack config keys are `picluster-mesh:<key>`. */
export const PROJECT = "picluster-mesh";

const cpuAndMemory = z.strictObject({
    cpu: quantity.optional().describe("CPU, a quantity such as 100m."),
    memory: quantity.optional().describe("Memory, a quantity such as 128Mi."),
});
const resources = z.strictObject({
    requests: cpuAndMemory.optional().describe("What the scheduler reserves."),
    limits: cpuAndMemory.optional().describe("What the container may not exceed."),
});

const kubeconfigPathText =
    "a kubeconfig file path (keep credentials out of the stack file; or set KUBECONFIG)";

export const kubernetesSchema = z
    .strictObject({
        // Never the contents: the provider's inputs land in plaintext in the plan and state.
        kubeconfig: z
            .string()
            .regex(/^(?!\s*(apiVersion|\{))[^\n]+$/, kubeconfigPathText)
            .optional()
            .describe(
                "Path of a kubeconfig file, never its contents (they would land in the plan and the state); the provider's default discovery (KUBECONFIG, ~/.kube/config) when unset.",
            ),
        context: z
            .string()
            .min(1, "a kubeconfig context name")
            .optional()
            .describe(
                "The kubeconfig context to use; the current context when unset. Name it, so that a stack never reaches whatever cluster the shell points at.",
            ),
    })
    .prefault({})
    .describe("How the program reaches the cluster.");

export const ciliumSchema = z
    .strictObject({
        // The default takes nothing over: the cluster's CNI stays whoever's it is.
        mode: z
            .enum(["unmanaged", "adopt", "managed"])
            .default("unmanaged")
            .describe(
                "unmanaged: the cluster's CNI is someone else's; nothing is installed and Istio's charts do not wait for it (a Cilium must then have socketLB.hostNamespaceOnly=true and cni.exclusive=false). adopt: import the running Cilium release as it is, once. managed: install and upgrade the release with cilium.values and Istio's settings; `pulumi destroy` never uninstalls it.",
            ),
        chart: z
            .string()
            .min(1, "a chart name or oci:// reference")
            .default("cilium")
            .describe("Cilium's chart name (adopt, managed)."),
        repository: chartRepository
            .default("oci://quay.io/cilium/charts")
            .describe("Cilium's chart repository."),
        version: chartVersion.default("1.20.1").describe("Cilium's chart version, pinned."),
        namespace: k8sName.default("kube-system").describe("Namespace of the Cilium release."),
        releaseName: k8sName.default("cilium").describe("Helm release name of Cilium."),
        values: helmValues
            .default({})
            .describe(
                "The cluster's own Cilium values (managed); socketLB.hostNamespaceOnly=true and cni.exclusive=false are merged on top. Copy them from `helm get values cilium -n kube-system` before the first managed run.",
            ),
        ambientHostProbes: z
            .boolean()
            .default(false)
            .describe(
                "Add the CiliumClusterwideNetworkPolicy allow-ambient-hostprobes, which admits the kubelet's probes that ambient mode SNATs to 169.254.7.127 (additive: enableDefaultDeny off); needed only where Cilium policies deny by default.",
            ),
    })
    .prefault({})
    .describe("Cilium, the cluster's CNI: left alone unless the stack adopts or manages it.");

const istioChartValues = z
    .strictObject({
        base: helmValues.default({}).describe("Extra values of the base chart."),
        cni: helmValues
            .default({})
            .describe("Extra values of the cni chart (on k3d: {global: {platform: k3d}})."),
        istiod: helmValues.default({}).describe("Extra values of the istiod chart."),
        ztunnel: helmValues.default({}).describe("Extra values of the ztunnel chart."),
    })
    .prefault({})
    .describe("Extra values per chart, merged under the values this program requires.");

export const istioSchema = z
    .strictObject({
        version: chartVersion
            .default("1.30.3")
            .describe("One pinned version for every Istio chart, the gateway's included."),
        repository: chartRepository
            .default("https://istio-release.storage.googleapis.com/charts")
            .describe("Istio's chart repository."),
        namespace: k8sName
            .default("istio-system")
            .describe(
                "Istio's root namespace; any other value is passed to the charts (global.istioNamespace, istiod's meshConfig.rootNamespace), where the policy pack reads it.",
            ),
        createNamespace: z
            .boolean()
            .default(true)
            .describe(
                "Create the root namespace; false when it exists already and belongs to another owner (the stack then never deletes it).",
            ),
        releases: z
            .strictObject({
                base: k8sName.default("istio-base").describe("Release of the base chart (CRDs)."),
                cni: k8sName.default("istio-cni").describe("Release of the cni chart."),
                istiod: k8sName.default("istio-istiod").describe("Release of the istiod chart."),
                ztunnel: k8sName.default("istio-ztunnel").describe("Release of the ztunnel chart."),
            })
            .prefault({})
            .describe("Helm release names."),
        ztunnel: z
            .strictObject({
                resources: resources
                    .default({
                        requests: { cpu: "100m", memory: "128Mi" },
                        limits: { memory: "256Mi" },
                    })
                    .describe("ztunnel's resources (the chart's own default is 200m and 512Mi)."),
            })
            .prefault({})
            .describe("The per-node L4 proxy."),
        values: istioChartValues,
    })
    .prefault({})
    .describe("Istio's ambient charts: base (CRDs), cni, istiod and ztunnel, at one version.");

export const gatewaySchema = z
    .strictObject({
        enabled: z
            .boolean()
            .default(false)
            .describe("Install Istio's gateway chart (a Deployment and a LoadBalancer Service)."),
        namespace: k8sName
            .default("istio-ingress")
            .describe("Namespace of the gateway, created and owned by the stack."),
        releaseName: k8sName.default("istio-gateway").describe("Helm release name of the gateway."),
        loadBalancerIP: ipv4
            .optional()
            .describe(
                "Cilium LB-IPAM address of the gateway Service (annotation io.cilium/lb-ipam-ips).",
            ),
        values: helmValues.default({}).describe("Extra values of the gateway chart."),
    })
    .prefault({})
    .describe("Istio's ingress gateway.");

export const telemetrySchema = z
    .strictObject({
        tracing: z
            .strictObject({
                // Off by default: traces go to a collector the stack does not install.
                enabled: z
                    .boolean()
                    .default(false)
                    .describe(
                        "Send traces: istiod gets an OpenTelemetry extension provider, and the mesh-wide Telemetry otel-global selects it.",
                    ),
                provider: k8sName
                    .default("opentelemetry")
                    .describe(
                        "Name of the istiod extension provider the Telemetry resource points at.",
                    ),
                service: z
                    .string()
                    .regex(
                        new RegExp(`^${dnsLabel}(\\.${dnsLabel})*$`),
                        "a Service host name such as tempo-distributor.tempo.svc.cluster.local",
                    )
                    .default("tempo-distributor.tempo.svc.cluster.local")
                    .describe("Host of the OTLP gRPC endpoint: Tempo's distributor."),
                port: port.default(4317).describe("Port of the OTLP gRPC endpoint."),
                samplingPercentage: z
                    .number()
                    .min(0, "a percentage from 0 to 100")
                    .max(100, "a percentage from 0 to 100")
                    .default(100)
                    .describe("Share of requests traced, from 0 to 100."),
                customTags: z
                    .record(z.string(), z.string())
                    .default({})
                    .describe("Literal span tags, name to value."),
            })
            .prefault({})
            .describe("Tracing to an OpenTelemetry collector."),
        metrics: z
            .strictObject({
                // Off by default: the monitors need the Prometheus Operator's CRDs, which belong
                // to the monitoring stack.
                enabled: z
                    .boolean()
                    .default(false)
                    .describe(
                        "ServiceMonitor istio-istiod and PodMonitor istio-ztunnel (path /metrics); needs the Prometheus Operator's CRDs.",
                    ),
                interval: z
                    .string()
                    .regex(/^\d+(ms|s|m|h)$/, "a Prometheus duration such as 30s")
                    .default("30s")
                    .describe("Scrape interval, a Prometheus duration."),
            })
            .prefault({})
            .describe("Prometheus monitors for istiod and ztunnel."),
    })
    .prefault({})
    .describe("Tracing and metrics of the mesh.");

/** Where the cluster's observability services live; Kiali and istiod point at them. */
export const servicesSchema = z
    .strictObject({
        prometheus: z
            .strictObject({
                url: httpUrl
                    .default("http://kube-prometheus-stack-prometheus.kube-prom-stack:9090")
                    .describe(
                        "Prometheus as Kiali queries it, without a /prometheus/ path prefix (which made Kiali disable Prometheus).",
                    ),
            })
            .prefault({}),
        grafana: z
            .strictObject({
                internalUrl: httpUrl
                    .default("http://grafana-service.grafana:3000")
                    .describe("Grafana inside the cluster, for Kiali."),
                externalUrl: httpUrl
                    .optional()
                    .describe("Grafana's public URL; https://grafana.<domain> when unset."),
            })
            .prefault({}),
        tempo: z
            .strictObject({
                queryUrl: httpUrl
                    .default("http://tempo-query-frontend.tempo.svc.cluster.local:3100/")
                    .describe("Tempo's query frontend, for Kiali."),
                grpcPort: port.default(9095).describe("Tempo's query gRPC port."),
                orgId: z
                    .string()
                    .min(1, "a Tempo tenant id")
                    .default("1")
                    .describe("Tempo's tenant id."),
                datasourceUid: z
                    .string()
                    .min(1, "a Grafana datasource uid")
                    .default("tempo")
                    .describe("Uid of Grafana's Tempo datasource, for Kiali's trace links."),
            })
            .prefault({}),
    })
    .prefault({})
    .describe("Where the cluster's Prometheus, Grafana and Tempo are; Kiali points at them.");

/**
 * Sections of the stack configuration. Later capabilities add their section here; the loader
 * knows nothing about individual keys.
 */
export const sections = {
    domain: domainName.describe(
        "The cluster's DNS domain: Kiali is published at kiali.<domain>, bookinfo at book-info.<domain>.",
    ),
    kubernetes: kubernetesSchema,
    cilium: ciliumSchema,
    istio: istioSchema,
    gateway: gatewaySchema,
    telemetry: telemetrySchema,
    services: servicesSchema,
    identity: identitySchema,
    kiali: kialiSchema,
    mesh: meshSchema,
};

/** Namespaces every cluster has: the program may label them, never create (and so delete) them. */
const CLUSTER_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** A config value and where it is, for issues. */
interface Located {
    readonly path: PropertyKey[];
    readonly name: string;
    /** For releases: the namespace they install into. */
    readonly namespace?: string;
}

/**
 * Namespaces the program would create must not be the cluster's own (`pulumi destroy` would
 * delete them), and no two Helm releases may share a name in one namespace (the second install
 * fails, or upgrades the first).
 */
function checkNamespacesAndReleases(
    config: z.output<z.ZodObject<typeof sections>>,
    ctx: z.RefinementCtx,
): void {
    const { cilium, istio, gateway, kiali, mesh } = config;
    const created: Located[] = [
        ...(istio.createNamespace ? [{ path: ["istio", "namespace"], name: istio.namespace }] : []),
        ...(gateway.enabled ? [{ path: ["gateway", "namespace"], name: gateway.namespace }] : []),
        ...(kiali.enabled && kiali.createNamespace
            ? [{ path: ["kiali", "namespace"], name: kiali.namespace }]
            : []),
        ...mesh.namespaces.flatMap((entry, index) =>
            entry.create ? [{ path: ["mesh", "namespaces", index, "name"], name: entry.name }] : [],
        ),
    ];
    for (const { path, name } of created.filter((n) => CLUSTER_NAMESPACES.includes(n.name))) {
        ctx.addIssue({
            code: "custom",
            path,
            input: name,
            message: `a namespace the program may create: ${name} is the cluster's own (label it with create: false, or set createNamespace: false)`,
        });
    }
    const releases: Located[] = [
        ...(cilium.mode !== "unmanaged"
            ? [
                  {
                      path: ["cilium", "releaseName"],
                      name: cilium.releaseName,
                      namespace: cilium.namespace,
                  },
              ]
            : []),
        ...(["base", "cni", "istiod", "ztunnel"] as const).map((chart) => ({
            path: ["istio", "releases", chart],
            name: istio.releases[chart],
            namespace: istio.namespace,
        })),
        ...(gateway.enabled
            ? [
                  {
                      path: ["gateway", "releaseName"],
                      name: gateway.releaseName,
                      namespace: gateway.namespace,
                  },
              ]
            : []),
        ...(kiali.enabled
            ? [
                  {
                      path: ["kiali", "operator", "releaseName"],
                      name: kiali.operator.releaseName,
                      namespace: kiali.namespace,
                  },
              ]
            : []),
    ];
    releases.forEach(({ path, name, namespace }, index) => {
        const first = releases.findIndex((r) => r.namespace === namespace && r.name === name);
        if (first !== index) {
            ctx.addIssue({
                code: "custom",
                path,
                input: name,
                message: `a release name that ${configPath(releases[first].path)} does not use in namespace ${namespace} too`,
            });
        }
    });
}

/** `picluster-mesh:istio.releases.base`, for messages. */
function configPath(path: PropertyKey[]): string {
    return `${PROJECT}:${path.map(String).join(".")}`;
}

export const stackConfigSchema = z
    .strictObject(sections)
    .superRefine(checkMeshAgainstIstio)
    .superRefine(checkNamespacesAndReleases)
    .superRefine(checkStackChartValues);

export type StackConfig = z.output<typeof stackConfigSchema>;
export type CiliumConfig = StackConfig["cilium"];
export type IstioConfig = StackConfig["istio"];
export type GatewayConfig = StackConfig["gateway"];
export type TelemetryConfig = StackConfig["telemetry"];
export type ServicesConfig = StackConfig["services"];

/**
 * Config keys that hold credentials. They are read with `getSecret` (never parsed into the
 * plain config object, so they cannot leak into logs or errors) and listed here so that the
 * loader does not report them as unknown keys.
 */
export const secretKeys: readonly string[] = ["vaultToken", "keycloakClientSecret"];
