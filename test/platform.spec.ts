import { expect } from "chai";
import { Plan } from "../harness/runtime/plan";
import { planStack } from "../harness/stack";
import { inputsOf, RELEASE, resourceNamed, resourcesOfType, waitsFor } from "./helpers";

describe("the picluster stack's platform layer", () => {
    let plan: Plan;
    before(async () => {
        plan = await planStack({ stack: "picluster" });
    });

    it("installs Cilium, Istio's four ambient charts and the gateway as named releases", () => {
        const platform = /::picluster:(network:Cilium|istio:IstioAmbient|istio:IstioGateway)::/;
        const platformReleases = resourcesOfType(plan, RELEASE).filter((r) =>
            platform.test(r.parent ?? ""),
        );
        const releases = platformReleases.map((r) => {
            const inputs = inputsOf(r);
            return `${inputs.namespace}/${inputs.name} ${inputs.chart}@${inputs.version}`;
        });
        expect(releases.sort()).to.deep.equal([
            "istio-ingress/istio-gateway gateway@1.30.3",
            "istio-system/istio-base base@1.30.3",
            "istio-system/istio-cni cni@1.30.3",
            "istio-system/istio-istiod istiod@1.30.3",
            "istio-system/istio-ztunnel ztunnel@1.30.3",
            "kube-system/cilium oci://quay.io/cilium/charts/cilium@1.20.1",
        ]);
    });

    it("waits only where Istio needs it: base, then cni and istiod beside each other, then ztunnel", () => {
        expect(waitsFor(plan, resourceNamed(plan, "cilium-release"))).to.deep.equal([]);
        expect(waitsFor(plan, resourceNamed(plan, "istio-base"))).to.deep.equal([
            "istio-namespace",
        ]);
        for (const name of ["istio-cni", "istio-istiod"]) {
            expect(waitsFor(plan, resourceNamed(plan, name))).to.deep.equal([
                "cilium-release",
                "istio-base",
                "istio-namespace",
            ]);
        }
        expect(waitsFor(plan, resourceNamed(plan, "istio-ztunnel"))).to.deep.equal([
            "istio-cni",
            "istio-istiod",
            "istio-namespace",
        ]);
        expect(waitsFor(plan, resourceNamed(plan, "gateway-release"))).to.deep.equal([
            "gateway-namespace",
            "istio-istiod",
        ]);
    });

    it("parents every Kubernetes resource under its component and sends it through the explicit provider", () => {
        const provider = resourceNamed(plan, "kubernetes");
        const kubernetesResources = plan.resources.filter(
            (r) => r.custom && r.type.startsWith("kubernetes:"),
        );
        for (const resource of kubernetesResources) {
            expect(resource.parent, resource.name).to.match(
                /[:$]picluster:[a-z]+:[A-Za-z]+::[a-z0-9-]+$/,
            );
            expect(resource.options.provider, resource.name).to.equal(
                `${provider.urn}::kubernetes-id`,
            );
        }
        expect(inputsOf(provider).enableServerSideApply).to.equal("true");
    });
});
