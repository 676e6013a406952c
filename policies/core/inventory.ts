// The input, indexed once: objects by kind and namespace, namespaces with their merged labels,
// workloads and Services by label, and the PeerAuthentication model per root namespace. Every
// rule reads these indexes instead of scanning the input, which keeps the analysis linear.
import {
    AMBIENT,
    DATAPLANE_MODE_LABEL,
    DATAPLANE_NONE,
    ISTIO_SECURITY_GROUP,
    REDIRECTION_ANNOTATION,
} from "./istio";
import { LabelIndex, Labels, matches, stringMap } from "./labels";
import { apiGroup, HelmRelease, Inventory, KubeObject, OidcClient } from "./model";
import { isPeerAuthentication, MtlsModel } from "./mtls";

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

/** A namespace as the input declares it: its objects (owners and patches) and merged labels. */
export interface NamespaceInfo {
    readonly name: string;
    /** Namespace objects that own it (more than one means a conflict). */
    readonly owners: KubeObject[];
    /** Server-side-apply patches of it. */
    readonly patches: KubeObject[];
    /** Labels from every owner and patch, later ones winning. */
    readonly labels: Record<string, string>;
}

/** A pod template: a workload object's pods, or a Pod. */
export interface Workload {
    readonly object: KubeObject;
    readonly namespace: string;
    readonly labels: Labels;
    readonly annotations: Labels;
    /** Container port name → number. */
    readonly namedPorts: ReadonlyMap<string, number>;
}

/**
 * Whether a workload's pods leave the ambient mesh (`istio.io/dataplane-mode: none`, or
 * redirection disabled): ztunnel never sees their traffic, so no PeerAuthentication applies.
 */
export function leavesMesh(workload: Workload): boolean {
    return (
        workload.labels[DATAPLANE_MODE_LABEL] === DATAPLANE_NONE ||
        workload.annotations[REDIRECTION_ANNOTATION] === "disabled"
    );
}

