// Plans written by hand instead of evaluated: a planned resource with default options, and the
// resources a list of documents describes (Kubernetes objects, or `{type, name, dependsOn,
// inputs}` wrappers for Helm releases, Keycloak clients, patches and anything that needs edges).
// The policy fixtures and the benchmarks build their inputs with these.
import { PlannedResource } from "./plan";

/** A planned resource written by hand: custom, top-level and with default options unless given. */
export function plannedResource({
    urn,
    type,
    name,
    ...given
}: Pick<PlannedResource, "urn" | "type" | "name"> & Partial<PlannedResource>): PlannedResource {
    return {
        urn,
        type,
        name,
        parent: null,
        dependsOn: [],
        inputs: {},
        custom: true,
        options: {
            protect: false,
            retainOnDelete: false,
            import: null,
            ignoreChanges: [],
            provider: null,
        },
        ...given,
    };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function typeOf(object: any): string {
    const apiVersion: string = object?.apiVersion ?? "";
    const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return `kubernetes:${group}:${object?.kind}`;
}

function nameOf(object: any): string {
    const { name, namespace } = object?.metadata ?? {};
    return namespace ? `${namespace}/${name}` : String(name);
}

/** The planned resources the documents describe; `file` names them in errors. */
export function writtenResources(documents: any[], file: string): PlannedResource[] {
    const urn = (type: string, name: string) =>
        `urn:pulumi:fixture::picluster-mesh::${type}::${name}`;
    const written = documents.map((doc) => {
        // Kubernetes objects have a top-level `type` too (Secrets): only `inputs` marks a wrapper.
        if (doc.inputs === undefined) {
            return { type: typeOf(doc), name: nameOf(doc), inputs: doc, dependsOn: [] as string[] };
        }
        const inputs = doc.inputs;
        const type: string = doc.type ?? typeOf(inputs);
        const name: string = doc.name ?? nameOf(inputs);
        return { type, name, inputs, dependsOn: (doc.dependsOn ?? []) as string[] };
    });
    const urns = new Map(written.map((r) => [r.name, urn(r.type, r.name)]));
    if (urns.size !== written.length) {
        throw new Error(`${file}: two resources share a name`);
    }
    return written.map((r) =>
        plannedResource({
            urn: urns.get(r.name)!,
            type: r.type,
            name: r.name,
            dependsOn: r.dependsOn.map((name) => {
                const target = urns.get(name);
                if (!target) {
                    throw new Error(`${file}: ${r.name} depends on ${name}, which the file lacks`);
                }
                return target;
            }),
            inputs: r.inputs,
        }),
    );
}
/* eslint-enable @typescript-eslint/no-explicit-any */
