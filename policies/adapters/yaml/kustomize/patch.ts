// kustomize's patches: target selectors (api/types/selector.go, resWrangler.Select), strategic
// merge as kyaml merges objects it has no schema for (kyaml/yaml/merge2, associative lists by
// the keys of walk.AssociativeSequenceKeys), and RFC 6902 JSON patches.
import { applyPatch, Operation } from "rfc6902";
import { groupVersion } from "./fieldSpecs";
import { effectiveNamespace, isMap, Json, Resource } from "./resource";

/** A patch's `target`. Every field but the two selectors is an anchored regular expression. */
export interface Selector {
    readonly group?: string;
    readonly version?: string;
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly labelSelector?: string;
    readonly annotationSelector?: string;
}

export function readSelector(value: unknown): Selector | undefined {
    if (!isMap(value)) {
        return undefined;
    }
    const field = (key: string) => (typeof value[key] === "string" ? value[key] : undefined);
    return {
        group: field("group"),
        version: field("version"),
        kind: field("kind"),
        name: field("name"),
        namespace: field("namespace"),
        labelSelector: field("labelSelector"),
        annotationSelector: field("annotationSelector"),
    };
}

const anchored = new Map<string, RegExp>();

/** Go's regexp.MatchString on `^(?:pattern)$`; an empty pattern matches anything. */
function fullMatch(pattern: string | undefined, value: string): boolean {
    if (!pattern) {
        return true;
    }
    let regex = anchored.get(pattern);
    if (!regex) {
        try {
            regex = new RegExp(`^(?:${pattern})$`);
        } catch {
            regex = /(?!)/;
        }
        anchored.set(pattern, regex);
    }
    return regex.test(value);
}

/** One requirement of a Kubernetes label selector (`a=b`, `a!=b`, `a in (x,y)`, `a`, `!a`). */
interface Requirement {
    readonly key: string;
    readonly operator: "=" | "!=" | "in" | "notin" | "exists" | "!exists";
    readonly values: readonly string[];
}

/** Parses a label selector string; undefined when it does not parse (it then matches nothing). */
export function parseLabelSelector(text: string): Requirement[] | undefined {
    const requirements: Requirement[] = [];
    // Commas inside `( … )` belong to a set; split on the others.
    const parts: string[] = [];
    let depth = 0;
    let current = "";
    for (const char of text) {
        if (char === "(") {
            depth++;
        } else if (char === ")") {
            depth--;
        }
        if (char === "," && depth === 0) {
            parts.push(current);
            current = "";
        } else {
            current += char;
        }
    }
    parts.push(current);
    for (const raw of parts) {
        const part = raw.trim();
        if (part === "") {
            continue;
        }
        const set = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
        const pair = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part);
        if (set) {
            const values = set[3].split(",").map((v) => v.trim());
            requirements.push({ key: set[1], operator: set[2] as "in" | "notin", values });
        } else if (pair) {
            const operator = pair[2] === "!=" ? "!=" : "=";
            requirements.push({ key: pair[1], operator, values: [pair[3]] });
        } else if (/^![^\s!=(),]+$/.test(part)) {
            requirements.push({ key: part.slice(1), operator: "!exists", values: [] });
        } else if (/^[^\s!=(),]+$/.test(part)) {
            requirements.push({ key: part, operator: "exists", values: [] });
        } else {
            return undefined;
        }
    }
    return requirements;
}

function selects(requirements: Requirement[] | undefined, labels: unknown): boolean {
    if (!requirements) {
        return false;
    }
    const map = isMap(labels) ? labels : {};
    return requirements.every(({ key, operator, values }) => {
        const has = typeof map[key] === "string";
        const value = has ? (map[key] as string) : undefined;
        switch (operator) {
            case "=":
                return value === values[0];
            case "!=":
                return value !== values[0];
            case "in":
                return value !== undefined && values.includes(value);
            case "notin":
                return value === undefined || !values.includes(value);
            case "exists":
                return has;
            case "!exists":
                return !has;
        }
    });
}

/** Whether a `target` selects a resource: name and namespace by original or current value. */
export function selectsResource(selector: Selector, resource: Resource): boolean {
    const { group, version } = groupVersion(resource.apiVersion);
    const original = resource.original();
    const current = resource.id();
    const named = (value: string | undefined) => fullMatch(selector.name, value ?? "");
    const spaced = (id: { namespace?: string }) =>
        fullMatch(selector.namespace, effectiveNamespace(id as never));
    return (
        fullMatch(selector.group, group) &&
        fullMatch(selector.version, version) &&
        fullMatch(selector.kind, resource.kind) &&
        (named(original.name) || named(current.name)) &&
        (selector.namespace === undefined ||
            selector.namespace === "" ||
            spaced(original) ||
            spaced(current)) &&
        (selector.labelSelector === undefined ||
            selects(parseLabelSelector(selector.labelSelector), resource.value.metadata?.labels)) &&
        (selector.annotationSelector === undefined ||
            selects(
                parseLabelSelector(selector.annotationSelector),
                resource.value.metadata?.annotations,
            ))
    );
}

/** kyaml's keys that make a list of maps associative (walk.AssociativeSequenceKeys), in order. */
const ASSOCIATIVE_KEYS = [
    "mountPath",
    "devicePath",
    "ip",
    "type",
    "topologyKey",
    "name",
    "containerPort",
];

