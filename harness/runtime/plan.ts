// What `pulumi up` would register for a program: every resource with its parent, its dependency
// edges (explicit dependsOn plus every resource whose outputs feed its inputs), its options and
// its inputs, secrets masked, and the stack's outputs. A plan is recorded by RecordingMonitor,
// either from a program launched as the language host launches it (langhost.ts) or, for unit
// tests, from a program run in this process against the same monitor through the SDK's public
// `setMockOptions` and `runInPulumiStack` (planProgram, below). No CLI, cluster or credentials.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config/schema";
import { MonitorOptions, Recording, RecordingMonitor } from "./monitor";
import { Plan } from "./types";

export type { Plan, PlannedOptions, PlannedResource } from "./types";

export { SECRET_MASK } from "./wire";

/** The organization plans run in (the DIY backend's). */
export const ORGANIZATION = "organization";

/** Outputs the providers would compute and the program reads: a generated password's result. */
export function computedOutputs(type: string, name: string): Record<string, unknown> {
    return type === "random:index/randomPassword:RandomPassword"
        ? { result: `mock-${name}-password` }
        : {};
}

/** A plan from what the monitor recorded. */
export function planOf(stack: string, recording: Recording): Plan {
    return { stack, resources: recording.resources, outputs: recording.stackOutputs ?? {} };
}

/** Options for {@link planProgram}. */
export interface PlanOptions {
    /** Stack name, as `pulumi.getStack()` returns it. Defaults to `test`. */
    stack?: string;
    /** Config as `project:key` → string value (structured values as JSON strings). */
    config?: Record<string, string>;
    /** Config keys whose values are secrets. */
    secretKeys?: string[];
    /** Registers the resources; may return the stack outputs. */
    program: () => unknown;
}

/** The monitor's options for a stack of this project. */
export function monitorOptions(
    stack: string,
    config: Record<string, string> = {},
    secretKeys: readonly string[] = [],
): MonitorOptions {
    return {
        project: PROJECT,
        stack,
        organization: ORGANIZATION,
        config,
        secretKeys,
        computedOutputs,
    };
}

let running = false;

/**
 * Runs `program` in this process against a fresh recording monitor and returns everything it
 * registered. Runs are serialized: the Pulumi runtime is process-global.
 */
export async function planProgram(options: PlanOptions): Promise<Plan> {
    if (running) {
        throw new Error("planProgram is not re-entrant: the Pulumi runtime is process-global");
    }
    running = true;
    const stack = options.stack ?? "test";
    const monitor = new RecordingMonitor(monitorOptions(stack, options.config, options.secretKeys));
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    // The SDK captures a stack trace for every resource and output it creates; under ts-node each
    // capture is rewritten through source maps, which made evaluation three times slower. V8
    // formats a stack only when `.stack` is read, so errors read after this function still get
    // source-mapped traces.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        pulumi.runtime.setMockOptions(monitor, PROJECT, stack, false, ORGANIZATION);
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
        await pulumi.runtime.runInPulumiStack(async () => options.program());
        await pulumi.runtime.disconnect();
        if (failures.length > 0) {
            throw failures[0];
        }
        return planOf(stack, monitor.recording);
    } finally {
        Error.prepareStackTrace = prepareStackTrace;
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}
