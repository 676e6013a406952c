// Reads a Pulumi stack settings file and plans the program (index.ts) with its config.
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "../config/schema";
import { isRecord } from "../policies/core";
import { isConfigErrorMessage } from "../config/load";
import { readInputFile } from "./inputFile";
import { PROJECT_ROOT, STACK_FILE_KEYS } from "./project";
import {
    ConfigTooLargeError,
    EXIT_ALREADY_LOGGED,
    ProgramRun,
    runProgram,
} from "./runtime/langhost";
import { monitorOptions, Plan, planOf, planProgram, SECRET_MASK } from "./runtime/plan";

export { PROJECT_ROOT, STACK_FILE_KEYS };

/** The program as the language host runs it here: compiled by `npm run build`. */
export const COMPILED_PROGRAM = "bin/index.js";

/** A stack file's config, as the Pulumi CLI would hand it to the program. */
export interface StackSettings {
    /** `project:key` → value; structured values as plain objects. */
    config: Record<string, unknown>;
    /** Keys stored encrypted (`secure:`); their values are not available offline. */
    secretKeys: string[];
}

/** What the Pulumi CLI allows in a stack name (an organization and project may precede it). */
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]{1,100}$/;

/** A stack name the CLI would refuse; the message is one line. */
export class StackNameError extends Error {
    constructor(stack: string) {
        super(
            `${JSON.stringify(stack.slice(0, 60))} is not a stack name: use letters, digits, '-', '_' and '.'`,
        );
        this.name = "StackNameError";
    }
}

/** The path of `Pulumi.<stack>.yaml` in the project root. */
export function stackFilePath(stack: string): string {
    // The file holds the last part only (pulumi.com: "Pulumi.<stack name>.yaml"); no part may be
    // dots alone, which the CLI refuses and which would read like a path.
    const parts = stack.split("/");
    const name = parts[parts.length - 1];
    if (!STACK_NAME.test(stack) || parts.some((part) => /^\.+$/.test(part))) {
        throw new StackNameError(stack);
    }
    return path.join(PROJECT_ROOT, `Pulumi.${name}.yaml`);
}

/** A file that is not valid YAML or not a stack settings file; the message is one line. */
export class StackFileError extends Error {
    constructor(file: string, reason: string) {
        super(`${file} is not a Pulumi stack settings file: ${reason}`);
        this.name = "StackFileError";
    }
}

/**
 * Reads a stack settings file. Throws the `fs` error when the file cannot be read, and a
 * {@link StackFileError} when it is not valid YAML or not a stack settings file.
 */
export function readStackFile(file: string): StackSettings {
    const text = readInputFile(file);
    let document: unknown;
    try {
        document = parse(text) ?? {};
    } catch (error) {
        // The parser's message continues with a code excerpt; its first line says what and where.
        const [what] = (error as Error).message.split("\n");
        throw new StackFileError(file, what.replace(/:$/, ""));
    }
    if (!isRecord(document)) {
        throw new StackFileError(file, "the top level is not a mapping");
    }
    const unknown = Object.keys(document).filter((key) => !STACK_FILE_KEYS.includes(key));
    if (unknown.length > 0) {
        throw new StackFileError(
            file,
            `unknown key ${JSON.stringify(unknown[0])}; allowed keys: ${STACK_FILE_KEYS.join(", ")}`,
        );
    }
    const fileConfig = document.config ?? {};
    if (!isRecord(fileConfig)) {
        throw new StackFileError(file, "`config` is not a mapping of keys to values");
    }
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, value] of Object.entries(fileConfig)) {
        const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
        if (isSecure(value)) {
            // Encrypted values cannot be decrypted offline; the plan masks them anyway.
            secretKeys.push(key);
            config[key] = SECRET_MASK;
        } else {
            config[key] = value;
        }
    }
    return { config, secretKeys };
}

function isSecure(value: unknown): boolean {
    return isRecord(value) && "secure" in value;
}

