// configMapGenerator and secretGenerator as kustomize 5.5 runs them (api/kv/kv.go,
// api/internal/generators, kyaml/yaml/datamap.go) and the content hash kustomize appends to
// their names at the end of a build (api/hasher/hasher.go).
import { createHash } from "crypto";
import { stringMap } from "../../../core";
import { isMap, Json, strings } from "./resource";

/** What a generator reads files through: bytes by path relative to the kustomization. */
export type ReadBytes = (relative: string) => Buffer | undefined;

/** A generator entry with the kustomization's generatorOptions merged in. */
export interface GeneratorEntry {
    readonly name: string;
    readonly namespace?: string;
    readonly behavior: "create" | "merge" | "replace";
    readonly literals: readonly string[];
    readonly envs: readonly string[];
    readonly files: readonly string[];
    /** Secrets only. */
    readonly type?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly disableNameSuffixHash: boolean;
    readonly immutable: boolean;
}

/** A generator entry, with generatorOptions under its own options (local keys win). */
export function readGenerator(entry: unknown, defaults: unknown): GeneratorEntry | undefined {
    if (!isMap(entry) || typeof entry.name !== "string") {
        return undefined;
    }
    const local = isMap(entry.options) ? entry.options : {};
    const shared = isMap(defaults) ? defaults : {};
    const behavior =
        entry.behavior === "merge" || entry.behavior === "replace" ? entry.behavior : "create";
    return {
        name: entry.name,
        namespace: typeof entry.namespace === "string" ? entry.namespace : undefined,
        behavior,
        literals: strings(entry.literals),
        envs: [...strings(entry.envs), ...(typeof entry.env === "string" ? [entry.env] : [])],
        files: strings(entry.files),
        type: typeof entry.type === "string" ? entry.type : undefined,
        labels: { ...stringMap(shared.labels), ...stringMap(local.labels) },
        annotations: { ...stringMap(shared.annotations), ...stringMap(local.annotations) },
        disableNameSuffixHash:
            shared.disableNameSuffixHash === true || local.disableNameSuffixHash === true,
        immutable: shared.immutable === true || local.immutable === true,
    };
}

