// Reads a Pulumi stack settings file and plans the program (index.ts) with its config.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "../config/schema";
import { Plan, planProgram, SECRET_MASK } from "./plan";

/** The project's root directory (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** A stack file's config, as the Pulumi CLI would hand it to the program. */
export interface StackSettings {
    /** `project:key` → value; structured values as plain objects. */
    config: Record<string, unknown>;
    /** Keys stored encrypted (`secure:`); their values are not available offline. */
    secretKeys: string[];
}

/** The path of `Pulumi.<stack>.yaml` in the project root. */
export function stackFilePath(stack: string): string {
    return path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
}

/** Reads a stack settings file. Throws when the file is missing or is not a stack file. */
export function readStackFile(file: string): StackSettings {
    const document = parse(fs.readFileSync(file, "utf8")) ?? {};
    if (typeof document !== "object" || Array.isArray(document)) {
        throw new Error(`${file} is not a Pulumi stack settings file`);
    }
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, value] of Object.entries(document.config ?? {})) {
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
    return typeof value === "object" && value !== null && "secure" in value;
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
    /** Stack name. Defaults to `picluster`. */
    stack?: string;
    /** Stack settings file. Defaults to `Pulumi.<stack>.yaml` in the project root. */
    stackFile?: string;
    /** Changes the stack's config before the program runs (tests use it for variants). */
    edit?: (config: Record<string, unknown>) => void;
}

/** Plans index.ts with a stack's config. */
export async function planStack(options: PlanStackOptions = {}): Promise<Plan> {
    const stack = options.stack ?? "picluster";
    const settings = readStackFile(options.stackFile ?? stackFilePath(stack));
    const config = structuredClone(settings.config);
    options.edit?.(config);
    // index.ts exports the program as a function: each plan calls it against a fresh runtime.
    const program = require(path.join(PROJECT_ROOT, "index")) as () => unknown;
    return planProgram({
        stack,
        config: serializeConfig(config),
        secretKeys: settings.secretKeys,
        program,
    });
}
