// The YAML input adapter: Kubernetes YAML into the analysis core's model, per cluster, as Flux and
// kustomize would apply it. A tree with Flux Kustomizations or kustomization files is built from
// its roots (roots.ts): each cluster's objects are what its builds produce (kustomize/build.ts,
// flux.ts), with the file and line each was written at and the chain that built it, and Flux
// HelmReleases become Helm releases with the values helm-controller would pass. Files no root
// reaches are listed, not judged. A tree with neither is read file by file. Helm charts, Go
// templates and SOPS-encrypted documents are never read as manifests.
import * as path from "path";
import { isMap as isMapNode, isSeq, Node } from "yaml";
import {
    Capabilities,
    HelmRelease,
    Inventory,
    KubeObject,
    Source,
    UnseenPodSource,
} from "../../core";
import { ClusterBuilder, isFluxKustomization, readFluxSpec } from "./flux";
import { toHelmRelease, isFluxHelmRelease } from "./helmReleases";
import { BuildProblem, KUSTOMIZATION_NAMES, Workspace } from "./kustomize/build";
import { isMap } from "./kustomize/resource";
import {
    collectInput,
    DEFAULT_LIMITS,
    InputFile,
    readBytes,
    ReadLimits,
    STDIN_PATH,
    STDIN_REAL,
} from "./files";
import { documentObjects, toKubeObject } from "./objects";
import { commentAbove, isKubeShaped, ParsedFile, parseWithTree, YamlSource } from "./parse";
import { FluxDocument, findRoots } from "./roots";
import { diskTree, FileTree, memoryTree, withFile } from "./tree";

export {
    collectYamlFiles,
    DEFAULT_LIMITS,
    DEFAULT_MAX_FILE_SIZE,
    formatSize,
    MAX_FILE_SIZE_LIMIT,
    parseSize,
    readStream,
    readText,
    shown,
    STDIN_DISPLAY,
    STDIN_PATH,
    UnusableInputError,
} from "./files";
export type { InputFile, ReadLimits } from "./files";
export { decodeYaml, MAX_ALIAS_VALUES, parseFast, parseWithTree } from "./parse";
export type { BrokenYaml, YamlSource } from "./parse";

/** What plain YAML files can tell the rules: no dependency edges, Helm values only via Flux. */
export function yamlCapabilities(releases: readonly HelmRelease[]): Capabilities {
    return { helmReleases: releases.length > 0, dependencies: false };
}

/** One cluster's objects, or the whole input's when it is read file by file. */
export interface ClusterInput {
    /**
     * The cluster's name: its root directory, or the overlay environment (`overlays/prod`) of a
     * tree without Flux; null when the input has no roots.
     */
    readonly label: string | null;
    readonly inventory: Inventory;
}

/** Something that stops Flux or kustomize from applying a file or a build. */
export interface InputProblem extends BuildProblem {
    /** The cluster whose build met it; null for a file read on its own. */
    readonly cluster: string | null;
}

/** Files that are not manifests, by what they are. */
export interface NotManifests {
    /** Files of a Helm chart (a directory with Chart.yaml). */
    readonly chart: string[];
    /** Go templates that are not YAML until rendered. */
    readonly template: string[];
    /** SOPS-encrypted files. */
    readonly encrypted: string[];
}

/** The input as the core's model, per cluster, and what could not be used. */
export interface YamlInput {
    readonly clusters: ClusterInput[];
    /** YAML that does not parse, and builds Flux or kustomize would refuse. */
    readonly problems: InputProblem[];
    /** Display paths of the files read, in input order. */
    readonly files: string[];
    /** Manifest files no root reaches: not applied, so not judged. */
    readonly unreached: string[];
    /** Remote resources the builds name (Flux fetches them; an offline read cannot). */
    readonly remote: string[];
    readonly notManifests: NotManifests;
    /**
     * The line of a field of the object written at `line` of `file` (a display path), when the
     * file is one of the input's and the field is written there (a build may have added it).
     */
    readonly fieldLine?: (file: string, line: number, path: FieldPath) => number | undefined;
    /** Paths an ignore rule left out of the input, unread. */
    readonly ignored?: readonly string[];
}

