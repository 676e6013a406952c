// Kubernetes objects for the core's model: from a document as written, or from what a build
// produced, with where each came from.
import { isMap, isSeq, Node } from "yaml";
import { isRecord, KubeObject, ObjectMeta, Source, stringMap } from "../../core";
import { isKubeShaped, isList, Json, Parsed } from "./parse";

/** The core's object for a value, with its source. */
export function toKubeObject(value: Json, source: Source): KubeObject {
    const raw = isRecord(value.metadata) ? value.metadata : {};
    const text = (field: unknown) =>
        typeof field === "string" || typeof field === "number" ? String(field) : undefined;
    const metadata: ObjectMeta = {
        name: text(raw.name),
        namespace: text(raw.namespace),
        ...(isRecord(raw.labels) && { labels: stringMap(raw.labels) }),
        ...(isRecord(raw.annotations) && { annotations: stringMap(raw.annotations) }),
        ...(typeof raw.creationTimestamp === "string" && {
            creationTimestamp: raw.creationTimestamp,
        }),
    };
    return {
        category: "kubernetes",
        apiVersion: value.apiVersion,
        kind: value.kind,
        metadata,
        body: value,
        source,
        patch: false,
    };
}

/** The objects of one document as written: none, one, or a List's items. */
export function documentObjects(document: Parsed, file: string): KubeObject[] {
    const { value } = document;
    if (!isKubeShaped(value)) {
        return [];
    }
    if (isList(value)) {
        const items = isMap(document.node) ? document.node.get("items", true) : undefined;
        return (value.items as unknown[]).flatMap((item, index) => {
            const node = isSeq(items) ? (items.items[index] as Node) : undefined;
            const line = node ? document.lineOf(node) : document.line;
            return isKubeShaped(item) ? [toKubeObject(item, { file, line })] : [];
        });
    }
    return [toKubeObject(value, { file, line: document.line })];
}
