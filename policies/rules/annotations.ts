// Rules on Istio's annotations, after istioctl's annotations analyzer (pkg/config/analysis/
// analyzers/annotations/annotations.go, K8sAnalyzer.allowAnnotations): keys in Istio's domains
// that Istio does not know (IST0108), that sit on a kind they do not apply to (IST0107), that
// Istio deprecated (IST0135), or whose value the sidecar injector refuses (IST0125). The table is
// istio/api's, generated into ./istioAnnotations by scripts/annotationTable.ts.
//
// Where annotations are read, as istioctl does it: the analyzer reads the metadata of Namespaces,
// Services, Pods and Deployments, and of nothing else (not a Deployment's pod template, not a
// StatefulSet). A Deployment's own metadata is judged as a Deployment, so every Pod annotation
// there is misplaced (it never reaches the pods). istioctl meets pod annotations on the live
// cluster's Pods, which a pod template makes; without a cluster, these rules judge every pod
// template the input deploys (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
// CronJobs) as the Pod it makes, and a Pod object by its own metadata.
import { isIPv6 } from "net";
import {
    describeSubject,
    Finding,
    finding,
    inventoryRule,
    KubeObject,
    Labels,
    MeshIndex,
    SIDECAR_INJECT,
    stringMap,
} from "../core";
import { catalogue } from "../catalogue";
import { ISTIO_ANNOTATIONS, ISTIO_LABELS } from "./istioAnnotations";

/** The kinds istioctl reads annotations of, as its annotation table names them. */
type AnnotatedKind = "Namespace" | "Service" | "Pod" | "Deployment";

/** Annotations on one object's metadata, or on the pods a workload's template makes. */
interface Annotated {
    readonly object: KubeObject;
    /** The kind the annotations are judged as: a pod template's are a Pod's. */
    readonly kind: AnnotatedKind;
    /** Where they are written, for messages: `metadata` or `pod template`. */
    readonly place: string;
    readonly annotations: Labels;
    readonly labels: Labels;
}

/**
 * Whether a key is in Istio's domain (annotations.go istioAnnotation): the Kubernetes annotation
 * Istio documents, or a prefix (the part before the first `/`) ending in `istio.io`.
 */
export function isIstioAnnotation(key: string): boolean {
    return key === "kubernetes.io/ingress.class" || key.split("/")[0].endsWith("istio.io");
}

/**
 * Keys istioctl never judges (maturity.AlwaysIgnoredAnnotations): istiod, the gateway
 * controller and the revision tooling set them themselves.
 */
const ALWAYS_IGNORED = new Set([
    "sidecar.istio.io/status",
    "gateway.istio.io/controller-version",
    "istio.io/rev",
]);

function ownMetadata(object: KubeObject, kind: AnnotatedKind): Annotated {
    return {
        object,
        kind,
        place: "metadata",
        annotations: stringMap(object.metadata.annotations),
        labels: stringMap(object.metadata.labels),
    };
}

/** What the annotation rules judge: every place with a key in Istio's domain. */
function annotatedPlaces(index: MeshIndex): Annotated[] {
    // Patches count: what a server-side-apply patch writes lands on the object.
    const places: Annotated[] = [
        ...index.of("", "Namespace").map((o) => ownMetadata(o, "Namespace")),
        ...index.of("", "Service").map((o) => ownMetadata(o, "Service")),
        ...index.of("apps", "Deployment").map((o) => ownMetadata(o, "Deployment")),
        ...index.workloads().map((w): Annotated => ({
            object: w.object,
            kind: "Pod",
            place: w.object.kind === "Pod" ? "metadata" : "pod template",
            annotations: w.annotations,
            labels: w.labels,
        })),
    ];
    return places.filter((place) => Object.keys(place.annotations).some(isIstioAnnotation));
}

/** What is wrong with one annotation, in the order istioctl decides it. */
type Verdict =
    | { readonly kind: "unknown"; readonly key: string }
    | { readonly kind: "deprecated"; readonly key: string; readonly value: string }
    | { readonly kind: "misplaced"; readonly key: string; readonly resources: readonly string[] }
    | {
          readonly kind: "invalid";
          readonly key: string;
          readonly value: string;
          readonly problem: string;
      };

/** annotations.go allowAnnotations, one place at a time. */
function verdicts(place: Annotated): Verdict[] {
    const found: Verdict[] = [];
    for (const [key, value] of Object.entries(place.annotations)) {
        if (!isIstioAnnotation(key) || ALWAYS_IGNORED.has(key)) {
            continue;
        }
        const definition = Object.hasOwn(ISTIO_ANNOTATIONS, key)
            ? ISTIO_ANNOTATIONS[key]
            : undefined;
        if (!definition) {
            found.push({ kind: "unknown", key });
            continue;
        }
        // Both the annotation and the label: the owner knows, and keeps both for old Istios.
        if (definition.deprecated && !(key === SIDECAR_INJECT && SIDECAR_INJECT in place.labels)) {
            found.push({ kind: "deprecated", key, value });
        }
        if (definition.resources.includes("Any")) {
            continue;
        }
        if (!definition.resources.includes(place.kind)) {
            found.push({ kind: "misplaced", key, resources: definition.resources });
            continue;
        }
        const problem = VALIDATIONS[key]?.(value);
        if (problem) {
            found.push({ kind: "invalid", key, value, problem });
        }
    }
    return found;
}

