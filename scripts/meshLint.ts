#!/usr/bin/env node
// `mesh-lint [--format text|json|sarif|github] [--config FILE | --no-config] PATH...` (the package's
// bin; `npm run --silent mesh-lint -- …` in a checkout). Runs the policy pack's rules over
// Kubernetes YAML as Flux and kustomize would apply it, cluster by cluster, and prints the
// findings as text grouped by file, JSON, SARIF or GitHub workflow commands; `-` reads YAML from
// stdin. Input it cannot use (a missing or unreadable path, a FIFO or device, a file or stdin above
// the size limit, a config it cannot use) ends the run with one line and exit 2; files it reads
// but cannot decode or parse are findings; it never prints a stack trace.
import * as path from "path";
import type { Readable } from "stream";
import type { PolicyPackConfig } from "../harness/engine/config";
import type { LintOptions, LintResult } from "../lint/lint";
import type { ReadLimits } from "../policies/adapters/yaml/files";
import { Command, CommandOption, parseCommand, runScript } from "./cli";
import type { MeshLintConfig, RuleCatalogue } from "./meshLintConfig";

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

/** What a run reads beside its arguments; a test gives its own. */
export interface Io {
    /** What `-` reads; the process's stdin by default. */
    readonly stdin?: Readable & { readonly isTTY?: boolean };
    /**
     * Where the config is searched from and what SARIF and GitHub paths are relative to; the
     * process's working directory by default (paths are read as the process resolves them).
     */
    readonly cwd?: string;
}

/**
 * The bytes of stdin when a path is `-` (undefined when none is), read within the limits; the
 * one-line error when stdin is a terminal, which would wait for typing. Throws
 * UnusableInputError for a stream above the limit.
 */
