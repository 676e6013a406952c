// Input adapter: Pulumi resources (CrossGuard's resource and stack arguments, or a planned
// resource) to the core's model. Type tokens say what a resource is:
//   kubernetes:<group>/<version>:<Kind>   a Kubernetes object (core group as core/v1)
//   kubernetes:<group>/<version>:<Kind>Patch   a server-side-apply patch of one
//   kubernetes:helm.sh/v3:Release         a Helm release
//   keycloak:openid/client:Client         a Keycloak OpenID client
// Fields are read lazily, through getters: during `pulumi preview` an unknown value throws
// where a rule reads it, and only that rule degrades to advisory, as the engine intends.
import {
    Capabilities,
    HelmRelease,
    Inventory,
    KubeObject,
    OidcClient,
    Subject,
    UnseenPodSource,
} from "../../core";

/** What the adapter reads from a Pulumi resource. */
export interface PulumiResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Resources (or their URNs) this one waits for, when known. */
    readonly dependencies?: readonly ({ readonly urn: string } | string)[];
}

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const KEYCLOAK_CLIENT = "keycloak:openid/client:Client";

/** Kubernetes type tokens that are not objects in the cluster (components, releases). */
const NOT_OBJECTS = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

/**
 * Components that render manifests inside the provider (yaml/v2, helm.sh/v4, kustomize/v2): the
 * objects they make are not in the stack's resources, so their pods are unseen.
 */
const RENDERED_IN_PROVIDER =
    /^kubernetes:(yaml\/v2:Config(Group|File)|helm\.sh\/v4:Chart|kustomize\/v2:Directory)$/;

/** A component whose objects the provider renders, as a source of pods the plan does not show. */
export function toUnseenSource(resource: PulumiResource): UnseenPodSource | undefined {
    if (!RENDERED_IN_PROVIDER.test(resource.type)) {
        return undefined;
    }
    const kind = resource.type.slice(resource.type.lastIndexOf(":") + 1);
    const { props } = resource;
    // Read when a rule asks, as the other fields: during a preview they may be unknown.
    return {
        description: `${kind} ${resource.name}`,
        // A v4 Chart says its namespace; ConfigGroups and Directories take theirs from the
        // files or the provider, which the resource does not show.
        get namespace() {
            return typeof props.namespace === "string" ? props.namespace : undefined;
        },
        get names() {
            return [resource.name, props.name, props.chart].filter(
                (name): name is string => typeof name === "string",
            );
        },
    };
}

/** `v1` for `core/v1`, `apps/v1` for `apps/v1`. */
function apiVersionOf(token: string): string {
    return token.startsWith("core/") ? token.slice("core/".length) : token;
}

function dependencyUrns(resource: PulumiResource): string[] | undefined {
    return resource.dependencies?.map((d) => (typeof d === "string" ? d : d.urn));
}

/** The model of one Pulumi resource, or undefined when the core has nothing to say about it. */
export function toSubject(resource: PulumiResource): Subject | undefined {
    const { type, props, urn } = resource;
    const dependsOn = dependencyUrns(resource);
    if (type === HELM_RELEASE) {
        const release: HelmRelease = {
            category: "helm-release",
            get name() {
                return props.name ?? resource.name;
            },
            get namespace() {
                return props.namespace ?? "default";
            },
            get chart() {
                return props.chart ?? "";
            },
            get version() {
                return props.version;
            },
            get repository() {
                return props.repositoryOpts?.repo;
            },
            get values() {
                return props.values ?? {};
            },
            source: { urn },
            dependsOn,
        };
        return release;
    }
    if (type === KEYCLOAK_CLIENT) {
        const client: OidcClient = {
            category: "oidc-client",
            get clientId() {
                return props.clientId ?? resource.name;
            },
            get realmId() {
                return props.realmId;
            },
            get accessType() {
                return props.accessType;
            },
            get standardFlowEnabled() {
                return props.standardFlowEnabled;
            },
            get implicitFlowEnabled() {
                return props.implicitFlowEnabled;
            },
            get directAccessGrantsEnabled() {
                return props.directAccessGrantsEnabled;
            },
            get validRedirectUris() {
                return props.validRedirectUris ?? [];
            },
            get rootUrl() {
                return props.rootUrl;
            },
            get webOrigins() {
                return props.webOrigins ?? [];
            },
            source: { urn },
        };
        return client;
    }
    const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (!match || NOT_OBJECTS.test(type)) {
        return undefined;
    }
    const [, token, typeKind] = match;
    const patch = typeKind.endsWith("Patch");
    const object: KubeObject = {
        category: "kubernetes",
        apiVersion: apiVersionOf(token),
        kind: patch ? typeKind.slice(0, -"Patch".length) : typeKind,
        get metadata() {
            return props.metadata ?? {};
        },
        body: props,
        source: { urn },
        patch,
        dependsOn,
    };
    return object;
}

/** The model of a whole stack. */
export function toInventory(
    resources: readonly PulumiResource[],
    capabilities: Capabilities = { helmReleases: true, dependencies: true },
): Inventory {
    const objects: KubeObject[] = [];
    const releases: HelmRelease[] = [];
    const oidcClients: OidcClient[] = [];
    const unseen: UnseenPodSource[] = [];
    for (const resource of resources) {
        const source = toUnseenSource(resource);
        if (source) {
            unseen.push(source);
            continue;
        }
        const subject = toSubject(resource);
        switch (subject?.category) {
            case "kubernetes":
                objects.push(subject);
                break;
            case "helm-release":
                releases.push(subject);
                break;
            case "oidc-client":
                oidcClients.push(subject);
                break;
        }
    }
    return { objects, releases, oidcClients, capabilities, unseen };
}
