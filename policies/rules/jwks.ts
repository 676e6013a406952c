// A rule on where istiod fetches JWKS from, after istioctl's IST0175 JwksUriFetchUnrestricted
// (pkg/config/analysis/analyzers/authn/blockedcidrs.go): every RequestAuthentication makes istiod
// fetch its issuers' keys, from whatever address the jwksUri resolves to, internal ones included,
// unless BLOCKED_CIDRS_IN_JWKS_URIS names ranges it refuses (pilot/pkg/model/jwks_resolver.go
// blockedCIDRDialContext). istioctl reads the env of Deployments labelled app=istiod; istiod
// also comes as a Helm release of the istiod chart, whose pilot.env (or env) becomes that env.
import {
    describeSubject,
    Finding,
    finding,
    HelmRelease,
    inventoryRule,
    isRecord,
    ISTIO_SECURITY_GROUP,
    KubeObject,
    MeshIndex,
    mergeValues,
    namespaceOf,
    valueAt,
} from "../core";
import { catalogue } from "../catalogue";
import { isCidr } from "./annotations";

const BLOCKED_CIDRS = "BLOCKED_CIDRS_IN_JWKS_URIS";

/** What istiod's env makes of the variable. */
type Setting =
    | { readonly state: "blocks" }
    | { readonly state: "unset" }
    | { readonly state: "blocksNothing"; readonly value: string };

/**
 * A value as istiod reads it (pilot/pkg/features/pilot.go BlockedCIDRsInJWKURIs): entries are
 * trimmed, and empty or unparsable ones skipped, so a value with no valid CIDR blocks nothing.
 * istioctl takes any non-empty value; this follows istiod.
 */
function settingOf(value: unknown): Setting {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || text === "") {
        return { state: "unset" };
    }
    const blocks = text
        .split(",")
        .map((cidr) => cidr.trim())
        .some((cidr) => cidr !== "" && isCidr(cidr));
    return blocks ? { state: "blocks" } : { state: "blocksNothing", value: text };
}

/** The best of several containers' settings: istioctl is content with any container's. */
function bestOf(settings: readonly Setting[]): Setting {
    return (
        settings.find((s) => s.state === "blocks") ??
        settings.find((s) => s.state === "blocksNothing") ?? { state: "unset" }
    );
}

/**
 * A Deployment's setting. The last env entry of a name wins, as the kubelet applies them; one
 * that takes its value from a ConfigMap or Secret counts as set (istioctl counts only a literal
 * value, but istiod reads either, and the input does not show the referenced value).
 */
function deploymentSetting(deployment: KubeObject): Setting {
    const containers = deployment.body.spec?.template?.spec?.containers;
    return bestOf(
        (Array.isArray(containers) ? containers : []).map((container) => {
            const env = Array.isArray(container?.env) ? container.env : [];
            const entry = env.filter((e: unknown) => isRecord(e) && e.name === BLOCKED_CIDRS).pop();
            return entry?.valueFrom != null ? { state: "blocks" } : settingOf(entry?.value);
        }),
    );
}

/**
 * The values istiod's chart renders with: `pilot.*` copied over the top level (istio-discovery
 * templates/zzy_descope_legacy.yaml).
 */
function chartValues(release: HelmRelease): Record<string, unknown> {
    const values = isRecord(release.values) ? release.values : {};
    return isRecord(values.pilot) ? mergeValues(values, values.pilot) : values;
}

/**
 * Whether the chart renders istiod's Deployment (templates/deployment.yaml): not for a remote
 * control plane without a local injector, nor when global.resourceScope leaves it out.
 */
function rendersIstiod(values: Record<string, unknown>): boolean {
    const scope = valueAt(values, "global.resourceScope") ?? "all";
    const remote =
        valueAt(values, "istiodRemote.enabled") === true ||
        (valueAt(values, "profile") ?? valueAt(values, "global.profile")) === "remote";
    const localInjector = valueAt(values, "istiodRemote.enabledLocalInjectorIstiod") === true;
    return (scope === "all" || scope === "namespace") && (!remote || localInjector);
}

/**
 * A release's setting: `env` entries render as literal values, then `envVarFrom` entries (which
 * come later in the container's env, so they win) as references.
 */