const DIRECTIVE = "$patch";

function mergeKey(original: unknown[], patch: unknown[]): string | undefined {
    const items = [...original, ...patch];
    if (items.length === 0 || !items.every(isMap)) {
        return undefined;
    }
    return ASSOCIATIVE_KEYS.find((key) => items.every((item) => (item as Json)[key] !== undefined));
}

/** A patch value with its directives removed, for where nothing is merged into. */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.filter((item) => !(isMap(item) && item[DIRECTIVE] === "delete")).map(plain);
    }
    if (!isMap(value)) {
        return value;
    }
    return Object.fromEntries(
        Object.entries(value)
            .filter(([key, entry]) => !key.startsWith("$") && entry !== null)
            .map(([key, entry]) => [key, plain(entry)]),
    );
}

function mergeList(original: unknown[], patch: unknown[]): unknown[] {
    const key = mergeKey(original, patch);
    if (!key) {
        return plain(patch) as unknown[];
    }
    const keyOf = (item: unknown) => JSON.stringify((item as Json)[key]);
    const originals = new Map(original.map((item) => [keyOf(item), item]));
    const used = new Set<string>();
    const merged: unknown[] = [];
    for (const item of patch) {
        const itemKey = keyOf(item);
        used.add(itemKey);
        if ((item as Json)[DIRECTIVE] === "delete") {
            continue;
        }
        const base = originals.get(itemKey);
        merged.push(base === undefined ? plain(item) : mergeValue(base, item));
    }
    // The patch's items first, then the original items it did not name (kyaml merge2).
    for (const item of original) {
        if (!used.has(keyOf(item))) {
            merged.push(item);
        }
    }
    return merged;
}

/** Strategic merge of one value into another; `undefined` means the value is deleted. */
export function mergeValue(original: unknown, patch: unknown): unknown {
    if (isMap(patch)) {
        if (patch[DIRECTIVE] === "delete") {
            return undefined;
        }
        if (patch[DIRECTIVE] === "replace" || !isMap(original)) {
            return plain(patch);
        }
        const result: Json = { ...original };
        for (const [key, entry] of Object.entries(patch)) {
            if (key.startsWith("$")) {
                continue;
            }
            if (entry === null) {
                delete result[key];
                continue;
            }
            const value = mergeValue(original[key], entry);
            if (value === undefined) {
                delete result[key];
            } else {
                result[key] = value;
            }
        }
        return result;
    }
    if (Array.isArray(patch)) {
        return Array.isArray(original) ? mergeList(original, patch) : plain(patch);
    }
    return patch;
}

/** Options of a `patches` entry. */
export interface PatchOptions {
    readonly allowNameChange?: boolean;
    readonly allowKindChange?: boolean;
}

/**
 * Applies a strategic merge patch to a resource. Returns false when the patch deletes it. The
 * namespace never changes; the name and kind only when the options allow it.
 */
export function applyStrategicMerge(
    resource: Resource,
    patch: Json,
    options: PatchOptions = {},
): boolean {
    if (patch[DIRECTIVE] === "delete") {
        return false;
    }
    const before = resource.id();
    const merged = mergeValue(resource.value, patch) as Json;
    const nameChanged =
        typeof patch.metadata?.name === "string" && patch.metadata.name !== before.name;
    const kindChanged = typeof patch.kind === "string" && patch.kind !== before.kind;
    if ((options.allowNameChange && nameChanged) || (options.allowKindChange && kindChanged)) {
        resource.remember();
    }
    resource.value = merged;
    if (!options.allowKindChange) {
        resource.value.apiVersion = before.apiVersion;
        resource.value.kind = before.kind;
    }
    if (!options.allowNameChange) {
        resource.setName(before.name);
    }
    if (before.namespace === undefined) {
        delete resource.metadata().namespace;
    } else {
        resource.setNamespace(before.namespace);
    }
    return true;
}

/** JSON pointer segments, unescaped (RFC 6901). */
function pointer(path: string): string[] {
    return path
        .split("/")
        .slice(1)
        .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Creates the missing maps above an `add`, as kustomize's JSON patch does (EnsurePathExistsOnAdd). */
function ensureParents(value: Json, operation: Operation): void {
    if (operation.op !== "add") {
        return;
    }
    let node: unknown = value;
    for (const segment of pointer(operation.path).slice(0, -1)) {
        if (Array.isArray(node)) {
            node = node[Number(segment)];
        } else if (isMap(node)) {
            if (node[segment] === undefined) {
                node[segment] = {};
            }
            node = node[segment];
        } else {
            return;
        }
    }
}

/** Applies RFC 6902 operations in order; returns the first failure's description, if any. */
export function applyJsonPatch(resource: Resource, operations: Operation[]): string | undefined {
    resource.remember();
    for (const operation of operations) {
        let error: { name: string } | null;
        try {
            ensureParents(resource.value, operation);
            [error] = applyPatch(resource.value, [operation]);
        } catch (thrown) {
            // rfc6902 throws where the path goes through a scalar (`/spec/list/-` on a string):
            // kustomize refuses that patch too.
            error = { name: thrown instanceof Error ? thrown.name : "Error" };
        }
        if (error) {
            return `${operation.op} ${operation.path}: ${error.name}`;
        }
    }
    return undefined;
}
