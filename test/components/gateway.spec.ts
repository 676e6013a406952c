import * as k8s from "@pulumi/kubernetes";
import { expect } from "chai";
import { gatewayValues, IstioGateway, IstioGatewayArgs } from "../../components/gateway";
import { planProgram } from "../../harness/runtime/plan";
import { chartData, checkChartValues } from "../../policies/core";
import { inputsOf, resourceNamed, waitsFor } from "../helpers";

/** Plans the gateway beside a stand-in istiod release. */
function planGateway(args: Partial<IstioGatewayArgs> = {}) {
    return planProgram({
        program: () => {
            const istiod = new k8s.helm.v3.Release("istiod-release", { chart: "istiod" });
            new IstioGateway("gateway", {
                namespace: "istio-ingress",
                releaseName: "istio-gateway",
                source: {
                    chart: "gateway",
                    version: "1.30.3",
                    repository: "https://istio-release.storage.googleapis.com/charts",
                },
                loadBalancerIP: "10.0.0.67",
                values: {},
                istiod,
                ...args,
            });
        },
    });
}

describe("Istio gateway", () => {
    it("annotates the gateway Service with its Cilium LB-IPAM address", () => {
        expect(gatewayValues("10.0.0.67")).to.deep.equal({
            service: { annotations: { "io.cilium/lb-ipam-ips": "10.0.0.67" } },
        });
        expect(gatewayValues(undefined, { replicaCount: 2 })).to.deep.equal({ replicaCount: 2 });
    });

    it("installs the named release in its own namespace once istiod serves", async () => {
        const plan = await planGateway();
        const release = resourceNamed(plan, "gateway-release");
        expect(inputsOf(release)).to.include({
            name: "istio-gateway",
            chart: "gateway",
            version: "1.30.3",
        });
        expect(inputsOf(release).values).to.deep.equal({
            service: { annotations: { "io.cilium/lb-ipam-ips": "10.0.0.67" } },
        });
        expect(waitsFor(plan, release)).to.deep.equal(["gateway-namespace", "istiod-release"]);
    });

    it("gives the chart only values it reads, and no root namespace, which it never reads", () => {
        // gateway 1.30.3 reads no istioNamespace: its closed values.schema.json refuses a
        // top-level one and the flattened global.istioNamespace lands on nothing.
        const gateway = chartData("istio-gateway")!;
        expect(checkChartValues(gateway, gatewayValues("10.0.0.67"))).to.deep.equal([]);
        expect(
            checkChartValues(gateway, { global: { istioNamespace: "mesh-root" } }).map(
                (issue) => `${issue.kind} ${issue.path}`,
            ),
        ).to.deep.equal(["unknown global.istioNamespace"]);
    });
});
