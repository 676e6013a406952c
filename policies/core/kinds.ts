// Where an object lives and how rules name kinds: the namespace of an object, and the names of
// the inputs rules declare (`core/Service`, `helm/istio:istiod`, `keycloak/Client`).
import { apiGroup, HelmRelease, KubeObject, Subject } from "./model";
import { chartName, istioChart } from "./releases";

/** Kinds that live outside namespaces (the ones the rules meet). */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "CiliumClusterwideNetworkPolicy",
    "GatewayClass",
    "StorageClass",
    "PersistentVolume",
    "PriorityClass",
]);

/** The namespace an object lives in: `""` when cluster-scoped, `default` when it names none. */
export function namespaceOf(object: KubeObject): string {
    if (CLUSTER_SCOPED.has(object.kind)) {
        return "";
    }
    return object.metadata.namespace || "default";
}

/** `apps/Deployment`, `core/Service`, `security.istio.io/PeerAuthentication`: as rules name inputs. */
export function kindKey(group: string, kind: string): string {
    return `${group === "" ? "core" : group}/${kind}`;
}

/** How the rules' declared inputs name a subject's kind. */
export function inputOf(subject: Subject): string {
    switch (subject.category) {
        case "kubernetes":
            return kindKey(apiGroup(subject.apiVersion), subject.kind);
        case "helm-release":
            return releaseInput(subject);
        case "oidc-client":
            return OIDC_CLIENT_INPUT;
    }
}

/** `helm/istio:istiod` for Istio's charts, `helm/cilium` for others. */
function releaseInput(release: HelmRelease): string {
    const istio = istioChart(release);
    return istio ? `helm/istio:${istio}` : `helm/${chartName(release)}`;
}

const OIDC_CLIENT_INPUT = "keycloak/Client";
export const WORKLOADS_INPUT = "workloads";
