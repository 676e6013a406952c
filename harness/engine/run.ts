// Runs the policy pack over a plan the way the Pulumi engine runs a pack during `pulumi preview`:
// - config as the CLI reconciles it (pulumi/pulumi pkg/resource/analyzer/config.go): schema
//   defaults, then the user's `--policy-pack-config` (an "all" key sets every level), validated
//   against each policy's schema;
// - per policy, level = configured || policy default || pack default; `disabled` skips the
//   policy; `remediate` reports as mandatory (@pulumi/policy server.js);
// - resource policies once per resource, stack policies once with every resource (parent and
//   dependencies resolved to resources), props behind the unknown-checking proxy; an unknown
//   value makes that policy's result an advisory "can't run during preview".
import {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";
import { MeshPolicy } from "../../policies/crossguard";
import { PACK_NAME, policies as packPolicies } from "../../policies/policies";
import { catalogue } from "../../policies/catalogue";
import { packVersion } from "../project";
import { Plan, PlannedResource } from "../runtime/plan";
import { policyValue } from "../runtime/wire";
import { PolicyPackConfig, reconcileConfig } from "./config";

/** One reported violation. */
export interface Violation {
    /** The rule's stable code. */
    code: string;
    /** The policy's name. */
    policy: string;
    level: "advisory" | "mandatory";
    /** The resource the violation is about; undefined for a stack-wide problem. */
    urn?: string;
    message: string;
}

/** What a run found, and which policies judged what. */
export interface PolicyRun {
    violations: Violation[];
    /** Policy → resources it judged (resource policies) or 1 when a stack policy judged. */
    judged: Map<string, number>;
    /** Why policies did not apply (stack policies, and resource policies per resource). */
    notApplicable: { policy: string; urn?: string; reason: string }[];
}

export interface RunOptions {
    /** Defaults to every policy of the pack. */
    policies?: readonly MeshPolicy[];
    /** The user's config, as `--policy-pack-config` would pass it. */
    config?: PolicyPackConfig;
    /** The pack's level. Defaults to `advisory`, as policies/index.ts sets it. */
    packEnforcementLevel?: EnforcementLevel;
}

/** The sentinel our `notApplicable` throws (the engine's own class is not exported). */
class NotApplicableSignal extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason ?? "");
}

function optionsOf(resource: PlannedResource): PolicyResourceOptions {
    return {
        protect: resource.options.protect,
        ignoreChanges: resource.options.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.parent && { parent: resource.parent }),
    };
}

/** Props as the engine hands them to policies: a copy behind the unknown-checking proxy. */
type PropsOf = (resource: PlannedResource) => Record<string, unknown>;

/**
 * The engine deserializes props afresh for every policy; policies only read them, so one copy
 * per resource serves a whole run (and the next run copies again). A copy holds what the pack
 * would deserialize: masked secrets as the mask, `[unknown]` as the unknown sentinel.
 */
function propsPerRun(): PropsOf {
    const copies = new Map<PlannedResource, Record<string, unknown>>();
    return (resource) => {
        const props =
            copies.get(resource) ??
            unknownCheckingProxy(policyValue(resource.inputs) as Record<string, unknown>);
        copies.set(resource, props);
        return props;
    };
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as { __pulumiType?: string })?.__pulumiType;
    return token !== undefined && token === type;
}

/** What both kinds of validation see of a resource: its identity, props, options and type tests. */
function resourceView(resource: PlannedResource, props: Record<string, unknown>) {
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        isType: (cls: unknown) => isTypeOf(resource.type, cls),
        asType: ((cls: unknown) => (isTypeOf(resource.type, cls) ? props : undefined)) as never,
    };
}

