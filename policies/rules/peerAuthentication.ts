// Rules on single PeerAuthentications: modes, port-level settings, selectors and reasons.
import {
    DEFAULT_ROOT_NAMESPACE,
    describePolicy,
    describeSelector,
    Finding,
    finding,
    inventoryRule,
    KubeObject,
    MODES,
    namespaceOf,
    NoConfig,
    PeerAuthn,
    readPeerAuthentication,
    Subject,
    subjectRule,
    SubjectRule,
} from "../core";
import { catalogue } from "../catalogue";
import {
    annotation,
    isObjectOf,
    listText,
    permissiveNamespacesProperty,
    portsText,
    reasonAnnotationProperty,
} from "./common";

const PEER_AUTHENTICATION = "security.istio.io/PeerAuthentication";

function isPeerAuthenticationObject(subject: Subject): subject is KubeObject {
    return isObjectOf(subject, "security.istio.io", "PeerAuthentication");
}

/** A rule over single PeerAuthentication objects, each read as written. */
function peerAuthenticationRule<Config = NoConfig>(
    rule: Omit<Parameters<typeof subjectRule<Config>>[0], "check" | "judges" | "inputs"> & {
        check(policy: PeerAuthn, config: Config): Finding[];
    },
): SubjectRule<Config> {
    return subjectRule<Config>({
        ...rule,
        inputs: { kinds: [PEER_AUTHENTICATION] },
        judges: { what: "PeerAuthentication", test: isPeerAuthenticationObject },
        check(subject, config) {
            const object = subject as KubeObject;
            // Where Istio's root namespace is matters little to these rules (messages aside):
            // the stack rules peerauthentication-disallow-root-selector and -advise-empty-selector
            // judge root-namespace policies with the root istiod's values give.
            const policy = readPeerAuthentication(
                object,
                namespaceOf(object),
                DEFAULT_ROOT_NAMESPACE,
            );
            return rule.check(policy, config);
        },
    });
}

/** Ports (as written) whose mode is the given one. */
function portsWithMode(policy: PeerAuthn, mode: string): string[] {
    return (policy.ports ?? []).filter((p) => p.mode === mode).map((p) => p.key);
}

/**
 * The pods a policy applies to, for messages. These rules judge one policy at a time, so the root
 * namespace is Istio's default here: a mesh-wide policy elsewhere reads as its namespace's.
 */
function scopeText(policy: PeerAuthn): string {
    switch (policy.scope) {
        case "mesh":
            return "the mesh's workloads";
        case "namespace":
            return `the workloads of namespace ${policy.namespace}`;
        case "workload":
            return `workloads ${describeSelector(policy.selector)}`;
        case "ignored-root-selector":
            return `the root namespace's workloads ${describeSelector(policy.selector)}`;
    }
}

const PMX001 = catalogue.PMX001;
export const disallowDisable = peerAuthenticationRule({
    entry: PMX001,
    config: {},
    check(policy) {
        const findings = [];
        if (policy.mode === "DISABLE") {
            findings.push(
                finding(PMX001, policy.object, "mode", {
                    policy: describePolicy(policy),
                    what: scopeText(policy),
                }),
            );
        }
        const ports = portsWithMode(policy, "DISABLE");
        if (ports.length > 0) {
            findings.push(
                finding(PMX001, policy.object, "ports", {
                    policy: describePolicy(policy),
                    ports: portsText(ports),
                }),
            );
        }
        return findings;
    },
});

interface PermissiveConfig {
    permissiveNamespaces: string[];
}

const PMX002 = catalogue.PMX002;
export const restrictPermissive = peerAuthenticationRule<PermissiveConfig>({
    entry: PMX002,
    config: {
        permissiveNamespaces: permissiveNamespacesProperty,
    },
    check(policy, config) {
        if (
            policy.mode !== "PERMISSIVE" ||
            config.permissiveNamespaces.includes(policy.namespace)
        ) {
            return [];
        }
        return [
            finding(PMX002, policy.object, "permissive", {
                policy: describePolicy(policy),
                what:
                    policy.scope === "workload"
                        ? "every port of the selected workloads"
                        : "the whole namespace",
                namespace: policy.namespace,
                allowed: listText(config.permissiveNamespaces) || "none",
            }),
        ];
    },
});

