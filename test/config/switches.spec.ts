import { expect } from "chai";
import { parseStackConfig } from "../../config/load";
import { STATED_SWITCHES, switchesOf } from "../../config/switches";
import { renderSwitches } from "../../scripts/plan";
import { BadConfig, itRejectsEach, referenceRawConfig } from "../helpers";

const minimal = { domain: "homelab.example.com" };

describe("the stack's switches", () => {
    it("take nothing over when a stack names only the domain", () => {
        expect(renderSwitches(switchesOf(parseStackConfig(minimal))).split("\n")).to.deep.equal([
            "switches:",
            "    cilium.mode = unmanaged: leaves the cluster's CNI alone: no Cilium release, and Istio's charts do not wait for one",
            "    cilium.ambientHostProbes = false: no Cilium policy",
            "    gateway.enabled = false: no ingress gateway",
            "    telemetry.tracing.enabled = false: no tracing provider and no Telemetry",
            "    telemetry.metrics.enabled = false: no ServiceMonitor or PodMonitor",
            "    kiali.enabled = false: no Kiali",
            "    kiali.auth.strategy = openid: nothing while Kiali is off",
            "    mesh.namespaces = 0 namespaces: only the mesh-wide STRICT default",
            "    mesh.namespaces[].networkPolicies = 0 NetworkPolicies: none listed",
            "    mesh.bookinfo.enabled = false: no sample",
        ]);
    });

    it("say what each part the reference stack turns on creates", () => {
        const effects = Object.fromEntries(
            switchesOf(parseStackConfig(referenceRawConfig())).map((s) => [
                s.key,
                `${s.value}: ${s.effect}`,
            ]),
        );
        expect(effects).to.deep.equal({
            "cilium.mode":
                "managed: installs and upgrades Helm release kube-system/cilium (chart 1.20.1) with Istio's settings; never uninstalled",
            "cilium.ambientHostProbes": "false: no Cilium policy",
            "gateway.enabled":
                "true: Istio's gateway chart as istio-ingress/istio-gateway, in a Namespace the stack creates",
            "telemetry.tracing.enabled":
                "true: istiod's extension provider opentelemetry to tempo-distributor.tempo.svc.cluster.local:4317 and Telemetry otel-global (100% sampled)",
            "telemetry.metrics.enabled":
                "true: ServiceMonitor istio-istiod and PodMonitor istio-ztunnel (Prometheus Operator CRDs)",
            "kiali.enabled":
                "true: release kiali/kiali-operator, the Kiali CR and HTTPRoute kiali-console, in a Namespace the stack creates",
            "kiali.auth.strategy":
                "openid: Keycloak client kiali in realm picluster, its secret in Vault at secret/kiali/oauth2, ExternalSecret kiali-externalsecret through vault-backend",
            "mesh.namespaces":
                "6 namespaces: 1 created, 5 existing ones labelled ambient (never owned)",
            "mesh.namespaces[].networkPolicies": "1 NetworkPolicy: keycloak/keycloak-istio-mesh",
            "mesh.bookinfo.enabled":
                "true: Istio's bookinfo sample and HTTPRoute bookinfo in book-info",
        });
    });

    it("say what adopting Cilium does", () => {
        const [mode] = switchesOf(parseStackConfig({ ...minimal, cilium: { mode: "adopt" } }));
        expect(mode.effect).to.equal(
            "imports the running Helm release kube-system/cilium as it is, changing nothing",
        );
    });

    it("have the defaults the schema gives them", () => {
        const config = parseStackConfig(minimal) as unknown as Record<string, unknown>;
        for (const entry of STATED_SWITCHES) {
            const value = entry.path.reduce<unknown>(
                (node, key) => (node as Record<string, unknown>)[key],
                config,
            );
            expect(JSON.stringify(value), entry.path.join(".")).to.equal(entry.default);
        }
    });

    it("accept a section that states its switch, on or off, and an empty section", () => {
        expect(
            parseStackConfig({ ...minimal, kiali: { enabled: false, logLevel: "debug" } }).kiali
                .enabled,
        ).to.equal(false);
        expect(parseStackConfig({ ...minimal, kiali: {}, telemetry: { tracing: {} } })).to.be.an(
            "object",
        );
        // A part's switch may be left out where the section sets nothing else of that part.
        expect(
            parseStackConfig({ ...minimal, telemetry: { tracing: { enabled: true } } }).telemetry
                .metrics.enabled,
        ).to.equal(false);
    });

    const unstated: BadConfig[] = [
        [
            "a Cilium section without its mode",
            { ...minimal, cilium: { values: { ipam: { mode: "kubernetes" } } } },
            'Invalid config picluster-mesh:cilium.mode is missing: expected one of "unmanaged", "adopt", "managed": the stack configures Cilium without saying whether Pulumi adopts or manages its release (the default is "unmanaged").',
        ],
        [
            "a gateway section without enabled",
            { ...minimal, gateway: { loadBalancerIP: "10.0.0.67" } },
            "Invalid config picluster-mesh:gateway.enabled is missing: expected true or false: the stack configures the gateway without saying whether it is installed (the default is false).",
        ],
        [
            "tracing settings without enabled",
            { ...minimal, telemetry: { tracing: { samplingPercentage: 10 } } },
            "Invalid config picluster-mesh:telemetry.tracing.enabled is missing: expected true or false: the stack configures tracing without saying whether it is on (the default is false).",
        ],
        [
            "metrics settings without enabled",
            { ...minimal, telemetry: { metrics: { interval: "10s" } } },
            "Invalid config picluster-mesh:telemetry.metrics.enabled is missing: expected true or false: the stack configures metrics without saying whether they are on (the default is false).",
        ],
        [
            "Kiali settings without enabled",
            { ...minimal, kiali: { auth: { strategy: "anonymous" } } },
            "Invalid config picluster-mesh:kiali.enabled is missing: expected true or false: the stack configures Kiali without saying whether it is installed (the default is false).",
        ],
        [
            "bookinfo settings without enabled",
            {
                ...minimal,
                mesh: {
                    namespaces: [{ name: "demo", create: true }],
                    bookinfo: { namespace: "demo" },
                },
            },
            "Invalid config picluster-mesh:mesh.bookinfo.enabled is missing: expected true or false: the stack configures the bookinfo sample without saying whether it is deployed (the default is false).",
        ],
    ];
    itRejectsEach(unstated);
});
