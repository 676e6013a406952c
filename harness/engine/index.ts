// The CrossGuard engine, emulated: the policy config as the CLI reconciles it, and the pack's
// policies run over a plan as `pulumi preview --policy-pack` runs them.
import { toInventory } from "../../policies/adapters/pulumi";
import { Inventory } from "../../policies/core";
import { Plan } from "../runtime/plan";

export * from "./config";
export * from "./run";

/** The model of a plan: what the policy pack sees during `pulumi preview`. */
export function planInventory(plan: Plan): Inventory {
    return toInventory(
        plan.resources.map((resource) => ({
            type: resource.type,
            urn: resource.urn,
            name: resource.name,
            props: resource.inputs,
            dependencies: resource.dependsOn,
        })),
    );
}