/** `Pod`, `Namespace or Service`, `Namespace, Service or ServiceEntry`. */
function kindsText(resources: readonly string[]): string {
    const names = resources.map((r) => (r === "Pod" ? "Pod (a workload's pod template)" : r));
    return names.length <= 1
        ? names.join("")
        : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** How to fix an unknown key: set it as a label when it is one of Istio's labels. */
function unknownFix(key: string, place: Annotated): string {
    if (!Object.hasOwn(ISTIO_LABELS, key)) {
        return "correct its name or remove it";
    }
    const where = place.place === "pod template" ? "the pod template's labels" : "metadata.labels";
    const kinds = ISTIO_LABELS[key].resources.join(", ");
    return `it is one of Istio's labels (for ${kinds}), so set it under ${where} instead`;
}

const ANNOTATION_INPUTS = {
    kinds: ["core/Namespace", "core/Service", "apps/Deployment"],
    workloads: true,
};
const ANNOTATED = "Istio annotation on a Namespace, Service, Deployment or pod";

const PMX100 = catalogue.PMX100;
export const requireKnownAnnotations = inventoryRule<Record<string, never>, Annotated>({
    entry: PMX100,
    config: {},
    inputs: ANNOTATION_INPUTS,
    judges: { what: ANNOTATED, select: annotatedPlaces },
    check(places) {
        return places.flatMap((place) =>
            verdicts(place).flatMap((verdict): Finding[] => {
                const subject = {
                    object: describeSubject(place.object),
                    annotation: verdict.key,
                    place: place.place,
                };
                switch (verdict.kind) {
                    case "unknown":
                        return [
                            finding(PMX100, place.object, "unknown", {
                                ...subject,
                                fix: unknownFix(verdict.key, place),
                            }),
                        ];
                    case "misplaced":
                        return [
                            finding(PMX100, place.object, "misplaced", {
                                ...subject,
                                kinds: kindsText(verdict.resources),
                            }),
                        ];
                    default:
                        return [];
                }
            }),
        );
    },
});

const PMX101 = catalogue.PMX101;
export const disallowDeprecatedAnnotations = inventoryRule<Record<string, never>, Annotated>({
    entry: PMX101,
    config: {},
    inputs: ANNOTATION_INPUTS,
    judges: { what: ANNOTATED, select: annotatedPlaces },
    check(places) {
        return places.flatMap((place) =>
            verdicts(place).flatMap((verdict): Finding[] => {
                if (verdict.kind !== "deprecated") {
                    return [];
                }
                const object = describeSubject(place.object);
                // istiod's injection webhook selects pods by the label alone (istio-discovery's
                // mutatingwebhook.yaml objectSelector), so the annotation cannot bring a pod in;
                // once called, pkg/kube/inject/inject.go (injectRequired) still reads it, so
                // "false" keeps working where the namespace is injected.
                return [
                    verdict.key === SIDECAR_INJECT
                        ? finding(
                              PMX101,
                              place.object,
                              verdict.value === "true" ? "inject" : "injectOff",
                              {
                                  object,
                                  value: JSON.stringify(verdict.value),
                                  place: place.place,
                              },
                          )
                        : finding(PMX101, place.object, "deprecated", {
                              object,
                              annotation: verdict.key,
                              place: place.place,
                          }),
                ];
            }),
        );
    },
});

const PMX103 = catalogue.PMX103;
export const requireValidAnnotationValues = inventoryRule<Record<string, never>, Annotated>({
    entry: PMX103,
    config: {},
    inputs: ANNOTATION_INPUTS,
    judges: { what: ANNOTATED, select: annotatedPlaces },
    check(places) {
        return places.flatMap((place) =>
            verdicts(place).flatMap((verdict): Finding[] =>
                verdict.kind === "invalid"
                    ? [
                          finding(PMX103, place.object, "invalid", {
                              object: describeSubject(place.object),
                              annotation: verdict.key,
                              value: JSON.stringify(verdict.value),
                              place: place.place,
                              problem: verdict.problem,
                          }),
                      ]
                    : [],
            ),
        );
    },
});

export const annotationRules = [
    requireKnownAnnotations,
    disallowDeprecatedAnnotations,
    requireValidAnnotationValues,
];

// The values the sidecar injector accepts (pkg/kube/inject/validate.go AnnotationValidation),
// each returning what is wrong, or undefined. proxy.istio.io/config is left out: judging it
// takes ProxyConfig's whole schema (agent.ValidateMeshConfigProxyConfig).

type Validation = (value: string) => string | undefined;

/** strconv.ParseUint(value, 10, bits): decimal digits only, no sign, no spaces. */
function unsignedFits(text: string, bits: 16 | 32): boolean {
    return /^\d+$/.test(text) && BigInt(text) < 2n ** BigInt(bits);
}

const uint32: Validation = (value) =>
    unsignedFits(value, 32) ? undefined : "expected an unsigned 32-bit integer";

/** What strconv.ParseBool takes. */
const GO_BOOLS = new Set("1 t T TRUE true True 0 f F FALSE false False".split(" "));

const bool: Validation = (value) => (GO_BOOLS.has(value) ? undefined : "expected true or false");

const interceptionMode: Validation = (value) =>
    ["REDIRECT", "TPROXY", "NONE"].includes(value)
        ? undefined
        : "expected REDIRECT, TPROXY or NONE";

/** parsePort: a trimmed decimal port number up to 65535. */
function isPort(text: string): boolean {
    return unsignedFits(text.trim(), 16);
}

const statusPort: Validation = (value) => (isPort(value) ? undefined : "expected a port number");

/** validatePortList: a comma-separated list of ports, or nothing. */
function portList(value: string): string | undefined {
    const trimmed = value.trim();
    if (trimmed === "" || trimmed.split(",").every(isPort)) {
        return undefined;
    }
    return "expected a comma-separated list of port numbers";
}

const includeInboundPorts: Validation = (value) => (value === "*" ? undefined : portList(value));

/** An IPv4 address as netip.ParseAddr takes it: four decimal octets, no leading zeros. */
function isIPv4(text: string): boolean {
    const octets = text.split(".");
    return (
        octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)
    );
}

