// The pack against the program: the reference stack's plan is clean, and each change to its config (or,
// where the config cannot express a mistake, to the planned resources) yields its exact violation.
import { expect } from "chai";
import * as path from "path";
import { stringify } from "yaml";
import { Plan } from "../../harness/runtime/plan";
import { PolicyConfigError, runPolicies, Violation } from "../../harness/engine";
import { readStackFile } from "../../harness/stack";
import { main as plan } from "../../scripts/plan";
import {
    inputsOf,
    planReference,
    REFERENCE_STACK,
    resourceNamed,
    runCommand,
    writeTree,
} from "../helpers";
import { nameOfUrn } from "./suite";

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A violation with the resource's Pulumi name instead of its URN, for readable assertions. */
function named(violations: Violation[]) {
    return violations.map(({ code, level, urn, message }) => ({
        code,
        level,
        resource: nameOfUrn(urn),
        message,
    }));
}

function key(v: Violation): string {
    return `${v.code}|${v.urn}|${v.message}`;
}

function meshNamespace(config: Config, name: string): Config {
    return config["picluster-mesh:mesh"].namespaces.find((n: Config) => n.name === name);
}

describe("the policy pack against the reference stack", () => {
    let baseline: Plan;
    let baselineViolations: Violation[];

    before(async () => {
        baseline = await planReference();
        baselineViolations = (await runPolicies(baseline)).violations;
    });

    /** Violations a changed plan has that the reference plan does not. */
    async function newViolations(changed: Plan) {
        const known = new Set(baselineViolations.map(key));
        const { violations } = await runPolicies(changed);
        return named(violations.filter((v) => !known.has(key(v))));
    }

    async function withConfig(edit: (config: Config) => void) {
        return newViolations(await planReference(edit));
    }

    /** The reference plan with one resource's inputs changed. */
    async function withInputs(name: string, edit: (inputs: Config) => void) {
        const changed = structuredClone(baseline);
        edit(inputsOf(resourceNamed(changed, name)));
        return newViolations(changed);
    }

    it("finds no violation in the reference plan", () => {
        expect(named(baselineViolations)).to.deep.equal([]);
    });

    it("reports envoy-gateway-system left STRICT, which drops every external client", async () => {
        const found = await withConfig((config) => {
            const entry = meshNamespace(config, "envoy-gateway-system");
            entry.mode = "STRICT";
            delete entry.policy;
            delete entry.client;
            delete entry.reason;
        });
        expect(found).to.deep.equal([
            {
                code: "PMX013",
                level: "mandatory",
                resource: "mesh-ambient-envoy-gateway-system",
                message:
                    "Ingress namespace envoy-gateway-system is effectively STRICT (the mesh-wide PeerAuthentication istio-system/default sets STRICT), so ztunnel drops every client outside the mesh; give envoy-gateway-system a namespace-wide PERMISSIVE policy with a reason.",
            },
        ]);
    });

    it("leaves an exception without a selector to the config schema, which rejects it first", async () => {
        const planning = planReference((config) => {
            delete meshNamespace(config, "keycloak").exceptions[0].selector;
        });
        // peerauthentication-require-valid-mtls judges such a policy in its fixture PMX003/fail.yaml.
        await planning.then(
            () => expect.fail("the config was accepted"),
            (error: Error) =>
                expect(error.message).to.equal(
                    "Invalid config picluster-mesh:mesh.namespaces[1].exceptions[0].selector is missing: expected a non-empty workload selector such as {app: keycloak} (Istio rejects portLevelMtls without one).",
                ),
        );
    });

    it("reports a Cilium release that lost Istio's settings, which the component's values cannot", async () => {
        // The Cilium component merges Istio's settings over the stack's values, so this override
        // changes nothing ...
        expect(
            await withConfig((config) => {
                config["picluster-mesh:cilium"].values.socketLB = { hostNamespaceOnly: false };
                config["picluster-mesh:cilium"].values.cni = { exclusive: true };
            }),
        ).to.deep.equal([]);
        // ... and the rule guards the release's own values, whatever produced them (a future
        // change to the component, a release planned by another program).
        const found = await withInputs("cilium-release", (inputs) => {
            inputs.values.socketLB.hostNamespaceOnly = false;
            inputs.values.cni.exclusive = true;
        });
        expect(found).to.deep.equal([
            {
                code: "PMX030",
                level: "mandatory",
                resource: "cilium-release",
                message:
                    "Helm release kube-system/cilium drops Istio's settings while Istio is deployed: socketLB.hostNamespaceOnly is false (needs true) and cni.exclusive is true (needs false); set them in the release's values.",
            },
        ]);
    });

    it("reports an istiod image tag that leaves the chart version through istio.values", async () => {
        const found = await withConfig((config) => {
            config["picluster-mesh:istio"].values = { istiod: { global: { tag: "1.29.0" } } };
        });
        expect(found).to.deep.equal([
            {
                code: "PMX031",
                level: "mandatory",
                resource: "istio-istiod",
                message:
                    'Helm release istio-system/istio-istiod overrides global.tag "1.29.0" on chart version 1.30.3; pin every Istio chart to one version, with profile: ambient, and drop image tag overrides.',
            },
        ]);
    });

    it("reports a Telemetry provider istiod does not define, which the shared config key cannot produce", async () => {
        // One config key names the provider for istiod and for the Telemetry, so renaming it
        // keeps them in step ...
        expect(
            await withConfig((config) => {
                config["picluster-mesh:telemetry"].tracing.provider = "tempo";
            }),
        ).to.deep.equal([]);
        // ... and the rule catches them drifting apart.
        const found = await withInputs("observability-otel-global", (inputs) => {
            inputs.spec.tracing[0].providers = [{ name: "zipkin" }];
        });
        expect(found).to.deep.equal([
            {
                code: "PMX040",
                level: "advisory",
                resource: "observability-otel-global",
                message:
                    "Telemetry istio-system/otel-global names tracing provider zipkin, which istiod does not define (it defines envoy, opentelemetry and prometheus); add it to istiod's meshConfig.extensionProviders or use a defined name.",
            },
        ]);
    });

    it("reports a ztunnel PodMonitor with the seed page's path and no port, which the component's spec cannot produce", async () => {
        const found = await withInputs("observability-ztunnel-monitor", (inputs) => {
            inputs.spec.podMetricsEndpoints = [{ path: "/stats/prometheus", interval: "30s" }];
        });
        expect(found).to.deep.equal([
            {
                code: "PMX041",
                level: "advisory",
                resource: "observability-ztunnel-monitor",
                message:
                    "PodMonitor istio-system/istio-ztunnel selects ztunnel but scrapes every port the pods declare at /stats/prometheus instead of port ztunnel-stats (15020) at /metrics, where ztunnel serves the metrics Kiali draws its traffic graph from; scrape port ztunnel-stats at path /metrics.",
            },
        ]);
    });

    it("reports Kiali's Prometheus URL with the seed page's /prometheus/ prefix", async () => {
        const found = await withConfig((config) => {
            config["picluster-mesh:services"].prometheus.url =
                "http://kube-prometheus-stack-prometheus.kube-prom-stack:9090/prometheus/";
        });
        expect(found).to.deep.equal([
            {
                code: "PMX043",
                level: "advisory",
                resource: "kiali-server",
                message:
                    "Kiali kiali/kiali points spec.external_services.prometheus.url at the path /prometheus, but Prometheus serves under / (its routePrefix), so Kiali gets a redirect or a 404 and turns the integration off; correct the URL's path, or set prometheusPath in this policy's config if the service serves elsewhere.",
            },
        ]);
    });

    it("reports Kiali's web_port as a number, which the component always quotes", async () => {
        const found = await withInputs("kiali-server", (inputs) => {
            inputs.spec.server.web_port = 443;
        });
        expect(found).to.deep.equal([
            {
                code: "PMX042",
                level: "mandatory",
                resource: "kiali-server",
                message:
                    'Kiali kiali/kiali sets spec.server.web_port to the number 443, but the Kiali CRD types it as a string, so the API server rejects the resource; write web_port: "443".',
            },
        ]);
    });

    it("reports Kiali's anonymous sign-in, unless the policy's config allows it", async () => {
        const anonymous = (config: Config) => {
            config["picluster-mesh:kiali"].auth = { strategy: "anonymous" };
        };
        expect(await withConfig(anonymous)).to.deep.equal([
            {
                code: "PMX050",
                level: "mandatory",
                resource: "kiali-server",
                message:
                    "Kiali kiali/kiali sets spec.auth.strategy to anonymous, so anyone who reaches Kiali sees and changes the mesh; use openid, or set allowAnonymous in this policy's config for a throwaway stack.",
            },
        ]);
        const changed = await planReference(anonymous);
        const allowed = await runPolicies(changed, {
            config: { "kiali-disallow-anonymous-auth": { allowAnonymous: true } },
        });
        expect(allowed.violations.map((v) => v.code)).to.not.include("PMX050");
    });

    it("reports Kiali's client with the implicit flow the seed's screenshots tick", async () => {
        const found = await withConfig((config) => {
            config["picluster-mesh:kiali"].auth.openid.implicitFlow = true;
        });
        expect(found).to.deep.equal([
            {
                code: "PMX051",
                level: "mandatory",
                resource: "kiali-oidc-keycloak",
                message:
                    "Keycloak client kiali enables the implicit flow, which hands tokens over in URLs; set implicitFlowEnabled: false (Kiali uses the authorization code flow).",
            },
        ]);
    });

    it("reports a namespace-wide PERMISSIVE outside the allow-list, and not its inherited mode again", async () => {
        const found = await withConfig((config) => {
            Object.assign(meshNamespace(config, "kafka"), {
                mode: "PERMISSIVE",
                client: "prometheus",
                reason: "Prometheus scrapes every broker.",
            });
        });
        // Whether the new policy carries its reason is the baseline's PMX005 question, not this one.
        expect(found.filter((v) => v.code !== "PMX005")).to.deep.equal([
            {
                code: "PMX002",
                level: "mandatory",
                resource: "mesh-mtls-kafka/kafka-strict",
                message:
                    "PeerAuthentication kafka/kafka-strict makes the whole namespace PERMISSIVE, but kafka is not allow-listed for PERMISSIVE (envoy-gateway-system); keep it STRICT and list only the ports outside clients call under portLevelMtls of a workload-selected policy.",
            },
        ]);
    });

    it("runs with the engine's levels: `all` overrides every policy, `disabled` skips one", async () => {
        const changed = await planReference((config: Config) => {
            config["picluster-mesh:kiali"].auth = { strategy: "anonymous" };
        });
        const advisory = await runPolicies(changed, { config: { all: "advisory" } });
        expect(advisory.violations.find((v) => v.code === "PMX050")?.level).to.equal("advisory");
        const disabled = await runPolicies(changed, {
            config: { "kiali-disallow-anonymous-auth": "disabled" },
        });
        expect(disabled.violations.map((v) => v.code)).to.not.include("PMX050");
        const remediate = await runPolicies(changed, {
            config: { all: "advisory", "kiali-disallow-anonymous-auth": "remediate" },
        });
        expect(remediate.violations.find((v) => v.code === "PMX050")?.level).to.equal("mandatory");
    });

    it("rejects policy config the CLI would reject, with the policy and the field", async () => {
        const attempt = (config: Record<string, unknown>) =>
            runPolicies(baseline, { config: config as never }).then(
                () => expect.fail("the config was accepted"),
                (error: Error) => {
                    expect(error).to.be.instanceOf(PolicyConfigError);
                    return error.message;
                },
            );
        expect(
            await attempt({
                "peerauthentication-restrict-permissive": { permissiveNamespaces: "kafka" },
            }),
        ).to.equal(
            "peerauthentication-restrict-permissive: permissiveNamespaces: Invalid input: expected array, received string",
        );
        expect(await attempt({ "no-such-policy": "advisory" })).to.equal(
            'policy pack picluster-mesh has no policy "no-such-policy"',
        );
        expect(await attempt({ all: "loud" })).to.equal(
            'parsing enforcement level for "all": "loud" is not a valid enforcement level',
        );
    });

    it("makes `npm run plan` print the violations, add them to --json and exit 1 on a mandatory one", async () => {
        const file = writeStackVariant((config) => {
            config["picluster-mesh:kiali"].auth = { strategy: "anonymous" };
        });
        const json = await runCommand(plan, [
            "--stack",
            "reference",
            "--stack-file",
            file,
            "--json",
        ]);
        expect(json.code).to.equal(1);
        const violation = JSON.parse(json.stdout).violations.find(
            (v: Violation) => v.code === "PMX050",
        );
        expect(Object.keys(violation)).to.deep.equal(["code", "policy", "level", "urn", "message"]);
        expect(violation.urn).to.equal(resourceNamed(baseline, "kiali-server").urn);
        const text = await runCommand(plan, ["--stack", "reference", "--stack-file", file]);
        expect(text.code).to.equal(1);
        expect(text.stdout).to.contain(
            "    mandatory PMX050 kiali-disallow-anonymous-auth: kiali-server\n        Kiali kiali/kiali sets spec.auth.strategy to anonymous,",
        );
    });
});

/** The reference stack file with its config changed, for the command-line tests. */
function writeStackVariant(edit: (config: Config) => void): string {
    const { config } = readStackFile(REFERENCE_STACK);
    edit(config as Config);
    const root = writeTree({ "Pulumi.variant.yaml": stringify({ config }) });
    return path.join(root, "Pulumi.variant.yaml");
}
