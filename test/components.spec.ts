import { expect } from "chai";
import { ambientHostProbesSpec, Cilium, CiliumArgs, ciliumValues } from "../components/cilium";
import { gatewayValues } from "../components/gateway";
import { chartArgs } from "../components/helm";
import {
    baseValues,
    cniValues,
    istiodValues,
    rootNamespaceValues,
    ztunnelValues,
} from "../components/istio";
import {
    istiodServiceMonitorSpec,
    telemetrySpec,
    ztunnelPodMonitorSpec,
} from "../components/observability";
import { planProgram } from "../harness/runtime/plan";
import { planStack } from "../harness/stack";
import { CILIUM_ISTIO_VALUES, mergeValues } from "../policies/core";
import { inputsOf, RELEASE, resourceNamed, resourcesOfType, waitsFor } from "./helpers";

const ciliumArgs: CiliumArgs = {
    mode: "managed",
    source: { chart: "cilium", version: "1.20.1", repository: "oci://quay.io/cilium/charts" },
    namespace: "kube-system",
    releaseName: "cilium",
    values: { kubeProxyReplacement: true },
    ambientHostProbes: false,
};

describe("Helm helpers", () => {
    it("merge values map by map, replace lists, and let the required values win", () => {
        expect(
            mergeValues(
                { a: { keep: 1, over: 1 }, list: [1, 2], scalar: "user" },
                { a: { over: 2 }, list: [3], scalar: "required" },
            ),
        ).to.deep.equal({ a: { keep: 1, over: 2 }, list: [3], scalar: "required" });
    });

    it("put an OCI chart's registry path in the chart reference and an HTTP repository in repositoryOpts", () => {
        expect(
            chartArgs({
                chart: "cilium",
                version: "1.20.1",
                repository: "oci://quay.io/cilium/charts/",
            }),
        ).to.deep.equal({ chart: "oci://quay.io/cilium/charts/cilium", version: "1.20.1" });
        expect(
            chartArgs({ chart: "base", version: "1.30.3", repository: "https://charts.example" }),
        ).to.deep.equal({
            chart: "base",
            version: "1.30.3",
            repositoryOpts: { repo: "https://charts.example" },
        });
    });
});

describe("Cilium", () => {
    it("keeps Istio's settings even when the user's values try to turn them off", () => {
        expect(
            ciliumValues({
                socketLB: { hostNamespaceOnly: false, enabled: true },
                cni: { exclusive: true, chainingMode: "none" },
                kubeProxyReplacement: true,
            }),
        ).to.deep.equal({
            socketLB: { hostNamespaceOnly: true, enabled: true },
            cni: { exclusive: false, chainingMode: "none" },
            kubeProxyReplacement: true,
        });
        expect(CILIUM_ISTIO_VALUES).to.deep.equal({
            socketLB: { hostNamespaceOnly: true },
            cni: { exclusive: false },
        });
    });

    it("emits the host-probe policy as a pure allowance that cannot switch on default-deny", () => {
        expect(ambientHostProbesSpec()).to.deep.equal({
            description: "Allows SNAT-ed kubelet health check probes into ambient pods",
            endpointSelector: {},
            enableDefaultDeny: { ingress: false, egress: false },
            ingress: [{ fromCIDR: ["169.254.7.127/32"] }],
        });
    });

    it("never uninstalls the cluster's network on destroy, and the host-probe policy waits for the release", async () => {
        const plan = await planProgram({
            program: () => new Cilium("cilium", { ...ciliumArgs, ambientHostProbes: true }),
        });
        const release = resourceNamed(plan, "cilium-release");
        expect(release.options).to.include({ retainOnDelete: true, protect: false, import: null });
        expect(inputsOf(release).values).to.deep.equal({
            kubeProxyReplacement: true,
            socketLB: { hostNamespaceOnly: true },
            cni: { exclusive: false },
        });
        const policy = resourceNamed(plan, "cilium-ambient-hostprobes");
        expect(inputsOf(policy).metadata).to.deep.equal({ name: "allow-ambient-hostprobes" });
        expect(waitsFor(plan, policy)).to.deep.equal(["cilium-release"]);
    });

    it("adopts the running release by importing it unchanged", async () => {
        const plan = await planProgram({
            program: () => new Cilium("cilium", { ...ciliumArgs, mode: "adopt" }),
        });
        expect(resourceNamed(plan, "cilium-release").options).to.deep.include({
            import: "kube-system/cilium",
            ignoreChanges: [
                "values",
                "version",
                "chart",
                "repositoryOpts",
                "timeout",
                "maxHistory",
                "cleanupOnFail",
                "createNamespace",
            ],
        });
    });

    it("registers no release when Cilium is unmanaged, so nothing waits for it", async () => {
        const plan = await planStack({
            edit: (config) => {
                config["picluster-mesh:cilium"] = { mode: "unmanaged", ambientHostProbes: true };
            },
        });
        expect(plan.resources.filter((r) => r.name === "cilium-release")).to.deep.equal([]);
        expect(waitsFor(plan, resourceNamed(plan, "istio-cni"))).to.deep.equal([
            "istio-base",
            "istio-namespace",
        ]);
        expect(waitsFor(plan, resourceNamed(plan, "cilium-ambient-hostprobes"))).to.deep.equal([]);
    });
});

