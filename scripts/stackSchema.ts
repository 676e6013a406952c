// The stack settings file's JSON Schema and the configuration reference, both generated from the
// config schema (config/) by `npm run docs`: editors complete and check `Pulumi.<stack>.yaml`
// through the YAML language server (each stack file names the schema in its first line), and
// docs/configuration.md lists every key with its type, default and description.
import { z } from "zod";
import { PROJECT, secretKeys, stackConfigSchema } from "../config/schema";
import { STACK_FILE_KEYS } from "../harness/project";
import { markdownTable } from "../report/markdown";

/** Where the stack file's schema is committed, from the project root. */
export const STACK_SCHEMA_FILE = "schema/stack.schema.json";

/** The modeline that points the YAML language server at the schema, from a file's directory. */
export function schemaModeline(schemaPath: string): string {
    return `# yaml-language-server: $schema=${schemaPath}`;
}

// JSON Schema documents are plain JSON; typed loosely for walking.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonSchema = Record<string, any>;

/** What the secret keys hold; they are read with getSecret and stored encrypted. */
const SECRET_DESCRIPTIONS: Readonly<Record<string, string>> = {
    vaultToken:
        "Vault token the provider writes Kiali's client secret with (set it with `pulumi config set --secret`); the provider reads VAULT_TOKEN when unset.",
    keycloakClientSecret:
        "Secret of the Keycloak client Pulumi logs in with (set it with `pulumi config set --secret`); the provider reads KEYCLOAK_CLIENT_SECRET when unset.",
};

/**
 * The config's JSON Schema as a stack file may write it: inputs, so that keys with defaults are
 * optional. Drafted as draft-07, which every YAML language server reads.
 */
export function configJsonSchema(): JsonSchema {
    return z.toJSONSchema(stackConfigSchema, {
        io: "input",
        target: "draft-07",
        // A value that is normalised before it is checked (a rotation label written as a number)
        // is described by what it is checked as.
        unrepresentable: "any",
        override: ({ zodSchema, jsonSchema }) => {
            // zod leaves out the default of a value it normalises; the loader still applies it.
            const def = zodSchema._zod.def as { type: string; defaultValue?: unknown };
            if (def.type === "default" && jsonSchema.default === undefined) {
                jsonSchema.default = def.defaultValue;
            }
        },
    }) as JsonSchema;
}

/** The JSON Schema of a `Pulumi.<stack>.yaml` of this project. */
export function stackFileJsonSchema(): JsonSchema {
    const config = configJsonSchema();
    const properties: Record<string, JsonSchema> = {};
    for (const [key, schema] of Object.entries(config.properties as Record<string, JsonSchema>)) {
        properties[`${PROJECT}:${key}`] = schema;
    }
    for (const key of secretKeys) {
        const description = SECRET_DESCRIPTIONS[key];
        if (description === undefined) {
            throw new Error(`secret key ${key} has no description in scripts/stackSchema.ts`);
        }
        // Plaintext is refused (config/load.ts): only the CLI's encrypted form is valid.
        properties[`${PROJECT}:${key}`] = {
            description,
            type: "object",
            properties: { secure: { type: "string" } },
            required: ["secure"],
            additionalProperties: false,
        };
    }
    const fileKeys: Record<string, JsonSchema> = {
        secretsprovider: {
            type: "string",
            description: "The secrets provider of the stack, as `pulumi stack init` set it.",
        },
        encryptedkey: { type: "string", description: "The stack's encrypted data key." },
        encryptionsalt: {
            type: "string",
            description: "The passphrase secrets provider's salt.",
        },
        config: {
            type: "object",
            description: `The stack's configuration: ${PROJECT}:<key> for this program (docs/configuration.md), other namespaces for providers.`,
            properties,
            required: (config.required as string[]).map((key) => `${PROJECT}:${key}`),
            // Keys of other namespaces (a provider's, pulumi:template) are not this program's.
            patternProperties: { [`^(?!${PROJECT}:)[^:\\s]+:\\S+$`]: {} },
            additionalProperties: false,
        },
        environment: { description: "Pulumi ESC environments the stack imports." },
    };
    const missing = STACK_FILE_KEYS.filter((key) => !(key in fileKeys));
    if (missing.length > 0) {
        throw new Error(`stack file keys without a schema: ${missing.join(", ")}`);
    }
    return {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: `${PROJECT} stack settings (Pulumi.<stack>.yaml)`,
        description: `Generated from config/ by npm run docs; do not edit.`,
        type: "object",
        properties: fileKeys,
        additionalProperties: false,
    };
}

/** The schema file's text, as committed. */
export function stackSchemaText(): string {
    return `${JSON.stringify(stackFileJsonSchema(), null, 4)}\n`;
}

/** A JSON Schema's type, in words. */
function typeText(schema: JsonSchema): string {
    if (Array.isArray(schema.enum)) {
        return schema.enum.map((value: unknown) => `\`${String(value)}\``).join(" \\| ");
    }
    if (Array.isArray(schema.type)) {
        return schema.type.join(" or ");
    }
    if (schema.type === "array") {
        return `list of ${schema.items ? typeText(schema.items) : "values"}`;
    }
    if (schema.type === "object") {
        return schema.properties ? "object" : "map";
    }
    return schema.type ?? "any";
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * One row per key of a section, depth first, in the schema's order. A group of keys that only
 * holds others (an object whose default is empty) gets no row of its own: its keys say it all.
 */
function rows(schema: JsonSchema, key: string, required: boolean): string[][] {
    const group = schema.properties !== undefined && isEmptyDefault(schema.default);
    const own = !group
        ? [
              [
                  `\`${key}\``,
                  typeText(schema),
                  required
                      ? "required"
                      : schema.default === undefined
                        ? ""
                        : `\`${JSON.stringify(schema.default)}\``,
                  cell(schema.description ?? ""),
              ],
          ]
        : [];
    const object = schema.type === "array" ? schema.items : schema;
    const prefix = schema.type === "array" ? `${key}[]` : key;
    const children = Object.entries((object?.properties ?? {}) as Record<string, JsonSchema>);
    const requiredChildren: string[] = object?.required ?? [];
    return [
        ...own,
        ...children.flatMap(([name, child]) =>
            rows(child, `${prefix}.${name}`, requiredChildren.includes(name)),
        ),
    ];
}

function isEmptyDefault(value: unknown): boolean {
    return value === undefined || JSON.stringify(value) === "{}";
}

/** docs/configuration.md's reference: a table per section of the config. */
export function configurationReference(): string {
    const config = configJsonSchema();
    const required: string[] = config.required ?? [];
    const sections = Object.entries(config.properties as Record<string, JsonSchema>).map(
        ([name, schema]) =>
            [
                `### ${name}`,
                "",
                cell(schema.description ?? ""),
                "",
                markdownTable(
                    ["Key", "Type", "Default", "Description"],
                    rows(schema, name, required.includes(name)),
                ),
            ].join("\n"),
    );
    const secrets = markdownTable(
        ["Key", "Description"],
        secretKeys.map((key) => [`\`${key}\``, cell(SECRET_DESCRIPTIONS[key] ?? "")]),
    );
    return [
        ...sections,
        [
            "### Secret keys",
            "",
            "Stored encrypted; never in plain text in a stack file.",
            "",
            secrets,
        ].join("\n"),
    ].join("\n\n");
}
