// Reading YAML files: their bytes decoded as kubectl and kustomize decode them, then every document
// with the line it starts at, or the file's first syntax error. A plain loader (js-yaml) reads most
// files; a full syntax tree (yaml) is built only where lines of nested entries or error positions
// are needed. Aliases are expanded only as far as a real manifest needs.
import { isUtf8 } from "buffer";
import * as jsyaml from "js-yaml";
import { LineCounter, Node, parseAllDocuments } from "yaml";
import { isRecord } from "../../core";
import { InputFile } from "./files";

/** A file whose YAML does not parse. */
export interface BrokenYaml {
    readonly file: string;
    readonly line: number;
    readonly message: string;
}

/** Why a file's bytes are not text YAML can be read from, and the line where that shows. */
export interface Undecodable {
    readonly line: number;
    readonly message: string;
}

/** Characters YAML does not allow anywhere (outside its c-printable set), as in binary files. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/** The 1-based line of a byte offset. */
function lineOfByte(bytes: Buffer, offset: number): number {
    let line = 1;
    for (let index = bytes.indexOf(0x0a); index !== -1 && index < offset;) {
        line++;
        index = bytes.indexOf(0x0a, index + 1);
    }
    return line;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
    for (let i = 0; i < bytes.length;) {
        const first = bytes[i];
        if (first < 0x80) {
            i++;
            continue;
        }
        const more = first >= 0xf0 && first <= 0xf4 ? 3 : first >= 0xe0 ? 2 : first >= 0xc2 ? 1 : 0;
        if (first > 0xf4 || more === 0 || i + more >= bytes.length) {
            return i;
        }
        for (let k = 1; k <= more; k++) {
            if ((bytes[i + k] & 0xc0) !== 0x80) {
                return i;
            }
        }
        // Overlong forms, surrogates and code points past U+10FFFF (RFC 3629, section 4).
        const second = bytes[i + 1];
        if (
            (first === 0xe0 && second < 0xa0) ||
            (first === 0xed && second > 0x9f) ||
            (first === 0xf0 && second < 0x90) ||
            (first === 0xf4 && second > 0x8f)
        ) {
            return i;
        }
        i += more + 1;
    }
    return -1;
}

const UTF16 = "it is UTF-16 (its byte-order mark says so)";

/** UTF-16 without its byte-order mark, or why it cannot be decoded. */
function decodeUtf16(body: Buffer, bigEndian: boolean): string | Undecodable {
    if (body.length % 2 !== 0) {
        return { line: 1, message: `${UTF16} but ends in half a character` };
    }
    const little = bigEndian ? Buffer.from(body).swap16() : body;
    try {
        return new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true }).decode(little);
    } catch {
        const text = new TextDecoder("utf-16le", { ignoreBOM: true }).decode(little);
        const line = text.slice(0, text.indexOf("\uFFFD")).split("\n").length;
        return { line, message: `${UTF16} but holds an unpaired surrogate on line ${line}` };
    }
}

/**
 * A file's text, decoded as kubectl reads files (k8s.io/cli-runtime pkg/resource/visitor.go,
 * FileVisitor.Visit: golang.org/x/text's unicode.BOMOverride over UTF-8) and as go-yaml, which
 * kustomize and Flux use, detects encodings (yaml_parser_determine_encoding): a UTF-8 byte-order
 * mark is dropped, one of UTF-16 (little- or big-endian) switches to UTF-16; everything else is
 * UTF-8. Neither reads UTF-32, which is reported, as are bytes that are not UTF-8 and characters
 * YAML does not allow (go-yaml refuses both; kubectl would read U+FFFD for the former): what
 * cannot be decoded is never read as if it were empty.
 */
