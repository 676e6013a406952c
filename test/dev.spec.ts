// The stack for any cluster, Pulumi.dev.yaml (a local kind or k3d cluster), planned like the Pi
// Cluster's: through the language host, with the policy pack over the plan. It plans with no
// violation under its own policy config (policy-config.dev.json allows its anonymous Kiali), and
// takes nothing over: no Cilium, no Vault or Keycloak. Also the `pulumi new` template's prompts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseStackConfig } from "../config/load";
import { PROJECT, secretKeys } from "../config/schema";
import { readPolicyConfigFile, runPolicies } from "../harness/engine";
import { Plan } from "../harness/runtime/plan";
import { planStack, PROJECT_ROOT } from "../harness/stack";
import { main } from "../scripts/plan";
import { inputsOf, resourceNamed, runCommand } from "./helpers";

const DEV_POLICY_CONFIG = path.join(PROJECT_ROOT, "policy-config.dev.json");

describe("the dev stack (a local kind or k3d cluster)", function () {
    // The program runs as the Pulumi CLI runs it: a child process.
    this.timeout(60000);

    let plan: Plan;
    before(async () => {
        plan = await planStack({ stack: "dev" });
    });

    it("plans through the language host with no policy violation under policy-config.dev.json", async () => {
        const policies = await runPolicies(plan, {
            config: readPolicyConfigFile(DEV_POLICY_CONFIG),
        });
        expect(policies.violations).to.deep.equal([]);
    });

    it("is refused without that config only for its anonymous Kiali (PMX050, mandatory)", async () => {
        const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
        const { violations } = await runPolicies(plan);
        expect(violations.map((v) => [v.code, v.level, names.get(v.urn ?? "")])).to.deep.equal([
            ["PMX050", "mandatory", "kiali-server"],
        ]);
    });

    it("takes nothing over: no Cilium release, no Vault or Keycloak provider, no OpenID client", () => {
        const types = new Set(plan.resources.map((r) => r.type));
        for (const type of [
            "pulumi:providers:vault",
            "pulumi:providers:keycloak",
            "picluster:identity:OidcClient",
            "random:index/randomPassword:RandomPassword",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
            "kubernetes:telemetry.istio.io/v1:Telemetry",
            "picluster:istio:IstioGateway",
        ]) {
            expect(types.has(type), type).to.equal(false);
        }
        expect(plan.resources.map((r) => r.name)).to.not.include("cilium-release");
        // It reaches only the cluster it names, never whatever the shell points at.
        expect(inputsOf(resourceNamed(plan, "kubernetes")).context).to.equal("kind-mesh");
    });

    it("installs Istio, Kiali without sign-in and the bookinfo sample in a namespace it owns", () => {
        const names = plan.resources.map((r) => r.name);
        expect(names).to.include.members([
            "istio-base",
            "istio-cni",
            "istio-istiod",
            "istio-ztunnel",
            "mesh-mtls-istio-system/default",
            "kiali-operator",
            "kiali-server",
            "kiali-console",
            "mesh-namespace-book-info",
            "bookinfo-manifests",
            "bookinfo-route",
        ]);
        expect(inputsOf(resourceNamed(plan, "kiali-server")).spec.auth).to.deep.equal({
            strategy: "anonymous",
        });
    });

    it("prints what each switch does and exits 0 through the plan command", async () => {
        const { code, stdout, stderr } = await runCommand(main, [
            "--stack",
            "dev",
            "--policy-config",
            DEV_POLICY_CONFIG,
        ]);
        expect([code, stderr]).to.deep.equal([0, ""]);
        const lines = stdout.split("\n");
        expect(lines).to.include.members([
            "switches:",
            "    cilium.mode = unmanaged: leaves the cluster's CNI alone: no Cilium release, and Istio's charts do not wait for one",
            "    kiali.auth.strategy = anonymous: no sign-in: nothing written to Vault, Keycloak or External Secrets",
            "    mesh.bookinfo.enabled = true: Istio's bookinfo sample and HTTPRoute bookinfo in book-info",
        ]);
        expect(lines.indexOf("switches:")).to.be.above(lines.indexOf("stack dev: 21 resources"));
        expect(lines[lines.length - 1]).to.equal("policy violations: none");
    });
});

describe("the pulumi new template (Pulumi.yaml's template section)", () => {
    const project = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    const template = project.template as Record<string, unknown>;
    const prompts = template.config as Record<string, Record<string, unknown>>;

    it("has only the fields Pulumi's project schema allows, with a description", () => {
        expect(project.name).to.equal(PROJECT);
        for (const key of Object.keys(template)) {
            expect(["description", "quickstart", "important", "config"]).to.include(key);
        }
        expect(template.description).to.be.a("string");
    });

    it("prompts, each with a description, for the domain and the secret keys, marked secret", () => {
        expect(Object.keys(prompts)).to.deep.equal([
            `${PROJECT}:domain`,
            ...secretKeys.map((key) => `${PROJECT}:${key}`),
        ]);
        for (const [key, prompt] of Object.entries(prompts)) {
            expect(prompt.description, key).to.be.a("string");
            for (const field of Object.keys(prompt)) {
                expect(["description", "default", "secret"], key).to.include(field);
            }
            const secret = secretKeys.some((name) => key === `${PROJECT}:${name}`);
            expect(prompt.secret === true, key).to.equal(secret);
        }
    });

    it("offers a default domain the config accepts", () => {
        const domain = prompts[`${PROJECT}:domain`].default;
        expect(parseStackConfig({ domain }).domain).to.equal(domain);
    });
});