describe("Istio ambient", () => {
    it("turns on the base chart's CRD templates, which Helm upgrades with the chart", () => {
        expect(baseValues()).to.deep.equal({ base: { enableCRDTemplates: true } });
    });

    it("installs cni and istiod with the ambient profile and ztunnel with the configured resources", () => {
        expect(cniValues({ profile: "default" })).to.deep.equal({ profile: "ambient" });
        expect(istiodValues(undefined)).to.deep.equal({ profile: "ambient" });
        const resources = {
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { memory: "256Mi" },
        };
        expect(ztunnelValues(resources)).to.deep.equal({ resources });
    });

    it("points istiod's OpenTelemetry provider at Tempo's distributor", () => {
        expect(
            istiodValues({
                name: "opentelemetry",
                service: "tempo-distributor.tempo.svc.cluster.local",
                port: 4317,
            }),
        ).to.deep.equal({
            profile: "ambient",
            meshConfig: {
                enableTracing: true,
                extensionProviders: [
                    {
                        name: "opentelemetry",
                        opentelemetry: {
                            port: 4317,
                            service: "tempo-distributor.tempo.svc.cluster.local",
                            resource_detectors: { environment: {} },
                        },
                    },
                ],
            },
        });
    });

    it("protects the CRD release, skips Helm's crds/ directory and installs every Istio chart at the one pinned version", async () => {
        const plan = await planStack();
        const base = resourceNamed(plan, "istio-base");
        expect(base.options.protect).to.equal(true);
        expect(inputsOf(base)).to.include({ skipCrds: true, name: "istio-base" });
        const versions = resourcesOfType(plan, RELEASE)
            .filter((r) => /^istio-(system|ingress)$/.test(inputsOf(r).namespace))
            .map((r) => inputsOf(r).version);
        expect(new Set(versions)).to.deep.equal(new Set(["1.30.3"]));
        expect(inputsOf(resourceNamed(plan, "istio-ztunnel")).values).to.deep.equal({
            resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { memory: "256Mi" },
            },
        });
    });

    it("leaves every chart's values alone for istio-system and points them at another root namespace", () => {
        const charts = ["base", "cni", "istiod", "ztunnel", "gateway"] as const;
        expect(charts.map((chart) => rootNamespaceValues("istio-system", chart))).to.deep.equal([
            {},
            {},
            {},
            {},
            {},
        ]);
        expect(charts.map((chart) => rootNamespaceValues("mesh-root", chart))).to.deep.equal([
            { global: { istioNamespace: "mesh-root" } },
            { global: { istioNamespace: "mesh-root" } },
            { global: { istioNamespace: "mesh-root" }, meshConfig: { rootNamespace: "mesh-root" } },
            { istioNamespace: "mesh-root" },
            { global: { istioNamespace: "mesh-root" } },
        ]);
    });

    it("only names an existing root namespace and Kiali namespace when told not to create them", async () => {
        const plan = await planStack({
            edit: (config) => {
                const istio = config["picluster-mesh:istio"] as Record<string, unknown>;
                const kiali = config["picluster-mesh:kiali"] as Record<string, unknown>;
                istio.createNamespace = false;
                kiali.createNamespace = false;
            },
        });
        const namespaces = resourcesOfType(plan, "kubernetes:core/v1:Namespace").map(
            (r) => inputsOf(r).metadata.name,
        );
        expect(namespaces.sort()).to.deep.equal(["book-info", "istio-ingress"]);
        const base = resourceNamed(plan, "istio-base");
        expect(inputsOf(base).namespace).to.equal("istio-system");
        expect(waitsFor(plan, base)).to.deep.equal([]);
        expect(inputsOf(resourceNamed(plan, "kiali-operator")).namespace).to.equal("kiali");
    });

    it("drops the tracing provider and the Telemetry resource when tracing is off", async () => {
        const plan = await planStack({
            edit: (config) => {
                config["picluster-mesh:telemetry"] = { tracing: { enabled: false } };
            },
        });
        expect(inputsOf(resourceNamed(plan, "istio-istiod")).values).to.deep.equal({
            profile: "ambient",
        });
        expect(plan.resources.map((r) => r.name)).to.not.include("observability-otel-global");
    });
});

