// `npm run --silent plan -- [--stack NAME] [--stack-file PATH] [--json]`
// Prints what `pulumi up` would create for a stack, evaluated offline with Pulumi's mock runtime.
import { parseArgs } from "util";
import { ConfigError } from "../config/load";
import { Plan, PlannedResource } from "../harness/plan";
import { planStack } from "../harness/stack";

/** Exit codes: 0 planned, 1 failed, 2 unusable input (bad config, bad arguments). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The plan as the `--json` document. */
export function planDocument(plan: Plan) {
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

export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; "stack-file"?: string; json?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                "stack-file": { type: "string" },
                json: { type: "boolean" },
            },
        }));
    } catch (error) {
        console.error(`plan: ${(error as Error).message}`);
        return EXIT_USAGE;
    }
    let plan: Plan;
    try {
        plan = await planStack({ stack: values.stack, stackFile: values["stack-file"] });
    } catch (error) {
        if (error instanceof ConfigError) {
            console.error(error.message);
            return EXIT_USAGE;
        }
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            console.error(`plan: cannot read ${(error as NodeJS.ErrnoException).path}`);
            return EXIT_USAGE;
        }
        throw error;
    }
    console.log(values.json ? JSON.stringify(planDocument(plan), null, 2) : renderTree(plan));
    return EXIT_OK;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error) => {
            console.error(error instanceof Error ? (error.stack ?? error.message) : error);
            process.exit(EXIT_FAILED);
        },
    );
}
