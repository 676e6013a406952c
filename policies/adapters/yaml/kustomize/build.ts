// `kustomize build` as kubectl's kustomize 5.5 runs it, for what the rules read: which objects a
// kustomization produces, with their final namespace, name, labels and content, and where each
// was written. Order (api/internal/target/kusttarget.go, accumulateTarget, and
// kusttarget_configplugin.go, configureBuiltinTransformers): resources (a directory is built
// completely on its own), generators, components on the same set, then the transformers in
// kustomize's fixed order; at the top level only, the generated names' hash suffixes, the name
// references that follow them, and dropping local-config objects.
//
// A linter must go on where kustomize stops: each problem kustomize would refuse the build for
// is reported, and the build continues without the offending entry. Not modelled (no rule reads
// what they change): replicas, images, replacements, vars, helmCharts and plugins.
import * as path from "path";
import { Operation } from "rfc6902";
import { decodeYaml, isList, parseFile, Parsed } from "../parse";
import { FileTree } from "../tree";
import {
    ANNOTATIONS,
    FieldSpec,
    forEachField,
    METADATA_LABELS,
    SELECTOR_LABELS,
    specApplies,
    TEMPLATE_AND_METADATA_LABELS,
} from "./fieldSpecs";
import { contentHash, generate, readGenerator } from "./generators";
import {
    applyJsonPatch,
    applyStrategicMerge,
    PatchOptions,
    readSelector,
    Selector,
    selectsResource,
} from "./patch";
import { fieldReferences, followRenames, NameReference, REFERENCES } from "./references";
import { cloneValue, describeId, Id, isMap, Json, Resource, sameId, strings } from "./resource";
import * as jsyaml from "js-yaml";

export const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** The fields of a kustomization (api/types/kustomization.go); kustomize refuses any other. */
const KUSTOMIZATION_FIELDS = new Set([
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
]);

/** Something kustomize would refuse, where it is written. */
export interface BuildProblem {
    readonly file: string;
    readonly line: number;
    readonly message: string;
    /** The file is not valid YAML (the parser's message). */
    readonly syntax?: boolean;
    /** The file's bytes are not text YAML can be read from (a binary file, UTF-32). */
    readonly encoding?: boolean;
}

/** What kind of problem of a file's own (not of a build) it is. */
export type FileProblem = "syntax" | "encoding";

/** What a build read and produced. */
export interface Build {
    readonly resources: Resource[];
    readonly problems: BuildProblem[];
    /** Real paths of every file the build read: manifests, patches, generator inputs, kustomizations. */
    readonly read: Set<string>;
    /** Real paths of the files read as data (generator inputs, patches, configurations). */
    readonly data: Set<string>;
    /**
     * Remote resources (URLs), which Flux fetches and an offline build cannot, each with the
     * namespace the build's `namespace` gives its objects (undefined when none does).
     */
    readonly remote: Map<string, string | undefined>;
    /** Name references the kustomizations' `configurations` add to kustomize's own. */
    readonly references: NameReference[];
}

/** What a Flux Kustomization adds to the kustomization at its path (fluxcd/pkg GenerateManifest). */
export interface Overrides {
    readonly namespace?: string;
    readonly namePrefix?: string;
    readonly nameSuffix?: string;
    /** Inline patches appended after the file's own. */
    readonly patches?: readonly { readonly patch: string; readonly target?: Selector }[];
    /** Component paths, relative to the kustomization, appended after the file's own. */
    readonly components?: readonly string[];
    /** Generate a kustomization when the directory has none, as Flux does for its paths. */
    readonly generate?: boolean;
}

/** A parsed file, cached: the same file is read once however many builds include it. */
export interface Documents {
    readonly documents: readonly Parsed[];
    /** Why the file cannot be read: not valid YAML (the parser's message), or not text. */
    readonly error?: {
        readonly line: number;
        readonly message: string;
        readonly kind: FileProblem;
    };
}

/** Reads and parses files for builds, once each. */
export class Workspace {
    private readonly parsed = new Map<string, Documents | undefined>();
    private readonly decoded = new Map<string, ReturnType<typeof decodeYaml> | undefined>();

