// The analyzer contract, after istioctl's (pkg/config/analysis): every code lives in one message
// catalogue with its level and templates; every rule declares the inputs it reads and what it
// judges, and the runner (not the rule) decides that a rule does not apply and says why. A rule
// only turns what it judges into findings, each a template of its catalogue entry and arguments.
import type { MeshIndex } from "./inventory";
import { Capabilities, Inventory, Subject } from "./model";

/** The enforcement levels a rule can default to (CrossGuard's, minus remediation). */
export type RuleLevel = "mandatory" | "advisory";

/** The placeholders of a template: `{{policy}} sets {{ports}}` → "policy" | "ports". */
export type Placeholders<T extends string> = T extends `${string}{{${infer Name}}}${infer Rest}`
    ? Name | Placeholders<Rest>
    : never;

/** The arguments a template needs, each rendered as text. */
export type MessageArgs<T extends string> = { readonly [K in Placeholders<T>]: string | number };

/** A check of another tool that a rule matches or beats. */
export interface Anchor {
    readonly tool: "istioctl" | "Kyverno" | "Kiali" | "Gatekeeper";
    /** The check's code or name in that tool. */
    readonly check: string;
    /** How far it goes, when it covers less than the rule. */
    readonly note?: string;
}

/** One entry of the catalogue: a code and everything said about it. */
export interface CatalogueEntry<Messages extends Record<string, string> = Record<string, string>> {
    /** Stable code: `PMX` and three digits, or the linter's `YAML001`. */
    readonly code: string;
    /** Kebab-case name; the CrossGuard policy's name. */
    readonly name: string;
    readonly level: RuleLevel;
    /** A few words, for tables. */
    readonly title: string;
    /** One sentence: what is checked and how to fix a violation. */
    readonly description: string;
    /** Message templates by name, with `{{placeholders}}` for the arguments. */
    readonly messages: Messages;
    /** What other tools check of the same; empty when none does. */
    readonly anchors: readonly Anchor[];
}

/** The catalogue's entries with their codes filled in from their keys, so a code is written once. */
export function defineCatalogue<
    T extends Record<string, Omit<CatalogueEntry<Record<string, string>>, "code">>,
>(entries: T): { readonly [K in keyof T]: T[K] & { readonly code: K & string } } {
    return Object.fromEntries(
        Object.entries(entries).map(([code, entry]) => [code, { code, ...entry }]),
    ) as never;
}

/** A template with its arguments filled in. */
export function renderTemplate(
    template: string,
    args: Readonly<Record<string, string | number>>,
): string {
    return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) =>
        name in args ? String(args[name]) : placeholder,
    );
}

/** One problem a rule found. */
export interface Finding {
    readonly code: string;
    /** The name of the catalogue template the message follows. */
    readonly template: string;
    readonly args: Readonly<Record<string, string | number>>;
    /** What is wrong and how to fix it, naming the object: the template, filled in. */
    readonly message: string;
    /** The object the problem is reported on; none when the problem is something missing. */
    readonly object?: Subject;
}

/** A finding of a catalogue entry's template, on an object. */
export function finding<M extends Record<string, string>, K extends keyof M & string>(
    entry: CatalogueEntry<M>,
    object: Subject | undefined,
    template: K,
    args: MessageArgs<M[K]>,
): Finding {
    return {
        code: entry.code,
        template,
        args,
        message: renderTemplate(entry.messages[template], args),
        object,
    };
}

/** Whether any of the findings or violations blocks: a mandatory one. */
export function hasMandatory(found: readonly { readonly level: string }[]): boolean {
    return found.some((item) => item.level === "mandatory");
}

/** A JSON schema for one config property (the subset CrossGuard config schemas use). */
export interface ConfigProperty {
    readonly type: "string" | "boolean" | "array" | "integer";
    readonly items?: { readonly type: "string" | "integer" };
    readonly minItems?: number;
    readonly description: string;
    readonly default: string | boolean | number | string[];
}