/**
 * Whether a text is a CIDR as netip.ParsePrefix (or net.ParseCIDR) takes it: an IPv4 or IPv6
 * address without a zone, `/`, and a prefix length in range, written without leading zeros.
 */
export function isCidr(text: string): boolean {
    const slash = text.lastIndexOf("/");
    if (slash < 0) {
        return false;
    }
    const address = text.slice(0, slash);
    const bits = text.slice(slash + 1);
    const width = isIPv4(address) ? 32 : isIPv6(address) && !address.includes("%") ? 128 : 0;
    return width > 0 && /^(0|[1-9]\d*)$/.test(bits) && Number(bits) <= width;
}

/** validateCIDRList: comma-separated CIDRs (no spaces), or nothing. */
function cidrList(value: string): string | undefined {
    return value === "" || value.split(",").every(isCidr)
        ? undefined
        : "expected a comma-separated list of CIDRs";
}

const includeIPRanges: Validation = (value) => (value === "*" ? undefined : cidrList(value));

/** net.ValidateInterfaceNames: comma-separated names of up to 15 characters. */
const interfaces: Validation = (value) =>
    value === "" ||
    value
        .split(",")
        .map((name) => name.trim())
        .every((name) => name.length <= 15 && /^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name))
        ? undefined
        : "expected comma-separated interface names of up to 15 characters";

/** resource.ParseQuantity: a signed decimal with an SI, binary or exponent suffix. */
const quantity: Validation = (value) =>
    /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/.test(value)
        ? undefined
        : "expected a Kubernetes quantity such as 100m or 128Mi";

const VALIDATIONS: Readonly<Record<string, Validation>> = {
    "sidecar.istio.io/interceptionMode": interceptionMode,
    "status.sidecar.istio.io/port": statusPort,
    "readiness.status.sidecar.istio.io/initialDelaySeconds": uint32,
    "readiness.status.sidecar.istio.io/periodSeconds": uint32,
    "readiness.status.sidecar.istio.io/failureThreshold": uint32,
    "traffic.sidecar.istio.io/includeOutboundIPRanges": includeIPRanges,
    "traffic.sidecar.istio.io/excludeOutboundIPRanges": cidrList,
    "traffic.sidecar.istio.io/includeInboundPorts": includeInboundPorts,
    "traffic.sidecar.istio.io/excludeInboundPorts": portList,
    "traffic.sidecar.istio.io/excludeOutboundPorts": portList,
    "traffic.sidecar.istio.io/excludeInterfaces": interfaces,
    "traffic.sidecar.istio.io/kubevirtInterfaces": interfaces,
    "istio.io/reroute-virtual-interfaces": interfaces,
    "prometheus.istio.io/merge-metrics": bool,
    "sidecar.istio.io/proxyCPU": quantity,
    "sidecar.istio.io/proxyMemory": quantity,
    "sidecar.istio.io/proxyCPULimit": quantity,
    "sidecar.istio.io/proxyMemoryLimit": quantity,
};
