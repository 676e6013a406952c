// mesh-lint's config file, `.mesh-lint.yaml`: levels per rule (by code or name), disabled rules,
// rule settings (those the pack's config takes) and paths to ignore. Found from the working
// directory up to the repository's root (the first directory holding `.git`) or the filesystem's
// root, or named with --config. Every error is one line naming the file, the key and what is
// allowed; the caller exits 2 on it.
import * as fs from "fs";
import * as path from "path";
import { minimatch } from "minimatch";
import { parse } from "yaml";
import { z } from "zod";
import type { PolicyPackConfig } from "../harness/engine/config";
import type { RuleLevel } from "../policies/core";

/** The config file's name. */
export const CONFIG_FILE = ".mesh-lint.yaml";

/** The levels a config may give a rule. */
const LEVELS = ["mandatory", "advisory", "disabled"] as const;

type Level = (typeof LEVELS)[number];

/** A config file mesh-lint cannot use; the message is one line naming the file and the key. */
export class MeshLintConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "MeshLintConfigError";
    }
}

/**
 * The config file that applies in `from`: `.mesh-lint.yaml` there or in a directory above, up to
 * the repository's root (the first directory with a `.git`, directory or file) or the filesystem's
 * root. A config above the repository (in a home directory, say) never applies to it.
 */