    constructor(readonly tree: FileTree) {}

    private decode(real: string): ReturnType<typeof decodeYaml> | undefined {
        if (!this.decoded.has(real)) {
            const bytes = this.tree.bytes(real);
            this.decoded.set(real, bytes && decodeYaml(bytes));
        }
        return this.decoded.get(real);
    }

    /**
     * A file's text, decoded as kubectl decodes it (UTF-8, or UTF-16 with a byte-order mark);
     * undefined when the file does not exist or cannot be decoded.
     */
    text(real: string): string | undefined {
        const text = this.decode(real);
        return typeof text === "string" ? text : undefined;
    }

    /** A file's documents; undefined when the file does not exist. */
    documents(real: string): Documents | undefined {
        if (!this.parsed.has(real)) {
            const text = this.decode(real);
            if (text === undefined) {
                this.parsed.set(real, undefined);
            } else if (typeof text !== "string") {
                this.parsed.set(real, {
                    documents: [],
                    error: { line: text.line, message: text.message, kind: "encoding" },
                });
            } else {
                const file = parseFile({ real, display: this.tree.display(real), text });
                this.parsed.set(real, {
                    documents: file.documents,
                    ...(file.broken && {
                        error: {
                            line: file.broken.line,
                            message: file.broken.message,
                            kind: "syntax",
                        },
                    }),
                });
            }
        }
        return this.parsed.get(real);
    }

    /** The kustomization file of a directory, if it has one. */
    kustomizationFile(dir: string): string | undefined {
        if (!this.tree.isDirectory(dir)) {
            return undefined;
        }
        const names = new Set(this.tree.list(dir));
        const found = KUSTOMIZATION_NAMES.find((name) => names.has(name));
        return found && path.join(dir, found);
    }
}

/** A remote resource (`https://…`, `github.com/…`, `git@…`): not part of a local input. */
export function isRemote(entry: string): boolean {
    return (
        /^[a-z]+:\/\//.test(entry) || entry.startsWith("github.com/") || entry.startsWith("git@")
    );
}

/** A set of resources, with the duplicates check kustomize makes when appending. */
class ResourceSet {
    readonly items: Resource[] = [];

    constructor(private readonly problem: (message: string) => void) {}

    add(resource: Resource): void {
        const id = resource.id();
        if (this.items.some((other) => sameId(other.id(), id))) {
            this.problem(`${describeId(id)} is included twice`);
            return;
        }
        this.items.push(resource);
    }

    /** The one resource with this id in its history (for generators' merge and replace). */
    find(id: Id): Resource | undefined {
        return this.items.find((item) => item.ids().some((known) => sameId(known, id)));
    }

    remove(resource: Resource): void {
        this.items.splice(this.items.indexOf(resource), 1);
    }
}

/** A kustomization file's text, parsed, with where it is. */
interface KustomizationFile {
    readonly file: string;
    readonly display: string;
    readonly dir: string;
    readonly value: Json;
    readonly line: number;
    /** Written by Flux for a path without one: its files must all be Kubernetes objects. */
    readonly generated?: boolean;
}

/** Builds kustomizations; one builder serves many builds over one workspace. */
export class Builder {
    constructor(private readonly workspace: Workspace) {}

    /** Builds the kustomization in `dir`, with a Flux Kustomization's overrides when given. */
    build(dir: string, overrides: Overrides = {}): Build {
        const build: Build = {
            resources: [],
            problems: [],
            read: new Set(),
            data: new Set(),
            remote: new Map(),
            references: [],
        };
        const kustomization =
            overrides.generate && !this.workspace.kustomizationFile(dir)
                ? this.generated(dir, build)
                : this.kustomization(dir, build);
        if (!kustomization) {
            return build;
        }
        const set = new ResourceSet((message) => this.problem(build, kustomization, message));
        this.accumulate(kustomization, set, build, overrides);
        this.finish(set, build.references);
        build.resources.push(...set.items);
        return build;
    }

