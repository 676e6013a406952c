// Lookups over a plan, shared by the specs.
import { expect } from "chai";
import { Plan, PlannedResource } from "../harness/plan";

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

/** A resource's inputs, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inputsOf(resource: PlannedResource): Record<string, any> {
    return resource.inputs;
}

export const RELEASE = "kubernetes:helm.sh/v3:Release";
