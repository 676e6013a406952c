// Rules on what a policy's workload selector reaches: a policy that selects no workload, or only
// workloads outside the mesh, does nothing, however right its settings look. istioctl reports the
// same for AuthorizationPolicies (IST0127, pkg/config/analysis/analyzers/authz/
// authorizationpolicies.go) but only against a live cluster's pods; these rules judge what the
// input deploys, and say "may" where charts or operators make pods the input does not show.
import {
    describeSelector,
    describeSubject,
    Finding,
    finding,
    inventoryRule,
    ISTIO_SECURITY_GROUP,
    KubeObject,
    Labels,
    leavesMesh,
    matches,
    MeshIndex,
    namespaceOf,
    namesSource,
    PodSource,
    stringMap,
    Workload,
    workloadInMesh,
} from "../core";
import { catalogue } from "../catalogue";
import { listText } from "./common";

const PEER_AUTHENTICATION = "PeerAuthentication";
const AUTHORIZATION_POLICY = "AuthorizationPolicy";

/** The kinds that select workloads with `spec.selector.matchLabels`. */
const SELECTING_KINDS: readonly (readonly [string, string])[] = [
    [ISTIO_SECURITY_GROUP, PEER_AUTHENTICATION],
    [ISTIO_SECURITY_GROUP, AUTHORIZATION_POLICY],
    [ISTIO_SECURITY_GROUP, "RequestAuthentication"],
    ["telemetry.istio.io", "Telemetry"],
];

/** What a policy's selector reaches, as far as the input shows. */
type Reach =
    /** Selects workloads in the mesh (or that may be), or the input cannot judge. */
    | { readonly verdict: "fine" }
    /** Selects only workloads whose pods are outside the mesh. */
    | { readonly verdict: "outside"; readonly workloads: readonly Workload[] }
    /** Selects nothing in a namespace the input shows whole. */
    | { readonly verdict: "nothing" }
    /** Selects nothing the input shows, but unseen sources may make such pods. */
    | { readonly verdict: "unseen"; readonly sources: readonly PodSource[] }
    /** Selects nothing, and the input shows neither the namespace nor anything in it. */
    | { readonly verdict: "undeclared" };

interface Selecting {
    readonly policy: KubeObject;
    readonly namespace: string;
    /** The selector's labels; undefined for a namespace-wide policy. */
    readonly selector?: Labels;
    readonly reach: Reach;
}

/**
 * The policy's selector, or undefined when it has none or an empty one (the policy is then
 * namespace-wide: pilot/pkg/model/policyattachment.go matches an empty selector to every pod).
 */
function selectorOf(policy: KubeObject): Labels | undefined {
    const labels = stringMap(policy.body.spec?.selector?.matchLabels);
    return Object.keys(labels).length > 0 ? labels : undefined;
}

/** Whether the policy binds to Gateways, waypoints or Services instead of selecting pods. */
function hasTargets(policy: KubeObject): boolean {
    const spec = policy.body.spec ?? {};
    return spec.targetRef != null || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0);
}

/** The policies this module judges: selector policies, and namespace-wide authorization. */
function selectingPolicies(index: MeshIndex): Selecting[] {
    const root = index.rootNamespace;
    const judged: Selecting[] = [];
    for (const [group, kind] of SELECTING_KINDS) {
        for (const policy of index.ofKind(kind, [group])) {
            const namespace = namespaceOf(policy);
            const selector = selectorOf(policy);
            if (hasTargets(policy) && !selector) {
                continue;
            }
            // A PeerAuthentication with a selector in the root namespace is ignored (PMX006);
            // only AuthorizationPolicies apply namespace-wide with nothing to select but pods.
            if (!selector && (kind !== AUTHORIZATION_POLICY || namespace === root)) {
                continue;
            }
            if (selector && kind === PEER_AUTHENTICATION && namespace === root) {
                continue;
            }
            const everywhere = namespace === root;
            judged.push({
                policy,
                namespace,
                selector,
                reach: reachOf(index, namespace, selector, everywhere),
            });
        }
    }
    return judged;
}

/**
 * What the selector reaches in the namespace (in every namespace for an AuthorizationPolicy of
 * the root namespace, as ztunnel applies it: pilot/pkg/model/authorization.go).
 */
