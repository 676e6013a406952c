// Helpers and config properties the rule modules share.
import { apiGroup, ConfigProperty, KubeObject, MTLS_REASON_ANNOTATION, Subject } from "../core";

/** Whether a subject is an object (not a patch) of the kind in an API group. */
export function isObjectOf(subject: Subject, group: string, kind: string): subject is KubeObject {
    return (
        subject.category === "kubernetes" &&
        !subject.patch &&
        subject.kind === kind &&
        apiGroup(subject.apiVersion) === group
    );
}

/** Whether an object is an Istio custom resource (any `*.istio.io` group). */
export function isIstioResource(object: KubeObject): boolean {
    return apiGroup(object.apiVersion).endsWith(".istio.io");
}

export const reasonAnnotationProperty: ConfigProperty = {
    type: "string",
    description:
        "The annotation that states why a PERMISSIVE exception exists (which client outside the mesh needs it).",
    default: MTLS_REASON_ANNOTATION,
};

export const permissiveNamespacesProperty: ConfigProperty = {
    type: "array",
    items: { type: "string" },
    description: "Namespaces that may be PERMISSIVE as a whole (ingress gateways).",
    default: ["envoy-gateway-system"],
};

export const ingressNamespacesProperty: ConfigProperty = {
    type: "array",
    items: { type: "string" },
    description:
        "Namespaces whose gateways take traffic from clients outside the mesh (no SPIFFE identity).",
    default: ["envoy-gateway-system"],
};

/** A string annotation, or undefined. */
export function annotation(object: KubeObject, key: string): string | undefined {
    const value = object.metadata.annotations?.[key];
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** `a, b and c`. */
export function listText(items: readonly string[]): string {
    if (items.length <= 1) {
        return items.join("");
    }
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** `port 80` or `ports 80 and 443`. */
export function portsText(ports: readonly (string | number)[]): string {
    return `${ports.length === 1 ? "port" : "ports"} ${listText(ports.map(String))}`;
}
