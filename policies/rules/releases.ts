// Rules on the Helm releases under the mesh: Cilium's settings for Istio, one pinned Istio
// version with the ambient profile, and Istio custom resources that wait for Istio's CRDs (in a
// Pulumi program, and in a Flux repository).
import {
    CILIUM_ISTIO_VALUES,
    describeSubject,
    Finding,
    finding,
    fluxKustomizationsOf,
    HelmRelease,
    inventoryRule,
    istioChart,
    KubeObject,
    leaves,
    MeshIndex,
    namespaceOf,
    valueAt,
} from "../core";
import { catalogue } from "../catalogue";
import { isObjectOf, listText } from "./common";

/** Settings Istio needs from Cilium, as dotted paths and values. */
const ISTIO_CILIUM_SETTINGS = leaves(CILIUM_ISTIO_VALUES);

const ISTIO_KINDS = "*.istio.io/*";
const ISTIO_GROUPS = /\.istio\.io$/;

const PMX030 = catalogue.PMX030;
export const requireCiliumSettings = inventoryRule({
    entry: PMX030,
    config: {},
    inputs: { kinds: ["helm/cilium", "helm/istio:*"], helmValues: true },
    judges: {
        what: "Cilium release beside Istio's data plane",
        select: (index) =>
            index.releasesOf("istio:*").some((r) => istioChart(r) !== "base")
                ? index.releasesOf("cilium")
                : [],
    },
    check(cilium) {
        const findings: Finding[] = [];
        for (const release of cilium) {
            const wrong = ISTIO_CILIUM_SETTINGS.filter(
                ([path, wanted]) => valueAt(release.values, path) !== wanted,
            ).map(([path, wanted]) => {
                const actual = valueAt(release.values, path);
                return `${path} is ${actual === undefined ? "unset" : JSON.stringify(actual)} (needs ${wanted})`;
            });
            if (wrong.length > 0) {
                findings.push(
                    finding(PMX030, release, "settings", {
                        release: describeSubject(release),
                        wrong: listText(wrong),
                    }),
                );
            }
        }
        return findings;
    },
});

/** Image tags a release's values can override. */
const TAG_PATHS = ["global.tag", "tag"];

const PMX031 = catalogue.PMX031;
export const requireConsistentIstio = inventoryRule<Record<string, never>, HelmRelease>({
    entry: PMX031,
    config: {},
    inputs: { kinds: ["helm/istio:*"], helmValues: true },
    judges: { what: "Istio release", select: (index) => index.releasesOf("istio:*") },
    check(releases) {
        // istiod's version is the control plane's; the others must follow it.
        const reference =
            releases.find((r) => istioChart(r) === "istiod" && r.version) ??
            releases.find((r) => r.version);
        const version = reference?.version;
        const ambient = releases.some((release) => istioChart(release) === "ztunnel");
        const findings: Finding[] = [];
        for (const release of releases) {
            const chart = istioChart(release)!;
            const problems: string[] = [];
            if (!release.version) {
                problems.push(`has no pinned chart version`);
            } else if (version && release.version !== version) {
                problems.push(
                    `installs ${chart} ${release.version} while ${describeSubject(reference!)} installs ${version}`,
                );
            }
            for (const path of TAG_PATHS) {
                const tag = valueAt(release.values, path);
                if (tag !== undefined && !String(tag).startsWith(release.version ?? "")) {
                    problems.push(
                        `overrides ${path} ${JSON.stringify(tag)} on chart version ${release.version}`,
                    );
                }
            }
            // Only an ambient mesh (one that runs ztunnel) needs the ambient profile.
            const ambientProfile = ambient && (chart === "cni" || chart === "istiod");
            const profile = valueAt(release.values, "profile");
            if (ambientProfile && profile !== "ambient") {
                const set =
                    profile === undefined ? "no profile" : `profile ${JSON.stringify(profile)}`;
                problems.push(`sets ${set} instead of ambient`);
            }
            if (problems.length > 0) {
                findings.push(
                    finding(PMX031, release, "charts", {
                        release: describeSubject(release),
                        problems: listText(problems),
                        profile: ambientProfile ? ", with profile: ambient," : "",
                    }),
                );
            }
        }
        return findings;
    },
});

const PMX032 = catalogue.PMX032;
export const requireCrdsFirst = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX032,
    config: {},
    inputs: { kinds: [ISTIO_KINDS, "helm/istio:base"], dependencies: true },
    judges: {
        what: "Istio custom resource beside the release that installs Istio's CRDs",
        select: (index) =>
            index.releasesOf("istio:base").length > 0
                ? index.ofGroups(ISTIO_GROUPS, ISTIO_KINDS)
                : [],
    },
    check(resources, index) {
        const bases = index.releasesOf("istio:base");
        return resources
            .filter((resource) => !bases.some((base) => index.waitsFor(resource, base)))
            .map((resource) =>
                finding(PMX032, resource, "crds", {
                    resource: describeSubject(resource),
                    base: describeSubject(bases[0]),
                }),
            );
    },
});

