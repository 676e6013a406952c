// The YAML input adapter: plain Kubernetes YAML (Kustomize and Flux trees, Helm-rendered output,
// multi-document files) into the analysis core's model, with the file and line of every object.
// What plain YAML cannot tell (Helm release values, dependency edges) is declared missing, so the
// rules that need it say they do not apply.
//
// Kustomize is followed as far as the rules need it and no further: a kustomization's `namespace`
// reaches the objects it includes (the outermost kustomization wins, as in `kustomize build`), a
// Flux Kustomization's `targetNamespace` reaches the kustomization at its `spec.path`, and the
// documents a kustomization lists as patches are patches. Every object also records the Flux
// Kustomizations whose `spec.path` tree holds its file. Nothing is built or merged: every object
// keeps the file and line it is written at.
import * as jsyaml from "js-yaml";
import * as path from "path";
import { isMap, isSeq, LineCounter, Node, parseAllDocuments } from "yaml";
import { namespaceOf } from "../policies/core/inventory";
import { stringMap } from "../policies/core/labels";
import {
    Capabilities,
    FluxKustomizationRef,
    Inventory,
    KubeObject,
    ObjectMeta,
} from "../policies/core/model";
import { collectYamlFiles, InputFile, readText } from "./files";

/** What plain YAML can tell the rules. */
export const YAML_CAPABILITIES: Capabilities = { helmReleases: false, dependencies: false };

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

/** The input as the core's model, and what could not be read as Kubernetes objects. */
export interface YamlInput {
    readonly inventory: Inventory;
    readonly broken: BrokenYaml[];
    /** Display paths of the files read, in input order. */
    readonly files: string[];
    /** Documents that are not Kubernetes objects (kustomizations, values files, empty ones). */
    readonly skipped: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One parsed document: its value and the line its content starts at. */
interface Parsed {
    readonly value: unknown;
    readonly line: number;
    /** The document's syntax tree, for the lines of nested entries. */
    readonly node: Node | null;
    readonly lineOf: (node: Node | null | undefined) => number;
}

interface ParsedFile {
    readonly source: YamlSource;
    readonly documents: Parsed[];
    readonly broken?: BrokenYaml;
}

/** What a patch entry says about the object it patches (filled into patches that omit it). */
interface PatchTarget {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
}

interface Kustomization {
    readonly dir: string;
    readonly namespace?: string;
    /** Resolved paths of `resources`, `bases` and `components` (files or directories). */
    readonly includes: string[];
    /** Resolved paths of patch files, with their targets. */
    readonly patchFiles: { path: string; target?: PatchTarget }[];
    /** Patches written inline, with the line of their entry. */
    readonly inlinePatches: { text: string; line: number; target?: PatchTarget }[];
    readonly file: string;
}

/** A Flux Kustomization as the repository holds it. */
interface FluxKustomization {
    /** Resolved path of the file that holds it. */
    readonly file: string;
    readonly name: string;
    readonly namespace?: string;
    /** `spec.path`, relative to the repository root. */
    readonly path: string;
    readonly targetNamespace?: string;
}

const KUSTOMIZATION_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** Reads the YAML files below the paths. Throws UnusableInputError for an unreadable path. */
export function readYamlInput(paths: readonly string[]): YamlInput {
    return yamlInput(collectYamlFiles(paths).map((file) => ({ ...file, text: readText(file) })));
}

/** The model of YAML texts; `real` paths identify files and resolve kustomization references. */
export function yamlInput(sources: readonly YamlSource[]): YamlInput {
    const parsed = sources.map(parseFile);
    const broken = parsed.flatMap((file) => (file.broken ? [file.broken] : []));
    const kustomizations = new Map<string, Kustomization>();
    const fluxKustomizations: FluxKustomization[] = [];
    for (const file of parsed) {
        for (const document of file.documents) {
            if (isKustomization(document.value, file.source.real)) {
                const kustomization = readKustomization(file.source, document);
                kustomizations.set(kustomization.dir, kustomization);
            } else if (isFluxKustomization(document.value)) {
                const { metadata, spec } = document.value;
                fluxKustomizations.push({
                    file: file.source.real,
                    name: metadata.name,
                    namespace:
                        typeof metadata.namespace === "string" ? metadata.namespace : undefined,
                    path: spec.path,
                    targetNamespace:
                        typeof spec.targetNamespace === "string" ? spec.targetNamespace : undefined,
                });
            }
        }
    }
    const layout = resolveLayout(kustomizations, fluxKustomizations);
    const owners = resolveFluxOwners(kustomizations, fluxKustomizations, layout);
    const objects: KubeObject[] = [];
    let skipped = 0;
    for (const file of parsed) {
        const patchTarget = layout.patchFiles.get(file.source.real);
        const namespace = layout.namespaces.get(file.source.real);
        const appliedBy = owners.get(file.source.real);
        for (const document of file.documents) {
            if (isKustomization(document.value, file.source.real)) {
                skipped++;
                objects.push(...inlinePatchObjects(kustomizations, file.source, layout, owners));
                continue;
            }
            const found = kubeObjects(document, file.source.display, {
                patch: patchTarget !== undefined,
                target: patchTarget ?? undefined,
                namespace,
                fluxKustomizations: appliedBy,
            });
            if (found.length === 0) {
                skipped++;
            }
            objects.push(...found);
        }
    }
    return {
        inventory: { objects, releases: [], oidcClients: [], capabilities: YAML_CAPABILITIES },
        broken,
        files: sources.map((source) => source.display),
        skipped,
    };
}

// js-yaml's core schema plus merge keys: the values `yaml` gives (YAML 1.2 core, `<<` merged), with
// no timestamps or binary turned into objects.
// (js-yaml exports its built-in types at run time; @types/js-yaml does not declare them.)
const { merge } = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types;
const FAST_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [merge] });

