import * as k8s from "@pulumi/kubernetes";
import { expect } from "chai";
import { Bookinfo, bookinfoManifestUrls, bookinfoRouteSpec } from "../../components/bookinfo";
import { planProgram } from "../../harness/runtime/plan";
import { inputsOf, resourceNamed, waitsFor } from "../helpers";

describe("the bookinfo sample", () => {
    it("fetches the manifests of the Istio release it is given", () => {
        expect(bookinfoManifestUrls("1.29.1")).to.deep.equal([
            "https://raw.githubusercontent.com/istio/istio/release-1.29/samples/bookinfo/platform/kube/bookinfo.yaml",
            "https://raw.githubusercontent.com/istio/istio/release-1.29/samples/bookinfo/platform/kube/bookinfo-versions.yaml",
        ]);
        expect(
            bookinfoRouteSpec("books.example.com", { name: "web", namespace: "edge" }).parentRefs,
        ).to.deep.equal([{ name: "web", namespace: "edge" }]);
    });

    it("applies the manifests through the provider it is given and routes the product page, both after the namespace", async () => {
        const plan = await planProgram({
            program: () => {
                const namespace = new k8s.core.v1.Namespace("books", {
                    metadata: { name: "books" },
                });
                const provider = new k8s.Provider("books-kubernetes", { namespace: "books" });
                return {
                    url: new Bookinfo("bookinfo", {
                        istioVersion: "1.30.3",
                        namespace,
                        manifestsProvider: provider,
                        hostname: "books.example.com",
                        gateway: { name: "web", namespace: "edge" },
                    }).url,
                };
            },
        });
        const manifests = resourceNamed(plan, "bookinfo-manifests");
        expect(manifests.options.provider).to.equal(
            `${resourceNamed(plan, "books-kubernetes").urn}::books-kubernetes-id`,
        );
        expect(waitsFor(plan, manifests)).to.deep.equal(["books"]);
        const route = resourceNamed(plan, "bookinfo-route");
        expect(inputsOf(route).metadata).to.deep.equal({ name: "bookinfo", namespace: "books" });
        expect(inputsOf(route).spec).to.deep.equal(
            bookinfoRouteSpec("books.example.com", { name: "web", namespace: "edge" }),
        );
        expect(waitsFor(plan, route)).to.deep.equal(["books"]);
        expect(plan.outputs.url).to.equal("https://books.example.com/productpage");
    });
});