/** The plan's resources as CrossGuard stack validation sees them. */
function stackResources(plan: Plan, propsOf: PropsOf): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const resources = plan.resources.map((resource) => {
        const policyResource: PolicyResource = {
            ...resourceView(resource, propsOf(resource)),
            dependencies: [],
            propertyDependencies: {},
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    plan.resources.forEach((resource, i) => {
        const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        if (parent) {
            resources[i].parent = parent;
        }
        resources[i].dependencies = resource.dependsOn
            .map((urn) => byUrn.get(urn))
            .filter((r): r is PolicyResource => r !== undefined);
    });
    return resources;
}

/** The engine's provider resource for a planned resource, when it names one. */
function providerOf(
    byUrn: ReadonlyMap<string, PlannedResource>,
    resource: PlannedResource,
    propsOf: PropsOf,
) {
    // A provider reference is `<urn>::<id>`.
    const reference = resource.options.provider;
    const provider = reference && byUrn.get(reference.slice(0, reference.lastIndexOf("::")));
    return provider
        ? { type: provider.type, props: propsOf(provider), urn: provider.urn, name: provider.name }
        : undefined;
}

const codes = new Map(Object.values(catalogue).map((entry) => [entry.name, entry.code]));

/** The catalogue code of a policy (its name when the catalogue has none). */
export function codeOf(policy: string): string {
    return codes.get(policy) ?? policy;
}

/** Runs the pack's policies over a plan. Throws {@link PolicyConfigError} for a bad config. */
export async function runPolicies(plan: Plan, options: RunOptions = {}): Promise<PolicyRun> {
    const policies = options.policies ?? packPolicies;
    const packLevel = options.packEnforcementLevel ?? "advisory";
    const config = reconcileConfig(policies, packLevel, options.config);
    const run: PolicyRun = { violations: [], judged: new Map(), notApplicable: [] };
    let stack: PolicyResource[] | undefined;
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const propsOf = propsPerRun();
    const version = packVersion();
    for (const policy of policies) {
        const resolved = config.get(policy.name)!;
        if (resolved.enforcementLevel === "disabled") {
            continue;
        }
        const level: Violation["level"] =
            resolved.enforcementLevel === "advisory" ? "advisory" : "mandatory";
        const getConfig = <T extends object>() => structuredClone(resolved.properties) as T;
        const record = (
            urn: string | undefined,
            message: string,
            reportedLevel: Violation["level"] = level,
        ) =>
            run.violations.push({
                code: codeOf(policy.name),
                policy: policy.name,
                level: reportedLevel,
                ...(urn && { urn }),
                message,
            });
        const attempt = async (urn: string | undefined, validate: () => unknown) => {
            try {
                await validate();
                run.judged.set(policy.name, (run.judged.get(policy.name) ?? 0) + 1);
            } catch (error) {
                if (error instanceof NotApplicableSignal) {
                    run.notApplicable.push({ policy: policy.name, urn, reason: error.reason });
                } else if (error instanceof UnknownValueError) {
                    const pack = `'${PACK_NAME}@v${version}'`;
                    const from = `policy '${policy.name}' from policy pack ${pack}`;
                    record(
                        urn,
                        `can't run ${from} during preview: ${(error as Error).message}`,
                        "advisory",
                    );
                } else {
                    throw error;
                }
            }
        };
        if ("validateStack" in policy) {
            stack ??= stackResources(plan, propsOf);
            const args: StackValidationArgs = {
                resources: stack,
                stackTags: new Map(),
                getConfig,
                notApplicable: throwNotApplicable,
            };
            await attempt(undefined, () =>
                (policy as StackValidationPolicy).validateStack(args, (message, urn) =>
                    record(urn, message),
                ),
            );
            continue;
        }
        const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
        for (const resource of plan.resources) {
            const provider = providerOf(byUrn, resource, propsOf);
            const args: ResourceValidationArgs = {
                ...resourceView(resource, propsOf(resource)),
                ...(provider && { provider }),
                stackTags: new Map(),
                getConfig,
                notApplicable: throwNotApplicable,
            };
            for (const validate of validations) {
                await attempt(resource.urn, () =>
                    validate(args, (message, urn) => record(urn ?? resource.urn, message)),
                );
            }
        }
    }
    return run;
}
