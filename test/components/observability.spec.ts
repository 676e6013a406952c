import * as k8s from "@pulumi/kubernetes";
import { expect } from "chai";
import {
    istiodServiceMonitorSpec,
    MeshObservability,
    MeshObservabilityArgs,
    telemetrySpec,
    ztunnelPodMonitorSpec,
} from "../../components/observability";
import { planProgram } from "../../harness/runtime/plan";
import { inputsOf, resourceNamed, waitsFor } from "../helpers";

const tracing = {
    provider: "opentelemetry",
    samplingPercentage: 100,
    customTags: { "my-attribute": "default-value" },
};

/** Plans the component in a created namespace beside a stand-in release of Istio's CRDs. */
function planObservability(args: Partial<MeshObservabilityArgs> = {}) {
    return planProgram({
        program: () => {
            const crds = new k8s.helm.v3.Release("crds", { chart: "base" });
            const namespace = new k8s.core.v1.Namespace("root", {
                metadata: { name: "istio-system" },
            });
            new MeshObservability("observability", {
                namespace: namespace.metadata.name,
                istioCrds: crds,
                tracing,
                metricsInterval: "30s",
                ...args,
            });
        },
    });
}

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
        const plan = await planObservability();
        expect(waitsFor(plan, resourceNamed(plan, "observability-otel-global"))).to.deep.equal([
            "crds",
            "root",
        ]);
        for (const name of ["observability-istiod-monitor", "observability-ztunnel-monitor"]) {
            expect(waitsFor(plan, resourceNamed(plan, name)), name).to.deep.equal(["root"]);
        }
        expect(inputsOf(resourceNamed(plan, "observability-otel-global")).spec).to.deep.equal(
            telemetrySpec(tracing),
        );
    });

    it("creates no Telemetry without tracing and no monitors without an interval", async () => {
        const plan = await planObservability({ tracing: undefined, metricsInterval: undefined });
        expect(plan.resources.map((r) => r.name).sort()).to.deep.equal([
            "crds",
            "observability",
            "root",
        ]);
    });
});
