// What Flux applies from a repository, per cluster (fluxcd/kustomize-controller 1.9,
// fluxcd/pkg kustomize): each Flux Kustomization's `spec.path` built by kustomize, a
// kustomization generated where the path has none, `targetNamespace`, `namePrefix`/`nameSuffix`,
// `patches` and `components` added to it (GenerateManifest), then `postBuild` variable
// substitution on every object (kustomize_varsub.go); the Flux Kustomizations a build produces
// are built in turn. A cluster is what one root applies: a Flux Kustomization no other one
// produces, or, where the repository leaves the root to `flux bootstrap` or the Flux operator,
// a `clusters/<name>` directory as a generated kustomization.
import * as jsyaml from "js-yaml";
import * as path from "path";
import { Build, Builder, BuildProblem, Overrides, Workspace } from "./kustomize/build";
import { readSelector } from "./kustomize/patch";
import { isMap, Json, Resource } from "./kustomize/resource";

/** The label or annotation that turns substitution off for one object. */
const SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute";

/** A Flux Kustomization, as far as what it applies goes. */
export interface FluxSpec {
    readonly name: string;
    readonly namespace: string;
    readonly path: string;
    readonly targetNamespace?: string;
    readonly namePrefix?: string;
    readonly nameSuffix?: string;
    readonly patches: Overrides["patches"];
    readonly components: readonly string[];
    readonly substitute: Readonly<Record<string, string>>;
    readonly substituteFrom: readonly {
        readonly kind: string;
        readonly name: string;
        readonly optional: boolean;
    }[];
    /** Whether `postBuild` is set at all (substitution runs only then). */
    readonly postBuild: boolean;
}

export function isFluxKustomization(value: unknown): value is Json {
    return (
        isMap(value) &&
        typeof value.apiVersion === "string" &&
        value.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/") &&
        value.kind === "Kustomization"
    );
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export function readFluxSpec(value: Json): FluxSpec | undefined {
    const spec = isMap(value.spec) ? value.spec : {};
    const name = text(value.metadata?.name);
    if (!name) {
        return undefined;
    }
    const postBuild = isMap(spec.postBuild) ? spec.postBuild : undefined;
    return {
        name,
        namespace: text(value.metadata?.namespace) ?? "default",
        // An empty path is the source's root.
        path: text(spec.path) ?? "./",
        targetNamespace: text(spec.targetNamespace),
        namePrefix: text(spec.namePrefix),
        nameSuffix: text(spec.nameSuffix),
        patches: (Array.isArray(spec.patches) ? spec.patches : [])
            .filter((p: unknown) => isMap(p) && typeof p.patch === "string")
            .map((p: Json) => ({ patch: p.patch, target: readSelector(p.target) })),
        components: (Array.isArray(spec.components) ? spec.components : []).filter(
            (c: unknown): c is string => typeof c === "string",
        ),
        substitute: Object.fromEntries(
            Object.entries(isMap(postBuild?.substitute) ? postBuild.substitute : {}).map(
                ([key, v]) => [key, String(v)],
            ),
        ),
        substituteFrom: (Array.isArray(postBuild?.substituteFrom) ? postBuild.substituteFrom : [])
            .filter((ref: unknown) => isMap(ref) && typeof ref.name === "string")
            .map((ref: Json) => ({
                kind: text(ref.kind) ?? "ConfigMap",
                name: ref.name as string,
                optional: ref.optional === true,
            })),
        postBuild: postBuild !== undefined,
    };
}

/**
 * Flux's envsubst on a text: `${var}` and the default forms `${var:=d}`, `${var=d}`, `${var:-d}`
 * and `${var-d}` (a default applies when the value is empty); `$${var}` is a literal `${var}`;
 * `$var` is left alone. Unset variables without a default are collected: strict substitution,
 * Flux's default since kustomize-controller 1.9, refuses them.
 */
export function substitute(
    input: string,
    variables: ReadonlyMap<string, string>,
): { text: string; unset: string[] } {
    const unset: string[] = [];
    const output = input.replace(
        /\$(\$?)\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^}]*))?\}/g,
        (match, escaped: string, name: string, operator: string | undefined, fallback: string) => {
            if (escaped) {
                return match.slice(1);
            }
            const value = variables.get(name);
            if (value !== undefined && value !== "") {
                return value;
            }
            if (operator !== undefined) {
                return fallback;
            }
            if (value === undefined) {
                unset.push(name);
            }
            return "";
        },
    );
    return { text: output, unset };
}