const PMX003 = catalogue.PMX003;
export const requireValidMtls = peerAuthenticationRule({
    entry: PMX003,
    config: {},
    check(policy) {
        const name = describePolicy(policy);
        const findings = [];
        if (!MODES.includes(policy.mode)) {
            findings.push(
                finding(PMX003, policy.object, "mode", {
                    policy: name,
                    mode: JSON.stringify(policy.mode),
                }),
            );
        }
        // The CRD schema holds selector values to Kubernetes' 63 characters (manifests/charts/
        // base/files/crd-all.gen.yaml); ValidatePeerAuthentication's other checks are PMX003's
        // port checks below and PMX004's selector checks.
        for (const [key, value] of Object.entries(policy.selector)) {
            if (value.length > 63) {
                findings.push(
                    finding(PMX003, policy.object, "labelValue", {
                        policy: name,
                        label: JSON.stringify(key),
                        length: value.length,
                    }),
                );
            }
        }
        if (policy.ports === undefined) {
            return findings;
        }
        if (Object.keys(policy.selector).length === 0) {
            findings.push(finding(PMX003, policy.object, "noSelector", { policy: name }));
        }
        if (policy.ports.length === 0) {
            findings.push(finding(PMX003, policy.object, "noPorts", { policy: name }));
        }
        for (const setting of policy.ports) {
            if (setting.port === undefined || setting.port < 1 || setting.port > 65535) {
                findings.push(
                    finding(PMX003, policy.object, "port", {
                        policy: name,
                        port: JSON.stringify(setting.key),
                    }),
                );
            }
            if (!MODES.includes(setting.mode)) {
                findings.push(
                    finding(PMX003, policy.object, "portMode", {
                        policy: name,
                        port: setting.key,
                        mode: JSON.stringify(setting.mode),
                    }),
                );
            }
        }
        return findings;
    },
});

const PMX004 = catalogue.PMX004;
export const requireSelectorLabels = peerAuthenticationRule({
    entry: PMX004,
    config: {},
    check(policy) {
        if (!policy.hasSelector) {
            return [];
        }
        const name = describePolicy(policy);
        return Object.entries(policy.selector)
            .filter(([key, value]) => key.trim() === "" || key.includes("*") || value.includes("*"))
            .map(([key, value]) =>
                finding(PMX004, policy.object, "wildcard", {
                    policy: name,
                    key: JSON.stringify(key),
                    value: JSON.stringify(value),
                }),
            );
    },
});

interface ReasonConfig {
    reasonAnnotation: string;
}

const PMX005 = catalogue.PMX005;
export const requireExceptionReason = peerAuthenticationRule<ReasonConfig>({
    entry: PMX005,
    config: { reasonAnnotation: reasonAnnotationProperty },
    check(policy, config) {
        // GitOps trees explain exceptions in a comment above the policy: a reason too.
        if (annotation(policy.object, config.reasonAnnotation) || policy.object.source.comment) {
            return [];
        }
        const ports = portsWithMode(policy, "PERMISSIVE");
        const what = [
            ...(policy.mode === "PERMISSIVE"
                ? [
                      policy.scope === "workload"
                          ? `workloads ${describeSelector(policy.selector)}`
                          : `namespace ${policy.namespace}`,
                  ]
                : []),
            ...(ports.length > 0 ? [portsText(ports)] : []),
        ];
        if (what.length === 0) {
            return [];
        }
        return [
            finding(PMX005, policy.object, "reason", {
                policy: describePolicy(policy),
                what: listText(what),
                annotation: config.reasonAnnotation,
            }),
        ];
    },
});

const PMX006 = catalogue.PMX006;
export const disallowRootSelector = inventoryRule({
    entry: PMX006,
    config: {},
    // A stack rule: where the root namespace is, istiod's values say.
    inputs: { kinds: [PEER_AUTHENTICATION] },
    judges: { what: "PeerAuthentication", select: (index) => index.mtls().policies },
    check(policies, index) {
        return policies
            .filter((policy) => policy.scope === "ignored-root-selector")
            .map((policy) =>
                Object.keys(policy.selector).length === 0
                    ? finding(PMX006, policy.object, "emptyRootSelector", {
                          policy: describePolicy(policy),
                          root: index.rootNamespace,
                      })
                    : finding(PMX006, policy.object, "rootSelector", {
                          policy: describePolicy(policy),
                          selector: describeSelector(policy.selector),
                          root: index.rootNamespace,
                      }),
            );
    },
});

const PMX007 = catalogue.PMX007;
export const adviseEmptySelector = inventoryRule({
    entry: PMX007,
    config: {},
    // A stack rule, as PMX006: the root namespace, where the rule does not judge, is istiod's.
    inputs: { kinds: [PEER_AUTHENTICATION] },
    judges: { what: "PeerAuthentication", select: (index) => index.mtls().policies },
    check(policies, index) {
        // An empty matchLabels is namespace-wide (pilot/pkg/model/policyattachment.go matches it to
        // every workload); with portLevelMtls it is PMX003's fault, which Istio rejects.
        return policies
            .filter(
                (policy) =>
                    policy.hasSelector &&
                    Object.keys(policy.selector).length === 0 &&
                    policy.namespace !== index.rootNamespace &&
                    policy.ports === undefined,
            )
            .map((policy) =>
                finding(PMX007, policy.object, "empty", {
                    policy: describePolicy(policy),
                    namespace: policy.namespace,
                }),
            );
    },
});

export const peerAuthenticationRules = [
    disallowDisable,
    restrictPermissive,
    requireValidMtls,
    requireSelectorLabels,
    requireExceptionReason,
    disallowRootSelector,
    adviseEmptySelector,
];
