// The optional parts of the stack and the switch that turns each on. Every default takes nothing
// over: the cluster's CNI stays whoever's it is, and Kiali, its OpenID client, the gateway,
// tracing, metrics, bookinfo and NetworkPolicies exist only when a stack asks for them. The plan
// prints what each switch does in a stack; the loader refuses a section that configures a part
// without saying whether it is on (a stack written when the default was different would
// otherwise lose the part silently).
import { isRecord } from "../policies/core";
import type { StackConfig } from "./schema";

/** One switch as a stack sets it: its config path, its value, and what that value creates. */
export interface Switch {
    readonly key: string;
    readonly value: string;
    readonly effect: string;
}

/** A switch a section must state when it sets anything else. */
interface StatedSwitch {
    /** Config path of the switch; the section is the path without its last part. */
    readonly path: readonly string[];
    /** What the part is, for the message. */
    readonly part: string;
    /** What the switch says about the part. */
    readonly question: string;
    /** The values it takes, as the message lists them. */
    readonly allowed: string;
    readonly default: string;
}

const BOOLEAN = "true or false";

/** The switches whose section may not be configured without them. */
export const STATED_SWITCHES: readonly StatedSwitch[] = [
    {
        path: ["cilium", "mode"],
        part: "Cilium",
        question: "whether Pulumi adopts or manages its release",
        allowed: 'one of "unmanaged", "adopt", "managed"',
        default: '"unmanaged"',
    },
    {
        path: ["gateway", "enabled"],
        part: "the gateway",
        question: "whether it is installed",
        allowed: BOOLEAN,
        default: "false",
    },
    {
        path: ["telemetry", "tracing", "enabled"],
        part: "tracing",
        question: "whether it is on",
        allowed: BOOLEAN,
        default: "false",
    },
    {
        path: ["telemetry", "metrics", "enabled"],
        part: "metrics",
        question: "whether they are on",
        allowed: BOOLEAN,
        default: "false",
    },
    {
        path: ["kiali", "enabled"],
        part: "Kiali",
        question: "whether it is installed",
        allowed: BOOLEAN,
        default: "false",
    },
    {
        path: ["mesh", "bookinfo", "enabled"],
        part: "the bookinfo sample",
        question: "whether it is deployed",
        allowed: BOOLEAN,
        default: "false",
    },
];

/**
 * The first switch a raw config leaves out while setting other keys of its section, as the
 * reason text of a config error (`<path> is missing: expected …`), or undefined.
 */
export function unstatedSwitch(
    raw: Record<string, unknown>,
): { path: readonly string[]; message: string } | undefined {
    for (const entry of STATED_SWITCHES) {
        const key = entry.path[entry.path.length - 1];
        let section: unknown = raw;
        for (const part of entry.path.slice(0, -1)) {
            section = isRecord(section) ? section[part] : undefined;
        }
        if (isRecord(section) && !(key in section) && Object.keys(section).length > 0) {
            return {
                path: entry.path,
                message: `${entry.allowed}: the stack configures ${entry.part} without saying ${entry.question} (the default is ${entry.default})`,
            };
        }
    }
    return undefined;
}

function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Every switch of a stack, with what its value creates (or leaves alone). */
export function switchesOf(config: StackConfig): Switch[] {
    const { cilium, gateway, kiali, mesh } = config;
    const { tracing, metrics } = config.telemetry;
    const ciliumRelease = `Helm release ${cilium.namespace}/${cilium.releaseName}`;
    const openid = kiali.auth.openid;
    const created = mesh.namespaces.filter((n) => n.create).length;
    const policies = mesh.namespaces.flatMap((n) =>
        n.networkPolicies.map((p) => `${n.name}/${p.name}`),
    );
    return [
        {
            key: "cilium.mode",
            value: cilium.mode,
            effect: {
                unmanaged:
                    "leaves the cluster's CNI alone: no Cilium release, and Istio's charts do not wait for one",
                adopt: `imports the running ${ciliumRelease} as it is, changing nothing`,
                managed: `installs and upgrades ${ciliumRelease} (chart ${cilium.version}) with Istio's settings; never uninstalled`,
            }[cilium.mode],
        },
        {
            key: "cilium.ambientHostProbes",
            value: String(cilium.ambientHostProbes),
            effect: cilium.ambientHostProbes
                ? "CiliumClusterwideNetworkPolicy allow-ambient-hostprobes"
                : "no Cilium policy",
        },
        {
            key: "gateway.enabled",
            value: String(gateway.enabled),
            effect: gateway.enabled
                ? `Istio's gateway chart as ${gateway.namespace}/${gateway.releaseName}, in a Namespace the stack creates`
                : "no ingress gateway",
        },
        {
            key: "telemetry.tracing.enabled",
            value: String(tracing.enabled),
            effect: tracing.enabled
                ? `istiod's extension provider ${tracing.provider} to ${tracing.service}:${tracing.port} and Telemetry otel-global (${tracing.samplingPercentage}% sampled)`
                : "no tracing provider and no Telemetry",
        },
        {
            key: "telemetry.metrics.enabled",
            value: String(metrics.enabled),
            effect: metrics.enabled
                ? "ServiceMonitor istio-istiod and PodMonitor istio-ztunnel (Prometheus Operator CRDs)"
                : "no ServiceMonitor or PodMonitor",
        },
        {
            key: "kiali.enabled",
            value: String(kiali.enabled),
            effect: kiali.enabled
                ? `release ${kiali.namespace}/${kiali.operator.releaseName}, the Kiali CR and HTTPRoute kiali-console${kiali.createNamespace ? ", in a Namespace the stack creates" : ""}`
                : "no Kiali",
        },
        {
            key: "kiali.auth.strategy",
            value: kiali.auth.strategy,
            effect: !kiali.enabled
                ? "nothing while Kiali is off"
                : kiali.auth.strategy === "openid"
                  ? `Keycloak client ${openid.clientId} in realm ${openid.realm}, its secret in Vault at ${openid.vault.mount}/${openid.vault.path}, ExternalSecret kiali-externalsecret through ${openid.secretStore}`
                  : "no sign-in: nothing written to Vault, Keycloak or External Secrets",
        },
        {
            key: "mesh.namespaces",
            value: count(mesh.namespaces.length, "namespace"),
            effect:
                mesh.namespaces.length === 0
                    ? "only the mesh-wide STRICT default"
                    : `${created} created, ${mesh.namespaces.length - created} existing ones labelled ambient (never owned)`,
        },
        {
            key: "mesh.namespaces[].networkPolicies",
            value: count(policies.length, "NetworkPolicy").replace("Policys", "Policies"),
            effect: policies.length === 0 ? "none listed" : policies.join(", "),
        },
        {
            key: "mesh.bookinfo.enabled",
            value: String(mesh.bookinfo.enabled),
            effect: mesh.bookinfo.enabled
                ? `Istio's bookinfo sample and HTTPRoute bookinfo in ${mesh.bookinfo.namespace}`
                : "no sample",
        },
    ];
}
