// Rules on the Helm releases under the mesh: Cilium's settings for Istio, one pinned Istio
// version with the ambient profile, and Istio custom resources that wait for Istio's CRDs.
import { MeshIndex } from "../core/inventory";
import { describeSubject, HelmRelease, KubeObject } from "../core/model";
import { Finding, InventoryRule, notApplicable } from "../core/rule";
import { isIstioResource, listText, reporter, valueAt } from "./common";

export type IstioChart = "base" | "cni" | "istiod" | "ztunnel" | "gateway";
const ISTIO_CHARTS: readonly string[] = ["base", "cni", "istiod", "ztunnel", "gateway"];

/** The chart's own name: the last path segment of an oci:// reference. */
export function chartName(release: HelmRelease): string {
    return release.chart.split("/").pop() ?? release.chart;
}

/** Which Istio chart a release installs, if it is one (Istio's repository or registry). */
export function istioChart(release: HelmRelease): IstioChart | undefined {
    const name = chartName(release);
    const from = `${release.repository ?? ""} ${release.chart}`;
    return ISTIO_CHARTS.includes(name) && /istio/.test(from) ? (name as IstioChart) : undefined;
}

export function isCilium(release: HelmRelease): boolean {
    return chartName(release) === "cilium";
}

function istioReleases(index: MeshIndex): HelmRelease[] {
    return index.releases.filter((r) => istioChart(r) !== undefined);
}

/** Settings Istio needs from Cilium: https://docs.cilium.io/en/latest/network/servicemesh/istio/ */
export const ISTIO_CILIUM_SETTINGS: readonly [string, unknown][] = [
    ["socketLB.hostNamespaceOnly", true],
    ["cni.exclusive", false],
];

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
        const cilium = index.releases.filter(isCilium);
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

export const releaseRules = [requireCiliumSettings, requireConsistentIstio, requireCrdsFirst];
