// `npm run --silent mesh-lint -- [--json] PATH...`
// Runs the policy pack's rules over plain Kubernetes YAML (files and directories, Kustomize and
// Flux trees, Helm-rendered output) and prints the findings grouped by file.
import { UnusableInputError } from "../policies/adapters/yaml";
import { lintDocument, lintPaths, renderText } from "../lint/lint";
import { hasMandatory } from "../policies/core";
import { parseCommandLine, runScript } from "./cli";

/** Exit codes: 0 no mandatory finding, 1 a mandatory finding, 2 unusable input. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;

const USAGE = "usage: npm run --silent mesh-lint -- [--json] PATH...";

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommandLine("mesh-lint", {
        args: argv,
        options: { json: { type: "boolean" } },
        allowPositionals: true,
    });
    if (!parsed) {
        return EXIT_UNUSABLE;
    }
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
        console.error(`mesh-lint: no path given; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
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