    /**
     * The kustomization Flux writes for a path without one (fluxcd/pkg kustomize_generator.go,
     * scanManifests): every `.yaml`/`.yml` file below it, hidden directories included, and each
     * directory with its own kustomization file as a whole, not entered. Every file must hold
     * Kubernetes objects, or Flux refuses the path.
     */
    private generated(dir: string, build: Build): KustomizationFile | undefined {
        const display = this.workspace.tree.display(dir);
        if (!this.workspace.tree.isDirectory(dir)) {
            this.problem(build, { display }, `${display} does not exist`);
            return undefined;
        }
        const resources: string[] = [];
        const walk = (current: string) => {
            for (const name of this.workspace.tree.list(current)) {
                const child = path.join(current, name);
                if (this.workspace.tree.isDirectory(child)) {
                    if (this.workspace.kustomizationFile(child)) {
                        resources.push(path.relative(dir, child));
                    } else {
                        walk(child);
                    }
                } else if (/\.ya?ml$/.test(name)) {
                    resources.push(path.relative(dir, child));
                }
            }
        };
        walk(dir);
        return {
            file: path.join(dir, "kustomization.yaml"),
            display,
            dir,
            value: { resources },
            line: 1,
            generated: true,
        };
    }

    private problem(
        build: Build,
        at: { display: string; line?: number },
        message: string,
        kind?: FileProblem,
    ) {
        build.problems.push({
            file: at.display,
            line: at.line ?? 1,
            message,
            ...(kind && { [kind]: true }),
        });
    }

    /**
     * The kustomization of a directory, as a `Kustomization` (resources, Flux paths) or as a
     * `Component` (components); kustomize refuses the other kind, several files and unknown keys.
     */
    private kustomization(
        dir: string,
        build: Build,
        kind: "Kustomization" | "Component" = "Kustomization",
    ): KustomizationFile | undefined {
        const display = this.workspace.tree.display(dir);
        const names = new Set(this.workspace.tree.list(dir));
        const files = KUSTOMIZATION_NAMES.filter((name) => names.has(name));
        if (files.length === 0) {
            this.problem(build, { display }, `${display} has no kustomization.yaml`);
            return undefined;
        }
        const file = path.join(dir, files[0]);
        build.read.add(file);
        const documents = this.workspace.documents(file);
        const at = { display: this.workspace.tree.display(file) };
        if (files.length > 1) {
            this.problem(build, at, `${display} has more than one kustomization file`);
        }
        if (documents?.error) {
            const { line, message, kind: problem } = documents.error;
            this.problem(build, { ...at, line }, message, problem);
            return undefined;
        }
        const [document] = documents?.documents ?? [];
        const value = isMap(document?.value) ? (document.value as Json) : {};
        const kustomization = { file, display: at.display, dir, value, line: document?.line ?? 1 };
        const written = value.kind === "Component" ? "Component" : "Kustomization";
        if (written !== kind) {
            this.problem(build, kustomization, `${at.display} is a ${written}, used as a ${kind}`);
            return undefined;
        }
        const unknown = Object.keys(value).filter((key) => !KUSTOMIZATION_FIELDS.has(key));
        if (unknown.length > 0) {
            this.problem(build, kustomization, `${at.display} has the unknown field ${unknown[0]}`);
        }
        return kustomization;
    }