/**
 * What a rule reads, as istioctl's analyzers declare their inputs. The runner says a rule does
 * not apply when the input cannot tell what it needs, and a meta-test holds every rule to the
 * inputs it declares.
 */
export interface RuleInputs {
    /**
     * Kinds read, as `group/Kind` (`core/Service` for the core group; `*.istio.io/*` for every
     * Istio kind), `helm/<chart>` for Helm releases of a chart (`helm/istio:*` for Istio's),
     * and `keycloak/Client` for OpenID clients.
     */
    readonly kinds: readonly string[];
    /** Needs Helm releases and their values (a plan has them; plain YAML does not). */
    readonly helmValues?: boolean;
    /** Needs the dependency edges between resources. */
    readonly dependencies?: boolean;
    /**
     * Reads pod templates (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods), or
     * what makes pods the input does not show (releases, operators' resources).
     */
    readonly workloads?: boolean;
}

interface RuleBase<Config> {
    readonly entry: CatalogueEntry;
    /** Config properties with their defaults. */
    readonly config: { readonly [K in keyof Config]: ConfigProperty };
    readonly inputs: RuleInputs;
    // From the entry, for the CrossGuard policy and the reports.
    readonly code: string;
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: RuleLevel;
}

/** The config of a rule that has none. */
export type NoConfig = Record<string, never>;

/** A rule that judges each subject on its own (a CrossGuard resource policy). */
export interface SubjectRule<Config = NoConfig> extends RuleBase<Config> {
    readonly scope: "subject";
    /** What the rule judges: the runner names it when the input has none. */
    readonly judges: { readonly what: string; test(subject: Subject): boolean };
    check(subject: Subject, config: Config): Finding[];
}

/** A rule that needs the whole input (a CrossGuard stack policy). */
export interface InventoryRule<Config = NoConfig, Judged = unknown> extends RuleBase<Config> {
    readonly scope: "inventory";
    /** What the rule judges in an input: the runner names it when there is none. */
    readonly judges: {
        readonly what: string;
        select(index: MeshIndex, config: Config): readonly Judged[];
    };
    check(judged: readonly Judged[], index: MeshIndex, config: Config): Finding[];
}

// Config types are contravariant in `check`; the registry holds rules of every config type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rule = SubjectRule<any> | InventoryRule<any, any>;

type Definition<R extends Rule> = Omit<R, "code" | "name" | "description" | "enforcementLevel">;

/** A rule judging single subjects, with its catalogue entry's metadata. */
export function subjectRule<Config = NoConfig>(
    definition: Omit<Definition<SubjectRule<Config>>, "scope">,
): SubjectRule<Config> {
    return { ...metadataOf(definition.entry), ...definition, scope: "subject" };
}

/** A rule judging the whole input, with its catalogue entry's metadata. */
export function inventoryRule<Config = NoConfig, Judged = unknown>(
    definition: Omit<Definition<InventoryRule<Config, Judged>>, "scope">,
): InventoryRule<Config, Judged> {
    return { ...metadataOf(definition.entry), ...definition, scope: "inventory" };
}

function metadataOf(entry: CatalogueEntry) {
    return {
        code: entry.code,
        name: entry.name,
        description: entry.description,
        enforcementLevel: entry.level,
    };
}

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

/** Why an input cannot tell a rule what it needs, or undefined when it can. */
export function missingCapability(rule: Rule, inventory: Inventory): string | undefined {
    const needs: [boolean | undefined, keyof Capabilities, string][] = [
        [rule.inputs.helmValues, "helmReleases", "the input has no Helm releases and values"],
        [
            rule.inputs.dependencies,
            "dependencies",
            "the input has no dependency edges between resources",
        ],
    ];
    return needs.find(([needed, capability]) => needed && !inventory.capabilities[capability])?.[2];
}