/**
 * Parses a file's documents. A plain loader (js-yaml) reads most files ten times faster than a
 * full syntax tree; the tree (`yaml`) is built only where it is needed: for broken files (its
 * error positions), kustomizations and Lists (the lines of their entries), and anything the fast
 * path cannot place.
 */
function parseFile(source: YamlSource): ParsedFile {
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
    if (
        documents.length !== lines.length ||
        documents.some((value) => isKustomization(value, source.real) || isList(value))
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
function isList(value: unknown): value is Json {
    return isKubeShaped(value) && value.kind.endsWith("List") && Array.isArray(value.items);
}

/** The parser's message without the excerpt it appends, and without the position we report. */
function firstLine(message: string): string {
    return message
        .split("\n")[0]
        .replace(/ at line \d+, column \d+:?$/, "")
        .replace(/:$/, "");
}

function isRecord(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKubeShaped(value: unknown): value is Json {
    return (
        isRecord(value) && typeof value.apiVersion === "string" && typeof value.kind === "string"
    );
}

function isKustomization(value: unknown, file: string): boolean {
    if (!isRecord(value)) {
        return false;
    }
    const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : "";
    if (apiVersion.startsWith("kustomize.config.k8s.io/")) {
        return true;
    }
    // kustomize lets kustomization files leave out apiVersion and kind.
    return KUSTOMIZATION_FILES.has(path.basename(file)) && !apiVersion.includes(".fluxcd.io/");
}

function isFluxKustomization(value: unknown): value is {
    metadata: { name: string; namespace?: unknown };
    spec: { path: string; targetNamespace?: unknown };
} {
    return (
        isKubeShaped(value) &&
        value.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/") &&
        value.kind === "Kustomization" &&
        typeof value.metadata?.name === "string" &&
        typeof value.spec?.path === "string"
    );
}

/** A remote resource (`https://…`, `github.com/…`): not part of a local input. */
function isRemote(entry: string): boolean {
    return entry.includes("://") || entry.startsWith("github.com/");
}

function readTarget(value: unknown): PatchTarget | undefined {
    if (!isRecord(value)) {
        return undefined;
    }
    const text = (key: string) => (typeof value[key] === "string" ? value[key] : undefined);
    return { kind: text("kind"), name: text("name"), namespace: text("namespace") };
}

function readKustomization(source: YamlSource, document: Parsed): Kustomization {
    const value = document.value as Json;
    const dir = path.dirname(source.real);
    const local = (entry: unknown): entry is string =>
        typeof entry === "string" && entry !== "" && !isRemote(entry);
    const includes = ["resources", "bases", "components"]
        .flatMap((key) => (Array.isArray(value[key]) ? value[key] : []))
        .filter(local)
        .map((entry: string) => path.resolve(dir, entry));
    const patchFiles: Kustomization["patchFiles"] = [];
    const inlinePatches: Kustomization["inlinePatches"] = [];
    const entryLine = (key: string, index: number) =>
        isMap(document.node) ? document.lineOf(document.node.getIn([key, index], true) as Node) : 1;
    const patches: unknown[] = Array.isArray(value.patches) ? value.patches : [];
    patches.forEach((entry, index) => {
        if (!isRecord(entry)) {
            return;
        }
        const target = readTarget(entry.target);
        if (local(entry.path)) {
            patchFiles.push({ path: path.resolve(dir, entry.path), target });
        } else if (typeof entry.patch === "string") {
            inlinePatches.push({ text: entry.patch, line: entryLine("patches", index), target });
        }
    });
    const strategic: unknown[] = Array.isArray(value.patchesStrategicMerge)
        ? value.patchesStrategicMerge
        : [];
    strategic.forEach((entry, index) => {
        if (typeof entry !== "string") {
            return;
        }
        // kustomize accepts a file name or the patch itself here.
        if (entry.includes("\n") || entry.trimStart().startsWith("apiVersion")) {
            inlinePatches.push({ text: entry, line: entryLine("patchesStrategicMerge", index) });
        } else if (local(entry)) {
            patchFiles.push({ path: path.resolve(dir, entry) });
        }
    });
    return {
        dir,
        file: source.real,
        namespace: typeof value.namespace === "string" ? value.namespace : undefined,
        includes,
        patchFiles,
        inlinePatches,
    };
}

interface Layout {
    /** Resolved file → the namespace a kustomization gives its objects. */
    readonly namespaces: Map<string, string>;
    /** Resolved patch file → its target (null when the entry names none). */
    readonly patchFiles: Map<string, PatchTarget | null>;
    /** Resolved kustomization file → the namespace it applies. */
    readonly kustomizationNamespaces: Map<string, string>;
}

/**
 * Which namespace each file's objects land in and which files are patches. Each kustomization
 * is visited once per namespace that reaches it, so the cost is linear in the references.
 */
function resolveLayout(
    kustomizations: ReadonlyMap<string, Kustomization>,
    fluxKustomizations: readonly FluxKustomization[],
): Layout {
    const layout: Layout = {
        namespaces: new Map(),
        patchFiles: new Map(),
        kustomizationNamespaces: new Map(),
    };
    const included = new Set<string>();
    for (const kustomization of kustomizations.values()) {
        for (const target of kustomization.includes) {
            included.add(target);
        }
        for (const patch of kustomization.patchFiles) {
            layout.patchFiles.set(patch.path, patch.target ?? null);
        }
    }
    const visited = new Set<string>();
    const visit = (kustomization: Kustomization, outer: string | undefined) => {
        // The outermost namespace wins: kustomize applies an overlay's after its bases'.
        const namespace = outer ?? kustomization.namespace;
        const key = `${kustomization.dir}\0${namespace ?? ""}`;
        if (visited.has(key)) {
            return;
        }
        visited.add(key);
        if (namespace !== undefined && !layout.kustomizationNamespaces.has(kustomization.file)) {
            layout.kustomizationNamespaces.set(kustomization.file, namespace);
        }
        const targets = [...kustomization.includes, ...kustomization.patchFiles.map((p) => p.path)];
        for (const target of targets) {
            const child = kustomizations.get(target);
            if (child) {
                visit(child, namespace);
            } else if (namespace !== undefined && !layout.namespaces.has(target)) {
                layout.namespaces.set(target, namespace);
            }
        }
    };
    for (const flux of fluxKustomizations) {
        const kustomization = fluxRoot(kustomizations, flux);
        if (kustomization && flux.targetNamespace !== undefined) {
            visit(kustomization, flux.targetNamespace);
        }
    }
    for (const kustomization of kustomizations.values()) {
        if (!included.has(kustomization.dir)) {
            visit(kustomization, undefined);
        }
    }
    return layout;
}

/**
 * The kustomization at a Flux Kustomization's path. The path is relative to the repository root:
 * the nearest ancestor of the file that holds the Flux Kustomization where the path exists.
 */
function fluxRoot(
    kustomizations: ReadonlyMap<string, Kustomization>,
    flux: FluxKustomization,
): Kustomization | undefined {
    for (let dir = path.dirname(flux.file); ; dir = path.dirname(dir)) {
        const kustomization = kustomizations.get(path.resolve(dir, flux.path));
        if (kustomization || path.dirname(dir) === dir) {
            return kustomization;
        }
    }
}

/** Resolved file → the Flux Kustomizations whose tree holds it (kustomization files included). */
function resolveFluxOwners(
    kustomizations: ReadonlyMap<string, Kustomization>,
    fluxKustomizations: readonly FluxKustomization[],
    layout: Layout,
): Map<string, FluxKustomizationRef[]> {
    const owners = new Map<string, FluxKustomizationRef[]>();
    const own = (file: string, ref: FluxKustomizationRef) => {
        const list = owners.get(file);
        if (!list) {
            owners.set(file, [ref]);
        } else if (list[list.length - 1] !== ref) {
            list.push(ref);
        }
    };
    for (const flux of fluxKustomizations) {
        const root = fluxRoot(kustomizations, flux);
        if (!root) {
            continue;
        }
        // Named as the object is: a namespace an enclosing kustomization sets wins over its own.
        const ref: FluxKustomizationRef = {
            namespace: layout.namespaces.get(flux.file) ?? flux.namespace ?? "default",
            name: flux.name,
        };
        const visited = new Set<string>();
        const visit = (kustomization: Kustomization) => {
            if (visited.has(kustomization.dir)) {
                return;
            }
            visited.add(kustomization.dir);
            own(kustomization.file, ref);
            const targets = [
                ...kustomization.includes,
                ...kustomization.patchFiles.map((p) => p.path),
            ];
            for (const target of targets) {
                const child = kustomizations.get(target);
                if (child) {
                    visit(child);
                } else {
                    own(target, ref);
                }
            }
        };
        visit(root);
    }
    return owners;
}

/** The objects of a kustomization file's inline patches. */
function inlinePatchObjects(
    kustomizations: ReadonlyMap<string, Kustomization>,
    source: YamlSource,
    layout: Layout,
    owners: ReadonlyMap<string, FluxKustomizationRef[]>,
): KubeObject[] {
    const kustomization = kustomizations.get(path.dirname(source.real));
    if (!kustomization || kustomization.file !== source.real) {
        return [];
    }
    const namespace = layout.kustomizationNamespaces.get(source.real);
    return kustomization.inlinePatches.flatMap((patch) => {
        const file = parseFile({ ...source, text: patch.text });
        return file.documents.flatMap((document) =>
            kubeObjects({ ...document, line: patch.line, node: null }, source.display, {
                patch: true,
                target: patch.target,
                namespace,
                fluxKustomizations: owners.get(source.real),
            }),
        );
    });
}

interface Placement {
    readonly patch: boolean;
    readonly target?: PatchTarget;
    /** The namespace a kustomization sets on namespaced objects. */
    readonly namespace?: string;
    /** The Flux Kustomizations whose tree holds the file. */
    readonly fluxKustomizations?: readonly FluxKustomizationRef[];
}

/** The Kubernetes objects of one document: none, one, or a List's items. */
function kubeObjects(document: Parsed, file: string, placement: Placement): KubeObject[] {
    const { value } = document;
    if (!isKubeShaped(value)) {
        return [];
    }
    if (isList(value)) {
        const items = isMap(document.node) ? document.node.get("items", true) : undefined;
        return value.items.flatMap((item: unknown, index: number) => {
            const node = isSeq(items) ? (items.items[index] as Node) : undefined;
            const line = node ? document.lineOf(node) : document.line;
            return isKubeShaped(item) ? [kubeObject(item, file, line, placement)] : [];
        });
    }
    return [kubeObject(value, file, document.line, placement)];
}

function kubeObject(value: Json, file: string, line: number, placement: Placement): KubeObject {
    const raw = isRecord(value.metadata) ? value.metadata : {};
    const text = (field: unknown) =>
        typeof field === "string" || typeof field === "number" ? String(field) : undefined;
    const target = placement.target;
    const metadata: ObjectMeta = {
        name: text(raw.name) ?? target?.name,
        namespace: text(raw.namespace) ?? target?.namespace,
        ...(isRecord(raw.labels) && { labels: stringMap(raw.labels) }),
        ...(isRecord(raw.annotations) && { annotations: stringMap(raw.annotations) }),
        ...(typeof raw.creationTimestamp === "string" && {
            creationTimestamp: raw.creationTimestamp,
        }),
    };
    const object: KubeObject = {
        category: "kubernetes",
        apiVersion: value.apiVersion,
        kind: value.kind,
        metadata,
        body: value,
        source: placement.fluxKustomizations
            ? { file, line, fluxKustomizations: placement.fluxKustomizations }
            : { file, line },
        patch: placement.patch,
    };
    if (placement.namespace === undefined || namespaceOf(object) === "") {
        return object;
    }
    return { ...object, metadata: { ...metadata, namespace: placement.namespace } };
}
