// The policies through CrossGuard's own entry points, with arguments built by hand the way the
// engine builds them (pulumi-policy's server.js): resource and stack validation, our own
// not-applicable sentinel, config defaults as the CLI fills them in, unknown preview values.
import {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { expect } from "chai";
import { reconcileConfig, runPolicies } from "../../harness/engine";
import { packVersion } from "../../harness/project";
import { policies } from "../../policies/policies";
import { writtenResources } from "../../harness/runtime/written";
import { fixturePlan } from "./fixtures";

class NotApplicable extends Error {}

function policyNamed(name: string) {
    return policies.find((p) => p.name === name)!;
}

const opts = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** Resource arguments as the engine passes them, with a config as the CLI would send it. */
function resourceArgs(
    type: string,
    props: Record<string, unknown>,
    config: Record<string, unknown> = {},
): ResourceValidationArgs {
    return {
        type,
        props: unknownCheckingProxy(props),
        urn: `urn:pulumi:test::picluster-mesh::${type}::x`,
        name: "x",
        opts,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs a resource policy; returns its messages, or the not-applicable reason. */
function validate(policyName: string, args: ResourceValidationArgs): string[] | string {
    const messages: string[] = [];
    try {
        const validation = (policyNamed(policyName) as ResourceValidationPolicy).validateResource;
        for (const check of [validation ?? []].flat()) {
            check(args, (message) => messages.push(message));
        }
    } catch (error) {
        if (error instanceof NotApplicable) {
            return `not applicable: ${error.message}`;
        }
        throw error;
    }
    return messages;
}

const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";
const permissiveKafka = {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name: "kafka-permissive", namespace: "kafka" },
    spec: { mtls: { mode: "PERMISSIVE" } },
};

describe("the policies through CrossGuard's entry points", () => {
    it("judge a resource of their type and report through reportViolation", () => {
        expect(
            validate(
                "peerauthentication-restrict-permissive",
                resourceArgs(PEER_AUTHENTICATION, permissiveKafka),
            ),
        ).to.deep.equal([
            "PeerAuthentication kafka/kafka-permissive makes the whole namespace PERMISSIVE, but kafka is not allow-listed for PERMISSIVE (envoy-gateway-system); keep it STRICT and list only the ports outside clients call under portLevelMtls of a workload-selected policy.",
        ]);
    });

    it("call notApplicable for resources of other types", () => {
        const service = { apiVersion: "v1", kind: "Service", metadata: { name: "kiali" } };
        expect(
            validate(
                "peerauthentication-restrict-permissive",
                resourceArgs("kubernetes:core/v1:Service", service),
            ),
        ).to.equal(
            "not applicable: peerauthentication-restrict-permissive does not check kubernetes:core/v1:Service",
        );
    });

    it("read the config the CLI sends, whose defaults come from each policy's schema", () => {
        const reconciled = reconcileConfig(policies, "advisory", {
            "peerauthentication-restrict-permissive": { permissiveNamespaces: ["kafka"] },
        });
        expect(reconciled.get("peerauthentication-restrict-permissive")).to.deep.equal({
            enforcementLevel: "mandatory",
            properties: { permissiveNamespaces: ["kafka"] },
        });
        expect(reconciled.get("mesh-require-permissive-ingress")).to.deep.equal({
            enforcementLevel: "mandatory",
            properties: { ingressNamespaces: ["envoy-gateway-system"] },
        });
        const args = resourceArgs(
            PEER_AUTHENTICATION,
            permissiveKafka,
            reconciled.get("peerauthentication-restrict-permissive")!.properties,
        );
        expect(validate("peerauthentication-restrict-permissive", args)).to.deep.equal([]);
    });

    it("validate the stack with parents and dependencies resolved to resources, reporting URNs", () => {
        const [base, policy] = writtenResources(
            [
                {
                    type: "kubernetes:helm.sh/v3:Release",
                    name: "istio-base",
                    inputs: {
                        name: "istio-base",
                        namespace: "istio-system",
                        chart: "base",
                        version: "1.30.3",
                        repositoryOpts: {
                            repo: "https://istio-release.storage.googleapis.com/charts",
                        },
                    },
                },
                {
                    name: "mesh-default",
                    inputs: {
                        apiVersion: "security.istio.io/v1",
                        kind: "PeerAuthentication",
                        metadata: { name: "default", namespace: "istio-system" },
                        spec: { mtls: { mode: "STRICT" } },
                    },
                },
            ],
            "inline",
        );
        const asPolicyResource = (r: typeof base): PolicyResource => ({
            type: r.type,
            props: unknownCheckingProxy(r.inputs),
            urn: r.urn,
            name: r.name,
            opts,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        });
        const resources = [asPolicyResource(base), asPolicyResource(policy)];
        const stack = (dependencies: PolicyResource[]) => {
            resources[1].dependencies = dependencies;
            const reported: [string, string | undefined][] = [];
            const args: StackValidationArgs = {
                resources,
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable: (reason?: string) => {
                    throw new NotApplicable(reason);
                },
            };
            (
                policyNamed("istio-require-crds-before-resources") as StackValidationPolicy
            ).validateStack(args, (message, urn) => reported.push([message, urn]));
            return reported;
        };
        expect(stack([resources[0]])).to.deep.equal([]);
        expect(stack([])).to.deep.equal([
            [
                'PeerAuthentication istio-system/default does not wait for Helm release istio-system/istio-base, which installs Istio\'s CRDs, so applying it can fail with "no matches for kind"; add dependsOn on the base release.',
                policy.urn,
            ],
        ]);
    });

    it("degrade to an advisory `can't run during preview` when a value they read is unknown", async () => {
        // What a plan records for a value the provider computes during preview.
        const unknown = "[unknown]";
        const plan = fixturePlan(
            [{ ...permissiveKafka, spec: { mtls: { mode: unknown } } }],
            "inline",
        );
        const run = await runPolicies(plan, {
            policies: [policyNamed("peerauthentication-disallow-disable")],
        });
        expect(run.violations).to.deep.equal([
            {
                code: "PMX001",
                policy: "peerauthentication-disallow-disable",
                level: "advisory",
                urn: plan.resources[0].urn,
                message: `can't run policy 'peerauthentication-disallow-disable' from policy pack 'picluster-mesh@v${packVersion()}' during preview: string value at .spec.mtls.mode can't be known during preview`,
            },
        ]);
    });

    it("read only what they judge, so an unknown value elsewhere does not stop a stack policy", async () => {
        // What a plan records for a value the provider computes during preview.
        const unknown = "[unknown]";
        const plan = fixturePlan(
            [
                {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name: "kafka", labels: { "istio.io/dataplane-mode": "ambient" } },
                },
                {
                    type: "kubernetes:helm.sh/v3:Release",
                    name: "cilium",
                    inputs: {
                        name: "cilium",
                        namespace: "kube-system",
                        chart: "cilium",
                        values: unknown,
                    },
                },
            ],
            "inline",
        );
        const run = await runPolicies(plan, {
            policies: [policyNamed("mesh-require-strict-namespaces")],
        });
        expect(run.violations.map((v) => v.message)).to.deep.equal([
            "Namespace kafka is enrolled in ambient mode but is effectively PERMISSIVE: no mesh-wide PeerAuthentication exists in istio-system, so Istio's default PERMISSIVE applies; set the mesh-wide policy in istio-system to STRICT or give kafka a namespace-wide STRICT policy.",
        ]);
    });
});
