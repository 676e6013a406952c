// Rules on single PeerAuthentications: modes, port-level settings, selectors and reasons.
import {
    describePolicy,
    describeSelector,
    Finding,
    KubeObject,
    MODES,
    namespaceOf,
    NoConfig,
    PeerAuthn,
    readPeerAuthentication,
    Subject,
    SubjectRule,
} from "../core";
import {
    annotation,
    isObjectOf,
    listText,
    permissiveNamespacesProperty,
    portsText,
    reasonAnnotationProperty,
    reporter,
    RootConfig,
    rootNamespaceProperty,
} from "./common";

type PeerAuthenticationCheck<Config> = Omit<
    SubjectRule<Config>,
    "scope" | "appliesTo" | "check"
> & {
    /** Judges the policy, read with the configured root namespace (or istio-system). */
    check(policy: PeerAuthn, config: Config): Finding[];
};

/** A rule over single PeerAuthentication objects. */
function peerAuthenticationRule<Config = NoConfig>(
    rule: PeerAuthenticationCheck<Config>,
): SubjectRule<Config> {
    return {
        ...rule,
        scope: "subject",
        appliesTo: (subject: Subject) =>
            isObjectOf(subject, "security.istio.io", "PeerAuthentication"),
        check(subject, config) {
            const object = subject as KubeObject;
            const root = (config as Partial<RootConfig>).rootNamespace ?? "istio-system";
            return rule.check(readPeerAuthentication(object, namespaceOf(object), root), config);
        },
    };
}

/** Ports (as written) whose mode is the given one. */
function portsWithMode(policy: PeerAuthn, mode: string): string[] {
    return (policy.ports ?? []).filter((p) => p.mode === mode).map((p) => p.key);
}

const disableReport = reporter("PMX001");
export const disallowDisable = peerAuthenticationRule({
    code: "PMX001",
    name: "peerauthentication-disallow-disable",
    description:
        "Checks that no PeerAuthentication uses mode DISABLE, which ambient mode ignores; use STRICT, or a workload-selected PERMISSIVE port exception with a reason.",
    enforcementLevel: "mandatory",
    config: {},
    check(policy) {
        const findings = [];
        if (policy.mode === "DISABLE") {
            findings.push(
                disableReport(
                    policy.object,
                    `${describePolicy(policy)} sets mtls.mode DISABLE: ztunnel ignores the policy, so the workloads keep their inherited mode; set STRICT, or open single ports with a workload-selected PERMISSIVE exception.`,
                ),
            );
        }
        const ports = portsWithMode(policy, "DISABLE");
        if (ports.length > 0) {
            findings.push(
                disableReport(
                    policy.object,
                    `${describePolicy(policy)} sets ${portsText(ports)} to DISABLE, which ambient mode treats as PERMISSIVE; write PERMISSIVE and give the reason.`,
                ),
            );
        }
        return findings;
    },
});

interface PermissiveConfig {
    permissiveNamespaces: string[];
}

const permissiveReport = reporter("PMX002");
export const restrictPermissive = peerAuthenticationRule<PermissiveConfig>({
    code: "PMX002",
    name: "peerauthentication-restrict-permissive",
    description:
        "Checks that a PeerAuthentication sets mtls.mode PERMISSIVE only in allow-listed namespaces; elsewhere keep STRICT and open only the ports outside clients call, with a workload-selected portLevelMtls exception.",
    enforcementLevel: "mandatory",
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
        const what =
            policy.scope === "workload"
                ? "every port of the selected workloads"
                : "the whole namespace";
        return [
            permissiveReport(
                policy.object,
                `${describePolicy(policy)} makes ${what} PERMISSIVE, but ${policy.namespace} is not allow-listed for PERMISSIVE (${listText(config.permissiveNamespaces) || "none"}); keep it STRICT and list only the ports outside clients call under portLevelMtls of a workload-selected policy.`,
            ),
        ];
    },
});

