// Label selectors (matchLabels only, as PeerAuthentication, Service and monitor selectors use
// them) and an index that finds the labelled things a selector matches without scanning them all.
import { isRecord } from "./values";

export type Labels = Readonly<Record<string, string>>;

/** Whether every label of the selector is on the object. An empty selector matches everything. */
export function matches(selector: Labels, labels: Labels): boolean {
    for (const [key, value] of Object.entries(selector)) {
        if (labels[key] !== value) {
            return false;
        }
    }
    return true;
}

/** `a=1,b=2`, sorted: equal selectors give equal keys. */
export function selectorKey(selector: Labels): string {
    return Object.keys(selector)
        .sort()
        .map((key) => `${key}=${selector[key]}`)
        .join(",");
}

/** `app=keycloak` style text for messages. */
export function describeSelector(selector: Labels): string {
    const text = selectorKey(selector);
    return text === "" ? "{}" : text;
}

/** Whether some object could carry both selectors' labels (no key with two values). */
export function overlaps(a: Labels, b: Labels): boolean {
    for (const [key, value] of Object.entries(a)) {
        if (key in b && b[key] !== value) {
            return false;
        }
    }
    return true;
}

/**
 * Labelled items indexed by each of their `key=value` pairs. A selector looks up its rarest
 * pair and checks only those candidates, so lookups cost what they find, not what exists.
 */
export class LabelIndex<T> {
    private readonly byPair = new Map<string, T[]>();
    private readonly all: T[] = [];

    add(item: T, labels: Labels): void {
        this.all.push(item);
        for (const [key, value] of Object.entries(labels)) {
            const pair = `${key}=${value}`;
            const bucket = this.byPair.get(pair);
            if (bucket) {
                bucket.push(item);
            } else {
                this.byPair.set(pair, [item]);
            }
        }
    }

    /** Candidates for a selector (every item when the selector is empty); callers still match. */
    candidates(selector: Labels): readonly T[] {
        let best: readonly T[] | undefined;
        for (const [key, value] of Object.entries(selector)) {
            const bucket = this.byPair.get(`${key}=${value}`) ?? [];
            if (!best || bucket.length < best.length) {
                best = bucket;
            }
        }
        return best ?? this.all;
    }
}

/** A string map from an untrusted value; non-string values are dropped. */
export function stringMap(value: unknown): Labels {
    if (!isRecord(value)) {
        return {};
    }
    const result: Record<string, string> = {};
    for (const [key, entry] of Object.entries(value)) {
        if (typeof entry === "string") {
            result[key] = entry;
        } else if (typeof entry === "number" || typeof entry === "boolean") {
            result[key] = String(entry);
        }
    }
    return result;
}
