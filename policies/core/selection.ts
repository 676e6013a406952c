// What a workload selector can reach: whether a workload's pods are in the mesh, and what else in
// a namespace makes pods the input does not show as pod templates (Helm releases, operators'
// custom resources, Gateways Istio deploys, sources an adapter could not read). A rule that calls
// a selector empty must first know that nothing unseen could carry its labels.
import { AMBIENT, DATAPLANE_MODE_LABEL, SIDECAR_INJECT, SIDECAR_INJECTION_LABELS } from "./istio";
import { kindKey, namespaceOf } from "./kinds";
import { Labels } from "./labels";
import { apiGroup, describeSubject, Inventory } from "./model";
import { chartName } from "./releases";
import { leavesMesh, Workload } from "./workloads";

/** Something in a namespace that may make pods the input does not show. */
export interface PodSource {
    /** `Helm release databases/cloudnative-pg`, `Cluster databases/postgres`. */
    readonly description: string;
    /** Names its pods' labels are likely to carry. */
    readonly names: readonly string[];
}

/** Whether namespace labels enroll its pods: ambient mode, or sidecar injection. */
export function enrollsPods(labels: Labels): boolean {
    return (
        labels[DATAPLANE_MODE_LABEL] === AMBIENT ||
        labels["istio-injection"] === "enabled" ||
        SIDECAR_INJECTION_LABELS.some((key) => key !== "istio-injection" && !!labels[key])
    );
}

/**
 * Whether a workload's pods are in the mesh: by their own labels, else by their namespace's.
 * Undefined when the input cannot tell: the namespace is not declared, or only patched (its
 * owner's labels are elsewhere).
 */
export function workloadInMesh(
    workload: Workload,
    namespace: { readonly owners: readonly unknown[]; readonly labels: Labels } | undefined,
): boolean | undefined {
    if (leavesMesh(workload)) {
        return false;
    }
    if (
        workload.labels[DATAPLANE_MODE_LABEL] === AMBIENT ||
        workload.labels[SIDECAR_INJECT] === "true"
    ) {
        return true;
    }
    if (!namespace) {
        return undefined;
    }
    if (enrollsPods(namespace.labels)) {
        return true;
    }
    return namespace.owners.length > 0 ? false : undefined;
}

/**
 * API groups whose objects make no pods: Kubernetes' own (their pods are pod templates the input
 * shows), and the configuration kinds of Istio, Flux, Cilium, cert-manager, External Secrets and
 * Prometheus. Any other custom resource may belong to an operator that makes pods.
 */
const NO_PODS_GROUPS =
    /^([a-z]*|.*\.k8s\.io|.*\.istio\.io|.*\.fluxcd\.io|cilium\.io|(.*\.)?cert-manager\.io|(.*\.)?external-secrets\.io|monitoring\.coreos\.com)$/;

/** Istio deploys the pods of a Gateway API Gateway (ingress and waypoint classes alike). */
const GATEWAY = kindKey("gateway.networking.k8s.io", "Gateway");

/** Every pod source of the input, by namespace (`""` for those that may land anywhere). */
export function podSources(inventory: Inventory): Map<string, PodSource[]> {
    const sources = new Map<string, PodSource[]>();
    const add = (namespace: string, source: PodSource) => {
        const list = sources.get(namespace);
        if (list) {
            list.push(source);
        } else {
            sources.set(namespace, [source]);
        }
    };
    for (const release of inventory.releases) {
        add(release.namespace, {
            description: describeSubject(release),
            names: [release.name, chartName(release)],
        });
    }
    for (const object of inventory.objects) {
        const group = apiGroup(object.apiVersion);
        const namespace = namespaceOf(object);
        const makesPods = kindKey(group, object.kind) === GATEWAY || !NO_PODS_GROUPS.test(group);
        if (object.patch || namespace === "" || !makesPods) {
            continue;
        }
        add(namespace, {
            description: describeSubject(object),
            names: [object.metadata.name ?? "", object.kind],
        });
    }
    for (const unseen of inventory.unseen ?? []) {
        add(unseen.namespace ?? "", { description: unseen.description, names: unseen.names });
    }
    return sources;
}

/**
 * Whether a selector names one of the sources: a label value that is a source's name, or begins
 * with it (`cnpg.io/cluster: postgres` for the Cluster `postgres`, `app: keycloak-operator` for
 * the release `keycloak`). Operators label their pods so; a selector named so counts as matched.
 */
export function namesSource(selector: Labels, sources: readonly PodSource[]): boolean {
    return Object.values(selector).some((value) =>
        sources.some((source) =>
            source.names.some(
                (name) => name !== "" && (value === name || value.startsWith(`${name}-`)),
            ),
        ),
    );
}
