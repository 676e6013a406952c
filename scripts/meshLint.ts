// `npm run --silent mesh-lint -- [--json] PATH...`
// Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it, cluster by
// cluster, and prints the findings grouped by file.
import { Command, parseCommand, runScript } from "./cli";

/** Exit codes: 0 no mandatory finding, 1 a mandatory finding, 2 unusable input. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;

export const MESH_LINT: Command = {
    name: "mesh-lint",
    usage: "usage: npm run --silent mesh-lint -- [--json] PATH...",
    summary:
        "Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it: each cluster's builds on their own, files no build reaches listed, not checked. A path without kustomizations (rendered Helm output) joins every cluster. Exits 0 when no finding is mandatory, 1 when one is, 2 on input it cannot read.",
    options: { json: { type: "boolean", description: "Print the findings as JSON." } },
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
    let result;
    try {
        result = lintPaths(positionals);
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

if (require.main === module) {
    runScript(main, EXIT_UNUSABLE);
}
