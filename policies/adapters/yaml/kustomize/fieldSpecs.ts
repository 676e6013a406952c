// Where kustomize's builtin transformers write, as data: the fieldSpec tables of kustomize
// api/internal/konfig/builtinpluginconsts (commonlabels.go, metadatalabels.go,
// commonannotations.go) at api/v0.18.0, the version kubectl's kustomize 5.5 builds with.
import { isRecord } from "../../../core";

/** One place a transformer writes: a `/`-separated path (lists are walked), for some kinds. */
export interface FieldSpec {
    readonly path: string;
    /** Whether the field is created when missing; otherwise only an existing one is changed. */
    readonly create: boolean;
    /** The kind it applies to; every kind when absent. */
    readonly kind?: string;
    /** The API group; any group when absent. */
    readonly group?: string;
    /** The API version (without group); any when absent. */
    readonly version?: string;
}

const spec = (
    path: string,
    create: boolean,
    kind?: string,
    group?: string,
    version?: string,
): FieldSpec => ({ path, create, kind, group, version });

/** Labels kustomize writes into pod templates (metadatalabels.go, after metadata/labels). */
const TEMPLATE_LABELS: readonly FieldSpec[] = [
    spec("spec/template/metadata/labels", true, "ReplicationController", undefined, "v1"),
    spec("spec/template/metadata/labels", true, "Deployment"),
    spec("spec/template/metadata/labels", true, "ReplicaSet"),
    spec("spec/template/metadata/labels", true, "DaemonSet"),
    spec("spec/template/metadata/labels", true, "StatefulSet", "apps"),
    spec("spec/volumeClaimTemplates[]/metadata/labels", true, "StatefulSet", "apps"),
    spec("spec/template/metadata/labels", true, "Job", "batch"),
    spec("spec/jobTemplate/metadata/labels", true, "CronJob", "batch"),
    spec("spec/jobTemplate/spec/template/metadata/labels", true, "CronJob", "batch"),
];

/** `labels:` entries without options: metadata only. */
export const METADATA_LABELS: readonly FieldSpec[] = [spec("metadata/labels", true)];

/** `labels:` entries with includeTemplates. */
export const TEMPLATE_AND_METADATA_LABELS: readonly FieldSpec[] = [
    ...METADATA_LABELS,
    ...TEMPLATE_LABELS,
];

const affinity = (kind: string): FieldSpec[] =>
    [
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
    ].map((path) => spec(path, false, kind, "apps"));

/** `commonLabels`, and `labels:` entries with includeSelectors: selectors too. */
export const SELECTOR_LABELS: readonly FieldSpec[] = [
    spec("spec/selector", true, "Service", undefined, "v1"),
    spec("spec/selector", true, "ReplicationController", undefined, "v1"),
    spec("spec/selector/matchLabels", true, "Deployment"),
    ...affinity("Deployment"),
    spec("spec/selector/matchLabels", true, "ReplicaSet"),
    spec("spec/selector/matchLabels", true, "DaemonSet"),
    spec("spec/selector/matchLabels", true, "StatefulSet", "apps"),
    ...affinity("StatefulSet"),
    spec("spec/selector/matchLabels", false, "Job", "batch"),
    spec("spec/jobTemplate/spec/selector/matchLabels", false, "CronJob", "batch"),
    spec("spec/selector/matchLabels", false, "PodDisruptionBudget", "policy"),
    spec("spec/podSelector/matchLabels", false, "NetworkPolicy", "networking.k8s.io"),
    spec("spec/ingress/from/podSelector/matchLabels", false, "NetworkPolicy", "networking.k8s.io"),
    spec("spec/egress/to/podSelector/matchLabels", false, "NetworkPolicy", "networking.k8s.io"),
    ...TEMPLATE_AND_METADATA_LABELS,
];