function reachOf(
    index: MeshIndex,
    namespace: string,
    selector: Labels | undefined,
    everywhere: boolean,
): Reach {
    const wanted = selector ?? {};
    const selected = everywhere
        ? index.workloads().filter((w) => matches(wanted, w.labels))
        : index.workloadsMatching(namespace, wanted);
    if (selected.length > 0) {
        const membership = selected.map((w) => workloadInMesh(w, index.namespace(w.namespace)));
        return membership.every((inMesh) => inMesh === false)
            ? { verdict: "outside", workloads: selected }
            : { verdict: "fine" };
    }
    const info = everywhere ? undefined : index.namespace(namespace);
    // A namespace the input only patches is someone else's: its pods are deployed elsewhere.
    if (info && info.owners.length === 0) {
        return { verdict: "fine" };
    }
    // A root-namespace selector reaches every namespace, so every source may make its pods, and
    // so may the owners of namespaces the input only labels.
    const sources = everywhere
        ? [
              ...index.allPodSources(),
              ...index
                  .allNamespaces()
                  .filter((ns) => ns.owners.length === 0)
                  .map((ns) => ({
                      description: `the pods of namespace ${ns.name}, which the input only labels`,
                      names: [],
                  })),
          ]
        : index.podSourcesIn(namespace);
    // A namespace-wide policy meets whatever pods the sources make.
    if (!selector ? sources.length > 0 : namesSource(selector, sources)) {
        return { verdict: "fine" };
    }
    if (sources.length > 0) {
        return { verdict: "unseen", sources };
    }
    if (everywhere || info || index.workloadsMatching(namespace, {}).length > 0) {
        return { verdict: "nothing" };
    }
    return { verdict: "undeclared" };
}

/** `workloads app=httpbin in namespace shop`, or `the workloads of namespace shop`. */
function selectionText(judged: Selecting, everywhere: boolean): string {
    const where = everywhere ? "in any namespace" : `in namespace ${judged.namespace}`;
    return judged.selector
        ? `workloads ${describeSelector(judged.selector)} ${where}`
        : `every workload ${where}`;
}

/** `a, b and 2 more`. */
function someOf(items: readonly string[], shown = 3): string {
    return items.length <= shown
        ? listText(items)
        : `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}

/** Why workloads are outside the mesh: they opt out, or their namespaces are not enrolled. */
function whyOutside(workloads: readonly Workload[]): string {
    const namespaces = [
        ...new Set(workloads.filter((w) => !leavesMesh(w)).map((w) => w.namespace)),
    ];
    return listText([
        ...(workloads.some(leavesMesh) ? ["pods opt out of ambient mode"] : []),
        ...(namespaces.length === 1
            ? [`namespace ${namespaces[0]} is not enrolled`]
            : namespaces.length > 1
              ? [`namespaces ${listText(namespaces)} are not enrolled`]
              : []),
    ]);
}

const PMX017 = catalogue.PMX017;
export const requireSelectedWorkloads = inventoryRule<Record<string, never>, Selecting>({
    entry: PMX017,
    config: {},
    inputs: {
        kinds: [...SELECTING_KINDS.map(([group, kind]) => `${group}/${kind}`), "core/Namespace"],
        workloads: true,
    },
    judges: {
        what: "PeerAuthentication, AuthorizationPolicy, RequestAuthentication or Telemetry",
        select: selectingPolicies,
    },
    check(judged, index) {
        return judged.flatMap((item): Finding[] => {
            const everywhere = item.namespace === index.rootNamespace;
            const policy = describeSubject(item.policy);
            switch (item.reach.verdict) {
                case "nothing":
                    return [
                        item.selector
                            ? finding(PMX017, item.policy, "nothing", {
                                  policy,
                                  selection: selectionText(item, everywhere),
                              })
                            : finding(PMX017, item.policy, "empty", {
                                  policy,
                                  namespace: item.namespace,
                              }),
                    ];
                case "outside":
                    return [
                        finding(PMX017, item.policy, "outside", {
                            policy,
                            workloads: someOf(
                                item.reach.workloads.map((w) => describeSubject(w.object)),
                            ),
                            why: whyOutside(item.reach.workloads),
                        }),
                    ];
                default:
                    return [];
            }
        });
    },
});

const PMX018 = catalogue.PMX018;
export const adviseUnseenWorkloads = inventoryRule<Record<string, never>, Selecting>({
    entry: PMX018,
    config: {},
    inputs: requireSelectedWorkloads.inputs,
    judges: requireSelectedWorkloads.judges,
    check(judged, index) {
        return judged.flatMap((item): Finding[] => {
            const everywhere = item.namespace === index.rootNamespace;
            const policy = describeSubject(item.policy);
            const selection = selectionText(item, everywhere);
            switch (item.reach.verdict) {
                case "unseen":
                    return [
                        finding(PMX018, item.policy, "unseen", {
                            policy,
                            selection,
                            sources: someOf(item.reach.sources.map((s) => s.description)),
                        }),
                    ];
                case "undeclared":
                    return [
                        finding(PMX018, item.policy, "undeclared", {
                            policy,
                            selection,
                            namespace: item.namespace,
                        }),
                    ];
                default:
                    return [];
            }
        });
    },
});

export const selectionRules = [requireSelectedWorkloads, adviseUnseenWorkloads];
