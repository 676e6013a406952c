// An object as a kustomize build carries it: its current value, where it was written, and the
// ids it had before transformers renamed or moved it (kustomize api/resource/resource.go keeps
// them as build annotations; patch targets and name references match any of them).
import { isRecord } from "../../../core";
import { isClusterScoped } from "./fieldSpecs";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where an object was written: the file as shown to the user and as resolved, and the line. */
export interface Origin {
    readonly file: string;
    readonly real: string;
    readonly line: number;
}

/** An object's identity: kustomize's ResId. */
export interface Id {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    /** Undefined for an object written without a namespace. */
    readonly namespace?: string;
}

function text(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The core's isRecord, typed for reading YAML values freely. */
export const isMap = isRecord as (value: unknown) => value is Json;

/** The strings of a list (kustomization fields such as `resources`); empty when not a list. */
export function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export class Resource {
    /** Earlier ids, oldest first. */
    readonly history: Id[] = [];

    constructor(
        public value: Json,
        readonly origin: Origin,
        /** The namespace written in the file, before any transformer. */
        readonly writtenNamespace: string | undefined = text(value.metadata?.namespace),
        /** Set on generated objects that get kustomize's content hash as a name suffix. */
        public needsHash = false,
    ) {}

    get apiVersion(): string {
        return text(this.value.apiVersion) ?? "";
    }

    get kind(): string {
        return text(this.value.kind) ?? "";
    }

    get name(): string {
        return text(this.value.metadata?.name) ?? "";
    }

    get namespace(): string | undefined {
        return text(this.value.metadata?.namespace);
    }

    get clusterScoped(): boolean {
        return isClusterScoped(this.apiVersion, this.kind);
    }

    id(): Id {
        const { apiVersion, kind, name, namespace } = this;
        return { apiVersion, kind, name, namespace };
    }

    /** The id it was written with. */
    original(): Id {
        return this.history[0] ?? this.id();
    }

    /** Every id it has had, oldest first, the current one last. */
    ids(): Id[] {
        return [...this.history, this.id()];
    }

    /** Records the current id before a transformer changes it. */
    remember(): void {
        this.history.push(this.id());
    }

    metadata(): Json {
        if (!isMap(this.value.metadata)) {
            this.value.metadata = {};
        }
        return this.value.metadata;
    }

    setName(name: string): void {
        this.metadata().name = name;
    }

    setNamespace(namespace: string): void {
        this.metadata().namespace = namespace;
    }

    copy(): Resource {
        const copy = new Resource(
            cloneValue(this.value),
            this.origin,
            this.writtenNamespace,
            this.needsHash,
        );
        copy.history.push(...this.history);
        return copy;
    }
}

/** The namespace kustomize compares ids by: `default` for none. */
export function effectiveNamespace(id: Id): string {
    return id.namespace || "default";
}

/** Whether two ids name the same object (exact apiVersion, effective namespace). */
export function sameId(a: Id, b: Id): boolean {
    return (
        a.apiVersion === b.apiVersion &&
        a.kind === b.kind &&
        a.name === b.name &&
        effectiveNamespace(a) === effectiveNamespace(b)
    );
}

/** `Kind namespace/name` for messages. */
export function describeId(id: Id): string {
    return id.namespace ? `${id.kind} ${id.namespace}/${id.name}` : `${id.kind} ${id.name}`;
}

/**
 * A deep copy of a parsed YAML value (plain objects, arrays, strings, numbers, booleans and
 * null: the loader keeps timestamps as strings). Several times faster than structuredClone,
 * which builds must call for every document they load.
 */
export function cloneValue<T>(value: T): T {
    if (Array.isArray(value)) {
        return value.map(cloneValue) as T;
    }
    if (value !== null && typeof value === "object") {
        const copy: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
            const entry = cloneValue((value as Record<string, unknown>)[key]);
            if (key === "__proto__") {
                // A key named so is data; assigning it would replace the copy's prototype.
                Object.defineProperty(copy, key, {
                    value: entry,
                    enumerable: true,
                    writable: true,
                    configurable: true,
                });
            } else {
                copy[key] = entry;
            }
        }
        return copy as T;
    }
    return value;
}
