#!/usr/bin/env node
// `npm run --silent plan -- [--stack NAME] [--stack-file PATH] [--policy-config FILE] [--json]`
// Prints what `pulumi up` would create for a stack, evaluated offline with Pulumi's mock runtime,
// what each of the stack's switches turns on, and what the policy pack (policies/) reports about it.
import type { Switch } from "../config/switches";
import type { PolicyRun } from "../harness/engine";
import type { Plan, PlannedResource } from "../harness/runtime/plan";
import { Command, parseCommand, runScript } from "./cli";

/**
 * Exit codes: 0 planned, 1 failed or a mandatory policy violation, 2 unusable input (bad config,
 * bad policy config, bad arguments, a stack file that cannot be read or is not one).
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The plan and the policy pack's violations as the `--json` document. */
export function planDocument(plan: Plan, policies?: PolicyRun) {
    return {
        stack: plan.stack,
        resources: plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            dependsOn: r.dependsOn,
            inputs: r.inputs,
            options: r.options,
        })),
        outputs: plan.outputs,
        ...(policies && { violations: policies.violations }),
    };
}

/** A one-line summary of what a resource is: chart and version, or kind and object name. */
export function describeResource(resource: PlannedResource): string {
    const inputs = resource.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (resource.type === "kubernetes:helm.sh/v3:Release") {
        const repo = inputs.repositoryOpts?.repo ? ` from ${inputs.repositoryOpts.repo}` : "";
        return `helm release ${inputs.namespace}/${inputs.name}: chart ${inputs.chart} ${inputs.version}${repo}`;
    }
    const metadata = inputs.metadata as { name?: string; namespace?: string } | undefined;
    if (inputs.kind && metadata?.name) {
        const where = metadata.namespace ? `${metadata.namespace}/` : "";
        return `${inputs.kind} ${where}${metadata.name}`;
    }
    return "";
}

/** The plan as an indented tree: components, then their resources. */
export function renderTree(plan: Plan): string {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const children = new Map<string | null, PlannedResource[]>();
    for (const resource of plan.resources) {
        const parent = resource.parent && byUrn.has(resource.parent) ? resource.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), resource]);
    }
    const lines = [`stack ${plan.stack}: ${plan.resources.length} resources`];
    const walk = (parent: string | null, depth: number) => {
        for (const resource of children.get(parent) ?? []) {
            const indent = "    ".repeat(depth);
            const flags = [
                resource.options.protect ? "protected" : "",
                resource.options.retainOnDelete ? "retained on delete" : "",
                resource.options.import ? `imports ${resource.options.import}` : "",
            ].filter(Boolean);
            const summary = describeResource(resource);
            lines.push(
                `${indent}+ ${resource.type} ${resource.name}` +
                    (summary ? ` (${summary})` : "") +
                    (flags.length ? ` [${flags.join(", ")}]` : ""),
            );
            const waits = resource.dependsOn
                .map((urn) => byUrn.get(urn)?.name ?? urn)
                .filter((name) => name !== undefined);
            if (waits.length > 0) {
                lines.push(`${indent}    waits for: ${waits.join(", ")}`);
            }
            walk(resource.urn, depth + 1);
        }
    };
    walk(null, 0);
    return lines.join("\n");
}

/** The policy pack's violations, after the tree. */
export function renderViolations(plan: Plan, policies: PolicyRun): string {
    const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
    const mandatory = policies.violations.filter((v) => v.level === "mandatory").length;
    if (policies.violations.length === 0) {
        return "policy violations: none";
    }
    const lines = [`policy violations: ${policies.violations.length} (${mandatory} mandatory)`];
    for (const violation of policies.violations) {
        const where = violation.urn ? (names.get(violation.urn) ?? violation.urn) : "stack";
        lines.push(`    ${violation.level} ${violation.code} ${violation.policy}: ${where}`);
        lines.push(`        ${violation.message}`);
    }
    return lines.join("\n");
}