export function decodeYaml(bytes: Buffer): string | Undecodable {
    const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
    let text: string;
    if (starts(0xff, 0xfe, 0x00, 0x00) || starts(0x00, 0x00, 0xfe, 0xff)) {
        return {
            line: 1,
            message:
                "it is UTF-32 (its byte-order mark says so), which kubectl, kustomize and Flux do not decode",
        };
    } else if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
        const decoded = decodeUtf16(bytes.subarray(2), bytes[0] === 0xfe);
        if (typeof decoded !== "string") {
            return decoded;
        }
        text = decoded;
    } else {
        const body = starts(0xef, 0xbb, 0xbf) ? bytes.subarray(3) : bytes;
        if (!isUtf8(body)) {
            const offset = Math.max(0, firstInvalidUtf8(body));
            const byte = body[offset].toString(16).toUpperCase().padStart(2, "0");
            const line = lineOfByte(body, offset);
            return {
                line,
                message: `byte 0x${byte} on line ${line} is not UTF-8, as in a binary file`,
            };
        }
        text = body.toString("utf8");
    }
    const control = NON_PRINTABLE.exec(text);
    if (control) {
        const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
        const line = text.slice(0, control.index).split("\n").length;
        return {
            line,
            message: `it holds the control character U+${code} on line ${line}, which YAML does not allow, as in a binary file`,
        };
    }
    return text;
}

/** A YAML file and its text. */
export interface YamlSource extends InputFile {
    readonly text: string;
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One parsed document: its value and the line its content starts at. */
export interface Parsed {
    readonly value: unknown;
    readonly line: number;
    /** The document's syntax tree, for the lines of nested entries. */
    readonly node: Node | null;
    readonly lineOf: (node: Node | null | undefined) => number;
}

export interface ParsedFile {
    readonly source: YamlSource;
    readonly documents: Parsed[];
    readonly broken?: BrokenYaml;
}

// js-yaml's core schema plus merge keys: the values `yaml` gives (YAML 1.2 core, `<<` merged), with
// no timestamps or binary turned into objects.
// (js-yaml exports its built-in types at run time; @types/js-yaml does not declare them.)
const { merge } = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types;
const FAST_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [merge] });

/**
 * Parses a file's documents. A plain loader (js-yaml) reads most files ten times faster than a
 * full syntax tree; the tree (`yaml`) is built only where it is needed: for broken files (its
 * error positions), Lists (the lines of their items), and anything the fast path cannot place.
 */
export function parseFile(source: YamlSource): ParsedFile {
    return parseFast(source) ?? parseWithTree(source);
}

/**
 * How many values aliases may add to a file beyond those written: far more than a real manifest
 * repeats (a List reusing one anchor a thousand times adds thousands), far less than an alias bomb
 * (nine levels of ten aliases add a billion). go-yaml, which kubectl, kustomize and Flux use, also
 * refuses "excessive aliasing" (decode.go, allowedAliasRatio), by a ratio that depends on the
 * order it decodes; a count of the values added says the same of every parser.
 */
export const MAX_ALIAS_VALUES = 1_000_000;

/**
 * Why aliases make documents too large to read, or undefined when they do not. Aliases share the
 * value they name (both parsers return one object for an anchor and its aliases), so the walk is
 * linear in what is written; it counts what a copy of every document would hold.
 */
function aliasProblem(values: readonly unknown[]): string | undefined {
    const sizes = new Map<object, number>();
    const open = new Set<object>();
    let written = 0;
    let recursive = false;
    const size = (value: unknown): number => {
        if (typeof value !== "object" || value === null) {
            return 1;
        }
        const known = sizes.get(value);
        if (known !== undefined) {
            return known;
        }
        if (open.has(value)) {
            recursive = true;
            return Infinity;
        }
        open.add(value);
        written++;
        let total = 1;
        for (const child of Object.values(value)) {
            if (typeof child !== "object" || child === null) {
                written++;
            }
            total += size(child);
        }
        open.delete(value);
        sizes.set(value, total);
        return total;
    };
    const expanded = values.reduce((sum: number, value) => sum + size(value), 0);
    if (recursive) {
        return "an alias names a node that holds it, which expands without end";
    }
    return expanded - written > MAX_ALIAS_VALUES
        ? `its aliases expand it by more than ${MAX_ALIAS_VALUES} values (excessive aliasing)`
        : undefined;
}