export function findConfig(from: string): string | undefined {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, CONFIG_FILE);
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        if (fs.existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

const LEVEL_TEXT = "mandatory, advisory or disabled";

const levelSchema = z.enum(LEVELS);

/** A rule's entry: a level, or settings with an optional level (a level alone is `{level}`). */
const ruleSchema = z.preprocess(
    (value) => (typeof value === "string" ? { level: value } : value),
    z.object({ level: levelSchema.optional() }).catchall(z.unknown()),
);

const configSchema = z.strictObject({
    rules: z.record(z.string(), ruleSchema).nullish(),
    ignore: z.array(z.string().min(1)).nullish(),
});

type ConfigShape = z.infer<typeof configSchema>;

/** What a config file says, read and checked. */
export interface MeshLintConfig {
    /** The file, as named or found (relative to the working directory). */
    readonly file: string;
    /** Per rule name: the level from the config file, and the settings it gives. */
    readonly rules: ReadonlyMap<string, { level?: Level; settings: Record<string, unknown> }>;
    /** Per rule name, the key the file names it by (its code or its name). */
    readonly keys: ReadonlyMap<string, string>;
    /** Globs, relative to the file's directory. */
    readonly ignore: readonly string[];
}

/** The key path of an issue as the file writes it: `rules.PMX005.level`, `ignore.2`. */
function keyOf(issuePath: readonly PropertyKey[]): string {
    return issuePath.map(String).join(".");
}

/** One line for the first thing zod finds wrong, naming the key and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
    const [top, rule, field] = issue.path.map(String);
    const key = keyOf(issue.path);
    const written = (raw as { rules?: Record<string, unknown> } | null)?.rules?.[rule];
    if (issue.code === "unrecognized_keys") {
        return `${issue.keys.map((k) => JSON.stringify(k)).join(", ")} ${issue.keys.length === 1 ? "is not a key" : "are not keys"} of a mesh-lint config; the keys are rules and ignore`;
    }
    if (top === "rules" && rule === undefined) {
        return "rules must be a map from rule codes or names to a level or a map of settings";
    }
    if (top === "rules" && field === "level") {
        return `${typeof written === "string" ? `rules.${rule}` : key} must be ${LEVEL_TEXT}`;
    }
    if (top === "rules") {
        return `${key} must be ${LEVEL_TEXT}, or a map of the rule's settings with an optional level`;
    }
    if (top === "ignore" && rule !== undefined) {
        return `${key} must be a glob (a non-empty string), such as charts/** or vendor`;
    }
    if (top === "ignore") {
        return "ignore must be a list of globs relative to the config file's directory, such as [charts/**, vendor]";
    }
    return "a mesh-lint config must be a map with the keys rules and ignore";
}

/** What mesh-lint needs to know of the rules: their codes, names and settings. */
export interface RuleCatalogue {
    /** Every rule a config may name, by code: the pack's and the lint layer's. */
    readonly entries: readonly { code: string; name: string }[];
    /** The codes a config may not set (input mesh-lint could not read or build). */
    readonly fixed: readonly string[];
    /** Per rule name, the settings it takes; the lint layer's rules take none. */
    readonly settings: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads and checks a config file. Throws MeshLintConfigError (one line: the file, the key, what
 * is allowed) for a file that cannot be read, is not YAML, or says what no rule takes.
 */
export async function readConfig(
    read: string,
    rules: RuleCatalogue,
    /** How messages name the file: as named, or relative to the working directory. */
    file: string = read,
): Promise<MeshLintConfig> {
    const { InputFileError, readInputFile } = await import("../harness/inputFile");
    let text: string;
    try {
        text = readInputFile(read);
    } catch (error) {
        if (error instanceof InputFileError) {
            throw new MeshLintConfigError(`config: ${error.message}`);
        }
        throw error;
    }
    let raw: unknown;
    try {
        raw = parse(text, { prettyErrors: true, maxAliasCount: 100 });
    } catch (error) {
        // The first line: yaml's position, without the excerpt of the file that follows it.
        const message = (error as Error).message.split("\n")[0].replace(/:$/, "");
        throw new MeshLintConfigError(`${file}: not valid YAML: ${message}`);
    }
    const parsed = configSchema.safeParse(raw ?? {});
    if (!parsed.success) {
        throw new MeshLintConfigError(`${file}: ${describeIssue(parsed.error.issues[0], raw)}`);
    }
    const keys = new Map<string, string>();
    return {
        file,
        rules: ruleEntries(file, parsed.data, rules, keys),
        keys,
        ignore: globs(file, parsed.data.ignore ?? []),
    };
}

/** The config's rules by rule name, each key checked against the rules that exist. */
function ruleEntries(
    file: string,
    config: ConfigShape,
    rules: RuleCatalogue,
    keyFor: Map<string, string>,
) {
    const result = new Map<string, { level?: Level; settings: Record<string, unknown> }>();
    for (const [key, value] of Object.entries(config.rules ?? {})) {
        const entry = rules.entries.find((e) => e.code === key || e.name === key);
        if (!entry) {
            throw new MeshLintConfigError(
                `${file}: rules.${key} names no rule; use a rule's code (such as PMX005) or its name, as docs/policies.md lists them`,
            );
        }
        if (rules.fixed.includes(entry.code)) {
            throw new MeshLintConfigError(
                `${file}: rules.${key} cannot be set: ${entry.code} reports input mesh-lint could not read or build, which never passes as clean; leave such files out with ignore`,
            );
        }
        const earlier = keyFor.get(entry.name);
        if (earlier !== undefined) {
            throw new MeshLintConfigError(
                `${file}: rules.${earlier} and rules.${key} name the same rule; keep one`,
            );
        }
        keyFor.set(entry.name, key);
        const { level, ...settings } = value;
        const allowed = rules.settings.get(entry.name) ?? [];
        const unknown = Object.keys(settings).find((setting) => !allowed.includes(setting));
        if (unknown !== undefined) {
            throw new MeshLintConfigError(
                `${file}: rules.${key}.${unknown} is not a setting of ${entry.code} ${entry.name}; ${allowed.length > 0 ? `its settings are ${allowed.join(", ")}, and level` : "it takes only level"}`,
            );
        }
        result.set(entry.name, { ...(level !== undefined && { level }), settings });
    }
    return result;
}

/** The ignore globs, each relative to the config file's directory. */
function globs(file: string, patterns: readonly string[]): string[] {
    patterns.forEach((pattern, index) => {
        if (path.isAbsolute(pattern) || pattern.split("/").includes("..")) {
            throw new MeshLintConfigError(
                `${file}: ignore.${index} must be relative to the config file's directory and stay below it, such as charts/** or vendor`,
            );
        }
    });
    return [...patterns];
}

/**
 * Whether a path (as named or found, relative to the working directory) is ignored: it, or a
 * directory above it, matches a glob, relative to the config file's directory. Paths outside
 * that directory are never ignored.
 */
export function ignoreMatcher(
    config: Pick<MeshLintConfig, "file" | "ignore">,
    cwd: string = process.cwd(),
): (display: string) => boolean {
    const base = path.dirname(path.resolve(cwd, config.file));
    return (display) => {
        const relative = path.relative(base, path.resolve(cwd, display));
        if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
            return false;
        }
        const parts = relative.split(path.sep);
        return parts.some((_, i) => {
            const prefix = parts.slice(0, i + 1).join("/");
            return config.ignore.some((glob) => minimatch(prefix, glob, { dot: true }));
        });
    };
}

/**
 * The `--policy-config` JSON with the config file's rules over it: a level replaces the level,
 * settings join the settings. Only the pack's rules: the lint layer's are set apart.
 */
export function mergedPackConfig(
    policyConfig: PolicyPackConfig,
    config: MeshLintConfig | undefined,
    packNames: ReadonlySet<string>,
): PolicyPackConfig {
    const merged: PolicyPackConfig = { ...policyConfig };
    for (const [name, { level, settings }] of config?.rules ?? []) {
        if (!packNames.has(name)) {
            continue;
        }
        const given = merged[name];
        merged[name] = {
            ...(typeof given === "string" ? { enforcementLevel: given } : given),
            ...settings,
            ...(level !== undefined && { enforcementLevel: level }),
        };
    }
    return merged;
}

/** The levels the config file gives the lint layer's own rules (YAML003, YAML005, YAML006). */
export function lintLevels(
    config: MeshLintConfig | undefined,
    packNames: ReadonlySet<string>,
): Record<string, RuleLevel | "disabled"> {
    return Object.fromEntries(
        [...(config?.rules ?? [])]
            .filter(([name, { level }]) => !packNames.has(name) && level !== undefined)
            .map(([name, { level }]) => [name, level!]),
    );
}
