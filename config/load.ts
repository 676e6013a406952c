// Reads the stack's config, checks it against the schema and turns the first problem into one
// line that names the key, the value and what is allowed.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { PROJECT, secretKeys, stackConfigSchema, StackConfig } from "./schema";

/**
 * A bad stack config value. It is a `RunError`, so `pulumi up` prints only the message, with no
 * stack trace, and it is thrown before any resource is registered.
 */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** Whether a message is a ConfigError's: every one names the config it rejects first. */
export function isConfigErrorMessage(message: string): boolean {
    return /^Invalid config[ :]/.test(message);
}

/** Parses and validates raw config values (keys without the project prefix). Pure. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!result.success) {
        throw new ConfigError(describeIssue(result.error.issues[0]));
    }
    return result.data;
}

/**
 * Collects this project's keys from the running Pulumi program's config. Structured values arrive
 * as JSON strings (pulumi/pulumi#6058); plain strings stay strings.
 */
export function readRawConfig(): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${PROJECT}:`;
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(prefix)) {
            continue;
        }
        const name = key.slice(prefix.length);
        if (secretKeys.includes(name)) {
            continue;
        }
        raw[name] = parseConfigValue(value);
    }
    return raw;
}

/** Reads and validates the stack config; throws a `ConfigError` with one clear line. */
export function loadStackConfig(): StackConfig {
    return parseStackConfig(readRawConfig());
}

function parseConfigValue(value: string): unknown {
    if (!/^\s*[[{]/.test(value)) {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** Formats one zod issue as `<key> = <value>: expected <allowed>.` */
export function describeIssue(issue: z.core.$ZodIssue): string {
    const key = configKey(issue.path);
    if (issue.code === "unrecognized_keys") {
        const allowed = knownKeys(issue.path);
        const unknown = issue.keys
            .map((k) => JSON.stringify(issue.path.length === 0 ? `${PROJECT}:${k}` : k))
            .join(", ");
        const where = issue.path.length === 0 ? "" : ` ${key}`;
        return `Invalid config${where}: unknown key ${unknown}; allowed keys: ${allowed.join(", ")}.`;
    }
    const input = (issue as { input?: unknown }).input;
    const got = input === undefined ? "is missing" : `= ${JSON.stringify(input)}`;
    return `Invalid config ${key} ${got}: expected ${allowedText(issue)}.`;
}

function allowedText(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "invalid_value":
            return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "invalid_type":
            return isDefaultMessage(issue.message) ? `a ${issue.expected}` : issue.message;
        case "too_small":
        case "too_big":
            return isDefaultMessage(issue.message)
                ? `${issue.code === "too_small" ? ">=" : "<="} ${
                      issue.code === "too_small" ? issue.minimum : issue.maximum
                  }`
                : issue.message;
        default:
            return issue.message;
    }
}

function isDefaultMessage(message: string): boolean {
    return /^(Invalid input|Too (small|big)|Invalid option)/.test(message);
}

function configKey(path: PropertyKey[]): string {
    if (path.length === 0) {
        return `${PROJECT} config`;
    }
    const [head, ...rest] = path.map(String);
    return `${PROJECT}:${head}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** The keys the schema allows at a path, for "unknown key" errors. */
function knownKeys(path: PropertyKey[]): string[] {
    let schema: z.core.$ZodType | undefined = stackConfigSchema;
    for (const part of path) {
        schema = childSchema(schema, part);
    }
    const shape = schema && objectShape(schema);
    return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { innerType?: z.core.$ZodType };
        if (!def.innerType) {
            return current;
        }
        current = def.innerType;
    }
}

function objectShape(schema: z.core.$ZodType): Record<string, z.core.$ZodType> | undefined {
    const def = unwrap(schema)._zod.def as { shape?: Record<string, z.core.$ZodType> };
    return def.shape;
}

function childSchema(
    schema: z.core.$ZodType | undefined,
    key: PropertyKey,
): z.core.$ZodType | undefined {
    if (!schema) {
        return undefined;
    }
    const def = unwrap(schema)._zod.def as {
        shape?: Record<string, z.core.$ZodType>;
        element?: z.core.$ZodType;
        valueType?: z.core.$ZodType;
    };
    return def.shape?.[String(key)] ?? def.element ?? def.valueType;
}