const validReport = reporter("PMX003");
export const requireValidMtls = peerAuthenticationRule({
    code: "PMX003",
    name: "peerauthentication-require-valid-mtls",
    description:
        "Checks that mtls modes are valid and that portLevelMtls has a workload selector, at least one entry and port numbers from 1 to 65535, as Istio's validation demands; fix the field named in the message.",
    enforcementLevel: "mandatory",
    config: {},
    check(policy) {
        const name = describePolicy(policy);
        const findings = [];
        if (!MODES.includes(policy.mode)) {
            findings.push(
                validReport(
                    policy.object,
                    `${name} sets mtls.mode ${JSON.stringify(policy.mode)}; use one of STRICT, PERMISSIVE or UNSET.`,
                ),
            );
        }
        if (policy.ports === undefined) {
            return findings;
        }
        if (Object.keys(policy.selector).length === 0) {
            findings.push(
                validReport(
                    policy.object,
                    `${name} has portLevelMtls without a workload selector, which Istio rejects; move the ports into a policy whose selector.matchLabels names the workload.`,
                ),
            );
        }
        if (policy.ports.length === 0) {
            findings.push(
                validReport(
                    policy.object,
                    `${name} has an empty portLevelMtls; list at least one port or remove the field.`,
                ),
            );
        }
        for (const setting of policy.ports) {
            if (setting.port === undefined || setting.port < 1 || setting.port > 65535) {
                findings.push(
                    validReport(
                        policy.object,
                        `${name} lists port ${JSON.stringify(setting.key)} under portLevelMtls; use a workload port number from 1 to 65535.`,
                    ),
                );
            }
            if (!MODES.includes(setting.mode)) {
                findings.push(
                    validReport(
                        policy.object,
                        `${name} sets port ${setting.key} to ${JSON.stringify(setting.mode)}; use one of STRICT, PERMISSIVE or UNSET.`,
                    ),
                );
            }
        }
        return findings;
    },
});

const selectorReport = reporter("PMX004");
export const requireSelectorLabels = peerAuthenticationRule({
    code: "PMX004",
    name: "peerauthentication-require-selector-labels",
    description:
        "Checks that a PeerAuthentication selector names at least one label, without wildcards or empty keys, since an empty selector silently widens the policy to the whole namespace; remove the selector for a namespace-wide policy or add the workload's labels.",
    enforcementLevel: "mandatory",
    config: {},
    check(policy) {
        if (!policy.hasSelector) {
            return [];
        }
        const name = describePolicy(policy);
        const labels = Object.entries(policy.selector);
        if (labels.length === 0) {
            return [
                selectorReport(
                    policy.object,
                    `${name} has a selector without labels, so it applies to the whole namespace; remove the selector for a namespace-wide policy, or add the workload's labels.`,
                ),
            ];
        }
        return labels
            .filter(([key, value]) => key.trim() === "" || key.includes("*") || value.includes("*"))
            .map(([key, value]) =>
                selectorReport(
                    policy.object,
                    `${name} selects ${JSON.stringify(key)}=${JSON.stringify(value)}; Istio allows no wildcard or empty key in a selector, so name the workload's exact labels.`,
                ),
            );
    },
});

interface ReasonConfig {
    reasonAnnotation: string;
}

const reasonReport = reporter("PMX005");
export const requireExceptionReason = peerAuthenticationRule<ReasonConfig>({
    code: "PMX005",
    name: "peerauthentication-require-exception-reason",
    description:
        "Checks that every PeerAuthentication that makes a namespace, workload or port PERMISSIVE says why in its reason annotation; add the annotation naming the client outside the mesh that needs it.",
    enforcementLevel: "mandatory",
    config: { reasonAnnotation: reasonAnnotationProperty },
    check(policy, config) {
        if (annotation(policy.object, config.reasonAnnotation)) {
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
            reasonReport(
                policy.object,
                `${describePolicy(policy)} makes ${listText(what)} PERMISSIVE without a reason; add the annotation ${config.reasonAnnotation} naming the client outside the mesh that needs it.`,
            ),
        ];
    },
});

const rootReport = reporter("PMX006");
export const disallowRootSelector = peerAuthenticationRule<RootConfig>({
    code: "PMX006",
    name: "peerauthentication-disallow-root-selector",
    description:
        "Checks that no PeerAuthentication with a workload selector sits in Istio's root namespace, where Istio ignores it; move it to the namespace of the workloads it selects.",
    enforcementLevel: "mandatory",
    config: { rootNamespace: rootNamespaceProperty },
    check(policy, config) {
        if (policy.scope !== "ignored-root-selector") {
            return [];
        }
        return [
            rootReport(
                policy.object,
                `${describePolicy(policy)} selects ${describeSelector(policy.selector)} in the root namespace ${config.rootNamespace}, where Istio ignores workload selectors; move it to the namespace of the workloads it selects.`,
            ),
        ];
    },
});

export const peerAuthenticationRules = [
    disallowDisable,
    restrictPermissive,
    requireValidMtls,
    requireSelectorLabels,
    requireExceptionReason,
    disallowRootSelector,
];