/** Whether an object is a Flux HelmRelease of Istio's base chart, which installs the CRDs. */
function isFluxIstioBase(object: KubeObject): boolean {
    if (!isObjectOf(object, "helm.toolkit.fluxcd.io", "HelmRelease")) {
        return false;
    }
    const chart = object.body.spec?.chart?.spec;
    const names = `${chart?.sourceRef?.name ?? ""} ${object.metadata.name ?? ""}`;
    return chart?.chart === "base" && /istio/.test(names);
}

/** Up to three objects by name, then how many more. */
function someObjects(objects: readonly KubeObject[]): string {
    const shown = objects.slice(0, 3).map(describeSubject);
    return objects.length > 3
        ? `${shown.join(", ")} and ${objects.length - 3} more`
        : listText(shown);
}

function fluxKey(namespace: string, name: string): string {
    return `${namespace}/${name}`;
}

/**
 * Whether a Flux Kustomization waits, directly or through its dependencies, for one that
 * `isTarget` accepts; undefined when a dependency outside the input might lead there.
 */
function waitsFor(
    flux: KubeObject,
    byKey: ReadonlyMap<string, KubeObject>,
    isTarget: (key: string) => boolean,
): boolean | undefined {
    const seen = new Set<KubeObject>([flux]);
    const queue = [flux];
    let unknown = false;
    while (queue.length > 0) {
        const current = queue.shift()!;
        const entries = current.body.spec?.dependsOn;
        for (const entry of Array.isArray(entries) ? entries : []) {
            if (typeof entry?.name !== "string") {
                continue;
            }
            // Flux resolves a dependency without a namespace in the dependent's own namespace.
            const key = fluxKey(entry.namespace ?? namespaceOf(current), entry.name);
            if (isTarget(key)) {
                return true;
            }
            const next = byKey.get(key);
            if (!next) {
                unknown = true;
            } else if (!seen.has(next)) {
                seen.add(next);
                queue.push(next);
            }
        }
    }
    return unknown ? undefined : false;
}

interface FluxCrdConfig {
    crdKustomizations: string[];
}

/** The Flux Kustomizations that apply Istio custom resources, and those holding Istio's base. */
function fluxIstio(index: MeshIndex) {
    const applying = new Map<string, KubeObject[]>();
    const holdingBase = new Set<string>();
    const objects = [
        ...index.ofGroups(ISTIO_GROUPS, ISTIO_KINDS),
        ...index.ofKind("HelmRelease", ["helm.toolkit.fluxcd.io"]).filter(isFluxIstioBase),
    ];
    for (const object of objects) {
        const base = isFluxIstioBase(object);
        for (const owner of fluxKustomizationsOf(object)) {
            const key = fluxKey(owner.namespace, owner.name);
            if (base) {
                holdingBase.add(key);
            } else {
                const list = applying.get(key);
                if (list) {
                    list.push(object);
                } else {
                    applying.set(key, [object]);
                }
            }
        }
    }
    return { applying, holdingBase };
}

const PMX033 = catalogue.PMX033;
export const requireFluxCrdsFirst = inventoryRule<FluxCrdConfig, [string, KubeObject[]]>({
    entry: PMX033,
    config: {
        crdKustomizations: {
            type: "array",
            items: { type: "string" },
            description:
                "Flux Kustomizations that install Istio's CRDs, as name or namespace/name (the one holding the Istio base HelmRelease counts too).",
            default: ["istio-app"],
        },
    },
    inputs: {
        kinds: [
            "kustomize.toolkit.fluxcd.io/Kustomization",
            ISTIO_KINDS,
            "helm.toolkit.fluxcd.io/HelmRelease",
        ],
    },
    judges: {
        what: "Flux Kustomization that applies Istio custom resources while another is known to install Istio's CRDs",
        select: (index, config) => {
            const { applying, holdingBase } = fluxIstio(index);
            const installerKnown = config.crdKustomizations.length > 0 || holdingBase.size > 0;
            return installerKnown ? [...applying] : [];
        },
    },
    check(applying, index, config) {
        const fluxes = index.ofKind("Kustomization", ["kustomize.toolkit.fluxcd.io"]);
        const byKey = new Map(fluxes.map((f) => [fluxKey(namespaceOf(f), f.metadata.name!), f]));
        const { holdingBase } = fluxIstio(index);
        const installs = (key: string) =>
            holdingBase.has(key) ||
            config.crdKustomizations.some((entry) =>
                entry.includes("/") ? entry === key : key.endsWith(`/${entry}`),
            );
        const installerNames = [
            ...new Set([
                ...config.crdKustomizations,
                ...[...holdingBase].map((key) => key.slice(key.indexOf("/") + 1)),
            ]),
        ];
        // Only a closed chain of dependencies is judged: one leaving the input may reach istio-app.
        const findings: Finding[] = [];
        for (const [key, resources] of applying) {
            const flux = byKey.get(key);
            if (!flux || installs(key) || waitsFor(flux, byKey, installs) !== false) {
                continue;
            }
            findings.push(
                finding(PMX033, flux, "dependsOn", {
                    kustomization: describeSubject(flux),
                    objects: someObjects(resources),
                    installers: installerNames.join(" or "),
                    installer: installerNames[0],
                }),
            );
        }
        return findings;
    },
});

export const releaseRules = [
    requireCiliumSettings,
    requireConsistentIstio,
    requireCrdsFirst,
    requireFluxCrdsFirst,
];
