// Rules on the Helm releases under the mesh: Cilium's settings for Istio, one pinned Istio
// version with the ambient profile, and Istio custom resources that wait for Istio's CRDs (in a
// Pulumi program, and in a Flux repository).
import {
    CILIUM_ISTIO_VALUES,
    describeSubject,
    Finding,
    fluxKustomizationsOf,
    HelmRelease,
    InventoryRule,
    isCiliumRelease,
    istioChart,
    KubeObject,
    leaves,
    MeshIndex,
    namespaceOf,
    notApplicable,
    valueAt,
} from "../core";
import { isIstioResource, isObjectOf, listText, reporter } from "./common";

function istioReleases(index: MeshIndex): HelmRelease[] {
    return index.releases.filter((r) => istioChart(r) !== undefined);
}

/** Settings Istio needs from Cilium, as dotted paths and values. */
const ISTIO_CILIUM_SETTINGS = leaves(CILIUM_ISTIO_VALUES);

const ciliumReport = reporter("PMX030");
export const requireCiliumSettings: InventoryRule = {
    code: "PMX030",
    name: "cilium-require-istio-settings",
    description:
        "Checks that while Istio is deployed, the Cilium release keeps socketLB.hostNamespaceOnly=true (traffic reaches ztunnel) and cni.exclusive=false (istio-cni's plugin stays installed); set both in the release's values.",
    enforcementLevel: "mandatory",
    config: {},
    requires: ["helmReleases"],
    scope: "inventory",
    check(index) {
        const cilium = index.releases.filter(isCiliumRelease);
        if (cilium.length === 0) {
            return notApplicable("the input has no Cilium release");
        }
        if (!istioReleases(index).some((r) => istioChart(r) !== "base")) {
            return notApplicable("the input does not deploy Istio");
        }
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
                    ciliumReport(
                        release,
                        `${describeSubject(release)} drops Istio's settings while Istio is deployed: ${listText(wrong)}; set them in the release's values.`,
                    ),
                );
            }
        }
        return findings;
    },
};

/** Image tags a release's values can override. */
const TAG_PATHS = ["global.tag", "tag"];

const chartsReport = reporter("PMX031");
export const requireConsistentIstio: InventoryRule = {
    code: "PMX031",
    name: "istio-require-consistent-charts",
    description:
        "Checks that Istio's charts share one pinned version without image tag overrides, and that cni and istiod use profile ambient; pin every Istio chart to the same version and set profile: ambient.",
    enforcementLevel: "mandatory",
    config: {},
    requires: ["helmReleases"],
    scope: "inventory",
    check(index) {
        const releases = istioReleases(index);
        if (releases.length === 0) {
            return notApplicable("the input has no Istio release");
        }
        // istiod's version is the control plane's; the others must follow it.
        const reference =
            releases.find((r) => istioChart(r) === "istiod" && r.version) ??
            releases.find((r) => r.version);
        const version = reference?.version;
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
            const profile = valueAt(release.values, "profile");
            if ((chart === "cni" || chart === "istiod") && profile !== "ambient") {
                const set =
                    profile === undefined ? "no profile" : `profile ${JSON.stringify(profile)}`;
                problems.push(`sets ${set} instead of ambient`);
            }
            if (problems.length > 0) {
                findings.push(
                    chartsReport(
                        release,
                        `${describeSubject(release)} ${listText(problems)}; pin every Istio chart to one version${chart === "cni" || chart === "istiod" ? ", with profile: ambient," : ""} and drop image tag overrides.`,
                    ),
                );
            }
        }
        return findings;
    },
};

const crdReport = reporter("PMX032");
export const requireCrdsFirst: InventoryRule = {
    code: "PMX032",
    name: "istio-require-crds-before-resources",
    description:
        'Checks that every Istio custom resource waits for the release that installs Istio\'s CRDs (the base chart), or `pulumi up` fails with "no matches for kind"; add dependsOn on the base release.',
    enforcementLevel: "mandatory",
    config: {},
    requires: ["dependencies"],
    scope: "inventory",
    check(index) {
        const resources = index.objects.filter(isIstioResource);
        if (resources.length === 0) {
            return notApplicable("the input has no Istio custom resource");
        }
        const bases = index.releases.filter((r) => istioChart(r) === "base");
        if (bases.length === 0) {
            return notApplicable("the input does not install Istio's CRDs");
        }
        return resources
            .filter((resource: KubeObject) => !bases.some((base) => index.waitsFor(resource, base)))
            .map((resource) =>
                crdReport(
                    resource,
                    `${describeSubject(resource)} does not wait for ${describeSubject(bases[0])}, which installs Istio's CRDs, so applying it can fail with "no matches for kind"; add dependsOn on the base release.`,
                ),
            );
    },
};

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

const fluxCrdReport = reporter("PMX033");
export const requireFluxCrdsFirst: InventoryRule<FluxCrdConfig> = {
    code: "PMX033",
    name: "flux-require-istio-crds-dependency",
    description:
        'Checks that every Flux Kustomization applying Istio custom resources depends, directly or through its dependencies, on the Kustomization that installs Istio\'s CRDs, or its dry run fails with "no matches for kind"; add that Kustomization to spec.dependsOn.',
    enforcementLevel: "mandatory",
    config: {
        crdKustomizations: {
            type: "array",
            items: { type: "string" },
            description:
                "Flux Kustomizations that install Istio's CRDs, as name or namespace/name (the one holding the Istio base HelmRelease counts too).",
            default: ["istio-app"],
        },
    },
    scope: "inventory",
    check(index, config) {
        const fluxes = index.ofKind("Kustomization", ["kustomize.toolkit.fluxcd.io"]);
        if (fluxes.length === 0) {
            return notApplicable("the input has no Flux Kustomization");
        }
        const byKey = new Map(fluxes.map((f) => [fluxKey(namespaceOf(f), f.metadata.name!), f]));
        const applying = new Map<string, KubeObject[]>();
        const holdingBase = new Set<string>();
        for (const object of index.objects) {
            const istio = isIstioResource(object);
            const base = isFluxIstioBase(object);
            if (!istio && !base) {
                continue;
            }
            for (const owner of fluxKustomizationsOf(object)) {
                const key = fluxKey(owner.namespace, owner.name);
                if (base) {
                    holdingBase.add(key);
                }
                if (istio) {
                    const list = applying.get(key);
                    if (list) {
                        list.push(object);
                    } else {
                        applying.set(key, [object]);
                    }
                }
            }
        }
        if (applying.size === 0) {
            return notApplicable(
                "no Flux Kustomization in the input applies an Istio custom resource",
            );
        }
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
        if (installerNames.length === 0) {
            return notApplicable("no Flux Kustomization is known to install Istio's CRDs");
        }
        // Only a closed chain of dependencies is judged: one leaving the input may reach istio-app.
        const findings: Finding[] = [];
        for (const [key, resources] of applying) {
            const flux = byKey.get(key);
            if (!flux || installs(key) || waitsFor(flux, byKey, installs) !== false) {
                continue;
            }
            findings.push(
                fluxCrdReport(
                    flux,
                    `${describeSubject(flux)} applies ${someObjects(resources)} but depends neither directly nor through its dependencies on ${installerNames.join(" or ")}, which installs Istio's CRDs, so its dry run fails with "no matches for kind" until Istio is installed; add ${installerNames[0]} to spec.dependsOn.`,
                ),
            );
        }
        return findings;
    },
};

export const releaseRules = [
    requireCiliumSettings,
    requireConsistentIstio,
    requireCrdsFirst,
    requireFluxCrdsFirst,
];
