// Reading YAML files: every document with the line it starts at, or the file's first syntax error.
// A plain loader (js-yaml) reads most files; a full syntax tree (yaml) is built only where lines of
// nested entries or error positions are needed.
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
    // Lists need their items' lines, which only the syntax tree has.
    if (documents.length !== lines.length || documents.some(isList)) {
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
    for (const document of list) {
        const [error] = document.errors;
        if (error) {
            // A broken file is reported as a whole: its other documents may be cut off too.
            return {
                source,
                documents: [],
                broken: {
                    file: source.display,
                    line: error.linePos?.[0].line ?? 1,
                    message: firstLine(error.message),
                },
            };
        }
    }
    return {
        source,
        documents: list
            .filter((document) => document.contents !== null)
            .map((document) => ({
                value: document.toJS(),
                line: lineOf(document.contents),
                node: document.contents,
                lineOf,
            })),
    };
}

/** A `kind: List` (or `…List`) document whose items are the objects. */
export function isList(value: unknown): value is Json {
    return isKubeShaped(value) && value.kind.endsWith("List") && Array.isArray(value.items);
}

/** The parser's message without the excerpt it appends, and without the position we report. */
function firstLine(message: string): string {
    return message
        .split("\n")[0]
        .replace(/ at line \d+, column \d+:?$/, "")
        .replace(/:$/, "");
}

export function isKubeShaped(value: unknown): value is Json {
    return (
        isRecord(value) && typeof value.apiVersion === "string" && typeof value.kind === "string"
    );
}

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
            (crossed ? header : own).unshift(text.replace(/^#+\s?/, ""));
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