const POD_TEMPLATE_KINDS = new Set([
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function podTemplate(object: KubeObject): Record<string, any> | undefined {
    const body = object.body;
    switch (object.kind) {
        case "Pod":
            return body;
        case "CronJob":
            return body.spec?.jobTemplate?.spec?.template;
        default:
            return body.spec?.template;
    }
}

/** `apps/Deployment`, `/Service` (core group), `security.istio.io/PeerAuthentication`. */
function kindKey(group: string, kind: string): string {
    return `${group}/${kind}`;
}

export class MeshIndex {
    readonly objects: readonly KubeObject[];
    readonly releases: readonly HelmRelease[];
    readonly oidcClients: readonly OidcClient[];
    readonly namespaces = new Map<string, NamespaceInfo>();
    private readonly byKind = new Map<string, KubeObject[]>();
    private readonly byId = new Map<string, KubeObject | HelmRelease>();
    private workloadIndex?: Map<string, LabelIndex<Workload>>;
    private workloadList?: Workload[];
    private serviceIndex?: Map<string, LabelIndex<KubeObject>>;
    private servicesByName?: Map<string, KubeObject>;
    private readonly mtlsModels = new Map<string, MtlsModel>();
    private readonly waiting = new Map<string, Map<string, boolean>>();

    constructor(readonly inventory: Inventory) {
        this.objects = inventory.objects;
        this.releases = inventory.releases;
        this.oidcClients = inventory.oidcClients;
        for (const object of inventory.objects) {
            const key = kindKey(apiGroup(object.apiVersion), object.kind);
            const list = this.byKind.get(key);
            if (list) {
                list.push(object);
            } else {
                this.byKind.set(key, [object]);
            }
            if (object.source.urn) {
                this.byId.set(object.source.urn, object);
            }
            if (object.kind === "Namespace" && object.apiVersion === "v1") {
                this.addNamespace(object);
            }
        }
        for (const release of inventory.releases) {
            if (release.source.urn) {
                this.byId.set(release.source.urn, release);
            }
        }
    }

    private addNamespace(object: KubeObject): void {
        const name = object.metadata.name ?? "";
        let info = this.namespaces.get(name);
        if (!info) {
            info = { name, owners: [], patches: [], labels: {} };
            this.namespaces.set(name, info);
        }
        (object.patch ? info.patches : info.owners).push(object);
        Object.assign(info.labels, stringMap(object.metadata.labels));
    }

    /** Objects of a kind (patches included), in input order. */
    of(group: string, kind: string): readonly KubeObject[] {
        return this.byKind.get(kindKey(group, kind)) ?? [];
    }

    /** Objects of a kind in any of the groups (`security.istio.io` has v1 and v1beta1 alike). */
    ofKind(kind: string, groups: readonly string[]): KubeObject[] {
        return groups.flatMap((group) => this.of(group, kind)).filter((o) => !o.patch);
    }

    /** The resource with this URN. */
    byUrn(urn: string): KubeObject | HelmRelease | undefined {
        return this.byId.get(urn);
    }

    /** The namespace an object lives in (`default` when a namespaced object names none). */
    namespaceOf(object: KubeObject): string {
        return namespaceOf(object);
    }

    /** Whether the input labels the namespace for ambient mode. */
    isAmbient(namespace: string): boolean {
        return this.namespaces.get(namespace)?.labels[DATAPLANE_MODE_LABEL] === AMBIENT;
    }

    /** Namespaces the input enrolls in ambient mode. */
    ambientNamespaces(): NamespaceInfo[] {
        return [...this.namespaces.values()].filter((ns) => this.isAmbient(ns.name));
    }

    /** The object that enrolls a namespace (its last owner or patch carrying the label). */
    enrollingObject(namespace: string): KubeObject | undefined {
        const info = this.namespaces.get(namespace);
        const objects = [...(info?.owners ?? []), ...(info?.patches ?? [])];
        return (
            objects.reverse().find((o) => o.metadata.labels?.[DATAPLANE_MODE_LABEL] === AMBIENT) ??
            objects[0]
        );
    }

    /** Pod templates, per namespace. */
    workloads(): readonly Workload[] {
        this.indexWorkloads();
        return this.workloadList!;
    }

    /** Pod templates in a namespace whose labels match the selector. */
    workloadsMatching(namespace: string, selector: Labels): Workload[] {
        this.indexWorkloads();
        const index = this.workloadIndex!.get(namespace);
        if (!index) {
            return [];
        }
        return index.candidates(selector).filter((w) => matches(selector, w.labels));
    }

    private indexWorkloads(): void {
        if (this.workloadIndex) {
            return;
        }
        this.workloadIndex = new Map();
        this.workloadList = [];
        for (const object of this.objects) {
            if (object.patch || !POD_TEMPLATE_KINDS.has(object.kind)) {
                continue;
            }
            const template = podTemplate(object);
            if (!template) {
                continue;
            }
            const namedPorts = new Map<string, number>();
            const containers = [
                ...(template.spec?.containers ?? []),
                ...(template.spec?.initContainers ?? []),
            ];
            for (const container of containers) {
                for (const port of container?.ports ?? []) {
                    if (typeof port?.name === "string" && typeof port.containerPort === "number") {
                        namedPorts.set(port.name, port.containerPort);
                    }
                }
            }
            const workload: Workload = {
                object,
                namespace: this.namespaceOf(object),
                labels: stringMap(template.metadata?.labels),
                annotations: stringMap(template.metadata?.annotations),
                namedPorts,
            };
            this.workloadList.push(workload);
            let index = this.workloadIndex.get(workload.namespace);
            if (!index) {
                index = new LabelIndex();
                this.workloadIndex.set(workload.namespace, index);
            }
            index.add(workload, workload.labels);
        }
    }

    /** The Service `namespace/name`. */
    service(namespace: string, name: string): KubeObject | undefined {
        this.indexServices();
        return this.servicesByName!.get(`${namespace}/${name}`);
    }

    /** Services in a namespace whose own labels match the selector (as monitors select them). */
    servicesLabelled(namespace: string, selector: Labels): KubeObject[] {
        this.indexServices();
        const index = this.serviceIndex!.get(namespace);
        if (!index) {
            return [];
        }
        return index
            .candidates(selector)
            .filter((s) => matches(selector, stringMap(s.metadata.labels)));
    }

    private indexServices(): void {
        if (this.serviceIndex) {
            return;
        }
        this.serviceIndex = new Map();
        this.servicesByName = new Map();
        for (const service of this.ofKind("Service", [""])) {
            const namespace = this.namespaceOf(service);
            this.servicesByName.set(`${namespace}/${service.metadata.name}`, service);
            let index = this.serviceIndex.get(namespace);
            if (!index) {
                index = new LabelIndex();
                this.serviceIndex.set(namespace, index);
            }
            index.add(service, stringMap(service.metadata.labels));
        }
    }

    /** The PeerAuthentications composed for a root namespace (built once per root). */
    mtls(rootNamespace: string): MtlsModel {
        let model = this.mtlsModels.get(rootNamespace);
        if (!model) {
            const policies = this.ofKind("PeerAuthentication", [ISTIO_SECURITY_GROUP])
                .filter(isPeerAuthentication)
                .map((object) => ({ object, namespace: this.namespaceOf(object) }));
            model = new MtlsModel(rootNamespace, policies);
            this.mtlsModels.set(rootNamespace, model);
        }
        return model;
    }

    /**
     * Whether a resource waits for `target`, directly or through other resources. Answers for
     * every resource are computed once per target, so many questions cost one pass.
     */
    waitsFor(resource: KubeObject | HelmRelease, target: KubeObject | HelmRelease): boolean {
        const targetUrn = target.source.urn;
        const urn = resource.source.urn;
        if (!targetUrn || !urn) {
            return false;
        }
        let answers = this.waiting.get(targetUrn);
        if (!answers) {
            answers = new Map();
            this.waiting.set(targetUrn, answers);
        }
        return this.reaches(urn, targetUrn, answers);
    }

    private reaches(urn: string, target: string, answers: Map<string, boolean>): boolean {
        const known = answers.get(urn);
        if (known !== undefined) {
            return known;
        }
        // Provisionally false, so that a dependency cycle terminates.
        answers.set(urn, false);
        const edges = this.byId.get(urn)?.dependsOn ?? [];
        const result = edges.some((edge) => edge === target || this.reaches(edge, target, answers));
        answers.set(urn, result);
        return result;
    }
}
