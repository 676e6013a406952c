// Rules on policies that attach to nothing in an ambient mesh: Sidecar resources where no pod has
// a sidecar (istioctl IST0167, pkg/config/analysis/analyzers/sidecar/selector.go), and workload
// selectors that reach waypoints, which take only policies bound with targetRefs (IST0166,
// k8sgateway/workloadselector.go; istiod: pilot/pkg/model/policyattachment.go ShouldAttachPolicy).
import {
    AMBIENT,
    DATAPLANE_MODE_LABEL,
    describeSubject,
    finding,
    inventoryRule,
    isRecord,
    ISTIO_SECURITY_GROUP,
    KubeObject,
    Labels,
    leavesMesh,
    matches,
    MeshIndex,
    namespaceOf,
    REDIRECTION_ANNOTATION,
    SIDECAR_INJECT,
    stringMap,
    WAYPOINT_CLASS,
    Workload,
} from "../core";
import { catalogue } from "../catalogue";
import { listText } from "./common";

const INJECTION_LABEL = "istio-injection";
const REVISION_LABEL = "istio.io/rev";
/** The annotation the injector writes on the pods it gives a sidecar. */
const SIDECAR_STATUS = "sidecar.istio.io/status";

/** `a, b, c and 2 more`. */
function someOf(items: readonly string[], shown = 3): string {
    return items.length <= shown
        ? listText(items)
        : `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}

/**
 * Whether istioctl counts the namespace as ambient (analyzers/util/in_mesh.go
 * NamespaceInAmbientMode): enrolled, and not also labelled for sidecar injection.
 */
function namespaceInAmbientMode(labels: Labels): boolean {
    return (
        labels[DATAPLANE_MODE_LABEL] === AMBIENT &&
        labels[INJECTION_LABEL] !== "enabled" &&
        (labels[REVISION_LABEL] ?? "") === ""
    );
}

/**
 * Whether the injector gives the workload's pods a sidecar: the webhook's selectors take pods
 * labelled sidecar.istio.io/inject=true or istio.io/rev, and every pod of a namespace labelled
 * istio-injection=enabled or istio.io/rev unless the pod says inject=false. istio-cni then leaves
 * them out of ambient mode (cni/pkg/util/podutil.go podHasSidecar).
 */
function hasSidecar(workload: Workload, namespace: Labels): boolean {
    const inject = workload.labels[SIDECAR_INJECT];
    if (workload.annotations[SIDECAR_STATUS] !== undefined) {
        return true;
    }
    if (inject === "false" || namespace[INJECTION_LABEL] === "disabled") {
        return false;
    }
    return (
        inject === "true" ||
        (workload.labels[REVISION_LABEL] ?? "") !== "" ||
        namespace[INJECTION_LABEL] === "enabled" ||
        (namespace[REVISION_LABEL] ?? "") !== ""
    );
}

/** Whether istio-cni enrolls the workload's pods in ambient mode (and they have no sidecar). */
function runsInAmbient(workload: Workload, namespace: Labels): boolean {
    if (leavesMesh(workload) || hasSidecar(workload, namespace)) {
        return false;
    }
    return (
        workload.labels[DATAPLANE_MODE_LABEL] === AMBIENT ||
        workload.annotations[REDIRECTION_ANNOTATION] === "enabled" ||
        namespace[DATAPLANE_MODE_LABEL] === AMBIENT
    );
}

function namespaceLabels(index: MeshIndex, namespace: string): Labels {
    return index.namespace(namespace)?.labels ?? {};
}

const PMX073 = catalogue.PMX073;
export const disallowSidecarInAmbient = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX073,
    config: {},
    inputs: { kinds: ["networking.istio.io/Sidecar", "core/Namespace"], workloads: true },
    judges: {
        what: "Sidecar resource",
        select: (index) => index.ofKind("Sidecar", ["networking.istio.io"]),
    },
    check(sidecars, index) {
        return sidecars.flatMap((sidecar) => {
            const namespace = namespaceOf(sidecar);
            const labels = namespaceLabels(index, namespace);
            const workloadSelector: unknown = sidecar.body.spec?.workloadSelector;
            const selector = stringMap(
                isRecord(workloadSelector) ? workloadSelector.labels : undefined,
            );
            const name = describeSubject(sidecar);
            if (Object.keys(selector).length === 0) {
                // A Sidecar without selector labels applies to the sidecars of its namespace, and
                // the root namespace's to those of every namespace without its own
                // (pilot/pkg/model/push_context.go getSidecarScope). istioctl reports it when the
                // namespace is ambient; istiod still applies it to any pod there that has a
                // sidecar, so such a pod keeps it.
                const reach =
                    namespace === index.rootNamespace
                        ? index.workloads()
                        : index.workloadsMatching(namespace, {});
                const withSidecar = reach.some((w) =>
                    hasSidecar(w, namespaceLabels(index, w.namespace)),
                );
                return namespaceInAmbientMode(labels) && !withSidecar
                    ? [finding(PMX073, sidecar, "namespace", { sidecar: name, namespace })]
                    : [];
            }
            // istioctl reports a Sidecar that selects any ambient pod; istiod gives ztunnel and
            // waypoints no Sidecar scope (Router and Waypoint proxies take the default).
            const ambient = index
                .workloadsMatching(namespace, selector)
                .filter((w) => runsInAmbient(w, labels));
            return ambient.length === 0
                ? []
                : [
                      finding(PMX073, sidecar, "workloads", {
                          sidecar: name,
                          workloads: someOf(ambient.map((w) => describeSubject(w.object))),
                      }),
                  ];
        });
    },
});

const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
const GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name";
const GATEWAY_GROUP = "gateway.networking.k8s.io";

/** The kinds whose workload selector istiod matches through ShouldAttachPolicy. */
const SELECTOR_POLICIES: readonly (readonly [string, string])[] = [
    [ISTIO_SECURITY_GROUP, "AuthorizationPolicy"],
    [ISTIO_SECURITY_GROUP, "RequestAuthentication"],
    ["telemetry.istio.io", "Telemetry"],
    ["extensions.istio.io", "WasmPlugin"],
];

interface SelectorPolicy {
    readonly policy: KubeObject;
    readonly namespace: string;
    readonly selector: Labels;
}

/**
 * Policies that select workloads by labels and name no targetRefs. istioctl skips only those
 * with the singular targetRef; istiod ignores the selector whenever targetRef or targetRefs is
 * set (policyattachment.go GetTargetRefs). An empty selector is left out: istiod then applies
 * the policy namespace-wide like one without a selector (a Telemetry through telemetry.go
 * namespaceWideTelemetryConfig, which waypoints take too), and istioctl reports neither.
 */
function selectorPolicies(index: MeshIndex): SelectorPolicy[] {
    return SELECTOR_POLICIES.flatMap(([group, kind]) =>
        index.ofKind(kind, [group]).flatMap((policy) => {
            const spec: unknown = policy.body.spec;
            if (!isRecord(spec)) {
                return [];
            }
            const targeted =
                (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) ||
                spec.targetRef != null;
            const selector = stringMap(isRecord(spec.selector) ? spec.selector.matchLabels : {});
            return targeted || Object.keys(selector).length === 0
                ? []
                : [{ policy, namespace: namespaceOf(policy), selector }];
        }),
    );
}

/**
 * The labels of the pods istiod deploys for a waypoint Gateway, after its waypoint template
 * (manifests/charts/istio-control/istio-discovery/files/waypoint.yaml) and the labels the
 * deployment controller passes it (pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go:
 * spec.infrastructure.labels, else the Gateway's own labels).
 */
function waypointPodLabels(gateway: KubeObject): Labels {
    const name = gateway.metadata.name ?? "";
    const deployment = gateway.metadata.annotations?.["gateway.istio.io/name-override"] ?? name;
    const infrastructure: unknown = gateway.body.spec?.infrastructure;
    const infraLabels =
        isRecord(infrastructure) && isRecord(infrastructure.labels)
            ? Object.fromEntries(
                  Object.entries(stringMap(infrastructure.labels)).filter(
                      ([key]) => !key.startsWith(`${GATEWAY_GROUP}/`),
                  ),
              )
            : stringMap(gateway.metadata.labels);
    return {
        [SIDECAR_INJECT]: "false",
        [DATAPLANE_MODE_LABEL]: "none",
        "service.istio.io/canonical-name": deployment,
        "service.istio.io/canonical-revision": "latest",
        ...infraLabels,
        [GATEWAY_NAME_LABEL]: name,
        [GATEWAY_CLASS_LABEL]: WAYPOINT_CLASS,
        "gateway.istio.io/managed": "istio.io-mesh-controller",
    };
}

/** The waypoints' pods by namespace, as `Gateway namespace/name` and the label sets they carry. */
function waypointPods(index: MeshIndex): Map<string, Map<string, Labels[]>> {
    const pods = new Map<string, Map<string, Labels[]>>();
    const add = (namespace: string, name: string, labels: Labels) => {
        const inNamespace = pods.get(namespace) ?? new Map<string, Labels[]>();
        pods.set(namespace, inNamespace);
        inNamespace.set(name, [...(inNamespace.get(name) ?? []), labels]);
    };
    const classes = new Map<string, unknown>();
    for (const gateway of index.ofKind("Gateway", [GATEWAY_GROUP])) {
        const namespace = namespaceOf(gateway);
        const name = gateway.metadata.name ?? "";
        classes.set(`${namespace}/${name}`, gateway.body.spec?.gatewayClassName);
        if (gateway.body.spec?.gatewayClassName === WAYPOINT_CLASS) {
            add(namespace, name, waypointPodLabels(gateway));
        }
    }
    // Pod templates that carry a waypoint's gateway-name label (rendered waypoint Deployments).
    for (const workload of index.workloads()) {
        const name = workload.labels[GATEWAY_NAME_LABEL];
        if (name === undefined) {
            continue;
        }
        const gatewayClass =
            workload.labels[GATEWAY_CLASS_LABEL] ?? classes.get(`${workload.namespace}/${name}`);
        if (gatewayClass === WAYPOINT_CLASS) {
            add(workload.namespace, name, workload.labels);
        }
    }
    return pods;
}

const PMX074 = catalogue.PMX074;
export const disallowWaypointSelector = inventoryRule<Record<string, never>, SelectorPolicy>({
    entry: PMX074,
    config: {},
    inputs: {
        kinds: [
            ...SELECTOR_POLICIES.map(([group, kind]) => `${group}/${kind}`),
            `${GATEWAY_GROUP}/Gateway`,
        ],
        workloads: true,
    },
    judges: {
        what: "AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin with a workload selector",
        select: selectorPolicies,
    },
    check(policies, index) {
        // Waypoints never take selector policies (ShouldAttachPolicy: "waypoints never use
        // selector"). Other Gateway API gateways do while ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY
        // keeps its default, true (pilot/pkg/features/pilot.go), though istioctl reports them too.
        const pods = waypointPods(index);
        return policies.flatMap((item) => {
            const waypoints = [...(pods.get(item.namespace) ?? [])]
                .filter(([, labelSets]) =>
                    labelSets.some((labels) => matches(item.selector, labels)),
                )
                .map(([name]) => name);
            return waypoints.length === 0
                ? []
                : [
                      finding(PMX074, item.policy, "waypoint", {
                          policy: describeSubject(item.policy),
                          waypoints: `${waypoints.length > 1 ? "waypoints" : "waypoint"} ${listText(
                              waypoints.map((name) => `${item.namespace}/${name}`),
                          )}`,
                      }),
                  ];
        });
    },
});

export const attachmentRules = [disallowSidecarInAmbient, disallowWaypointSelector];
