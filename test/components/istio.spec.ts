import * as k8s from "@pulumi/kubernetes";
import { expect } from "chai";
import {
    baseValues,
    cniValues,
    IstioAmbient,
    IstioAmbientArgs,
    istiodValues,
    rootNamespaceValues,
    ztunnelValues,
} from "../../components/istio";
import { planProgram } from "../../harness/runtime/plan";
import { chartData, checkChartValues } from "../../policies/core";
import { inputsOf, RELEASE, resourceNamed, resourcesOfType, waitsFor } from "../helpers";

const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };

const istioArgs: IstioAmbientArgs = {
    version: "1.30.3",
    repository: "https://istio-release.storage.googleapis.com/charts",
    namespace: "istio-system",
    createNamespace: true,
    releases: { base: "base", cni: "cni", istiod: "istiod", ztunnel: "ztunnel" },
    ztunnelResources: resources,
    values: { base: {}, cni: {}, istiod: {}, ztunnel: {} },
};

/** Plans Istio beside a stand-in CNI release, as the program plans it beside Cilium. */
function planIstio(args: Partial<IstioAmbientArgs> = {}) {
    return planProgram({
        program: () => {
            const cni = new k8s.helm.v3.Release("cni-release", { chart: "cilium" });
            new IstioAmbient("istio", { ...istioArgs, cniRelease: cni, ...args });
        },
    });
}

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

    it("leaves every chart's values alone for istio-system and points the ones that read it at another root namespace", () => {
        const charts = ["base", "cni", "istiod", "ztunnel", "gateway"] as const;
        expect(charts.map((chart) => rootNamespaceValues("istio-system", chart))).to.deep.equal([
            {},
            {},
            {},
            {},
            {},
        ]);
        // cni and gateway read no root namespace at 1.30.3; ztunnel reads a top-level key.
        expect(charts.map((chart) => rootNamespaceValues("mesh-root", chart))).to.deep.equal([
            { global: { istioNamespace: "mesh-root" } },
            {},
            { global: { istioNamespace: "mesh-root" }, meshConfig: { rootNamespace: "mesh-root" } },
            { istioNamespace: "mesh-root" },
            {},
        ]);
    });

    it("sets only root-namespace values the pinned charts read, as the upstream data shows", () => {
        for (const chart of ["base", "cni", "istiod", "ztunnel", "gateway"] as const) {
            const data = chartData(`istio-${chart}`)!;
            expect(
                checkChartValues(data, rootNamespaceValues("mesh-root", chart)),
                chart,
            ).to.deep.equal([]);
        }
        // What the cni chart was once given: a path it never reads, so Helm ignored it.
        const cni = checkChartValues(chartData("istio-cni")!, {
            global: { istioNamespace: "mesh-root" },
        });
        expect(cni.map((issue) => `${issue.kind} ${issue.path}`)).to.deep.equal([
            "unknown global.istioNamespace",
        ]);
        // ztunnel has a global section, and flattens it: both spellings reach istioNamespace.
        const ztunnel = chartData("istio-ztunnel")!;
        expect(ztunnel.flattenGlobals).to.equal(true);
        expect(
            checkChartValues(ztunnel, { global: { istioNamespace: "mesh-root" } }),
        ).to.deep.equal([]);
    });

    it("protects the CRD release, skips Helm's crds/ directory and installs every chart at the one pinned version", async () => {
        const plan = await planIstio();
        const base = resourceNamed(plan, "istio-base");
        expect(base.options.protect).to.equal(true);
        expect(inputsOf(base)).to.include({ skipCrds: true, name: "base" });
        const istio = resourcesOfType(plan, RELEASE).filter((r) => r.name.startsWith("istio-"));
        expect(istio.map((r) => `${inputsOf(r).name}@${inputsOf(r).version}`)).to.deep.equal([
            "base@1.30.3",
            "cni@1.30.3",
            "istiod@1.30.3",
            "ztunnel@1.30.3",
        ]);
        expect(inputsOf(resourceNamed(plan, "istio-ztunnel")).values).to.deep.equal({ resources });
    });

    it("makes cni and istiod wait for the CRDs and the CNI beside each other, and ztunnel for both", async () => {
        const plan = await planIstio();
        expect(waitsFor(plan, resourceNamed(plan, "istio-base"))).to.deep.equal([
            "istio-namespace",
        ]);
        for (const name of ["istio-cni", "istio-istiod"]) {
            expect(waitsFor(plan, resourceNamed(plan, name)), name).to.deep.equal([
                "cni-release",
                "istio-base",
                "istio-namespace",
            ]);
        }
        expect(waitsFor(plan, resourceNamed(plan, "istio-ztunnel"))).to.deep.equal([
            "istio-cni",
            "istio-istiod",
            "istio-namespace",
        ]);
    });

    it("only names an existing root namespace when told not to create it", async () => {
        const plan = await planIstio({ createNamespace: false });
        expect(resourcesOfType(plan, "kubernetes:core/v1:Namespace")).to.deep.equal([]);
        const base = resourceNamed(plan, "istio-base");
        expect(inputsOf(base).namespace).to.equal("istio-system");
        expect(waitsFor(plan, base)).to.deep.equal([]);
    });

    it("gives istiod no tracing provider when tracing is off", async () => {
        const plan = await planIstio({ tracing: undefined });
        expect(inputsOf(resourceNamed(plan, "istio-istiod")).values).to.deep.equal({
            profile: "ambient",
        });
    });

    it("points the charts that read a root namespace at one other than istio-system", async () => {
        const plan = await planIstio({ namespace: "mesh-root" });
        expect(inputsOf(resourceNamed(plan, "istio-istiod")).values).to.deep.equal({
            profile: "ambient",
            global: { istioNamespace: "mesh-root" },
            meshConfig: { rootNamespace: "mesh-root" },
        });
        expect(inputsOf(resourceNamed(plan, "istio-ztunnel")).values).to.deep.equal({
            resources,
            istioNamespace: "mesh-root",
        });
        expect(inputsOf(resourceNamed(plan, "istio-cni")).values).to.deep.equal({
            profile: "ambient",
        });
    });
});
