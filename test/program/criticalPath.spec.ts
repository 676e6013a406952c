import { expect } from "chai";
import { installCriticalPath } from "../../harness/criticalPath";
import { plannedResource, planReference, RELEASE } from "../helpers";

const resource = (name: string, type: string, dependsOn: string[] = []) =>
    plannedResource({ urn: name, type, name, dependsOn });
const release = (name: string, dependsOn: string[] = []) => resource(name, RELEASE, dependsOn);

describe("the install critical path", () => {
    it("counts releases reached through other resources as one step later", () => {
        const path = installCriticalPath([
            release("a"),
            resource("cr", "kubernetes:example.com/v1:Thing", ["a"]),
            release("b", ["cr"]),
            release("c"),
        ]);
        expect(path).to.deep.equal({ chain: ["a", "b"], steps: [["a", "c"], ["b"]] });
    });

    it("is Cilium or base, then cni or istiod, then ztunnel (beside the gateway) for the reference stack", async () => {
        const path = installCriticalPath((await planReference()).resources);
        expect(path.steps).to.deep.equal([
            ["cilium-release", "istio-base", "kiali-operator"],
            ["istio-cni", "istio-istiod"],
            ["gateway-release", "istio-ztunnel"],
        ]);
        expect(path.chain).to.deep.equal(["istio-base", "istio-cni", "istio-ztunnel"]);
    });
});
