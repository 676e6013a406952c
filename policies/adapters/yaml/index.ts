// The YAML input adapter: plain Kubernetes YAML (Kustomize and Flux trees, Helm-rendered output,
// multi-document files) into the analysis core's model, with the file and line of every object.
// What plain YAML cannot tell (Helm release values, dependency edges) is declared missing, so the
// rules that need it say they do not apply. Reading is split in three: parse (documents and
// lines), build (the Kustomize and Flux layout) and objects (what each document holds).
//
// Kustomize is followed as far as the rules need it and no further: a kustomization's `namespace`
// reaches the objects it includes (the outermost kustomization wins, as in `kustomize build`), a
// Flux Kustomization's `targetNamespace` reaches the kustomization at its `spec.path`, and the
// documents a kustomization lists as patches are patches. Every object also records the Flux
// Kustomizations whose `spec.path` tree holds its file. Nothing is built or merged: every object
// keeps the file and line it is written at.
import { Capabilities, Inventory, KubeObject } from "../../core";
import {
    FluxKustomization,
    isFluxKustomization,
    Kustomization,
    readKustomization,
    resolveFluxOwners,
    resolveLayout,
} from "./build";
import { collectYamlFiles, readText } from "./files";
import { inlinePatchObjects, kubeObjects } from "./objects";
import { BrokenYaml, isKustomization, parseFile, YamlSource } from "./parse";

export { collectYamlFiles, readText, UnusableInputError } from "./files";
export type { InputFile } from "./files";
export { parseFast, parseWithTree } from "./parse";
export type { BrokenYaml, YamlSource } from "./parse";

/** What plain YAML can tell the rules. */
export const YAML_CAPABILITIES: Capabilities = { helmReleases: false, dependencies: false };

/** The input as the core's model, and what could not be read as Kubernetes objects. */
export interface YamlInput {
    readonly inventory: Inventory;
    readonly broken: BrokenYaml[];
    /** Display paths of the files read, in input order. */
    readonly files: string[];
    /** Documents that are not Kubernetes objects (kustomizations, values files, empty ones). */
    readonly skipped: number;
}

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