    /** kustomize's accumulateTarget: into `set`, the parent's own set for a component. */
    private accumulate(
        kustomization: KustomizationFile,
        set: ResourceSet,
        build: Build,
        overrides: Overrides = {},
    ): void {
        const k = kustomization.value;
        const report = (message: string) => this.problem(build, kustomization, message);
        const resolve = (entry: string) => path.resolve(kustomization.dir, entry);
        const remoteBefore = new Set(build.remote.keys());
        // 1. resources (then the deprecated bases), each a file or a directory built on its own.
        for (const entry of [...strings(k.resources), ...strings(k.bases)]) {
            if (isRemote(entry)) {
                build.remote.set(entry, build.remote.get(entry));
                continue;
            }
            const target = resolve(entry);
            if (this.workspace.tree.isDirectory(target)) {
                const sub = this.kustomization(target, build);
                if (!sub) {
                    continue;
                }
                const own = new ResourceSet((message) => this.problem(build, sub, message));
                this.accumulate(sub, own, build);
                own.items.forEach((resource) => set.add(resource));
                continue;
            }
            this.load(target, entry, set, build, report);
        }
        // 2. configurations (transformer configs: extra name references), then generators.
        for (const entry of strings(k.configurations)) {
            build.references.push(...this.configuration(resolve(entry), build, report));
        }
        this.generate(kustomization, set, build, report);
        // 3. components, on this set.
        for (const entry of [...strings(k.components), ...(overrides.components ?? [])]) {
            const target = resolve(entry);
            const component = this.kustomization(target, build, "Component");
            if (component) {
                this.accumulate(component, set, build);
            }
        }
        // 4. transformers, in kustomize's fixed order.
        this.strategicMergePatches(kustomization, set, build, report);
        this.patches(kustomization, set, build, report, overrides);
        const namespace =
            overrides.namespace ?? (typeof k.namespace === "string" ? k.namespace : "");
        if (namespace) {
            setNamespace(set.items, namespace);
            // The outermost namespace wins, for remote objects too: this runs after the inner.
            for (const entry of build.remote.keys()) {
                if (!remoteBefore.has(entry)) {
                    build.remote.set(entry, namespace);
                }
            }
            const ids = set.items.map((resource) => resource.id());
            const clash = ids.find((id, i) => ids.findIndex((other) => sameId(other, id)) !== i);
            if (clash) {
                report(`namespace ${namespace} makes two objects ${describeId(clash)}`);
            }
        }
        const prefix =
            overrides.namePrefix ?? (typeof k.namePrefix === "string" ? k.namePrefix : "");
        const suffix =
            overrides.nameSuffix ?? (typeof k.nameSuffix === "string" ? k.nameSuffix : "");
        if (prefix || suffix) {
            setAffixes(set.items, prefix, suffix);
        }
        for (const entry of Array.isArray(k.labels) ? k.labels : []) {
            if (isMap(entry) && isMap(entry.pairs)) {
                const specs = entry.includeSelectors
                    ? SELECTOR_LABELS
                    : entry.includeTemplates
                      ? TEMPLATE_AND_METADATA_LABELS
                      : METADATA_LABELS;
                addPairs(set.items, entry.pairs, specs);
            }
        }
        if (isMap(k.commonLabels)) {
            addPairs(set.items, k.commonLabels, SELECTOR_LABELS);
        }
        if (isMap(k.commonAnnotations)) {
            addPairs(set.items, k.commonAnnotations, ANNOTATIONS);
        }
        this.json6902Patches(kustomization, set, build, report);
    }

    /** The objects of a manifest file: every document, Lists expanded, empty ones skipped. */
    private load(
        file: string,
        entry: string,
        set: ResourceSet,
        build: Build,
        report: (message: string) => void,
    ): void {
        const documents = this.workspace.documents(file);
        if (!documents) {
            report(`resource ${entry} does not exist`);
            return;
        }
        build.read.add(file);
        const display = this.workspace.tree.display(file);
        if (documents.error) {
            const { line, message, kind } = documents.error;
            this.problem(build, { display, line }, message, kind);
            return;
        }
        for (const document of documents.documents) {
            for (const { value, line } of objectsOf(document)) {
                if (
                    typeof value.apiVersion !== "string" ||
                    typeof value.kind !== "string" ||
                    typeof value.metadata?.name !== "string"
                ) {
                    this.problem(
                        build,
                        { display, line },
                        `a document has no ${typeof value.apiVersion !== "string" ? "apiVersion" : typeof value.kind !== "string" ? "kind" : "metadata.name"}`,
                    );
                    continue;
                }
                set.add(new Resource(cloneValue(value), { file: display, real: file, line }));
            }
        }
    }