export async function stdinBytes(
    command: string,
    paths: readonly string[],
    io: Io,
    limits: ReadLimits,
): Promise<Buffer | undefined | { error: string }> {
    const { readStream, STDIN_PATH } = await import("../policies/adapters/yaml");
    if (!paths.includes(STDIN_PATH)) {
        return undefined;
    }
    const stdin = io.stdin ?? process.stdin;
    if (stdin.isTTY) {
        return {
            error: `${command}: - reads YAML from stdin, which is a terminal; pipe YAML in, as in kustomize build | ${command} -`,
        };
    }
    return readStream(stdin, undefined, limits);
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

/** The output formats. */
export const FORMATS = ["text", "json", "sarif", "github"] as const;

export type Format = (typeof FORMATS)[number];

export const MESH_LINT: Command = {
    name: "mesh-lint",
    usage: "usage: mesh-lint [--format text|json|sarif|github] [--config FILE | --no-config] [--policy-config FILE] [--max-file-size SIZE] PATH...",
    summary:
        "Runs the policy pack's rules over Kubernetes YAML as Flux and kustomize would apply it: each cluster's builds on their own, files no build reaches listed, not checked. A path without kustomizations (rendered Helm output) joins every cluster. Exits 0 when no finding is mandatory, 1 when one is, 2 on input or a config it cannot use. In a checkout, run it as npx mesh-lint or npm run --silent mesh-lint -- followed by the arguments.",
    options: {
        format: {
            type: "string",
            description:
                "text (the default: findings grouped by file), json, sarif (SARIF 2.1.0, for code scanning) or github (workflow-command annotations for an Actions log).",
        },
        json: { type: "boolean", description: "Print the findings as JSON: --format json." },
        config: {
            type: "string",
            description:
                "The mesh-lint config (levels, disabled rules, settings, ignored paths); by default the .mesh-lint.yaml of the working directory or the nearest directory above it, up to the repository's root.",
        },
        "no-config": { type: "boolean", description: "Read no mesh-lint config." },
        "policy-config": {
            type: "string",
            description:
                "The policy pack's config (levels, disabled rules, settings), the JSON `pulumi preview --policy-pack-config` takes; the mesh-lint config's rules apply over it.",
        },
        "max-file-size": MAX_FILE_SIZE_OPTION,
    },
    positionals:
        "PATH...  YAML files and directories (searched for .yaml and .yml files); - reads YAML from stdin, as in kustomize build | mesh-lint -.",
};

export async function main(argv: string[], io: Io = {}): Promise<number> {
    try {
        return await lint(argv, io);
    } catch (error) {
        console.error(await unexpected("mesh-lint", error));
        return EXIT_UNUSABLE;
    }
}

type Values = Record<string, string | boolean | undefined>;

/** The format `--format` and `--json` name, or the one-line error. */
function formatOf(values: Values): { format: Format } | { error: string } {
    const format = values.format;
    if (format === undefined) {
        return { format: values.json ? "json" : "text" };
    }
    if (!FORMATS.includes(format as Format)) {
        const echo = typeof format === "string" && /^[\w-]{1,20}$/.test(format) ? ` ${format}` : "";
        return {
            error: `mesh-lint: --format${echo} is not a format; give text, json, sarif or github`,
        };
    }
    if (values.json && format !== "json") {
        return {
            error: `mesh-lint: --json means --format json, which --format ${format} contradicts; give one`,
        };
    }
    return { format: format as Format };
}

async function lint(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommand(MESH_LINT, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { values, positionals } = parsed;
    const cwd = io.cwd ?? process.cwd();
    if (positionals.length === 0) {
        console.error(`mesh-lint: no path given; ${MESH_LINT.usage}`);
        return EXIT_UNUSABLE;
    }
    const chosen = formatOf(values);
    if ("error" in chosen) {
        console.error(chosen.error);
        return EXIT_UNUSABLE;
    }
    if (values.config !== undefined && values["no-config"]) {
        console.error("mesh-lint: --config and --no-config contradict each other; give one");
        return EXIT_UNUSABLE;
    }
    const limits = await readLimits("mesh-lint", values["max-file-size"]);
    if (typeof limits === "string") {
        console.error(limits);
        return EXIT_UNUSABLE;
    }
    let options: LintOptions;
    try {
        options = await configuredOptions(values, cwd);
    } catch (error) {
        const message = await configError(error);
        if (message === undefined) {
            throw error;
        }
        console.error(`mesh-lint: ${message}`);
        return EXIT_UNUSABLE;
    }
    const { UnusableInputError } = await import("../policies/adapters/yaml");
    const { lintPaths } = await import("../lint/lint");
    const { hasMandatory } = await import("../policies/core");
    let result;
    try {
        const stdin = await stdinBytes("mesh-lint", positionals, io, limits);
        if (stdin !== undefined && "error" in stdin) {
            console.error(stdin.error);
            return EXIT_UNUSABLE;
        }
        result = lintPaths(positionals, { ...options, limits, stdin });
    } catch (error) {
        if (error instanceof UnusableInputError) {
            console.error(`mesh-lint: ${error.message}`);
            return EXIT_UNUSABLE;
        }
        throw error;
    }
    console.log(await render(result, chosen.format, cwd));
    return hasMandatory(result.findings) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** The findings in the format asked for. */
async function render(result: LintResult, format: Format, cwd: string): Promise<string> {
    switch (format) {
        case "json": {
            const { lintDocument } = await import("../lint/lint");
            return JSON.stringify(lintDocument(result), null, 2);
        }
        case "sarif": {
            const { lintSarif } = await import("../lint/sarif");
            const { projectVersion } = await import("../harness/project");
            return JSON.stringify(lintSarif(result, { version: projectVersion(), cwd }), null, 2);
        }
        case "github": {
            const { renderGithub } = await import("../lint/github");
            return renderGithub(result, cwd);
        }
        case "text": {
            const { renderText } = await import("../lint/lint");
            return renderText(result);
        }
    }
}

/** The one line for a config mesh-lint cannot use; undefined for any other error. */
async function configError(error: unknown): Promise<string | undefined> {
    const { PolicyConfigError } = await import("../harness/engine/config");
    const { InputFileError } = await import("../harness/inputFile");
    const { MeshLintConfigError } = await import("./meshLintConfig");
    if (error instanceof PolicyConfigError) {
        return `invalid policy config: ${error.message}`;
    }
    if (error instanceof InputFileError || error instanceof MeshLintConfigError) {
        return error.message;
    }
    return undefined;
}

/** The rules a config may name: the pack's, with their settings, and the lint layer's. */
export async function ruleCatalogue(): Promise<RuleCatalogue> {
    const { catalogue } = await import("../policies/catalogue");
    const { policies } = await import("../policies/policies");
    const { INPUT_CODES, LINT_RULES } = await import("../lint/lint");
    const packNames = new Set(policies.map((policy) => policy.name));
    const lintCodes = new Set([...LINT_RULES.map((entry) => entry.code), ...INPUT_CODES]);
    return {
        entries: Object.values(catalogue).filter(
            (entry) => packNames.has(entry.name) || lintCodes.has(entry.code),
        ),
        fixed: INPUT_CODES,
        settings: new Map(
            policies.map((policy) => [
                policy.name,
                Object.keys(policy.configSchema?.properties ?? {}),
            ]),
        ),
    };
}

/**
 * The rules, settings, levels and ignored paths that `--policy-config` and the mesh-lint config
 * (`--config`, or the one found from the working directory up) give, the config's rules over the
 * policy config's.
 */
async function configuredOptions(values: Values, cwd: string): Promise<LintOptions> {
    const { findConfig, ignoreMatcher, lintLevels, readConfig } = await import("./meshLintConfig");
    const { readPolicyConfigFile } = await import("../harness/engine/config");
    const { policies } = await import("../policies/policies");
    const named = values.config;
    const found = typeof named === "string" || values["no-config"] ? undefined : findConfig(cwd);
    const file = typeof named === "string" ? named : found;
    // A config found is named relative to the working directory, as paths are.
    const shown = found === undefined ? file : path.relative(cwd, found);
    const config =
        file === undefined ? undefined : await readConfig(file, await ruleCatalogue(), shown);
    if (config) {
        // The config's settings are checked on their own first, so that an error names the
        // config file and the key it wrote.
        await packOptions({}, config);
    }
    const policyFile = values["policy-config"];
    const policyConfig = typeof policyFile === "string" ? readPolicyConfigFile(policyFile) : {};
    const options =
        typeof policyFile === "string" || config !== undefined
            ? await packOptions(policyConfig, config, false)
            : {};
    const packNames = new Set(policies.map((policy) => policy.name));
    return {
        ...options,
        levels: { ...options.levels, ...lintLevels(config, packNames) },
        ...(config && config.ignore.length > 0 && { ignore: ignoreMatcher(config, cwd) }),
    };
}

/**
 * The rules, settings and levels a `--policy-pack-config` file gives, with the mesh-lint config's
 * rules over it, reconciled as the Pulumi CLI reconciles them for the pack (defaults, "all", each
 * policy; validated by its schema). With `blameConfig`, a setting the schemas refuse is reported
 * as the config file's, at the key it wrote.
 */
async function packOptions(
    policyConfig: PolicyPackConfig,
    config: MeshLintConfig | undefined,
    blameConfig = true,
): Promise<LintOptions> {
    const { PolicyConfigError, reconcileConfig } = await import("../harness/engine/config");
    const { policies } = await import("../policies/policies");
    const { MeshLintConfigError, mergedPackConfig } = await import("./meshLintConfig");
    const packNames = new Set(policies.map((policy) => policy.name));
    let resolved;
    try {
        resolved = reconcileConfig(
            policies,
            "advisory",
            mergedPackConfig(policyConfig, config, packNames),
        );
    } catch (error) {
        if (config && blameConfig && error instanceof PolicyConfigError) {
            // The schema's message: `<policy>: <setting path>: <what is wrong>`.
            const [name, ...rest] = error.message.split(": ");
            const key = config.keys.get(name);
            if (key !== undefined) {
                const [setting, ...what] = rest.length > 1 ? rest : ["", ...rest];
                const at = setting === "" ? `rules.${key}` : `rules.${key}.${setting}`;
                throw new MeshLintConfigError(`${config.file}: ${at}: ${what.join(": ")}`);
            }
        }
        throw error;
    }
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