/** A stack file's config values by key, without the project prefix, as the config schema reads them. */
export function projectConfig(settings: StackSettings): Record<string, unknown> {
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(
        Object.entries(settings.config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** Serializes config values the way the CLI passes them: strings, objects as JSON. */
export function serializeConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/** Options for {@link planStack}. */
export interface PlanStackOptions {
    /** Stack name. Defaults to the stack file's (`Pulumi.<stack>.yaml`), else `picluster`. */
    stack?: string;
    /** Stack settings file. Defaults to `Pulumi.<stack>.yaml` in the project root. */
    stackFile?: string;
    /** Changes the stack's config before the program runs (tests use it for variants). */
    edit?: (config: Record<string, unknown>) => void;
    /** Config set as `pulumi config set --secret` would (full keys), on top of the file's. */
    secrets?: Readonly<Record<string, string>>;
    /**
     * Run the program in this process against the same recording monitor, instead of launching
     * it as the language host does: for tests that plan many variants.
     */
    inProcess?: boolean;
}

/** The stack a settings file belongs to, as its name `Pulumi.<stack>.yaml` says. */
export function stackNameOf(file: string | undefined): string | undefined {
    return file === undefined ? undefined : /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/**
 * The program failed: it threw, or Pulumi refused it. The message is what the program logged,
 * as `pulumi up` would show it.
 */
export class ProgramError extends Error {
    constructor(
        message: string,
        /** Whether the program refused its stack config (a ConfigError), before registering anything. */
        readonly badConfig: boolean,
    ) {
        super(message);
        this.name = "ProgramError";
    }
}

/** ANSI colour codes, which the SDK puts into the errors it logs. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Plans the program with a stack's config, launched as the Pulumi CLI launches it. */
export async function planStack(options: PlanStackOptions = {}): Promise<Plan> {
    const stack = options.stack ?? stackNameOf(options.stackFile) ?? "picluster";
    const settings = readStackFile(options.stackFile ?? stackFilePath(stack));
    const config = structuredClone(settings.config);
    options.edit?.(config);
    Object.assign(config, options.secrets);
    const secretKeys = [...settings.secretKeys, ...Object.keys(options.secrets ?? {})];
    if (options.inProcess) {
        // index.ts exports the program as a function: each plan calls it against a fresh runtime.
        const program = require("../index") as () => unknown;
        return planProgram({
            stack,
            config: serializeConfig(config),
            secretKeys,
            program,
        });
    }
    const run = await runProgram({
        ...monitorOptions(stack, serializeConfig(config), secretKeys),
        programDirectory: PROJECT_ROOT,
        entryPoint: COMPILED_PROGRAM,
        // Stack captures for every promise are what the child spends most of its time on; the
        // one-line messages here never show them (as Pulumi.yaml's runtime nodeargs would set it).
        nodeArgs: ["--stack-trace-limit=0"],
    }).catch((error: unknown) => {
        throw error instanceof ConfigTooLargeError ? new ProgramError(error.message, true) : error;
    });
    if (run.exitCode === 0) {
        return planOf(stack, run.recording);
    }
    throw programFailure(run);
}

/** How cmd/run reports an exception it caught (cmd/run/error.js, defaultErrorMessage). */
const UNHANDLED = /^Running program '[^']*' failed with an unhandled exception:\n/;

/**
 * A failed run as one line: a RunError's message (a refused config among them) as the program
 * logged it; for an exception, its message without the preamble and stack cmd/run adds.
 */
export function programFailure(run: ProgramRun): ProgramError {
    if (run.timedOut) {
        return new ProgramError(`the program did not finish within its timeout`, false);
    }
    const errors = run.recording.logs.filter((log) => log.severity === "error");
    const message = errors.map((log) => log.message.replace(ANSI, "").trim()).join("\n");
    if (run.exitCode === EXIT_ALREADY_LOGGED && UNHANDLED.test(message)) {
        // util.inspect of the error: "Error: <message>", then its stack frames, if any.
        const [inspected] = message.replace(UNHANDLED, "").split("\n");
        return new ProgramError(inspected.replace(/^\w*Error: /, ""), false);
    }
    if (run.exitCode === EXIT_ALREADY_LOGGED && message !== "") {
        return new ProgramError(message, isConfigErrorMessage(message));
    }
    const detail = run.stderr.trim() || message;
    return new ProgramError(
        `the program exited with code ${run.exitCode}${detail ? `: ${detail}` : ""}`,
        false,
    );
}
