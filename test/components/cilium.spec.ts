import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ambientHostProbesSpec, Cilium, CiliumArgs, ciliumValues } from "../../components/cilium";
import { PROJECT_ROOT } from "../../harness/project";
import { planProgram } from "../../harness/runtime/plan";
import {
    CILIUM_ISTIO_VALUES,
    chartCoverage,
    checkChartValues,
    checkResource,
    crdData,
} from "../../policies/core";
import { inputsOf, resourceNamed, waitsFor } from "../helpers";

const ciliumArgs: CiliumArgs = {
    mode: "managed",
    source: { chart: "cilium", version: "1.20.1", repository: "oci://quay.io/cilium/charts" },
    namespace: "kube-system",
    releaseName: "cilium",
    values: { kubeProxyReplacement: true },
    ambientHostProbes: false,
};

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

    it("installs on the Pi Cluster only values Cilium 1.20.1 reads (externalIPs.enabled went in 1.18)", () => {
        const stack = parse(
            fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.picluster.yaml"), "utf8"),
        );
        const cilium = stack.config["picluster-mesh:cilium"];
        const coverage = chartCoverage("cilium", cilium.version)!;
        expect(coverage.text).to.equal("chart cilium 1.20.1 (covered by data for 1.20.0)");
        expect(checkChartValues(coverage.data, ciliumValues(cilium.values))).to.deep.equal([]);
        const once = checkChartValues(coverage.data, { externalIPs: { enabled: true } });
        expect(once.map((issue) => `${issue.kind} ${issue.path}`)).to.deep.equal([
            "unknown externalIPs.enabled",
        ]);
    });

    it("emits a host-probe policy its CRD's schema takes", () => {
        const crd = crdData("cilium.io", "CiliumClusterwideNetworkPolicy")!;
        expect(checkResource(crd, "v2", { spec: ambientHostProbesSpec() })).to.deep.equal([]);
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
});

describe("Cilium, unmanaged", () => {
    it("registers no release, and its host-probe policy waits for nothing", async () => {
        const plan = await planProgram({
            program: () =>
                new Cilium("cilium", { ...ciliumArgs, mode: "unmanaged", ambientHostProbes: true }),
        });
        expect(plan.resources.map((r) => r.name)).to.deep.equal([
            "cilium",
            "cilium-ambient-hostprobes",
        ]);
        expect(waitsFor(plan, resourceNamed(plan, "cilium-ambient-hostprobes"))).to.deep.equal([]);
    });
});
