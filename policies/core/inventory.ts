// The input, indexed once: objects by kind and namespace, namespaces with their merged labels,
// workloads and Services by label, Helm releases by chart, and the PeerAuthentication model.
// Every rule reads these indexes instead of scanning the input, which keeps the analysis linear,
// and every read is named, so a test can hold each rule to the inputs it declares.
import {
    AMBIENT,
    DATAPLANE_MODE_LABEL,
    DEFAULT_ROOT_NAMESPACE,
    ISTIO_SECURITY_GROUP,
    IstioChart,
} from "./istio";
import { kindKey, namespaceOf, WORKLOADS_INPUT } from "./kinds";
import { LabelIndex, Labels, matches, stringMap } from "./labels";
import { apiGroup, HelmRelease, Inventory, KubeObject } from "./model";
import { isPeerAuthentication, MtlsModel } from "./mtls";
import { chartName, istioChart } from "./releases";
import { valueAt } from "./values";
import { PodSource, podSources } from "./selection";
import { readWorkloads, Workload } from "./workloads";

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

/** Where istiod's chart takes the root namespace from, most specific first. */
const ROOT_NAMESPACE_VALUES = ["meshConfig.rootNamespace", "global.istioNamespace"];

export class MeshIndex {
    private readonly objects: readonly KubeObject[];
    private readonly releases: readonly HelmRelease[];
    private readonly namespaces = new Map<string, NamespaceInfo>();
    private readonly byKind = new Map<string, KubeObject[]>();
    private readonly byId = new Map<string, KubeObject | HelmRelease>();
    private workloadIndex?: Map<string, LabelIndex<Workload>>;
    private workloadList?: Workload[];
    private serviceIndex?: Map<string, LabelIndex<KubeObject>>;
    private servicesByName?: Map<string, KubeObject>;
    private mtlsModel?: MtlsModel;
    private sources?: Map<string, PodSource[]>;
    private readonly waiting = new Map<string, Map<string, boolean>>();
    private root?: string;
    /** Called with the name of every input a rule reads (see RuleInputs). */
    onRead?: (input: string) => void;

