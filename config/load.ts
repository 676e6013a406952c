// Reads the stack's config, checks it against the schema and turns the first problem into one
// line that names the key, the value and what is allowed.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { PROJECT, secretKeys, stackConfigSchema, StackConfig } from "./schema";
import { unstatedSwitch } from "./switches";

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
        // Every problem at once, one line each: a user fixes the stack file in one pass.
        const lines = [...new Set(result.error.issues.map(describeIssue))];
        throw new ConfigError(lines.join("\n"));
    }
    const unstated = unstatedSwitch(raw);
    if (unstated) {
        throw new ConfigError(
            `Invalid config ${configKey([...unstated.path])} is missing: expected ${unstated.message}.`,
        );
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
    checkSecretsEncrypted();
    return parseStackConfig(readRawConfig());
}

/**
 * Refuses credentials stored in plaintext in the stack file: the CLI marks the keys set with
 * `pulumi config set --secret`, and the SDK says which (runtime.isConfigSecret, which the SDK's
 * own Config uses; not in its type declarations, so reached through a guard).
 */
function checkSecretsEncrypted(): void {
    const isSecret = (pulumi.runtime as { isConfigSecret?: (key: string) => boolean })
        .isConfigSecret;
    if (!isSecret) {
        return;
    }
    const config = pulumi.runtime.allConfig();
    for (const name of secretKeys) {
        const key = `${PROJECT}:${name}`;
        if (key in config && !isSecret(key)) {
            throw new ConfigError(
                `Invalid config ${key}: stored in plaintext in the stack file; set it with \`pulumi config set --secret ${key}\`.`,
            );
        }
    }
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
    const got = input === undefined ? "is missing" : `= ${echo(input)}`;
    return `Invalid config ${key} ${got}: expected ${allowedText(issue)}.`;
}

/**
 * What could be a credential: key material, kubeconfig contents (several lines, or JSON with an
 * apiVersion), user info in a URL, and Vault or Git host tokens.
 */
const CREDENTIAL_LIKE =
    /BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)|\n|apiVersion|-data"?:|:\/\/[^/\s]*@|\b(hvs|hvb|ghp|gho|glpat)[._-][A-Za-z0-9_-]{8,}|\bs\.[A-Za-z0-9]{20,}/;

/** A long run of mixed-case letters and digits: how random tokens and base64 keys look. */
function tokenLike(text: string): boolean {
    return (text.match(/[A-Za-z0-9+/=]{32,}/g) ?? []).some(
        (run) => /\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run),
    );
}

/** The longest value an error echoes. */
const ECHO_LIMIT = 60;

/**
 * A rejected value as an error line may show it: never what could be a credential, never more
 * than a line's worth.
 */
export function echo(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    if (CREDENTIAL_LIKE.test(text) || tokenLike(text)) {
        return "(a value that may hold a credential, not shown)";
    }
    return text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT - 1)}…` : text;
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
