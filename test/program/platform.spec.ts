import { expect } from "chai";
import { Plan } from "../../harness/runtime/plan";
import {
    inputsOf,
    planReference,
    RELEASE,
    resourceNamed,
    resourcesOfType,
    waitsFor,
} from "../helpers";

describe("the program's platform layer on the reference stack", () => {
    let plan: Plan;
    before(async () => {
        plan = await planReference();
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

describe("the platform layer's switches", () => {
    it("registers no release when Cilium is unmanaged, so nothing waits for it", async () => {
        const plan = await planReference((config) => {
            config["picluster-mesh:cilium"] = { mode: "unmanaged", ambientHostProbes: true };
        });
        expect(plan.resources.filter((r) => r.name === "cilium-release")).to.deep.equal([]);
        expect(waitsFor(plan, resourceNamed(plan, "istio-cni"))).to.deep.equal([
            "istio-base",
            "istio-namespace",
        ]);
        expect(waitsFor(plan, resourceNamed(plan, "cilium-ambient-hostprobes"))).to.deep.equal([]);
    });

    it("only names an existing root namespace and Kiali namespace when told not to create them", async () => {
        const plan = await planReference((config) => {
            const istio = config["picluster-mesh:istio"] as Record<string, unknown>;
            const kiali = config["picluster-mesh:kiali"] as Record<string, unknown>;
            istio.createNamespace = false;
            kiali.createNamespace = false;
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
        const plan = await planReference((config) => {
            config["picluster-mesh:telemetry"] = { tracing: { enabled: false } };
        });
        expect(inputsOf(resourceNamed(plan, "istio-istiod")).values).to.deep.equal({
            profile: "ambient",
        });
        expect(plan.resources.map((r) => r.name)).to.not.include("observability-otel-global");
    });

    it("installs no gateway when the gateway toggle is off", async () => {
        const plan = await planReference((config) => {
            config["picluster-mesh:gateway"] = { enabled: false };
        });
        const gatewayResources = plan.resources.filter((r) =>
            r.urn.includes("picluster:istio:IstioGateway"),
        );
        expect(gatewayResources.map((r) => r.name)).to.deep.equal([]);
    });
});
