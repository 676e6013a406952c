// `npm run --silent mesh-lint -- [--json] [--policy-config FILE] PATH...`
// Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it, cluster by
// cluster, and prints the findings grouped by file.
import type { LintOptions } from "../lint/lint";
import { Command, parseCommand, runScript } from "./cli";

/** Exit codes: 0 no mandatory finding, 1 a mandatory finding, 2 unusable input. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;

export const MESH_LINT: Command = {
    name: "mesh-lint",
    usage: "usage: npm run --silent mesh-lint -- [--json] [--policy-config FILE] PATH...",
    summary:
        "Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it: each cluster's builds on their own, files no build reaches listed, not checked. A path without kustomizations (rendered Helm output) joins every cluster. Exits 0 when no finding is mandatory, 1 when one is, 2 on input it cannot read.",
    options: {
        json: { type: "boolean", description: "Print the findings as JSON." },
        "policy-config": {
            type: "string",
            description:
                "The policy pack's config (levels, disabled rules, settings), the JSON `pulumi preview --policy-pack-config` takes.",
        },
    },
    positionals: "PATH...  YAML files and directories (searched for .yaml and .yml files).",
};

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(MESH_LINT, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
        console.error(`mesh-lint: no path given; ${MESH_LINT.usage}`);
        return EXIT_UNUSABLE;
    }
    const { UnusableInputError } = await import("../policies/adapters/yaml");
    const { lintDocument, lintPaths, renderText } = await import("../lint/lint");
    const { hasMandatory } = await import("../policies/core");
    let options: LintOptions = {};
    try {
        const file = values["policy-config"];
        if (typeof file === "string") {
            options = await packOptions(file);
        }
    } catch (error) {
        const { PolicyConfigError } = await import("../harness/engine/config");
        if (error instanceof PolicyConfigError) {
            console.error(`mesh-lint: invalid policy config: ${error.message}`);
            return EXIT_UNUSABLE;
        }
        const { InputFileError } = await import("../harness/inputFile");
        if (error instanceof InputFileError) {
            console.error(`mesh-lint: ${error.message}`);
            return EXIT_UNUSABLE;
        }
        throw error;
    }
    let result;
    try {
        result = lintPaths(positionals, options);
    } catch (error) {
        if (error instanceof UnusableInputError) {
            console.error(`mesh-lint: ${error.message}`);
            return EXIT_UNUSABLE;
        }
        throw error;
    }
    console.log(values.json ? JSON.stringify(lintDocument(result), null, 2) : renderText(result));
    return hasMandatory(result.findings) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/**
 * The rules, settings and levels a `--policy-pack-config` file gives, reconciled as the Pulumi
 * CLI reconciles them for the pack (defaults, "all", each policy; validated by its schema).
 */
async function packOptions(file: string): Promise<LintOptions> {
    const { readPolicyConfigFile, reconcileConfig } = await import("../harness/engine/config");
    const { policies } = await import("../policies/policies");
    const resolved = reconcileConfig(policies, "advisory", readPolicyConfigFile(file));
    const entries = [...resolved];
    return {
        config: Object.fromEntries(entries.map(([name, { properties }]) => [name, properties])),
        // mesh-lint fixes nothing: a remediating policy blocks, as a mandatory one does.
        levels: Object.fromEntries(
            entries.map(([name, { enforcementLevel }]) => [
                name,
                enforcementLevel === "remediate" ? "mandatory" : enforcementLevel,
            ]),
        ),
    };
}

if (require.main === module) {
    runScript(main, EXIT_UNUSABLE);
}