/** Documents with the line their content starts at, or undefined when the tree is needed. */
export function parseFast(source: YamlSource): ParsedFile | undefined {
    const lines: number[] = [];
    let depth = 0;
    let values: unknown[];
    try {
        values = jsyaml.loadAll(source.text, undefined, {
            schema: FAST_SCHEMA,
            // Each document's root node opens at depth 0: that is the line objects are reported at.
            listener: (event, state) => {
                if (event === "open") {
                    if (depth++ === 0) {
                        lines.push(state.line + 1);
                    }
                } else {
                    depth--;
                }
            },
        });
    } catch {
        return undefined;
    }
    const documents = values.filter((value) => value !== null && value !== undefined);
    // Lists need their items' lines, which only the syntax tree has; the tree also places a
    // problem of aliases at its document.
    if (
        documents.length !== lines.length ||
        documents.some(isList) ||
        (source.text.includes("*") && aliasProblem(documents) !== undefined)
    ) {
        return undefined;
    }
    return {
        source,
        documents: documents.map((value, index) => ({
            value,
            line: lines[index],
            node: null,
            lineOf: () => lines[index],
        })),
    };
}

export function parseWithTree(source: YamlSource): ParsedFile {
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(source.text, { lineCounter, merge: true });
    const lineOf = (node: Node | null | undefined) =>
        node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    const list = Array.isArray(documents) ? documents : [];
    // A broken file is reported as a whole: its other documents may be cut off too.
    const broken = (line: number, message: string): ParsedFile => ({
        source,
        documents: [],
        broken: { file: source.display, line, message },
    });
    for (const document of list) {
        const [error] = document.errors;
        if (error) {
            return broken(error.linePos?.[0].line ?? 1, firstLine(error.message));
        }
    }
    const parsed: Parsed[] = [];
    for (const document of list.filter((d) => d.contents !== null)) {
        const line = lineOf(document.contents);
        let value: unknown;
        try {
            // Aliases are counted below, by what they add, not by how often one anchor is
            // named: `yaml`'s own limit (maxAliasCount, 100) refuses a List reusing an anchor.
            value = document.toJS({ maxAliasCount: -1 });
        } catch (error) {
            return broken(line, firstLine((error as Error).message));
        }
        parsed.push({ value, line, node: document.contents, lineOf });
    }
    const values = parsed.map((d) => d.value);
    const aliases = source.text.includes("*") && aliasProblem(values);
    if (aliases) {
        // Reported at the document that crosses the limit.
        const at = parsed.find((_, i) => aliasProblem(values.slice(0, i + 1)) !== undefined);
        return broken(at?.line ?? 1, aliases);
    }
    return { source, documents: parsed };
}

/** A `kind: List` (or `…List`) document whose items are the objects. */
export function isList(value: unknown): value is Json {
    return isKubeShaped(value) && value.kind.endsWith("List") && Array.isArray(value.items);
}

/** How much of a parser's message is shown: it may quote the file. */
const MESSAGE_LIMIT = 200;

/**
 * The parser's message without the excerpt it appends, and without the position we report;
 * shortened, since a message may quote the file.
 */
function firstLine(message: string): string {
    if (/Maximum call stack size exceeded/.test(message)) {
        return "it nests deeper than a parser can follow";
    }
    const text = message
        .split("\n")[0]
        .replace(/ at line \d+, column \d+:?$/, "")
        .replace(/:$/, "");
    return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}…` : text;
}

export function isKubeShaped(value: unknown): value is Json {
    return (
        isRecord(value) && typeof value.apiVersion === "string" && typeof value.kind === "string"
    );
}

/** Comment lines that are directives for a tool, not words for a reader. */
const TOOL_DIRECTIVE =
    /^(yaml-language-server:|@schema\b|prettier-ignore|kics-scan|checkov:skip|trivy:ignore|nosemgrep)/;

/**
 * The comment block directly above a document's first line, without the `#` markers. A file's
 * header comment above the first `---` counts for its first document; comments above a later
 * `---` belong to the document before it.
 */
export function commentAbove(lines: readonly string[], line: number): string | undefined {
    const own: string[] = [];
    const header: string[] = [];
    let crossed = false;
    for (let index = line - 2; index >= 0; index--) {
        const text = lines[index].trim();
        if (text.startsWith("#")) {
            const line = text.replace(/^#+\s?/, "");
            // Directives for editors and scanners say nothing about the object.
            if (!TOOL_DIRECTIVE.test(line)) {
                (crossed ? header : own).unshift(line);
            }
        } else if (text === "") {
            continue;
        } else if (!crossed && /^---(\s|$)/.test(text)) {
            crossed = true;
        } else {
            // Content above: comments past a separator are the previous document's.
            header.length = 0;
            break;
        }
    }
    const comment = [...header, ...own].join("\n").trim();
    return comment === "" ? undefined : comment;
}
