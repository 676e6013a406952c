// Plain values as YAML, JSON and Helm hold them: one guard for "a mapping", reading a dotted path,
// and merging Helm values the way Helm coalesces them.

/** A mapping (a YAML map, a JSON object): not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The items of a YAML sequence. A field of another type (a map where a forgotten dash left a list
 * item, a number, a string) has no items: readers skip it instead of iterating it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function listOf(value: unknown): any[] {
    return Array.isArray(value) ? value : [];
}

/** The value at a dotted path (`meshConfig.rootNamespace`), or undefined. */
export function valueAt(values: unknown, path: string): unknown {
    let current: unknown = values;
    for (const part of path.split(".")) {
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[part];
    }
    return current;
}

type Values = Record<string, unknown>;

/**
 * Merges Helm values the way Helm coalesces them: maps merge key by key, everything else
 * (lists included) is replaced by the later value. `over` wins over `under`.
 */
export function mergeValues(under: Values, over: Values): Values {
    const merged: Values = { ...under };
    for (const [key, value] of Object.entries(over)) {
        const current = merged[key];
        merged[key] = isRecord(current) && isRecord(value) ? mergeValues(current, value) : value;
    }
    return merged;
}

/** Every leaf of a nested mapping as a dotted path and its value. */
export function leaves(values: Values, prefix = ""): [string, unknown][] {
    return Object.entries(values).flatMap(([key, value]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return isRecord(value) ? leaves(value, path) : [[path, value] as [string, unknown]];
    });
}