/** A literal `k=v`: split at the first `=`, surrounding matching quotes removed. */
function literalPair(literal: string): [string, string] | undefined {
    const equals = literal.indexOf("=");
    if (equals <= 0) {
        return undefined;
    }
    const value = literal.slice(equals + 1);
    const quoted = /^(['"])(.*)\1$/s.exec(value);
    return [literal.slice(0, equals), quoted ? quoted[2] : value];
}

/** An env file's pairs: comments and blank lines skipped, values kept as written. */
function envPairs(text: string): [string, string][] {
    const pairs: [string, string][] = [];
    text.replace(/^\uFEFF/, "")
        .split("\n")
        .forEach((raw) => {
            const line = raw.replace(/\r$/, "").trimStart();
            if (line === "" || line.startsWith("#")) {
                return;
            }
            const equals = line.indexOf("=");
            pairs.push(equals < 0 ? [line, ""] : [line.slice(0, equals), line.slice(equals + 1)]);
        });
    return pairs;
}

function isUtf8(bytes: Buffer): boolean {
    try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        return true;
    } catch {
        return false;
    }
}

/** kyaml's encodeBase64: one line below 70 characters, else 70-character lines each ending in \n. */
function base64(bytes: Buffer): string {
    const encoded = bytes.toString("base64");
    if (encoded.length < 70) {
        return encoded;
    }
    let lines = "";
    for (let start = 0; start < encoded.length; start += 70) {
        lines += `${encoded.slice(start, start + 70)}\n`;
    }
    return lines;
}

/** The generated object, or the problem that makes kustomize refuse the entry. */
export function generate(
    kind: "ConfigMap" | "Secret",
    entry: GeneratorEntry,
    read: ReadBytes,
): { value: Json } | { error: string } {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    const add = (key: string, bytes: Buffer): string | undefined => {
        if (key in data || key in binaryData) {
            return `${kind} ${entry.name} has the key ${key} twice`;
        }
        if (kind === "Secret") {
            data[key] = base64(bytes);
        } else if (isUtf8(bytes)) {
            data[key] = bytes.toString("utf8");
        } else {
            binaryData[key] = base64(bytes);
        }
        return undefined;
    };
    for (const file of entry.envs) {
        const bytes = read(file);
        if (!bytes) {
            return { error: `${kind} ${entry.name} reads ${file}, which does not exist` };
        }
        for (const [key, value] of envPairs(bytes.toString("utf8"))) {
            const problem = add(key, Buffer.from(value, "utf8"));
            if (problem) {
                return { error: problem };
            }
        }
    }
    for (const literal of entry.literals) {
        const pair = literalPair(literal);
        if (!pair) {
            return {
                error: `${kind} ${entry.name} has the literal ${literal}, which is not key=value`,
            };
        }
        const problem = add(pair[0], Buffer.from(pair[1], "utf8"));
        if (problem) {
            return { error: problem };
        }
    }
    for (const file of entry.files) {
        const equals = file.indexOf("=");
        const [key, relative] =
            equals > 0 ? [file.slice(0, equals), file.slice(equals + 1)] : [basename(file), file];
        const bytes = read(relative);
        if (!bytes) {
            return { error: `${kind} ${entry.name} reads ${relative}, which does not exist` };
        }
        const problem = add(key, bytes);
        if (problem) {
            return { error: problem };
        }
    }
    const metadata: Json = { name: entry.name };
    if (entry.namespace !== undefined) {
        metadata.namespace = entry.namespace;
    }
    if (Object.keys(entry.labels).length > 0) {
        metadata.labels = { ...entry.labels };
    }
    if (Object.keys(entry.annotations).length > 0) {
        metadata.annotations = { ...entry.annotations };
    }
    const value: Json = { apiVersion: "v1", kind, metadata };
    if (kind === "Secret") {
        value.type = entry.type ?? "Opaque";
        value.data = data;
    } else {
        if (Object.keys(data).length > 0) {
            value.data = data;
        }
        if (Object.keys(binaryData).length > 0) {
            value.binaryData = binaryData;
        }
    }
    if (entry.immutable) {
        value.immutable = true;
    }
    return { value: sortKeys(value) as Json };
}

function basename(file: string): string {
    return file.slice(file.lastIndexOf("/") + 1);
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (!isMap(value)) {
        return value;
    }
    return Object.fromEntries(
        Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]),
    );
}

/** A string as Go's encoding/json writes it (HTML-safe: <, > and & escaped). */
function goString(text: string): string {
    let out = '"';
    for (const char of text) {
        const code = char.codePointAt(0)!;
        if (char === '"' || char === "\\") {
            out += `\\${char}`;
        } else if (char === "\n") {
            out += "\\n";
        } else if (char === "\r") {
            out += "\\r";
        } else if (char === "\t") {
            out += "\\t";
        } else if (
            code < 0x20 ||
            char === "<" ||
            char === ">" ||
            char === "&" ||
            code === 0x2028 ||
            code === 0x2029
        ) {
            out += `\\u${code.toString(16).padStart(4, "0")}`;
        } else {
            out += char;
        }
    }
    return `${out}"`;
}

/** Go's json.Marshal of plain JSON data: map keys sorted, no spaces. */
function goJson(value: unknown): string {
    if (typeof value === "string") {
        return goString(value);
    }
    if (Array.isArray(value)) {
        return `[${value.map(goJson).join(",")}]`;
    }
    if (isMap(value)) {
        return `{${Object.keys(value)
            .sort()
            .map((key) => `${goString(key)}:${goJson(value[key])}`)
            .join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

/** kustomize's name suffix for a generated ConfigMap or Secret, from its final content. */
export function contentHash(value: Json): string {
    const encoded: Json =
        value.kind === "Secret"
            ? { kind: "Secret", type: value.type ?? "", name: "", data: value.data ?? "" }
            : { kind: "ConfigMap", name: "", data: value.data ?? "" };
    if (value.kind === "Secret" && isMap(value.stringData)) {
        encoded.stringData = value.stringData;
    }
    if (value.kind !== "Secret" && isMap(value.binaryData)) {
        encoded.binaryData = value.binaryData;
    }
    const hex = createHash("sha256").update(goJson(encoded)).digest("hex");
    const substitutes: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
    return [...hex.slice(0, 10)].map((char) => substitutes[char] ?? char).join("");
}
