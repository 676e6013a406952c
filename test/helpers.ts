// Lookups over a plan, shared by the specs.
import { expect } from "chai";
import * as path from "path";
import { ConfigError, parseStackConfig } from "../config/load";
import { Plan, PlannedResource } from "../harness/runtime/plan";
import {
    planStack,
    PlanStackOptions,
    projectConfig,
    readStackFile,
    stackFilePath,
} from "../harness/stack";

/** The one resource with this Pulumi name; fails the test when there is not exactly one. */
export function resourceNamed(plan: Plan, name: string): PlannedResource {
    const matches = plan.resources.filter((r) => r.name === name);
    expect(
        matches.map((r) => r.name),
        `resources named ${name}`,
    ).to.deep.equal([name]);
    return matches[0];
}

/** Every resource of a type token, in registration order. */
export function resourcesOfType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The Pulumi names of the resources a resource waits for, sorted. */
export function waitsFor(plan: Plan, resource: PlannedResource): string[] {
    const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
    return resource.dependsOn.map((urn) => names.get(urn) ?? urn).sort();
}

/** Every resource registered inside a component, at any depth. */
export function insideComponent(plan: Plan, name: string): PlannedResource[] {
    const component = resourceNamed(plan, name);
    const inside = new Set([component.urn]);
    // Parents register before their children, so one pass in plan order finds every descendant.
    for (const resource of plan.resources) {
        if (resource.parent && inside.has(resource.parent)) {
            inside.add(resource.urn);
        }
    }
    return plan.resources.filter((r) => r !== component && inside.has(r.urn));
}

/** The resources inside a component, by name, with what each waits for. */
export function componentEdges(plan: Plan, name: string): Record<string, string[]> {
    return Object.fromEntries(insideComponent(plan, name).map((r) => [r.name, waitsFor(plan, r)]));
}

/** A resource's inputs, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inputsOf(resource: PlannedResource): Record<string, any> {
    return resource.inputs;
}

export const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The test suite's own full stack: the Pi Cluster's configuration, independent of Pulumi.picluster.yaml. */
export const REFERENCE_STACK = path.join(__dirname, "fixtures", "stacks", "Pulumi.reference.yaml");

/**
 * Plans the program with the reference stack's config, changed by `edit` when given, in this
 * process against the recording monitor (test/picluster.spec.ts shows that launching the program
 * as the Pulumi CLI does plans the same).
 */
export function planReference(
    edit?: PlanStackOptions["edit"],
    secrets?: PlanStackOptions["secrets"],
): Promise<Plan> {
    return planStack({ stackFile: REFERENCE_STACK, edit, secrets, inProcess: true });
}

/** The reference stack's config without the project prefix, as parseStackConfig takes it. */
export function referenceRawConfig(): Record<string, unknown> {
    return projectConfig(readStackFile(REFERENCE_STACK));
}

/** A stack file's config without the project prefix, as parseStackConfig takes it. */
export function stackRawConfig(stack: string): Record<string, unknown> {
    return projectConfig(readStackFile(stackFilePath(stack)));
}

/** The one-line message a config is rejected with; fails the test when it is accepted. */
export function configRejection(raw: Record<string, unknown>): string {
    try {
        parseStackConfig(raw);
    } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

/** A config that must be rejected: what is wrong with it, the raw config, the exact message. */
export type BadConfig = [what: string, raw: Record<string, unknown>, message: string];

/** One test per bad config, each expecting its exact one-line message. */
export function itRejectsEach(badConfigs: BadConfig[]): void {
    for (const [what, raw, message] of badConfigs) {
        it(`rejects ${what} with one line naming the key, the value and what is allowed`, () => {
            expect(configRejection(raw)).to.equal(message);
        });
    }
}

/** Runs a script's `main` and captures what it prints. */
export async function runCommand(
    main: (argv: string[]) => Promise<number>,
    args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (...parts: unknown[]) => out.push(parts.join(" "));
    console.error = (...parts: unknown[]) => err.push(parts.join(" "));
    try {
        const code = await main(args);
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    } finally {
        console.log = log;
        console.error = error;
    }
}

export { plannedResource } from "../harness/runtime/written";
export { writeTree } from "../harness/tree";
