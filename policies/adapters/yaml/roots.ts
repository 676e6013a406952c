// Where a tree's clusters start. With Flux: a root Flux Kustomization (one no other Flux
// Kustomization of the tree produces) or, where the root lives outside the repository (created
// by `flux bootstrap` or the Flux operator), each `clusters/<name>` directory that holds Flux
// Kustomizations, built as Flux builds a path. Without Flux: each kustomization no other one
// includes. A tree with neither has no roots and is read file by file.
import * as path from "path";
import { Builder, isRemote, Workspace } from "./kustomize/build";
import { isMap } from "./kustomize/resource";
import { FluxSpec, isFluxKustomization, readFluxSpec, resolveFluxPath } from "./flux";

/** Where one cluster's build starts. */
export interface Root {
    /** How the cluster is named in findings: its root directory. */
    readonly label: string;
    readonly dir: string;
    /** The root Flux Kustomization, when the repository holds it. */
    readonly spec?: FluxSpec;
    /** The file that holds {@link spec}, and the line. */
    readonly real?: string;
    readonly line?: number;
    /** More kustomizations applied to the same cluster (trees without Flux). */
    readonly more?: readonly string[];
}

/** A Flux Kustomization written in one of the input's files. */
export interface FluxDocument {
    readonly spec: FluxSpec;
    readonly real: string;
    readonly line: number;
}

/** The `…/clusters/<name>` directory above a file, the convention `flux bootstrap` uses. */
function clusterDirectory(real: string): string | undefined {
    const parts = real.split(path.sep);
    const index = parts.lastIndexOf("clusters");
    return index >= 0 && index < parts.length - 2
        ? parts.slice(0, index + 2).join(path.sep)
        : undefined;
}

function inside(dir: string, file: string): boolean {
    return file.startsWith(dir + path.sep);
}

/** The roots of a tree, from its Flux Kustomizations and kustomization files. */
export function findRoots(
    workspace: Workspace,
    flux: readonly FluxDocument[],
    kustomizationFiles: readonly string[],
): Root[] {
    const display = (dir: string) => workspace.tree.display(dir);
    if (flux.length > 0) {
        const roots: Root[] = [];
        const conventional = new Map<string, FluxDocument[]>();
        const others: FluxDocument[] = [];
        for (const document of flux) {
            const dir = clusterDirectory(document.real);
            if (dir && workspace.tree.isDirectory(dir)) {
                conventional.set(dir, [...(conventional.get(dir) ?? []), document]);
            } else {
                others.push(document);
            }
        }
        for (const [dir, documents] of conventional) {
            // A Flux Kustomization in the directory that builds the directory is its root.
            const own = documents.find(
                (d) => resolveFluxPath(workspace, d.real, d.spec.path) === dir,
            );
            roots.push({
                label: display(dir),
                dir,
                ...(own && { spec: own.spec, real: own.real, line: own.line }),
            });
        }
        if (others.length === 0) {
            return roots;
        }
        // Elsewhere, a Flux Kustomization is a root unless another one's build produces it.
        const builder = new Builder(workspace);
        const produced = new Map<string, Set<string>>();
        const key = (spec: FluxSpec) => `${spec.namespace}/${spec.name}`;
        const targets = new Map<FluxDocument, string | undefined>();
        for (const document of flux) {
            const target = resolveFluxPath(workspace, document.real, document.spec.path);
            targets.set(document, target);
            const found = new Set<string>();
            if (target) {
                for (const resource of builder.build(target, { generate: true }).resources) {
                    const child =
                        isFluxKustomization(resource.value) && readFluxSpec(resource.value);
                    if (child) {
                        found.add(key(child));
                    }
                }
            }
            produced.set(key(document.spec), found);
        }
        const inConvention = [...conventional.keys()];
        for (const document of others) {
            const by = [...produced].filter(
                ([owner, children]) =>
                    owner !== key(document.spec) && children.has(key(document.spec)),
            );
            const target = targets.get(document);
            if (
                by.length === 0 &&
                target &&
                !inConvention.some((dir) => inside(dir, document.real))
            ) {
                roots.push({
                    label: display(target),
                    dir: target,
                    spec: document.spec,
                    real: document.real,
                    line: document.line,
                });
            }
        }
        return roots;
    }
    // Without Flux: the kustomizations no other kustomization includes.
    const dirs = kustomizationFiles.map((file) => path.dirname(file));
    const included = new Set<string>();
    for (const file of kustomizationFiles) {
        const value = workspace.documents(file)?.documents[0]?.value;
        if (!isMap(value)) {
            continue;
        }
        for (const key of ["resources", "bases", "components"]) {
            for (const entry of Array.isArray(value[key]) ? value[key] : []) {
                if (typeof entry === "string" && !isRemote(entry)) {
                    included.add(path.resolve(path.dirname(file), entry));
                }
            }
        }
    }
    const roots = dirs
        .filter((dir) => !included.has(dir))
        .filter((dir) => {
            const file = workspace.kustomizationFile(dir);
            const value = file && workspace.documents(file)?.documents[0]?.value;
            return !(isMap(value) && value.kind === "Component");
        });
    // Overlays of one environment (`…/overlays/prod`) go to one cluster; the other environments'
    // overlays are alternatives, never merged with it. Roots outside overlays share one cluster.
    const byCluster = new Map<string, string[]>();
    for (const dir of roots) {
        const parts = dir.split(path.sep);
        const index = parts.lastIndexOf("overlays");
        const key = index >= 0 && index < parts.length - 1 ? `overlays/${parts[index + 1]}` : "";
        byCluster.set(key, [...(byCluster.get(key) ?? []), dir]);
    }
    return [...byCluster].map(([key, [first, ...more]]) => ({
        label: key || display(first),
        dir: first,
        more,
    }));
}
