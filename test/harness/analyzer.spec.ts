// The policy pack as the Pulumi CLI runs it: started as the language host starts an analyzer
// plugin, driven over the analyzer protocol as the engine drives it, and reporting exactly what
// the in-process emulation (harness/engine/run.ts, behind `npm run plan`) reports.
import { expect } from "chai";
import * as path from "path";
import { analyzeOverProtocol, PolicyPackSession, ProtocolRun } from "../../harness/engine/analyzer";
import { PolicyRun, runPolicies, Violation } from "../../harness/engine";
import { packVersion } from "../../harness/project";
import { Plan, PlannedResource } from "../../harness/runtime/plan";
import { planStack } from "../../harness/stack";
import { policies } from "../../policies/policies";
import { inputsOf, planReference, resourceNamed } from "../helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;

function sorted(violations: Violation[]): string[] {
    return violations.map((v) => JSON.stringify([v.code, v.urn, v.level, v.message])).sort();
}

/** Not-applicable reasons for the plan's resources (the engine also asks about the Stack). */
function skipped(run: PolicyRun | ProtocolRun, plan: Plan): string[] {
    const urns = new Set(plan.resources.map((r) => r.urn));
    return run.notApplicable
        .filter((n) => n.urn === undefined || urns.has(n.urn))
        .map((n) => JSON.stringify([n.policy, n.urn, n.reason]))
        .sort();
}

/**
 * The reference stack with a mistake for most rules: some only the config can make, some only a
 * changed resource, and one value left unknown, as a preview leaves what a provider computes.
 */
async function brokenPlan(): Promise<Plan> {
    const plan = await planReference((config: Config) => {
        const mesh = config["picluster-mesh:mesh"];
        const envoy = mesh.namespaces.find((n: Config) => n.name === "envoy-gateway-system");
        Object.assign(envoy, { mode: "STRICT" });
        delete envoy.policy;
        delete envoy.client;
        delete envoy.reason;
        Object.assign(
            mesh.namespaces.find((n: Config) => n.name === "kafka"),
            { mode: "PERMISSIVE", client: "prometheus", reason: "Prometheus scrapes the brokers." },
        );
        config["picluster-mesh:istio"].values = { istiod: { global: { tag: "1.29.0" } } };
        config["picluster-mesh:kiali"].auth = { strategy: "anonymous" };
        config["picluster-mesh:services"].prometheus.url =
            "http://kube-prometheus-stack-prometheus.kube-prom-stack:9090/prometheus/";
    });
    const edit = (name: string, change: (inputs: Config) => void) =>
        change(inputsOf(resourceNamed(plan, name)));
    edit("cilium-release", (inputs) => {
        inputs.values.cni.exclusive = true;
    });
    edit("kiali-server", (inputs) => {
        inputs.spec.server.web_port = 443;
    });
    edit("observability-otel-global", (inputs) => {
        inputs.spec.tracing[0].providers = [{ name: "zipkin" }];
    });
    edit("observability-ztunnel-monitor", (inputs) => {
        inputs.spec.podMetricsEndpoints[0].path = "[unknown]";
    });
    return plan;
}

describe("the policy pack over the analyzer protocol", function () {
    this.timeout(120_000);
    // One pack for the suite, as one `pulumi preview` uses one; each analysis configures it anew.
    let pack: PolicyPackSession;

    before(async () => {
        pack = await PolicyPackSession.start();
    });

    after(() => pack?.close());

    it("describes itself as the pack it is: name, version, every policy with its level and config", async () => {
        const { info } = pack;
        expect([info.name, info.version]).to.deep.equal(["picluster-mesh", packVersion()]);
        // The version of @pulumi/policy serving the pack (its package.json says "v1.21.0").
        expect(info.pluginVersion).to.equal(require("@pulumi/policy/version").version);
        expect(
            info.policies.map((p) => [p.name, p.type, p.enforcementLevel, p.configSchema]),
        ).to.deep.equal(
            policies.map((p) => [
                p.name,
                "validateStack" in p ? "stack" : "resource",
                p.enforcementLevel,
                p.configSchema && { properties: p.configSchema.properties, required: [] },
            ]),
        );
    });

    it("finds nothing in the picluster stack and skips what the emulation skips", async () => {
        const plan = await planStack({ stack: "picluster", inProcess: true });
        const [remote, local] = [await pack.analyze(plan), await runPolicies(plan)];
        expect(remote.violations).to.deep.equal([]);
        expect(local.violations).to.deep.equal([]);
        expect(skipped(remote, plan)).to.deep.equal(skipped(local, plan));
        expect(skipped(local, plan)).to.have.length.above(plan.resources.length);
    });

    it("reports the violations the emulation reports, mandatory and unknown ones, whatever the stack's order", async () => {
        const plan = await brokenPlan();
        const remote = await pack.analyze(plan, {
            stackOrder: (resources: PlannedResource[]) => [...resources].reverse(),
        });
        const local = await runPolicies(plan);
        expect(sorted(remote.violations)).to.deep.equal(sorted(local.violations));
        expect(skipped(remote, plan)).to.deep.equal(skipped(local, plan));
        expect(
            [...new Set(local.violations.map((v) => `${v.code} ${v.level}`))].sort(),
        ).to.deep.equal([
            "PMX002 mandatory",
            "PMX013 mandatory",
            "PMX030 mandatory",
            "PMX031 mandatory",
            "PMX040 advisory",
            "PMX041 advisory",
            "PMX042 mandatory",
            "PMX043 advisory",
            "PMX050 mandatory",
            // The ztunnel PodMonitor's unknown path: the schema checks read every field.
            "PMX112 advisory",
            "PMX114 advisory",
        ]);
    });

    it("takes the policy config through Configure as the emulation takes it: levels, `all`, settings", async () => {
        const plan = await brokenPlan();
        const config = {
            all: "advisory" as const,
            "kiali-disallow-anonymous-auth": "disabled" as const,
            "peerauthentication-restrict-permissive": {
                enforcementLevel: "mandatory" as const,
                permissiveNamespaces: ["envoy-gateway-system", "kafka"],
            },
        };
        const remote = await pack.analyze(plan, { config });
        const local = await runPolicies(plan, { config });
        expect(sorted(remote.violations)).to.deep.equal(sorted(local.violations));
        const codes = local.violations.map((v) => v.code);
        expect(codes).to.not.include("PMX050");
        expect(codes).to.not.include("PMX002");
        expect(local.violations.every((v) => v.level === "advisory")).to.equal(true);
    });

    it("ends a pack that never reports its port, and says so", async () => {
        const attempt = analyzeOverProtocol(
            { stack: "test", resources: [], outputs: {} },
            {
                packDirectory: path.join(__dirname, "..", "fixtures", "packs", "silent"),
                timeoutMs: 3000,
            },
        );
        const error = await attempt.then(
            () => expect.fail("the silent pack answered"),
            (failure: Error) => failure,
        );
        expect(error.message).to.equal("the pack exited (timed out) before it printed its port");
    });
});