    private generate(
        kustomization: KustomizationFile,
        set: ResourceSet,
        build: Build,
        report: (message: string) => void,
    ): void {
        const k = kustomization.value;
        const read = (relative: string) => {
            const real = path.resolve(kustomization.dir, relative);
            const bytes = this.workspace.tree.bytes(real);
            if (bytes) {
                build.read.add(real);
                build.data.add(real);
            }
            return bytes;
        };
        const kinds: ["ConfigMap" | "Secret", unknown][] = [
            ["ConfigMap", k.configMapGenerator],
            ["Secret", k.secretGenerator],
        ];
        for (const [kind, entries] of kinds) {
            for (const raw of Array.isArray(entries) ? entries : []) {
                const entry = readGenerator(raw, k.generatorOptions);
                if (!entry) {
                    continue;
                }
                const generated = generate(kind, entry, read);
                if ("error" in generated) {
                    report(generated.error);
                    continue;
                }
                const resource = new Resource(
                    generated.value,
                    {
                        file: kustomization.display,
                        real: kustomization.file,
                        line: kustomization.line,
                    },
                    entry.namespace,
                    !entry.disableNameSuffixHash,
                );
                const existing = set.find(resource.id());
                if (entry.behavior === "create") {
                    if (existing) {
                        report(`${kind} ${entry.name} exists; behavior must be merge or replace`);
                    } else {
                        set.add(resource);
                    }
                    continue;
                }
                if (!existing) {
                    report(`${kind} ${entry.name} does not exist; cannot merge or replace`);
                    continue;
                }
                const data =
                    entry.behavior === "merge"
                        ? { ...existing.value.data, ...resource.value.data }
                        : resource.value.data;
                const metadata = existing.metadata();
                metadata.labels = { ...metadata.labels, ...resource.value.metadata.labels };
                metadata.annotations = {
                    ...metadata.annotations,
                    ...resource.value.metadata.annotations,
                };
                for (const key of ["labels", "annotations"]) {
                    if (Object.keys(metadata[key]).length === 0) {
                        delete metadata[key];
                    }
                }
                existing.value.data = data;
                existing.needsHash = resource.needsHash;
            }
        }
    }

    /** The name references of a `configurations` file (its `nameReference` entries). */
    private configuration(
        file: string,
        build: Build,
        report: (message: string) => void,
    ): NameReference[] {
        const documents = this.workspace.documents(file);
        if (!documents) {
            report(`configuration ${this.workspace.tree.display(file)} does not exist`);
            return [];
        }
        build.read.add(file);
        build.data.add(file);
        const value = documents.documents[0]?.value;
        const entries =
            isMap(value) && Array.isArray(value.nameReference) ? value.nameReference : [];
        return entries.flatMap((entry: unknown) => {
            if (!isMap(entry) || typeof entry.kind !== "string") {
                return [];
            }
            const specs = (Array.isArray(entry.fieldSpecs) ? entry.fieldSpecs : []).filter(
                (spec: unknown) => isMap(spec) && typeof spec.path === "string",
            ) as Json[];
            return [
                {
                    kind: entry.kind,
                    find: (referrer: Json) =>
                        specs
                            .filter(
                                (spec) => spec.kind === undefined || spec.kind === referrer.kind,
                            )
                            .flatMap((spec) => fieldReferences(referrer, spec.path)),
                },
            ];
        });
    }

    /** A patch file's or inline patch's text, or undefined (reported) when it cannot be read. */
    private patchText(
        kustomization: KustomizationFile,
        entry: Json,
        build: Build,
        report: (message: string) => void,
    ): string | undefined {
        if (typeof entry.patch === "string") {
            return entry.patch;
        }
        if (typeof entry.path !== "string") {
            return undefined;
        }
        const real = path.resolve(kustomization.dir, entry.path);
        const bytes = this.workspace.tree.bytes(real);
        if (!bytes) {
            report(`patch ${entry.path} does not exist`);
            return undefined;
        }
        build.read.add(real);
        build.data.add(real);
        const text = decodeYaml(bytes);
        if (typeof text !== "string") {
            report(`patch ${entry.path} cannot be read: ${text.message}`);
            return undefined;
        }
        return text;
    }