/** What else a read takes beside the paths. */
export interface ReadOptions {
    /** The standard input's bytes, which the path `-` names. */
    readonly stdin?: Buffer;
    /** Display paths left out of the input: named paths, directories, files found. */
    readonly ignore?: (display: string) => boolean;
}

/** A field inside an object: keys of maps, indices of lists. */
export type FieldPath = readonly (string | number)[];

/**
 * Reads the YAML files below the paths; `-` is the standard input, whose bytes `options.stdin`
 * holds. A named path without kustomizations or Flux Kustomizations (rendered Helm output, say)
 * is added to every cluster the others build. Throws UnusableInputError for an unreadable path,
 * a FIFO or device, or a file above the size limit.
 */
export function readYamlInput(
    paths: readonly string[],
    limits: ReadLimits = DEFAULT_LIMITS,
    options: ReadOptions = {},
): YamlInput {
    const { files, ignored } = collectInput(paths, options.ignore);
    const stdin = files.find((file) => file.real === STDIN_REAL);
    if (stdin && options.stdin === undefined) {
        throw new Error("the path - names the standard input, whose bytes were not given");
    }
    // Every file is read (within the limit) before any is judged: an unusable one stops the run.
    const read = new Map(
        files.filter((file) => file !== stdin).map((file) => [file.real, readBytes(file, limits)]),
    );
    const disk = diskTree(
        new Map(files.map((file) => [file.real, file.display])),
        paths.filter((named) => named !== STDIN_PATH),
        read,
        limits,
    );
    const tree = stdin ? withFile(disk, { ...stdin, bytes: options.stdin! }) : disk;
    // Each file belongs to the first named path it was found under.
    const groups = paths.map((named) =>
        named === STDIN_PATH
            ? files.filter((file) => file === stdin)
            : files.filter(
                  (file) => file.display === named || file.display.startsWith(`${named}/`),
              ),
    );
    const input = yamlInput(
        files,
        tree,
        groups.map((group) => group.map((file) => file.real)),
    );
    return ignored.length > 0 ? { ...input, ignored } : input;
}

/** Whether a file is in a Helm chart: its directory or one above holds a Chart.yaml. */
function chartFinder(tree: FileTree): (file: string) => boolean {
    // Memoized per directory: every file of a tree shares its ancestors.
    const known = new Map<string, boolean>();
    const inChart = (dir: string): boolean => {
        let answer = known.get(dir);
        if (answer === undefined) {
            const parent = path.dirname(dir);
            answer = tree.list(dir).includes("Chart.yaml") || (parent !== dir && inChart(parent));
            known.set(dir, answer);
        }
        return answer;
    };
    return (file) => inChart(path.dirname(file));
}

/**
 * The model of YAML files: their texts, or a tree to read them from. `real` paths identify files
 * and resolve references between them. `groups` are the files of each named path (all one group
 * when not given).
 */
