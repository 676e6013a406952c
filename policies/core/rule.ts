// What a rule is: stable metadata, a JSON-schema config with defaults, and a pure check that
// turns the model into findings, or says that it does not apply to the input.
import { Capabilities, Inventory, Subject } from "./model";
import { MeshIndex } from "./inventory";

/** The enforcement levels a rule can default to (CrossGuard's, minus remediation). */
export type RuleLevel = "mandatory" | "advisory";

/** One problem a rule found. */
export interface Finding {
    readonly code: string;
    /** What is wrong and how to fix it, naming the object. */
    readonly message: string;
    /** The object the problem is reported on; none when the problem is something missing. */
    readonly object?: Subject;
}

/** Whether any of the findings or violations blocks: a mandatory one. */
export function hasMandatory(found: readonly { readonly level: string }[]): boolean {
    return found.some((item) => item.level === "mandatory");
}

/** A rule's answer when the input holds nothing it can judge. */
export interface NotApplicable {
    readonly notApplicable: string;
}

export function notApplicable(reason: string): NotApplicable {
    return { notApplicable: reason };
}

export function isNotApplicable(value: unknown): value is NotApplicable {
    return typeof value === "object" && value !== null && "notApplicable" in value;
}

/** A JSON schema for one config property (the subset CrossGuard config schemas use). */
export interface ConfigProperty {
    readonly type: "string" | "boolean" | "array" | "integer";
    readonly items?: { readonly type: "string" | "integer" };
    readonly description: string;
    readonly default: string | boolean | number | string[];
}

/** What every rule declares. */
export interface RuleMeta<Config> {
    /** Stable code, `PMX` and three digits. */
    readonly code: string;
    /** Kebab-case name; the CrossGuard policy's name. */
    readonly name: string;
    /** One sentence: what is checked and how to fix a violation. */
    readonly description: string;
    readonly enforcementLevel: RuleLevel;
    /** Config properties with their defaults. */
    readonly config: { readonly [K in keyof Config]: ConfigProperty };
    /** What the input must provide for the rule to judge it. */
    readonly requires?: readonly (keyof Capabilities)[];
}

/** The config of a rule that has none. */
export type NoConfig = Record<string, never>;

/** A rule that judges each subject on its own (a CrossGuard resource policy). */
export interface SubjectRule<Config = NoConfig> extends RuleMeta<Config> {
    readonly scope: "subject";
    /** Whether the rule judges this subject at all. */
    appliesTo(subject: Subject): boolean;
    check(subject: Subject, config: Config): Finding[];
}

/** A rule that needs the whole input (a CrossGuard stack policy). */
export interface InventoryRule<Config = NoConfig> extends RuleMeta<Config> {
    readonly scope: "inventory";
    check(index: MeshIndex, config: Config): Finding[] | NotApplicable;
}

// Config types are contravariant in `check`; the registry holds rules of every config type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rule = SubjectRule<any> | InventoryRule<any>;

/** The rule's config defaults, as the Pulumi CLI fills them in from the schema. */
export function defaultConfig(rule: Rule): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(rule.config as Record<string, ConfigProperty>).map(([key, property]) => [
            key,
            structuredClone(property.default),
        ]),
    );
}

/** Defaults merged with what the user configured. */
export function resolveConfig(rule: Rule, configured: Record<string, unknown> = {}) {
    return { ...defaultConfig(rule), ...configured };
}

/** Why an input lacks what a rule requires, or undefined when it has everything. */
export function missingCapability(rule: Rule, inventory: Inventory): string | undefined {
    const missing = (rule.requires ?? []).find((need) => !inventory.capabilities[need]);
    switch (missing) {
        case undefined:
            return undefined;
        case "helmReleases":
            return "the input has no Helm releases and values";
        case "dependencies":
            return "the input has no dependency edges between resources";
    }
}