    private strategicMergePatches(
        kustomization: KustomizationFile,
        set: ResourceSet,
        build: Build,
        report: (message: string) => void,
    ): void {
        for (const entry of strings(kustomization.value.patchesStrategicMerge)) {
            // kustomize takes a file name or the patch itself here.
            const inline = entry.includes("\n") || /^\s*(apiVersion|kind)\s*:/.test(entry);
            const text = this.patchText(
                kustomization,
                inline ? { patch: entry } : { path: entry },
                build,
                report,
            );
            if (text !== undefined) {
                this.applyPatch(text, undefined, {}, set, report);
            }
        }
    }

    private patches(
        kustomization: KustomizationFile,
        set: ResourceSet,
        build: Build,
        report: (message: string) => void,
        overrides: Overrides,
    ): void {
        const own = Array.isArray(kustomization.value.patches) ? kustomization.value.patches : [];
        const added = (overrides.patches ?? []).map((p) => ({ patch: p.patch, target: p.target }));
        for (const entry of [...own, ...added]) {
            if (!isMap(entry)) {
                continue;
            }
            const text = this.patchText(kustomization, entry, build, report);
            if (text === undefined) {
                continue;
            }
            const options: PatchOptions = isMap(entry.options) ? entry.options : {};
            const target = entry.target && readSelector(entry.target);
            this.applyPatch(text, target, options, set, report);
        }
    }

    private json6902Patches(
        kustomization: KustomizationFile,
        set: ResourceSet,
        build: Build,
        report: (message: string) => void,
    ): void {
        const entries = kustomization.value.patchesJson6902;
        for (const entry of Array.isArray(entries) ? entries : []) {
            if (!isMap(entry)) {
                continue;
            }
            const text = this.patchText(kustomization, entry, build, report);
            const target = readSelector(entry.target);
            if (text === undefined) {
                continue;
            }
            if (!target) {
                report("a JSON patch needs a target");
                continue;
            }
            const operations = parsePatch(text);
            if (!Array.isArray(operations)) {
                report("a patchesJson6902 entry is not a list of operations");
                continue;
            }
            this.jsonPatch(operations as Operation[], target, set, report);
        }
    }

    /** A `patches` entry: a strategic merge patch or a JSON patch, by what its text parses as. */
    private applyPatch(
        text: string,
        target: Selector | undefined,
        options: PatchOptions,
        set: ResourceSet,
        report: (message: string) => void,
    ): void {
        const parsed = parsePatch(text);
        if (parsed === undefined) {
            report("a patch is neither YAML objects nor a list of JSON patch operations");
            return;
        }
        if (Array.isArray(parsed)) {
            if (!target) {
                report("a JSON patch needs a target");
                return;
            }
            this.jsonPatch(parsed as Operation[], target, set, report);
            return;
        }
        for (const patch of parsed.documents) {
            if (target) {
                for (const resource of set.items.filter((r) => selectsResource(target, r))) {
                    if (!applyStrategicMerge(resource, patch, options)) {
                        set.remove(resource);
                    }
                }
                continue;
            }
            const id: Id = {
                apiVersion: typeof patch.apiVersion === "string" ? patch.apiVersion : "",
                kind: typeof patch.kind === "string" ? patch.kind : "",
                name: typeof patch.metadata?.name === "string" ? patch.metadata.name : "",
                namespace:
                    typeof patch.metadata?.namespace === "string"
                        ? patch.metadata.namespace
                        : undefined,
            };
            const resource = set.items.find((r) => r.ids().some((known) => sameId(known, id)));
            if (!resource) {
                report(`no resource matches strategic merge patch ${describeId(id)}`);
                continue;
            }
            if (!applyStrategicMerge(resource, patch, options)) {
                set.remove(resource);
            }
        }
    }

    private jsonPatch(
        operations: Operation[],
        target: Selector,
        set: ResourceSet,
        report: (message: string) => void,
    ): void {
        for (const resource of set.items.filter((r) => selectsResource(target, r))) {
            const failure = applyJsonPatch(resource, operations);
            if (failure) {
                report(`JSON patch on ${describeId(resource.id())} fails: ${failure}`);
            }
        }
    }