    constructor(readonly inventory: Inventory) {
        this.objects = inventory.objects;
        this.releases = inventory.releases;
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

    /**
     * Istio's root namespace: from istiod's values when the input has them, else the default.
     * Read on first use: during a preview, values may be unknown until a rule needs them.
     */
    get rootNamespace(): string {
        this.root ??= rootNamespaceOf(this.releases) ?? DEFAULT_ROOT_NAMESPACE;
        return this.root;
    }

    private read(input: string): void {
        this.onRead?.(input);
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
        const key = kindKey(group, kind);
        this.read(key);
        return this.byKind.get(key) ?? [];
    }

    /** Objects of a kind in any of the groups (`security.istio.io` has v1 and v1beta1 alike). */
    ofKind(kind: string, groups: readonly string[]): KubeObject[] {
        return groups.flatMap((group) => this.of(group, kind)).filter((o) => !o.patch);
    }

    /** The resource with this URN. */
    byUrn(urn: string): KubeObject | HelmRelease | undefined {
        return this.byId.get(urn);
    }

    /** Objects of every kind of API groups that match (`*.istio.io`), patches left out. */
    ofGroups(pattern: RegExp, input: string): KubeObject[] {
        this.read(input);
        return this.objects.filter((o) => !o.patch && pattern.test(apiGroup(o.apiVersion)));
    }

    /** Helm releases of a chart, or of Istio's charts (`istio:*`, `istio:istiod`). */
    releasesOf(chart: string): HelmRelease[] {
        this.read(`helm/${chart}`);
        if (chart.startsWith("istio:")) {
            const wanted = chart.slice("istio:".length) as IstioChart | "*";
            return this.releases.filter((r) => {
                const istio = istioChart(r);
                return istio !== undefined && (wanted === "*" || istio === wanted);
            });
        }
        return this.releases.filter((r) => istioChart(r) === undefined && chartName(r) === chart);
    }

    /** The namespace as the input declares it. */
    namespace(name: string): NamespaceInfo | undefined {
        this.read("core/Namespace");
        return this.namespaces.get(name);
    }

    /** Every namespace the input declares or patches. */
    allNamespaces(): NamespaceInfo[] {
        this.read("core/Namespace");
        return [...this.namespaces.values()];
    }

    /** Whether the input labels the namespace for ambient mode. */
    isAmbient(namespace: string): boolean {
        return this.namespace(namespace)?.labels[DATAPLANE_MODE_LABEL] === AMBIENT;
    }

    /** Namespaces the input enrolls in ambient mode. */
    ambientNamespaces(): NamespaceInfo[] {
        return this.allNamespaces().filter((ns) => this.isAmbient(ns.name));
    }

    /** The object that enrolls a namespace (its last owner or patch carrying the label). */
    enrollingObject(namespace: string): KubeObject | undefined {
        const info = this.namespace(namespace);
        const objects = [...(info?.owners ?? []), ...(info?.patches ?? [])];
        return (
            objects.reverse().find((o) => o.metadata.labels?.[DATAPLANE_MODE_LABEL] === AMBIENT) ??
            objects[0]
        );
    }

    /** Pod templates, per namespace. */
    workloads(): readonly Workload[] {
        this.read(WORKLOADS_INPUT);
        this.indexWorkloads();
        return this.workloadList!;
    }

    /** Pod templates in a namespace whose labels match the selector. */
    workloadsMatching(namespace: string, selector: Labels): Workload[] {
        this.read(WORKLOADS_INPUT);
        this.indexWorkloads();
        const index = this.workloadIndex!.get(namespace);
        if (!index) {
            return [];
        }
        return index.candidates(selector).filter((w) => matches(selector, w.labels));
    }

    /**
     * What may make pods in a namespace that the input does not show as pod templates: Helm
     * releases, operators' custom resources, Gateways, and sources the adapter could not read.
     */
    podSourcesIn(namespace: string): PodSource[] {
        this.read(WORKLOADS_INPUT);
        this.sources ??= podSources(this.inventory);
        return [...(this.sources.get(namespace) ?? []), ...(this.sources.get("") ?? [])];
    }

    /** Every pod source of the input, whatever namespace it makes pods in. */
    allPodSources(): PodSource[] {
        this.read(WORKLOADS_INPUT);
        this.sources ??= podSources(this.inventory);
        return [...this.sources.values()].flat();
    }

    private indexWorkloads(): void {
        if (this.workloadIndex) {
            return;
        }
        this.workloadIndex = new Map();
        this.workloadList = readWorkloads(this.objects);
        for (const workload of this.workloadList) {
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
        this.read("core/Service");
        this.indexServices();
        return this.servicesByName!.get(`${namespace}/${name}`);
    }

    /** Services in a namespace whose own labels match the selector (as monitors select them). */
    servicesLabelled(namespace: string, selector: Labels): KubeObject[] {
        this.read("core/Service");
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
            const namespace = namespaceOf(service);
            this.servicesByName.set(`${namespace}/${service.metadata.name}`, service);
            let index = this.serviceIndex.get(namespace);
            if (!index) {
                index = new LabelIndex();
                this.serviceIndex.set(namespace, index);
            }
            index.add(service, stringMap(service.metadata.labels));
        }
    }

    /** Every PeerAuthentication, composed with Istio's precedence under the root namespace. */
    mtls(): MtlsModel {
        const policies = this.ofKind("PeerAuthentication", [ISTIO_SECURITY_GROUP]);
        this.mtlsModel ??= new MtlsModel(
            this.rootNamespace,
            policies
                .filter(isPeerAuthentication)
                .map((object) => ({ object, namespace: namespaceOf(object) })),
        );
        return this.mtlsModel;
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

/** The root namespace istiod's values set, if an istiod release sets one. */
function rootNamespaceOf(releases: readonly HelmRelease[]): string | undefined {
    for (const release of releases) {
        if (istioChart(release) !== "istiod") {
            continue;
        }
        for (const path of ROOT_NAMESPACE_VALUES) {
            const value = valueAt(release.values, path);
            if (typeof value === "string" && value !== "") {
                return value;
            }
        }
    }
    return undefined;
}