function releaseSetting(values: Record<string, unknown>): Setting {
    const fromRef = valueAt(values, "envVarFrom");
    if (Array.isArray(fromRef) && fromRef.some((e) => isRecord(e) && e.name === BLOCKED_CIDRS)) {
        return { state: "blocks" };
    }
    return settingOf(valueAt(values, `env.${BLOCKED_CIDRS}`));
}

/** istiod as the input deploys it, with what its env makes of the variable. */
interface Istiod {
    readonly subject: KubeObject | HelmRelease;
    readonly setting: Setting;
}

/** `RequestAuthentication shop/jwt`, or `3 RequestAuthentications (a/x, b/y and c/z)`. */
function policiesText(names: readonly string[]): string {
    if (names.length === 1) {
        return `RequestAuthentication ${names[0]}`;
    }
    // The first five, as istioctl's formatRANames lists them.
    const shown = names.length <= 5 ? names.join(", ") : names.slice(0, 5).join(", ");
    const more = names.length > 5 ? ` and ${names.length - 5} more` : "";
    return `${names.length} RequestAuthentications (${shown}${more})`;
}

function requestAuthentications(index: MeshIndex): string[] {
    return index
        .ofKind("RequestAuthentication", [ISTIO_SECURITY_GROUP])
        .map((ra) => `${namespaceOf(ra)}/${ra.metadata.name}`);
}

/** istiod's Deployments (labelled app=istiod, as blockedcidrs.go isIstiodDeployment) and releases. */
function istiods(index: MeshIndex): Istiod[] {
    if (requestAuthentications(index).length === 0) {
        return [];
    }
    const deployments = index
        .ofKind("Deployment", ["apps"])
        .filter((d) => d.metadata.labels?.app === "istiod")
        .map((subject) => ({ subject, setting: deploymentSetting(subject) }));
    const releases = index
        .releasesOf("istio:istiod")
        .map((subject) => ({ subject, values: chartValues(subject) }))
        .filter(({ values }) => rendersIstiod(values))
        .map(({ subject, values }) => ({ subject, setting: releaseSetting(values) }));
    return [...deployments, ...releases];
}

const PMX102 = catalogue.PMX102;
export const requireJwksBlockedCidrs = inventoryRule<Record<string, never>, Istiod>({
    entry: PMX102,
    config: {},
    // Helm values are read when the input has releases; istiod's Deployment alone (plain YAML)
    // is judged too, so the rule does not need them (helmValues would skip it on plain YAML).
    inputs: {
        kinds: ["security.istio.io/RequestAuthentication", "apps/Deployment", "helm/istio:istiod"],
    },
    judges: {
        what: "istiod Deployment or release beside a RequestAuthentication",
        select: istiods,
    },
    check(judged, index) {
        const policies = policiesText(requestAuthentications(index));
        return judged.flatMap(({ subject, setting }): Finding[] => {
            if (setting.state === "blocks") {
                return [];
            }
            if (subject.category === "helm-release") {
                // Name the key the values set (`pilot.env` wins over `env`), else pilot.env's.
                const variable =
                    valueAt(subject.values, `pilot.env.${BLOCKED_CIDRS}`) === undefined &&
                    valueAt(subject.values, `env.${BLOCKED_CIDRS}`) !== undefined
                        ? `env.${BLOCKED_CIDRS}`
                        : `pilot.env.${BLOCKED_CIDRS}`;
                return [
                    finding(PMX102, subject, "release", {
                        release: describeSubject(subject),
                        setting:
                            setting.state === "unset"
                                ? `does not set ${variable}`
                                : `sets ${variable} to ${JSON.stringify(setting.value)}, in which no CIDR parses`,
                        policies,
                    }),
                ];
            }
            return [
                finding(PMX102, subject, "deployment", {
                    deployment: describeSubject(subject),
                    setting:
                        setting.state === "unset"
                            ? `does not set ${BLOCKED_CIDRS}`
                            : `sets ${BLOCKED_CIDRS} to ${JSON.stringify(setting.value)}, in which no CIDR parses`,
                    policies,
                }),
            ];
        });
    },
});

export const jwksRules = [requireJwksBlockedCidrs];
