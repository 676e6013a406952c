// `npm run --silent mesh-lint -- [--json] [--policy-config FILE] [--max-file-size SIZE] PATH...`
// Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it, cluster by
// cluster, and prints the findings grouped by file. Input it cannot use (a missing or unreadable
// path, a FIFO or device, a file above the size limit) ends the run with one line and exit 2;
// files it reads but cannot decode or parse are findings; it never prints a stack trace.
import type { LintOptions } from "../lint/lint";
import type { ReadLimits } from "../policies/adapters/yaml/files";
import { Command, CommandOption, parseCommand, runScript } from "./cli";

/** Exit codes: 0 no mandatory finding, 1 a mandatory finding, 2 unusable input. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;

/** `--max-file-size`, which mesh-lint and mesh-report share. */
export const MAX_FILE_SIZE_OPTION: CommandOption = {
    type: "string",
    description:
        "The largest YAML file read, in bytes or with KiB, MiB or GiB (default 16MiB, at most 256MiB); a larger file stops the run with exit 2.",
};

/** The read limits `--max-file-size` gives, or the one-line error for a value that is no size. */
export async function readLimits(
    command: string,
    value: string | boolean | undefined,
): Promise<ReadLimits | string> {
    const { DEFAULT_LIMITS, MAX_FILE_SIZE_LIMIT, parseSize } =
        await import("../policies/adapters/yaml/files");
    if (typeof value !== "string") {
        return DEFAULT_LIMITS;
    }
    const size = parseSize(value);
    if (size !== undefined && size <= MAX_FILE_SIZE_LIMIT) {
        return { maxFileSize: size };
    }
    // Echoed only when short and plain: a value pasted in the wrong place may be a secret.
    const echo = /^[\w. -]{1,20}$/.test(value) ? ` "${value}"` : "";
    return `${command}: --max-file-size${echo} is not a size from 1 byte to 256MiB; give bytes or a number with KiB, MiB or GiB, such as 16MiB`;
}

/**
 * The one line for an error no check expected (a bug): its kind and message, cut short, never
 * its stack.
 */
export async function unexpected(command: string, error: unknown): Promise<string> {
    const { shown } = await import("../policies/adapters/yaml/files");
    const text =
        error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
    return `${command}: internal error, please report it: ${shown(text, 160)}`;
}

export const MESH_LINT: Command = {
    name: "mesh-lint",
    usage: "usage: npm run --silent mesh-lint -- [--json] [--policy-config FILE] [--max-file-size SIZE] PATH...",
    summary:
        "Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it: each cluster's builds on their own, files no build reaches listed, not checked. A path without kustomizations (rendered Helm output) joins every cluster. Exits 0 when no finding is mandatory, 1 when one is, 2 on input it cannot read.",
    options: {
        json: { type: "boolean", description: "Print the findings as JSON." },
        "policy-config": {
            type: "string",
            description:
                "The policy pack's config (levels, disabled rules, settings), the JSON `pulumi preview --policy-pack-config` takes.",
        },
        "max-file-size": MAX_FILE_SIZE_OPTION,
    },
    positionals: "PATH...  YAML files and directories (searched for .yaml and .yml files).",
};

export async function main(argv: string[]): Promise<number> {
    try {
        return await lint(argv);
    } catch (error) {
        console.error(await unexpected("mesh-lint", error));
        return EXIT_UNUSABLE;
    }
}

async function lint(argv: string[]): Promise<number> {
    const parsed = parseCommand(MESH_LINT, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
        console.error(`mesh-lint: no path given; ${MESH_LINT.usage}`);
        return EXIT_UNUSABLE;
    }
    const limits = await readLimits("mesh-lint", values["max-file-size"]);
    if (typeof limits === "string") {
        console.error(limits);
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
        result = lintPaths(positionals, { ...options, limits });
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
