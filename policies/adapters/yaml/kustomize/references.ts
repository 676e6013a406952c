// kustomize's name references (api/filters/nameref, builtinpluginconsts namereference.go): where
// objects name other objects, and how those names follow a rename, once at the end of a build.
import { effectiveNamespace, isMap, Json, Resource } from "./resource";

/** A field that names another object: the map holding it, and the key. */
export interface Reference {
    readonly holder: Json;
    readonly field: string;
    /** A `{name, namespace}` map (a subject, a webhook's service): its namespace counts. */
    readonly mapValued?: boolean;
}

const named = (holder: unknown, field = "name"): Reference[] =>
    isMap(holder) && typeof holder[field] === "string" ? [{ holder, field }] : [];

const namedWithNamespace = (holder: unknown): Reference[] =>
    named(holder).map((reference) => ({ ...reference, mapValued: true }));

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** A kind of object other objects name, and where they name it. */
export interface NameReference {
    readonly kind: string;
    find(value: Json): Reference[];
}

/** The references at a fieldSpec path (`spec/valuesFrom/name`): each holder of the last key. */
export function fieldReferences(value: Json, fieldPath: string): Reference[] {
    const segments = fieldPath.split("/").map((segment) => segment.replace(/\[\]$/, ""));
    const field = segments.pop()!;
    const holders: Json[] = [];
    const walk = (node: unknown, rest: readonly string[]): void => {
        if (Array.isArray(node)) {
            node.forEach((item) => walk(item, rest));
        } else if (isMap(node)) {
            if (rest.length === 0) {
                holders.push(node);
            } else {
                walk(node[rest[0]], rest.slice(1));
            }
        }
    };
    walk(value, segments);
    return holders.flatMap((holder) => named(holder, field));
}

/**
 * The references kustomize's nameReference transformer rewrites (builtinpluginconsts
 * namereference.go), for the kinds the rules follow: the Service a webhook or APIService calls,
 * and the ServiceAccounts, ConfigMaps and Secrets pods use.
 */
export const REFERENCES: readonly NameReference[] = [
    {
        kind: "Service",
        find: (value) => [
            ...list(value.webhooks).flatMap((hook) =>
                namedWithNamespace((hook as Json)?.clientConfig?.service),
            ),
            ...(value.kind === "APIService" ? namedWithNamespace(value.spec?.service) : []),
        ],
    },
    {
        kind: "ServiceAccount",
        find: (value) => [
            ...podSpecs(value).flatMap((pod) => named(pod, "serviceAccountName")),
            ...list(value.subjects).flatMap((subject) =>
                isMap(subject) && subject.kind === "ServiceAccount"
                    ? namedWithNamespace(subject)
                    : [],
            ),
        ],
    },
    {
        kind: "Role",
        find: (value) => (value.roleRef?.kind === "Role" ? named(value.roleRef) : []),
    },
    {
        kind: "ClusterRole",
        find: (value) => (value.roleRef?.kind === "ClusterRole" ? named(value.roleRef) : []),
    },
    {
        kind: "ConfigMap",
        find: (value) =>
            podSpecs(value).flatMap((pod) => [
                ...list(pod.volumes).flatMap((volume) => named((volume as Json)?.configMap)),
                ...containersOf(pod).flatMap((c) => [
                    ...list(c.envFrom).flatMap((e) => named((e as Json)?.configMapRef)),
                    ...list(c.env).flatMap((e) => named((e as Json)?.valueFrom?.configMapKeyRef)),
                ]),
            ]),
    },
    {
        kind: "Secret",
        find: (value) =>
            podSpecs(value).flatMap((pod) => [
                ...list(pod.volumes).flatMap((volume) =>
                    named((volume as Json)?.secret, "secretName"),
                ),
                ...list(pod.imagePullSecrets).flatMap((secret) => named(secret)),
                ...containersOf(pod).flatMap((c) => [
                    ...list(c.envFrom).flatMap((e) => named((e as Json)?.secretRef)),
                    ...list(c.env).flatMap((e) => named((e as Json)?.valueFrom?.secretKeyRef)),
                ]),
            ]),
    },
];

function podSpecs(value: Json): Json[] {
    const candidates = [
        value.kind === "Pod" ? value.spec : undefined,
        value.spec?.template?.spec,
        value.spec?.jobTemplate?.spec?.template?.spec,
    ];
    return candidates.filter(isMap);
}

function containersOf(pod: Json): Json[] {
    return [
        ...(Array.isArray(pod.containers) ? pod.containers : []),
        ...(Array.isArray(pod.initContainers) ? pod.initContainers : []),
    ].filter(isMap);
}

/**
 * kustomize's name references (api/filters/nameref), once at the end of a build: a reference to
 * any earlier name of a renamed object of the build follows it. The object must be in the
 * referrer's namespace (cluster-scoped objects and ServiceAccounts always qualify); a map-valued
 * reference that names a namespace needs an object with that original or current namespace, and
 * gets the object's namespace written back.
 */
export function followRenames(
    resources: readonly Resource[],
    references: readonly NameReference[],
): void {
    const renamed = resources.filter((resource) =>
        resource.history.some((id) => id.name !== resource.name),
    );
    if (renamed.length === 0) {
        return;
    }
    for (const reference of references) {
        const candidates = renamed.filter((resource) => resource.kind === reference.kind);
        if (candidates.length === 0) {
            continue;
        }
        for (const referrer of resources) {
            for (const { holder, field, mapValued } of reference.find(referrer.value)) {
                const old = holder[field];
                const written = typeof holder.namespace === "string" ? holder.namespace : undefined;
                const match = candidates.find((candidate) => {
                    if (!candidate.history.some((id) => id.name === old)) {
                        return false;
                    }
                    if (written !== undefined && mapValued) {
                        return [candidate.original(), candidate.id()].some(
                            (id) => effectiveNamespace(id) === written,
                        );
                    }
                    return (
                        reference.kind === "ServiceAccount" ||
                        candidate.clusterScoped ||
                        (candidate.namespace ?? "default") === (referrer.namespace ?? "default")
                    );
                });
                if (match) {
                    holder[field] = match.name;
                    if (mapValued && match.namespace !== undefined) {
                        holder.namespace = match.namespace;
                    }
                }
            }
        }
    }
}
