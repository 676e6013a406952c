// The analysis core's model: plain data about Kubernetes objects, Helm releases and Keycloak
// OpenID clients, with where each came from. Input adapters (Pulumi resources now, plain YAML
// later) build it; rules only ever read it. No Pulumi import belongs in the core.

/** Where a resource was declared: a Pulumi URN, or a file and line. */
export interface Source {
    /** The Pulumi URN, for resources from a Pulumi program or policy engine. */
    readonly urn?: string;
    /** The file, for resources read from YAML. */
    readonly file?: string;
    /** The 1-based line of the document in {@link file}. */
    readonly line?: number;
    /**
     * The Flux Kustomizations whose `spec.path` tree holds {@link file}, for resources read from
     * a Flux repository; undefined when the input does not say (a Pulumi plan, a lone file).
     */
    readonly fluxKustomizations?: readonly FluxKustomizationRef[];
    /**
     * For objects a build produced: the cluster, then the Flux Kustomizations and the path that
     * built it (`clusters/prod`, `keycloak-config`, `…/keycloak/config/overlays/prod`).
     */
    readonly chain?: readonly string[];
    /**
     * For objects a build produced: the namespace written in the file, before `namespace:` or a
     * Flux `targetNamespace` replaced it; undefined when the file names none.
     */
    readonly writtenNamespace?: string;
    /**
     * For objects read from YAML: the comment block directly above the object in its file,
     * without the `#` markers; undefined when there is none. GitOps trees explain exceptions there.
     */
    readonly comment?: string;
}

/** A Flux Kustomization (`kustomize.toolkit.fluxcd.io`), by namespace and name. */
export interface FluxKustomizationRef {
    readonly namespace: string;
    readonly name: string;
}

/** The labels Flux's kustomize-controller puts on every object it applies. */
export const FLUX_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name";
export const FLUX_NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace";

/** Object metadata, as far as the rules read it. */
export interface ObjectMeta {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly creationTimestamp?: string;
}

/** A Kubernetes object, or a server-side-apply patch of one. */
export interface KubeObject {
    readonly category: "kubernetes";
    /** `v1`, `apps/v1`, `security.istio.io/v1`. */
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: ObjectMeta;
    /** The whole object (spec, data, webhooks, …), for rules that read more than metadata. */
    readonly body: Readonly<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly source: Source;
    /** True when this only patches an object someone else owns (server-side apply). */
    readonly patch: boolean;
    /**
     * Identifiers (URNs) of the resources this one waits for; undefined when the input has no
     * dependency edges (plain YAML).
     */
    readonly dependsOn?: readonly string[];
}

/** A Helm release with its chart and values. */
export interface HelmRelease {
    readonly category: "helm-release";
    readonly name: string;
    readonly namespace: string;
    /** Chart name, or a full `oci://…/<chart>` reference. */
    readonly chart: string;
    readonly version?: string;
    /** The https:// chart repository, when the chart is not an oci:// reference. */
    readonly repository?: string;
    readonly values: Readonly<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly source: Source;
    readonly dependsOn?: readonly string[];
}

/** A Keycloak OpenID Connect client. */
export interface OidcClient {
    readonly category: "oidc-client";
    readonly clientId: string;
    readonly realmId?: string;
    readonly accessType?: string;
    readonly standardFlowEnabled?: boolean;
    readonly implicitFlowEnabled?: boolean;
    readonly directAccessGrantsEnabled?: boolean;
    readonly validRedirectUris: readonly string[];
    readonly rootUrl?: string;
    readonly webOrigins: readonly string[];
    readonly source: Source;
}

/**
 * Something that makes pods the input does not show: a chart or manifest set rendered outside
 * the input (a Pulumi ConfigGroup, a remote kustomize base). Rules that look for a policy's
 * workloads count on it before calling a selector empty.
 */
export interface UnseenPodSource {
    /** What it is, for messages: `ConfigGroup bookinfo-manifests`, `remote base https://…`. */
    readonly description: string;
    /** Where its pods land; undefined when they may land in any namespace. */
    readonly namespace?: string;
    /** Names its pods' labels are likely to carry (a release's name and chart). */
    readonly names: readonly string[];
}

/** Anything a rule can report on. */
export type Subject = KubeObject | HelmRelease | OidcClient;

/** What an input can tell; rules that need more than an input has do not apply to it. */
export interface Capabilities {
    /** Helm releases and their values are part of the input (plain YAML has none). */
    readonly helmReleases: boolean;
    /** Dependency edges between resources are known (plain YAML has none). */
    readonly dependencies: boolean;
}

/** Everything a rule sees at once. */
export interface Inventory {
    readonly objects: readonly KubeObject[];
    readonly releases: readonly HelmRelease[];
    readonly oidcClients: readonly OidcClient[];
    readonly capabilities: Capabilities;
    /** Pod sources the objects do not show; none when the input shows every pod it makes. */
    readonly unseen?: readonly UnseenPodSource[];
}

/** The API group of an apiVersion: `""` for the core group. */
export function apiGroup(apiVersion: string): string {
    const slash = apiVersion.indexOf("/");
    return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), as istioctl names objects. */
export function describeSubject(subject: Subject): string {
    switch (subject.category) {
        case "kubernetes": {
            const { name, namespace } = subject.metadata;
            const kind = subject.patch ? `${subject.kind} patch` : subject.kind;
            return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
        }
        case "helm-release":
            return `Helm release ${subject.namespace}/${subject.name}`;
        case "oidc-client":
            return `Keycloak client ${subject.clientId}`;
    }
}

/**
 * The Flux Kustomizations that apply an object: where the repository layout puts it, or else
 * the labels Flux leaves on the objects it applied (a cluster export). Empty when neither says.
 */
export function fluxKustomizationsOf(object: KubeObject): readonly FluxKustomizationRef[] {
    if (object.source.fluxKustomizations) {
        return object.source.fluxKustomizations;
    }
    const name = object.metadata.labels?.[FLUX_NAME_LABEL];
    const namespace = object.metadata.labels?.[FLUX_NAMESPACE_LABEL];
    return name && namespace ? [{ namespace, name }] : [];
}
