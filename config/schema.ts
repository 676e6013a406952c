// The whole stack configuration, declared once. Pulumi.yaml's `config:` block cannot type nested
// objects, so the schema and its defaults live here and every stack file is checked against it
// before any resource is registered.
import { z } from "zod";
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

const resources = z.strictObject({
    requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
    limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
});

const kubeconfigPathText =
    "a kubeconfig file path (keep credentials out of the stack file; or set KUBECONFIG)";

export const kubernetesSchema = z
    .strictObject({
        /**
         * Path of a kubeconfig file; the provider's default discovery (KUBECONFIG) when unset.
         * Never the contents: the provider's inputs land in plaintext in the plan and state.
         */
        kubeconfig: z
            .string()
            .regex(/^(?!\s*(apiVersion|\{))[^\n]+$/, kubeconfigPathText)
            .optional(),
        /** The kubeconfig context to use; the current context when unset. */
        context: z.string().min(1, "a kubeconfig context name").optional(),
    })
    .prefault({});

export const ciliumSchema = z
    .strictObject({
        /**
         * managed: Pulumi installs and upgrades the release.
         * adopt: first run on a cluster whose Cilium is already installed: import the running
         *        release as it is, then switch to `managed` to apply Istio's settings.
         * unmanaged: Cilium is someone else's; Istio's charts do not wait for it.
         */
        mode: z.enum(["managed", "adopt", "unmanaged"]).default("managed"),
        chart: z.string().min(1, "a chart name or oci:// reference").default("cilium"),
        repository: chartRepository.default("oci://quay.io/cilium/charts"),
        version: chartVersion.default("1.20.1"),
        namespace: k8sName.default("kube-system"),
        releaseName: k8sName.default("cilium"),
        /** The cluster's own Cilium values; Istio's required settings are merged on top. */
        values: helmValues.default({}),
        /** Add the allow-ambient-hostprobes CiliumClusterwideNetworkPolicy (169.254.7.127/32). */
        ambientHostProbes: z.boolean().default(false),
    })
    .prefault({});

const istioChartValues = z
    .strictObject({
        base: helmValues.default({}),
        cni: helmValues.default({}),
        istiod: helmValues.default({}),
        ztunnel: helmValues.default({}),
    })
    .prefault({});

export const istioSchema = z
    .strictObject({
        version: chartVersion.default("1.30.3"),
        repository: chartRepository.default("https://istio-release.storage.googleapis.com/charts"),
        namespace: k8sName.default("istio-system"),
        /** Create the root namespace; false when it exists already and belongs to another owner. */
        createNamespace: z.boolean().default(true),
        releases: z
            .strictObject({
                base: k8sName.default("istio-base"),
                cni: k8sName.default("istio-cni"),
                istiod: k8sName.default("istio-istiod"),
                ztunnel: k8sName.default("istio-ztunnel"),
            })
            .prefault({}),
        ztunnel: z
            .strictObject({
                resources: resources.default({
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { memory: "256Mi" },
                }),
            })
            .prefault({}),
        /** Extra values per chart, merged under the values this program requires. */
        values: istioChartValues,
    })
    .prefault({});

export const gatewaySchema = z
    .strictObject({
        enabled: z.boolean().default(false),
        namespace: k8sName.default("istio-ingress"),
        releaseName: k8sName.default("istio-gateway"),
        /** Cilium LB-IPAM address for the gateway Service (io.cilium/lb-ipam-ips). */
        loadBalancerIP: ipv4.optional(),
        values: helmValues.default({}),
    })
    .prefault({});

export const telemetrySchema = z
    .strictObject({
        tracing: z
            .strictObject({
                enabled: z.boolean().default(true),
                /** Name of the istiod extension provider the Telemetry resource points at. */
                provider: k8sName.default("opentelemetry"),
                /** OTLP gRPC endpoint: Tempo's distributor. */
                service: z
                    .string()
                    .regex(
                        new RegExp(`^${dnsLabel}(\\.${dnsLabel})*$`),
                        "a Service host name such as tempo-distributor.tempo.svc.cluster.local",
                    )
                    .default("tempo-distributor.tempo.svc.cluster.local"),
                port: port.default(4317),
                samplingPercentage: z
                    .number()
                    .min(0, "a percentage from 0 to 100")
                    .max(100, "a percentage from 0 to 100")
                    .default(100),
                customTags: z.record(z.string(), z.string()).default({}),
            })
            .prefault({}),
        metrics: z
            .strictObject({
                /** ServiceMonitor for istiod and PodMonitor for ztunnel (Prometheus Operator CRDs). */
                enabled: z.boolean().default(true),
                interval: z
                    .string()
                    .regex(/^\d+(ms|s|m|h)$/, "a Prometheus duration such as 30s")
                    .default("30s"),
            })
            .prefault({}),
    })
    .prefault({});

/** Where the cluster's observability services live; Kiali and istiod point at them. */
export const servicesSchema = z
    .strictObject({
        prometheus: z
            .strictObject({
                url: httpUrl.default(
                    "http://kube-prometheus-stack-prometheus.kube-prom-stack:9090",
                ),
            })
            .prefault({}),
        grafana: z
            .strictObject({
                internalUrl: httpUrl.default("http://grafana-service.grafana:3000"),
                /** Public URL; https://grafana.<domain> when unset. */
                externalUrl: httpUrl.optional(),
            })
            .prefault({}),
        tempo: z
            .strictObject({
                queryUrl: httpUrl.default(
                    "http://tempo-query-frontend.tempo.svc.cluster.local:3100/",
                ),
                grpcPort: port.default(9095),
                orgId: z.string().min(1, "a Tempo tenant id").default("1"),
                datasourceUid: z.string().min(1, "a Grafana datasource uid").default("tempo"),
            })
            .prefault({}),
    })
    .prefault({});

/**
 * Sections of the stack configuration. Later capabilities add their section here; the loader
 * knows nothing about individual keys.
 */
export const sections = {
    domain: domainName,
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
        ...(kiali.createNamespace ? [{ path: ["kiali", "namespace"], name: kiali.namespace }] : []),
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
        {
            path: ["kiali", "operator", "releaseName"],
            name: kiali.operator.releaseName,
            namespace: kiali.namespace,
        },
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
    .superRefine(checkNamespacesAndReleases);

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
