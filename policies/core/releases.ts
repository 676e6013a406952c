// What a Helm release installs: its chart's own name, and which of Istio's charts it is.
import { ISTIO_CHARTS, IstioChart } from "./istio";
import { HelmRelease } from "./model";

/** The chart's own name: the last path segment of an oci:// reference. */
export function chartName(release: HelmRelease): string {
    return release.chart.split("/").pop() ?? release.chart;
}

/** Which Istio chart a release installs, if it is one (Istio's repository or registry). */
export function istioChart(release: HelmRelease): IstioChart | undefined {
    const name = chartName(release);
    const from = `${release.repository ?? ""} ${release.chart}`;
    return (ISTIO_CHARTS as readonly string[]).includes(name) && /istio/.test(from)
        ? (name as IstioChart)
        : undefined;
}

/** Whether a release installs Cilium. */
export function isCiliumRelease(release: HelmRelease): boolean {
    return chartName(release) === "cilium";
}