/** A Flux Kustomization and where it sits: who applies it, and in which cluster. */
export interface Applier {
    readonly spec: FluxSpec;
    /** The cluster's label, then the Flux Kustomizations down to this one. */
    readonly chain: readonly string[];
    /** The file that holds it (to resolve `spec.path` from the repository root), and the line. */
    readonly real: string;
    readonly line: number;
}

/** One object a cluster applies. */
export interface Applied {
    readonly resource: Resource;
    /** The cluster, the Flux Kustomizations and the path that produced it. */
    readonly chain: readonly string[];
    /** The Flux Kustomization that applies it, when one does. */
    readonly appliedBy?: { readonly namespace: string; readonly name: string };
}

/** What a cluster applies, and what stood in the way. */
export interface ClusterBuild {
    readonly label: string;
    readonly applied: Applied[];
    readonly problems: BuildProblem[];
    readonly read: Set<string>;
    readonly data: Set<string>;
    readonly remote: Map<string, string | undefined>;
}

/** The repository root a Flux path is relative to: the nearest ancestor of `from` where it exists. */
export function resolveFluxPath(
    workspace: Workspace,
    from: string,
    fluxPath: string,
): string | undefined {
    for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
        const candidate = path.resolve(dir, fluxPath);
        if (workspace.tree.isDirectory(candidate)) {
            return candidate;
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

/** Builds clusters: every Flux Kustomization reachable from a root, each once. */
export class ClusterBuilder {
    private readonly builder: Builder;

    constructor(private readonly workspace: Workspace) {
        this.builder = new Builder(workspace);
    }

    /**
     * What a cluster applies, from its root: a directory built as Flux builds a path (with the
     * root Flux Kustomization's settings when the repository holds one).
     */
    build(
        label: string,
        root: {
            dir: string;
            spec?: FluxSpec;
            real?: string;
            line?: number;
            more?: readonly string[];
        },
    ): ClusterBuild {
        const cluster: ClusterBuild = {
            label,
            applied: [],
            problems: [],
            read: new Set(),
            data: new Set(),
            remote: new Map(),
        };
        const visited = new Set<string>();
        const produced: { applier?: Applier; build: Build }[] = [];
        // Round 1: every build, unsubstituted, following the Flux Kustomizations they produce.
        const queue: { dir: string; applier?: Applier }[] = [
            {
                dir: root.dir,
                applier: root.spec && {
                    spec: root.spec,
                    chain: [label],
                    real: root.real!,
                    line: root.line ?? 1,
                },
            },
            // Other kustomizations of the same cluster, built beside the first.
            ...(root.more ?? []).map((dir) => ({ dir })),
        ];
        if (root.spec) {
            visited.add(this.key(root.spec));
        }
        const sources: Resource[] = [];
        const dirs = new Map<Build, string>();
        while (queue.length > 0) {
            const { dir, applier } = queue.shift()!;
            const build = this.builder.build(dir, {
                ...this.overrides(applier?.spec),
                generate: true,
            });
            produced.push({ applier, build });
            dirs.set(build, dir);
            sources.push(...build.resources);
            for (const resource of build.resources) {
                if (!isFluxKustomization(resource.value)) {
                    continue;
                }
                // A variable in the child's spec comes from this build's substitution.
                const variables = applier?.spec.postBuild && this.variables(applier, sources);
                if (variables) {
                    this.substituteInto(resource, variables, new Set());
                }
                const spec = readFluxSpec(resource.value);
                if (!spec || visited.has(this.key(spec))) {
                    continue;
                }
                visited.add(this.key(spec));
                const child: Applier = {
                    spec,
                    chain: [...(applier?.chain ?? [label]), spec.name],
                    real: resource.origin.real,
                    line: resource.origin.line,
                };
                const target = this.pathOf(child, cluster);
                if (target) {
                    queue.push({ dir: target, applier: child });
                }
            }
        }
        // Round 2: substitution, with the ConfigMaps and Secrets the cluster's builds produce.
        for (const { applier, build } of produced) {
            for (const file of build.read) {
                cluster.read.add(file);
            }
            for (const file of build.data) {
                cluster.data.add(file);
            }
            for (const [entry, namespace] of build.remote) {
                cluster.remote.set(entry, namespace);
            }
            cluster.problems.push(...build.problems);
            const chain = applier
                ? [...applier.chain, this.workspace.tree.display(this.pathOf(applier) ?? "")]
                : this.plainChain(label, dirs.get(build) ?? "");
            const appliedBy = applier && {
                namespace: applier.spec.namespace,
                name: applier.spec.name,
            };
            const variables = applier?.spec.postBuild
                ? this.variables(applier, sources)
                : undefined;
            const unset = new Set<string>();
            for (const resource of build.resources) {
                if (variables) {
                    this.substituteInto(resource, variables, unset);
                }
                cluster.applied.push({ resource, chain, ...(appliedBy && { appliedBy }) });
            }
            for (const name of unset) {
                cluster.problems.push({
                    file: this.workspace.tree.display(applier!.real),
                    line: applier!.line,
                    message: `Flux Kustomization ${applier!.spec.namespace}/${applier!.spec.name} substitutes \${${name}}, which none of its variables sets: Flux refuses the build (strict substitution)`,
                });
            }
        }
        return cluster;
    }

    /** A plain kustomization's chain: the cluster, then its path unless that names the cluster. */
    private plainChain(label: string, dir: string): string[] {
        const shown = this.workspace.tree.display(dir);
        return shown === label ? [label] : [label, shown];
    }

    private key(spec: FluxSpec): string {
        return `${spec.namespace}/${spec.name}`;
    }

    private overrides(spec: FluxSpec | undefined): Overrides {
        if (!spec) {
            return {};
        }
        return {
            namespace: spec.targetNamespace,
            namePrefix: spec.namePrefix,
            nameSuffix: spec.nameSuffix,
            patches: spec.patches,
            components: spec.components,
        };
    }

    /** The directory a Flux Kustomization builds; reports it once when it cannot be found. */
    private pathOf(applier: Applier, cluster?: ClusterBuild): string | undefined {
        const found = resolveFluxPath(this.workspace, applier.real, applier.spec.path);
        if (!found && cluster) {
            const unresolved = applier.spec.path.includes("${") ? " (an unresolved variable)" : "";
            cluster.problems.push({
                file: this.workspace.tree.display(applier.real),
                line: applier.line,
                message: `Flux Kustomization ${applier.spec.namespace}/${applier.spec.name} builds ${applier.spec.path}${unresolved}, which is not in this repository`,
            });
        }
        return found;
    }

    /**
     * The variables of a Flux Kustomization: its `substituteFrom` ConfigMaps and Secrets in order
     * (read in its own namespace; a later one wins), then its inline `substitute`. Undefined when
     * a source is not in the repository: the cluster may hold it, so nothing can be concluded.
     */
    private variables(
        applier: Applier,
        sources: readonly Resource[],
    ): Map<string, string> | undefined {
        const variables = new Map<string, string>();
        for (const ref of applier.spec.substituteFrom) {
            const source = sources.find(
                (r) =>
                    r.kind === ref.kind &&
                    r.apiVersion === "v1" &&
                    r.ids().some((id) => id.name === ref.name) &&
                    (r.namespace ?? "default") === applier.spec.namespace,
            );
            if (!source) {
                if (ref.optional) {
                    continue;
                }
                return undefined;
            }
            const data = isMap(source.value.data) ? source.value.data : {};
            for (const [key, value] of Object.entries(data)) {
                const decoded =
                    ref.kind === "Secret"
                        ? Buffer.from(String(value), "base64").toString("utf8")
                        : String(value);
                variables.set(key, decoded.replace(/\n/g, ""));
            }
            if (ref.kind === "Secret" && isMap(source.value.sops)) {
                return undefined;
            }
        }
        for (const [key, value] of Object.entries(applier.spec.substitute)) {
            variables.set(key, value);
        }
        // With the default strategy, nothing is substituted when no variable is set.
        return variables.size > 0 ? variables : undefined;
    }

    /** Substitutes an object's whole YAML text, as Flux does after the build. */
    private substituteInto(
        resource: Resource,
        variables: ReadonlyMap<string, string>,
        unset: Set<string>,
    ): void {
        const metadata = resource.value.metadata ?? {};
        if (
            metadata.labels?.[SUBSTITUTE_KEY] === "disabled" ||
            metadata.annotations?.[SUBSTITUTE_KEY] === "disabled"
        ) {
            return;
        }
        if (!mentionsVariable(resource.value)) {
            return;
        }
        const before = jsyaml.dump(resource.value, { lineWidth: -1, noRefs: true });
        const result = substitute(before, variables);
        result.unset.forEach((name) => unset.add(name));
        try {
            const value = jsyaml.load(result.text, { schema: jsyaml.CORE_SCHEMA });
            if (isMap(value)) {
                resource.value = value;
            }
        } catch {
            // A substituted value that breaks the YAML: Flux refuses it too; the object stays.
        }
    }
}

/** Whether any string in a value holds `${`: only then can substitution change it. */
function mentionsVariable(value: unknown): boolean {
    if (typeof value === "string") {
        return value.includes("${");
    }
    if (Array.isArray(value)) {
        return value.some(mentionsVariable);
    }
    return (
        isMap(value) &&
        Object.entries(value).some(([key, entry]) => key.includes("${") || mentionsVariable(entry))
    );
}