/** What each switch of the stack turns on, or leaves alone, between the tree and the violations. */
export function renderSwitches(switches: readonly Switch[]): string {
    return ["switches:", ...switches.map((s) => `    ${s.key} = ${s.value}: ${s.effect}`)].join(
        "\n",
    );
}

/**
 * The switches of the stack file a plan read, or undefined when its config cannot be read offline
 * (a value stored encrypted where the schema wants plain text).
 */
async function stackSwitches(stackFile: string): Promise<Switch[] | undefined> {
    const { parseStackConfig } = await import("../config/load");
    const { secretKeys } = await import("../config/schema");
    const { switchesOf } = await import("../config/switches");
    const { projectConfig, readStackFile } = await import("../harness/stack");
    const raw = projectConfig(readStackFile(stackFile));
    for (const key of secretKeys) {
        delete raw[key];
    }
    try {
        return switchesOf(parseStackConfig(raw));
    } catch {
        return undefined;
    }
}

export const PLAN: Command = {
    name: "plan",
    usage: "usage: npm run --silent plan -- [--stack NAME] [--stack-file PATH] [--policy-config FILE] [--json]",
    summary:
        "Plans what `pulumi up` would register for a stack, running the program as the Pulumi CLI runs it, and runs the policy pack over the plan. Exits 0 when planned, 1 on a failure or a mandatory policy violation, 2 on input it cannot use.",
    options: {
        stack: {
            type: "string",
            description: "The stack: Pulumi.<NAME>.yaml. Defaults to picluster.",
        },
        "stack-file": { type: "string", description: "A stack settings file to read instead." },
        "policy-config": {
            type: "string",
            description:
                "The policy pack's config, as `pulumi preview --policy-pack-config` takes it.",
        },
        json: { type: "boolean", description: "Print the plan and the violations as JSON." },
    },
};

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(PLAN, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const values = parsed.values as {
        stack?: string;
        "stack-file"?: string;
        "policy-config"?: string;
        json?: boolean;
    };
    const { PolicyConfigError, readPolicyConfigFile, runPolicies } =
        await import("../harness/engine");
    const { planStack, ProgramError, StackFileError, StackNameError } =
        await import("../harness/stack");
    const { InputFileError } = await import("../harness/inputFile");
    const { hasMandatory } = await import("../policies/core");
    let plan: Plan;
    let policies: PolicyRun;
    try {
        const policyConfig = values["policy-config"]
            ? readPolicyConfigFile(values["policy-config"])
            : undefined;
        plan = await planStack({ stack: values.stack, stackFile: values["stack-file"] });
        policies = await runPolicies(plan, { config: policyConfig });
    } catch (error) {
        if (error instanceof ProgramError) {
            // A rejected config is the user's input (2); anything else, the program failing (1).
            console.error(error.badConfig ? error.message : `plan: ${error.message}`);
            return error.badConfig ? EXIT_USAGE : EXIT_FAILED;
        }
        if (
            error instanceof StackFileError ||
            error instanceof StackNameError ||
            error instanceof InputFileError
        ) {
            console.error(`plan: ${error.message}`);
            return EXIT_USAGE;
        }
        if (error instanceof PolicyConfigError) {
            console.error(`plan: invalid policy config: ${error.message}`);
            return EXIT_USAGE;
        }
        throw error;
    }
    if (values.json) {
        console.log(JSON.stringify(planDocument(plan, policies), null, 2));
    } else {
        const { stackFilePath } = await import("../harness/stack");
        const switches = await stackSwitches(
            values["stack-file"] ?? stackFilePath(values.stack ?? "picluster"),
        );
        const sections = [renderTree(plan), switches && renderSwitches(switches)];
        console.log([...sections, renderViolations(plan, policies)].filter(Boolean).join("\n\n"));
    }
    return hasMandatory(policies.violations) ? EXIT_FAILED : EXIT_OK;
}

if (require.main === module) {
    runScript(main, EXIT_FAILED);
}