export function yamlInput(
    sources: readonly YamlSource[] | readonly InputFile[],
    tree?: FileTree,
    groups: readonly (readonly string[])[] = [sources.map((source) => source.real)],
): YamlInput {
    const workspace = new Workspace(
        tree ??
            memoryTree(
                sources.map((source) => ({ ...source, text: "text" in source ? source.text : "" })),
            ),
    );
    const notManifests: NotManifests = { chart: [], template: [], encrypted: [] };
    const manifests: InputFile[] = [];
    const flux: FluxDocument[] = [];
    const kustomizationFiles: string[] = [];
    const chartOf = chartFinder(workspace.tree);
    for (const source of sources) {
        // Charts and templates are recognized before they are parsed: parsing them is slow and moot.
        if (chartOf(source.real)) {
            notManifests.chart.push(source.display);
            continue;
        }
        const templated = (workspace.text(source.real) ?? "").includes("{{");
        if (templated && /\/templates\//.test(source.real)) {
            notManifests.template.push(source.display);
            continue;
        }
        const documents = workspace.documents(source.real);
        if (templated && documents?.error !== undefined) {
            notManifests.template.push(source.display);
            continue;
        }
        if (documents?.documents.some((d) => isMap(d.value) && isMap(d.value.sops))) {
            notManifests.encrypted.push(source.display);
            continue;
        }
        if (KUSTOMIZATION_NAMES.includes(path.basename(source.real))) {
            kustomizationFiles.push(source.real);
            continue;
        }
        manifests.push(source);
        for (const document of documents?.documents ?? []) {
            const spec = isFluxKustomization(document.value) && readFluxSpec(document.value);
            if (spec) {
                flux.push({ spec, real: source.real, line: document.line });
            }
        }
    }
    const files = sources.map((source) => source.display);
    const fieldLine = fieldLocator(workspace, sources);
    const roots = findRoots(workspace, flux, kustomizationFiles);
    if (roots.length === 0) {
        return { ...fileByFile(workspace, manifests, files, notManifests), fieldLine };
    }
    // Named paths with no root of their own join every cluster as they are written.
    const rooted = new Set([...kustomizationFiles, ...flux.map((document) => document.real)]);
    const loose = new Set(groups.filter((group) => !group.some((real) => rooted.has(real))).flat());
    const looseInput = fileByFile(
        workspace,
        manifests.filter((source) => loose.has(source.real)),
        files,
        notManifests,
    );
    const looseObjects = looseInput.clusters[0].inventory.objects;
    const builder = new ClusterBuilder(workspace);
    const commented = commentReader(workspace);
    const clusters: ClusterInput[] = [];
    const problems: InputProblem[] = [];
    const reached = new Set<string>();
    const remote = new Set<string>();
    for (const root of roots) {
        const build = builder.build(root.label, root);
        build.read.forEach((file) => reached.add(file));
        for (const entry of build.remote.keys()) {
            remote.add(entry);
        }
        problems.push(...build.problems.map((p) => ({ ...p, cluster: root.label })));
        const objects = build.applied
            .filter(({ resource }) => typeof resource.value.apiVersion === "string")
            .map(({ resource, chain, appliedBy }) =>
                toKubeObject(
                    resource.value,
                    commented(
                        {
                            file: resource.origin.file,
                            line: resource.origin.line,
                            ...(appliedBy && { fluxKustomizations: [appliedBy] }),
                            chain,
                            ...(resource.writtenNamespace !== undefined && {
                                writtenNamespace: resource.writtenNamespace,
                            }),
                        },
                        resource.origin.real,
                    ),
                ),
            );
        clusters.push({
            label: root.label,
            inventory: inventoryOf([...objects, ...looseObjects], remoteSources(build.remote)),
        });
    }
    problems.push(...looseInput.problems);
    const unreached = manifests
        .filter((source) => !reached.has(source.real) && !loose.has(source.real))
        .filter((source) => {
            // A file that does not parse might be a manifest: it is listed too.
            const documents = workspace.documents(source.real);
            return documents?.error || documents?.documents.some((d) => isKubeShaped(d.value));
        })
        .map((source) => source.display);
    return {
        clusters,
        problems: dedupe(problems),
        files,
        unreached,
        remote: [...remote],
        notManifests,
        fieldLine,
    };
}

/**
 * Finds the line of a field in the input's files, through their syntax trees (built on first
 * use: only the few files with something to place need one).
 */
function fieldLocator(
    workspace: Workspace,
    sources: readonly InputFile[],
): NonNullable<YamlInput["fieldLine"]> {
    const reals = new Map(sources.map((source) => [source.display, source.real]));
    const parsed = new Map<string, ParsedFile | undefined>();
    return (file, line, field) => {
        const real = reals.get(file);
        if (real === undefined) {
            return undefined;
        }
        if (!parsed.has(real)) {
            const text = workspace.text(real);
            parsed.set(
                real,
                text === undefined ? undefined : parseWithTree({ display: file, real, text }),
            );
        }
        for (const document of parsed.get(real)?.documents ?? []) {
            // The object is a document, or an item of a List document.
            const items = isMapNode(document.node) ? document.node.get("items", true) : undefined;
            const candidates = [document.node, ...(isSeq(items) ? items.items : [])];
            for (const node of candidates) {
                if (isMapNode(node) && document.lineOf(node) === line) {
                    const target = node.getIn(field, true);
                    return target instanceof Object && "range" in target
                        ? document.lineOf(target as Node)
                        : undefined;
                }
            }
        }
        return undefined;
    };
}

