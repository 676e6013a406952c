// The layout of a Kustomize or Flux tree: which kustomizations include which files, the namespace
// each file's objects land in, which files are patches, and which Flux Kustomizations apply them.
import * as path from "path";
import { isMap, Node } from "yaml";
import { FluxKustomizationRef, isRecord } from "../../core";
import { isKubeShaped, Json, Parsed, YamlSource } from "./parse";

/** What a patch entry says about the object it patches (filled into patches that omit it). */
export interface PatchTarget {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
}

export interface Kustomization {
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
export interface FluxKustomization {
    /** Resolved path of the file that holds it. */
    readonly file: string;
    readonly name: string;
    readonly namespace?: string;
    /** `spec.path`, relative to the repository root. */
    readonly path: string;
    readonly targetNamespace?: string;
}

export function isFluxKustomization(value: unknown): value is {
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

export function readKustomization(source: YamlSource, document: Parsed): Kustomization {
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

export interface Layout {
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
export function resolveLayout(
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
export function fluxRoot(
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
export function resolveFluxOwners(
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
