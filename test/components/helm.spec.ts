import { expect } from "chai";
import { chartArgs } from "../../components/helm";
import { mergeValues } from "../../policies/core";

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