/** `commonAnnotations` (commonannotations.go). */
export const ANNOTATIONS: readonly FieldSpec[] = [
    spec("metadata/annotations", true),
    spec("spec/template/metadata/annotations", true, "ReplicationController", undefined, "v1"),
    spec("spec/template/metadata/annotations", true, "Deployment"),
    spec("spec/template/metadata/annotations", true, "ReplicaSet"),
    spec("spec/template/metadata/annotations", true, "DaemonSet"),
    spec("spec/template/metadata/annotations", true, "StatefulSet"),
    spec("spec/template/metadata/annotations", true, "Job", "batch"),
    spec("spec/jobTemplate/metadata/annotations", true, "CronJob", "batch"),
    spec("spec/jobTemplate/spec/template/metadata/annotations", true, "CronJob", "batch"),
];

/**
 * The (apiVersion, kind) pairs kustomize takes as cluster-scoped (kyaml openapi
 * precomputedIsNamespaceScoped); every other pair, custom resources included, is namespaced.
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(
    [
        ["v1", ["Namespace", "Node", "PersistentVolume", "ComponentStatus", "NodeProxyOptions"]],
        ["rbac.authorization.k8s.io/v1", ["ClusterRole", "ClusterRoleBinding"]],
        ["rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding"]],
        ["apiextensions.k8s.io/v1", ["CustomResourceDefinition"]],
        ["apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"]],
        ["apiregistration.k8s.io/v1", ["APIService"]],
        ["apiregistration.k8s.io/v1beta1", ["APIService"]],
        [
            "admissionregistration.k8s.io/v1",
            ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        ],
        [
            "admissionregistration.k8s.io/v1beta1",
            ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        ],
        ["storage.k8s.io/v1", ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"]],
        ["storage.k8s.io/v1beta1", ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"]],
        ["scheduling.k8s.io/v1", ["PriorityClass"]],
        ["scheduling.k8s.io/v1beta1", ["PriorityClass"]],
        ["networking.k8s.io/v1", ["IngressClass"]],
        ["networking.k8s.io/v1beta1", ["IngressClass"]],
        ["node.k8s.io/v1", ["RuntimeClass"]],
        ["node.k8s.io/v1beta1", ["RuntimeClass"]],
        ["certificates.k8s.io/v1", ["CertificateSigningRequest"]],
        ["certificates.k8s.io/v1beta1", ["CertificateSigningRequest"]],
        ["flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"]],
        ["policy/v1beta1", ["PodSecurityPolicy"]],
    ].flatMap(([apiVersion, kinds]) =>
        (kinds as string[]).map((kind) => `${apiVersion as string}\0${kind}`),
    ),
);

/** Whether kustomize leaves an object without a namespace. */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
    return CLUSTER_SCOPED.has(`${apiVersion}\0${kind}`);
}

/** The group and version of an apiVersion (`""` for the core group). */
export function groupVersion(apiVersion: string): { group: string; version: string } {
    const slash = apiVersion.indexOf("/");
    return slash < 0
        ? { group: "", version: apiVersion }
        : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Whether a fieldSpec applies to an object of this apiVersion and kind. */
export function specApplies(field: FieldSpec, apiVersion: string, kind: string): boolean {
    const { group, version } = groupVersion(apiVersion);
    return (
        (field.kind === undefined || field.kind === kind) &&
        (field.group === undefined || field.group === group) &&
        (field.version === undefined || field.version === version)
    );
}

type Json = Record<string, unknown>;

/**
 * Calls `change` on the map at the spec's path in `value`, walking every element of a list on
 * the way and creating missing maps when the spec says so.
 */
export function forEachField(
    value: unknown,
    field: FieldSpec,
    change: (target: Json) => void,
): void {
    const walk = (node: unknown, segments: readonly string[]): void => {
        if (Array.isArray(node)) {
            node.forEach((item) => walk(item, segments));
            return;
        }
        if (!isRecord(node)) {
            return;
        }
        if (segments.length === 0) {
            change(node);
            return;
        }
        const [segment, ...rest] = segments;
        // `name[]` marks a list: walked when present, never created.
        const list = segment.endsWith("[]");
        const head = list ? segment.slice(0, -2) : segment;
        if (node[head] === undefined || node[head] === null) {
            if (!field.create || list) {
                return;
            }
            node[head] = {};
        }
        walk(node[head], rest);
    };
    walk(value, field.path.split("/"));
}
