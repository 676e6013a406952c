// Kubernetes objects from parsed documents: a List's items, inline patches of a kustomization, and
// the namespace, patch target and Flux owners the tree's layout gives each object.
import * as path from "path";
import { isMap, isSeq, Node } from "yaml";
import {
    FluxKustomizationRef,
    isRecord,
    KubeObject,
    namespaceOf,
    ObjectMeta,
    stringMap,
} from "../../core";
import { Kustomization, Layout, PatchTarget } from "./build";
import { isKubeShaped, isList, Json, Parsed, parseFile, YamlSource } from "./parse";

/** The objects of a kustomization file's inline patches. */
export function inlinePatchObjects(
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

export interface Placement {
    readonly patch: boolean;
    readonly target?: PatchTarget;
    /** The namespace a kustomization sets on namespaced objects. */
    readonly namespace?: string;
    /** The Flux Kustomizations whose tree holds the file. */
    readonly fluxKustomizations?: readonly FluxKustomizationRef[];
}

/** The Kubernetes objects of one document: none, one, or a List's items. */
export function kubeObjects(document: Parsed, file: string, placement: Placement): KubeObject[] {
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
