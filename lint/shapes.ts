// The fields of built-in Kubernetes objects the rules read, with the type Kubernetes demands of
// them. A forgotten dash (`ports: {http: 8080}`) or a stray value (`containers: 5`) makes the API
// server refuse the whole object (its JSON decoding into the typed struct fails), so kubectl and
// Flux apply nothing of it; the rules read such a field as absent, and this check says why
// (YAML005). Custom resources are left to their own checks: Istio's validation (PMX075) and the
// CRD schemas the conformance rules read.
import { apiGroup, isRecord, KubeObject } from "../policies/core";

/** A field's path as Kubernetes error messages write it: `spec.ingress[0].from`. */
export type FieldPath = readonly (string | number)[];

/** A field of the wrong type in an object. */
export interface WrongField {
    readonly object: KubeObject;
    readonly path: FieldPath;
    /** What the field is: `a map`, `a number`. */
    readonly actual: string;
    /** What Kubernetes wants there: `a list` or `a map`. */
    readonly wanted: string;
}

type Wanted = "list" | "map";

/** `a.b[].c`: `[]` stands for every item of a list. */
type Spec = readonly [path: string, wanted: Wanted];

const METADATA: Spec[] = [
    ["metadata", "map"],
    ["metadata.labels", "map"],
    ["metadata.annotations", "map"],
];

/** A pod spec's fields the rules read, below `at`. */
function podSpec(at: string): Spec[] {
    const containers = ["containers", "initContainers"].flatMap((list): Spec[] => [
        [`${at}.${list}`, "list"],
        [`${at}.${list}[]`, "map"],
        [`${at}.${list}[].ports`, "list"],
        [`${at}.${list}[].ports[]`, "map"],
    ]);
    return [[at, "map"], ...containers];
}

/** A pod template's fields, below `at`. */
function podTemplate(at: string): Spec[] {
    return [
        [at, "map"],
        [`${at}.metadata`, "map"],
        [`${at}.metadata.labels`, "map"],
        [`${at}.metadata.annotations`, "map"],
        ...podSpec(`${at}.spec`),
    ];
}

function networkPolicyRules(direction: "ingress" | "egress", peers: "from" | "to"): Spec[] {
    const rule = `spec.${direction}[]`;
    return [
        [`spec.${direction}`, "list"],
        [rule, "map"],
        [`${rule}.${peers}`, "list"],
        [`${rule}.${peers}[]`, "map"],
        [`${rule}.${peers}[].ipBlock`, "map"],
        [`${rule}.${peers}[].ipBlock.except`, "list"],
        [`${rule}.ports`, "list"],
        [`${rule}.ports[]`, "map"],
    ];
}

const WORKLOAD: Spec[] = [["spec", "map"], ...podTemplate("spec.template")];

const WEBHOOKS: Spec[] = [
    ["webhooks", "list"],
    ["webhooks[]", "map"],
    ["webhooks[].clientConfig", "map"],
    ["webhooks[].clientConfig.service", "map"],
];

/** By `group/Kind` (`core` for the core group): the built-in kinds the rules read. */
const FIELDS: ReadonlyMap<string, readonly Spec[]> = new Map([
    ["core/Namespace", []],
    ["core/Pod", podSpec("spec")],
    [
        "core/Service",
        [
            ["spec", "map"],
            ["spec.ports", "list"],
            ["spec.ports[]", "map"],
            ["spec.selector", "map"],
        ],
    ],
    ["apps/Deployment", WORKLOAD],
    ["apps/StatefulSet", WORKLOAD],
    ["apps/DaemonSet", WORKLOAD],
    ["apps/ReplicaSet", WORKLOAD],
    ["batch/Job", WORKLOAD],
    [
        "batch/CronJob",
        [
            ["spec", "map"],
            ["spec.jobTemplate", "map"],
            ["spec.jobTemplate.spec", "map"],
            ...podTemplate("spec.jobTemplate.spec.template"),
        ],
    ],
    [
        "networking.k8s.io/NetworkPolicy",
        [
            ["spec", "map"],
            ["spec.podSelector", "map"],
            ["spec.podSelector.matchLabels", "map"],
            ["spec.policyTypes", "list"],
            ...networkPolicyRules("ingress", "from"),
            ...networkPolicyRules("egress", "to"),
        ],
    ],
    ["admissionregistration.k8s.io/ValidatingWebhookConfiguration", WEBHOOKS],
    ["admissionregistration.k8s.io/MutatingWebhookConfiguration", WEBHOOKS],
]);

/** What a value is, in words; never the value itself, which may be a secret. */
function typeText(value: unknown): string {
    if (Array.isArray(value)) {
        return "a list";
    }
    switch (typeof value) {
        case "number":
            return "a number";
        case "boolean":
            return "a boolean";
        case "string":
            return "a string";
        default:
            return "a map";
    }
}

function hasType(value: unknown, wanted: Wanted): boolean {
    return wanted === "list" ? Array.isArray(value) : isRecord(value);
}

/** `spec.ingress[0].from`. */
export function fieldText(path: FieldPath): string {
    return path
        .map((segment, i) =>
            typeof segment === "number" ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
        )
        .join("");
}

/**
 * The fields of the wrong type in an object, outermost first (nothing below a wrong field is
 * looked at). Absent and null fields are fine: Kubernetes reads null as absent.
 */
export function wrongFields(object: KubeObject): WrongField[] {
    const group = apiGroup(object.apiVersion);
    const specs = FIELDS.get(`${group === "" ? "core" : group}/${object.kind}`);
    if (!specs || object.patch) {
        return [];
    }
    const found: WrongField[] = [];
    for (const [spec, wanted] of [...METADATA, ...specs]) {
        // Each concrete field the spec names: `[]` expands to every index of the list there.
        let fields: { path: (string | number)[]; value: unknown }[] = [
            { path: [], value: object.body },
        ];
        for (const part of spec.split(".")) {
            const [key, each] = part.endsWith("[]") ? [part.slice(0, -2), true] : [part, false];
            fields = fields.flatMap(({ path, value }) => {
                const child = isRecord(value) ? value[key] : undefined;
                const at = [...path, key];
                if (!each) {
                    return [{ path: at, value: child }];
                }
                return Array.isArray(child)
                    ? child.map((item, i) => ({ path: [...at, i], value: item }))
                    : [];
            });
        }
        for (const { path, value } of fields) {
            if (value !== undefined && value !== null && !hasType(value, wanted)) {
                found.push({ object, path, actual: typeText(value), wanted: `a ${wanted}` });
            }
        }
    }
    return found;
}