describe("Istio gateway", () => {
    it("annotates the gateway Service with its Cilium LB-IPAM address", () => {
        expect(gatewayValues("10.0.0.67")).to.deep.equal({
            service: { annotations: { "io.cilium/lb-ipam-ips": "10.0.0.67" } },
        });
        expect(gatewayValues(undefined, { replicaCount: 2 })).to.deep.equal({ replicaCount: 2 });
    });

    it("is absent when the gateway toggle is off", async () => {
        const plan = await planStack({
            edit: (config) => {
                config["picluster-mesh:gateway"] = { enabled: false };
            },
        });
        const gatewayResources = plan.resources.filter((r) =>
            r.urn.includes("picluster:istio:IstioGateway"),
        );
        expect(gatewayResources.map((r) => r.name)).to.deep.equal([]);
    });
});

describe("mesh observability", () => {
    it("builds otel-global from the sampling percentage and custom tags", () => {
        expect(
            telemetrySpec({
                provider: "opentelemetry",
                samplingPercentage: 100,
                customTags: { "my-attribute": "default-value" },
            }),
        ).to.deep.equal({
            tracing: [
                {
                    providers: [{ name: "opentelemetry" }],
                    randomSamplingPercentage: 100,
                    customTags: { "my-attribute": { literal: { value: "default-value" } } },
                },
            ],
        });
    });

    it("scrapes istiod on http-monitoring and ztunnel on ztunnel-stats at /metrics", () => {
        expect(istiodServiceMonitorSpec("istio-system", "30s")).to.deep.equal({
            namespaceSelector: { matchNames: ["istio-system"] },
            selector: { matchLabels: { app: "istiod" } },
            endpoints: [{ port: "http-monitoring", path: "/metrics", interval: "30s" }],
        });
        expect(ztunnelPodMonitorSpec("istio-system", "30s")).to.deep.equal({
            namespaceSelector: { matchNames: ["istio-system"] },
            selector: { matchLabels: { app: "ztunnel" } },
            podMetricsEndpoints: [{ port: "ztunnel-stats", path: "/metrics", interval: "30s" }],
        });
    });

    it("makes the Telemetry wait for Istio's CRDs and the monitors wait only for the namespace", async () => {
        const plan = await planStack();
        expect(waitsFor(plan, resourceNamed(plan, "observability-otel-global"))).to.deep.equal([
            "istio-base",
            "istio-namespace",
        ]);
        for (const name of ["observability-istiod-monitor", "observability-ztunnel-monitor"]) {
            expect(waitsFor(plan, resourceNamed(plan, name))).to.deep.equal(["istio-namespace"]);
        }
        expect(inputsOf(resourceNamed(plan, "observability-otel-global")).spec).to.deep.equal({
            tracing: [
                {
                    providers: [{ name: "opentelemetry" }],
                    randomSamplingPercentage: 100,
                    customTags: { "my-attribute": { literal: { value: "default-value" } } },
                },
            ],
        });
    });
});
