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
    const specs = compiledSpecs(`${group === "" ? "core" : group}/${object.kind}`);
    if (!specs || object.patch) {
        return [];
    }
    const found: WrongField[] = [];
    for (const spec of specs) {
        visit(object, spec, object.body, 0, [], found);
    }
    return found;
}

/**
 * Follows a spec's path down a value, each `[]` part into every item of the list there, and
 * records the field at its end when it has the wrong type. Paths are built only for those.
 */
function visit(
    object: KubeObject,
    spec: CompiledSpec,
    value: unknown,
    index: number,
    path: (string | number)[],
    found: WrongField[],
): void {
    if (index === spec.parts.length) {
        if (value !== undefined && value !== null && !hasType(value, spec.wanted)) {
            found.push({
                object,
                path: [...path],
                actual: typeText(value),
                wanted: `a ${spec.wanted}`,
            });
        }
        return;
    }
    if (!isRecord(value)) {
        return;
    }
    const { key, each } = spec.parts[index];
    const child = value[key];
    if (child === undefined || child === null) {
        return;
    }
    path.push(key);
    if (!each) {
        visit(object, spec, child, index + 1, path, found);
    } else if (Array.isArray(child)) {
        child.forEach((item, i) => {
            path.push(i);
            visit(object, spec, item, index + 1, path, found);
            path.pop();
        });
    }
    path.pop();
}

/** A spec split once: its path's keys, each marked when it expands a list. */
interface CompiledSpec {
    readonly parts: readonly { readonly key: string; readonly each: boolean }[];
    readonly wanted: Wanted;
}

const compiled = new Map<string, readonly CompiledSpec[] | undefined>();

/** The metadata's and the kind's specs, split into parts once per kind. */
function compiledSpecs(kind: string): readonly CompiledSpec[] | undefined {
    if (!compiled.has(kind)) {
        const specs = FIELDS.get(kind);
        compiled.set(
            kind,
            specs &&
                [...METADATA, ...specs].map(([spec, wanted]) => ({
                    parts: spec
                        .split(".")
                        .map((part) =>
                            part.endsWith("[]")
                                ? { key: part.slice(0, -2), each: true }
                                : { key: part, each: false },
                        ),
                    wanted,
                })),
        );
    }
    return compiled.get(kind);
}