/**
 * Gives sources the comment block above their object (Source.comment), read from the file when a
 * rule first asks: most objects' comments are never read. Not enumerable, so the model's data
 * stays as it was for whoever copies or compares it.
 */
function commentReader(workspace: Workspace): (source: Source, real: string) => Source {
    const lines = new Map<string, string[]>();
    return (source, real) => {
        let comment: string | undefined | null = null;
        return Object.defineProperty({ ...source }, "comment", {
            get() {
                if (comment === null) {
                    let fileLines = lines.get(real);
                    if (!fileLines) {
                        fileLines = (workspace.text(real) ?? "").split(/\r?\n/);
                        lines.set(real, fileLines);
                    }
                    comment = source.line ? commentAbove(fileLines, source.line) : undefined;
                }
                return comment;
            },
        });
    };
}

/** The same problem met by two builds of one cluster is one problem. */
function dedupe(problems: InputProblem[]): InputProblem[] {
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const key = `${problem.cluster}\0${problem.file}\0${problem.line}\0${problem.message}`;
        if (seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
}

/**
 * Remote resources as sources of pods the input does not show, named after the file and the
 * repository (`…/rancher/system-upgrade-controller/…/system-upgrade-controller.yaml`).
 */
function remoteSources(remote: ReadonlyMap<string, string | undefined>): UnseenPodSource[] {
    return [...remote].map(([entry, namespace]) => {
        const segments = entry
            .replace(/^[a-z]+:\/\/|^git@/, "")
            .split(/[/:?]/)
            .filter((segment) => segment !== "");
        const names = [segments[2], segments[segments.length - 1]]
            .filter((name): name is string => !!name)
            .map((name) => name.replace(/\.ya?ml$/, ""));
        return {
            description: `remote resource ${entry}`,
            ...(namespace !== undefined && { namespace }),
            names: [...new Set(names)],
        };
    });
}

/** An inventory of objects, with the Helm releases of their Flux HelmReleases. */
function inventoryOf(objects: KubeObject[], unseen: UnseenPodSource[] = []): Inventory {
    const lookup = (kind: string, namespace: string, name: string) =>
        objects.find(
            (o) =>
                o.kind === kind &&
                (o.metadata.namespace ?? "default") === namespace &&
                (o.metadata.name === name || nameBeforeHash(o) === name),
        );
    const releases = objects.filter(isFluxHelmRelease).map((r) => toHelmRelease(r, lookup));
    return {
        objects,
        releases,
        oidcClients: [],
        capabilities: yamlCapabilities(releases),
        unseen,
    };
}

/** A generated ConfigMap's or Secret's name without kustomize's hash suffix. */
function nameBeforeHash(object: KubeObject): string | undefined {
    const name = object.metadata.name;
    return name && /-[a-z0-9]{10}$/.test(name) ? name.slice(0, -11) : undefined;
}

/** A tree without roots: every manifest as written, as one input. */
function fileByFile(
    workspace: Workspace,
    manifests: readonly InputFile[],
    files: string[],
    notManifests: NotManifests,
): YamlInput {
    const objects: KubeObject[] = [];
    const problems: InputProblem[] = [];
    const commented = commentReader(workspace);
    for (const source of manifests) {
        const documents = workspace.documents(source.real);
        if (documents?.error) {
            const { line, message, kind } = documents.error;
            problems.push({ file: source.display, line, message, [kind]: true, cluster: null });
            continue;
        }
        for (const document of documents?.documents ?? []) {
            for (const object of documentObjects(document, source.display)) {
                objects.push({ ...object, source: commented(object.source, source.real) });
            }
        }
    }
    return {
        clusters: [{ label: null, inventory: inventoryOf(objects) }],
        problems,
        files,
        unreached: [],
        remote: [],
        notManifests,
    };
}
