// The policy config as the Pulumi CLI reconciles it (pulumi/pulumi pkg/resource/analyzer/config.go):
// schema defaults, then the user's `--policy-pack-config` (an "all" key sets every level),
// validated against each policy's schema.
import { EnforcementLevel } from "@pulumi/policy";
import { readInputFile } from "../inputFile";
import { z } from "zod";
import { PACK_NAME } from "../../policies/policies";
import { isRecord } from "../../policies/core";

/** The `--policy-pack-config` file's shape: policy name (or "all") → level or settings. */
export type PolicyPackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A config that the CLI would refuse. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

/**
 * What reconciling needs of a policy: the pack's own policy objects in process, or the policy
 * infos a pack reports over the analyzer protocol.
 */
export interface PolicyDeclaration {
    readonly name: string;
    readonly enforcementLevel?: EnforcementLevel;
    readonly configSchema?: {
        readonly properties?: Readonly<Record<string, unknown>>;
        readonly required?: readonly string[];
    };
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** The CLI's ReconcilePolicyPackConfig: defaults, then the user's config, then validation. */
export function reconcileConfig(
    policies: readonly PolicyDeclaration[],
    packLevel: EnforcementLevel,
    config: PolicyPackConfig = {},
): Map<string, ResolvedConfig> {
    const result = new Map<string, ResolvedConfig>();
    for (const policy of policies) {
        const properties = Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {})
                .filter(([, schema]) => isRecord(schema) && "default" in schema)
                .map(([key, schema]) => [
                    key,
                    structuredClone((schema as { default: unknown }).default),
                ]),
        );
        result.set(policy.name, {
            enforcementLevel: policy.enforcementLevel ?? packLevel,
            properties,
        });
    }
    const given = Object.entries(config).map(([name, value]) => {
        const { enforcementLevel, ...properties } =
            typeof value === "string" ? { enforcementLevel: value } : value;
        if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel)) {
            throw new PolicyConfigError(
                `parsing enforcement level for "${name}": "${enforcementLevel}" is not a valid enforcement level`,
            );
        }
        return { name, enforcementLevel, properties };
    });
    const all = given.find((entry) => entry.name === "all");
    if (all?.enforcementLevel) {
        for (const entry of result.values()) {
            entry.enforcementLevel = all.enforcementLevel;
        }
    }
    for (const entry of given) {
        if (entry.name === "all") {
            continue;
        }
        const current = result.get(entry.name);
        if (!current) {
            throw new PolicyConfigError(`policy pack ${PACK_NAME} has no policy "${entry.name}"`);
        }
        current.enforcementLevel = entry.enforcementLevel ?? current.enforcementLevel;
        Object.assign(current.properties, entry.properties);
    }
    for (const policy of policies) {
        if (!policy.configSchema) {
            continue;
        }
        const schema = z.fromJSONSchema({ type: "object", ...policy.configSchema } as never);
        const parsed = schema.safeParse(result.get(policy.name)!.properties);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
            throw new PolicyConfigError(`${policy.name}: ${where}${issue.message}`);
        }
    }
    return result;
}

/**
 * A `--policy-pack-config` file: JSON, an empty file meaning no config. Throws PolicyConfigError
 * for text that is not JSON; a file that cannot be read throws the system's error.
 */
export function readPolicyConfigFile(file: string): PolicyPackConfig {
    const text = readInputFile(file);
    let config: unknown;
    try {
        config = text.trim() === "" ? {} : JSON.parse(text);
    } catch (error) {
        throw new PolicyConfigError(`${file}: ${(error as Error).message}`);
    }
    // The CLI unmarshals into map[string]interface{}: anything else is refused.
    if (!isRecord(config)) {
        throw new PolicyConfigError(`${file}: the top level must be a JSON object of policy names`);
    }
    for (const [name, value] of Object.entries(config)) {
        if (typeof value !== "string" && !isRecord(value)) {
            throw new PolicyConfigError(
                `${file}: ${JSON.stringify(name)} must be an enforcement level or an object of settings, not ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
            );
        }
    }
    return config as PolicyPackConfig;
}