    /** The top level's last steps: hash suffixes, the references that follow renames, local config. */
    private finish(set: ResourceSet, extra: readonly NameReference[]): void {
        for (const resource of set.items) {
            if (resource.needsHash) {
                resource.remember();
                resource.setName(`${resource.name}-${contentHash(resource.value)}`);
            }
        }
        followRenames(set.items, [...REFERENCES, ...extra]);
        for (const resource of [...set.items]) {
            const annotations = resource.value.metadata?.annotations;
            if (annotations?.["config.kubernetes.io/local-config"] === "true") {
                set.remove(resource);
            }
        }
    }
}

/** A patch's text as strategic merge documents, or as JSON patch operations. */
function parsePatch(text: string): { documents: Json[] } | unknown[] | undefined {
    let values: unknown[];
    try {
        values = text.trimStart().startsWith("[")
            ? [JSON.parse(text)]
            : jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA });
    } catch {
        return undefined;
    }
    const present = values.filter((value) => value !== null && value !== undefined);
    if (present.length === 1 && Array.isArray(present[0])) {
        return present[0];
    }
    if (present.length > 0 && present.every(isMap)) {
        return { documents: present as Json[] };
    }
    return undefined;
}

/** The objects of one document: itself, or a List's items (nested Lists expanded). */
function objectsOf(document: Parsed): { value: Json; line: number }[] {
    const expand = (value: unknown, line: number): { value: Json; line: number }[] => {
        if (!isMap(value) || Object.keys(value).length === 0) {
            return [];
        }
        if (isList(value)) {
            return (value.items as unknown[]).flatMap((item) => expand(item, line));
        }
        return [{ value, line }];
    };
    return expand(document.value, document.line);
}

/** kustomize's NamespaceTransformer: every object not certainly cluster-scoped. */
function setNamespace(resources: readonly Resource[], namespace: string): void {
    for (const resource of resources) {
        resource.remember();
        if (resource.apiVersion === "v1" && resource.kind === "Namespace") {
            resource.setName(namespace);
            continue;
        }
        if (resource.kind === "RoleBinding" || resource.kind === "ClusterRoleBinding") {
            for (const subject of Array.isArray(resource.value.subjects)
                ? resource.value.subjects
                : []) {
                if (isMap(subject) && subject.name === "default") {
                    subject.namespace = namespace;
                }
            }
        }
        if (!resource.clusterScoped) {
            resource.setNamespace(namespace);
        }
        // The services of an APIService and of a CRD's conversion webhook (namespace.go).
        const service =
            resource.kind === "APIService"
                ? resource.value.spec?.service
                : resource.kind === "CustomResourceDefinition"
                  ? resource.value.spec?.conversion?.webhook?.clientConfig?.service
                  : undefined;
        if (isMap(service)) {
            service.namespace = namespace;
        }
    }
}

/** Kinds kustomize never renames (matched on the original id). */
function keepsName(resource: Resource): boolean {
    const { kind, apiVersion } = resource.original();
    return (
        kind === "CustomResourceDefinition" ||
        kind === "Namespace" ||
        (kind === "APIService" && apiVersion.startsWith("apiregistration.k8s.io/"))
    );
}

function setAffixes(resources: readonly Resource[], prefix: string, suffix: string): void {
    for (const resource of resources) {
        if (!keepsName(resource)) {
            resource.remember();
            resource.setName(`${prefix}${resource.name}${suffix}`);
        }
    }
}

function addPairs(resources: readonly Resource[], pairs: Json, specs: readonly FieldSpec[]): void {
    const entries = Object.entries(pairs).map(([key, value]) => [key, String(value)] as const);
    for (const resource of resources) {
        for (const spec of specs) {
            if (specApplies(spec, resource.apiVersion, resource.kind)) {
                forEachField(resource.value, spec, (target) => {
                    for (const [key, value] of entries) {
                        target[key] = value;
                    }
                });
            }
        }
    }
}
