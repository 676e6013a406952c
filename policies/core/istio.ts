// Istio's vocabulary for an ambient mesh, written once: the labels and annotations that enroll
// pods and namespaces, the ports ztunnel and the control plane use, the address the kubelet's
// probes arrive from, the charts, and the settings Istio needs from Cilium. The program's
// components and the policy pack's rules both import these names, so they cannot drift apart.

/** Istio's root namespace unless meshConfig.rootNamespace says otherwise. */
export const DEFAULT_ROOT_NAMESPACE = "istio-system";

/** The label that puts a namespace's (or a pod's) traffic through ztunnel: `ambient` or `none`. */
export const DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";
export const AMBIENT = "ambient";
/** The dataplane mode that takes a pod out of the ambient mesh. */
export const DATAPLANE_NONE = "none";

/** The pod annotation that takes a pod out of ztunnel's redirection (`disabled`). */
export const REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";

/** Namespace labels that turn on sidecar injection (`istio-injection: disabled` does not). */
export const SIDECAR_INJECTION_LABELS: readonly string[] = ["istio-injection", "istio.io/rev"];
/** The pod label (once also an annotation) that asks for a sidecar. */
export const SIDECAR_INJECT = "sidecar.istio.io/inject";

/** The label that sends a namespace's, Service's or pod's traffic through a waypoint. */
export const USE_WAYPOINT_LABEL = "istio.io/use-waypoint";
/** Where the waypoint named by {@link USE_WAYPOINT_LABEL} lives, when not in the same namespace. */
export const USE_WAYPOINT_NAMESPACE_LABEL = "istio.io/use-waypoint-namespace";
/** What traffic a waypoint handles. */
export const WAYPOINT_FOR_LABEL = "istio.io/waypoint-for";
export const WAYPOINT_FOR_VALUES: readonly string[] = ["service", "workload", "all", "none"];
/** The Gateway class of waypoints. */
export const WAYPOINT_CLASS = "istio-waypoint";

/** The ports of an ambient mesh. */
export const ISTIO_PORTS = {
    /** HBONE: ztunnel's mTLS tunnel, and a waypoint's listener. */
    hbone: 15008,
    /** Inbound capture (waypoints). */
    inbound: 15006,
    /** Merged metrics: ztunnel's stats server (`ztunnel-stats`). */
    stats: 15020,
    /** Health checks. */
    health: 15021,
    /** Envoy's Prometheus stats. */
    envoyStats: 15090,
    /** istiod's monitoring port (`http-monitoring`). */
    istiodMonitoring: 15014,
} as const;

/** Where the kubelet's probes come from in ambient mode: the node SNATs them to this address. */
export const KUBELET_PROBE_ADDRESS = "169.254.7.127";
export const KUBELET_PROBE_CIDR = `${KUBELET_PROBE_ADDRESS}/32`;

/** Istio's Helm charts. */
export type IstioChart = "base" | "cni" | "istiod" | "ztunnel" | "gateway";
export const ISTIO_CHARTS: readonly IstioChart[] = ["base", "cni", "istiod", "ztunnel", "gateway"];

/** Istio's security API group (PeerAuthentication, AuthorizationPolicy, RequestAuthentication). */
export const ISTIO_SECURITY_GROUP = "security.istio.io";

/**
 * Settings Istio needs from Cilium (https://docs.cilium.io/en/latest/network/servicemesh/istio/):
 * socket load balancing only in the host namespace, so that traffic redirected to ztunnel is not
 * short-circuited, and a non-exclusive CNI config, so that Cilium leaves istio-cni's plugin alone.
 */
export const CILIUM_ISTIO_VALUES = {
    socketLB: { hostNamespaceOnly: true },
    cni: { exclusive: false },
} as const;

/** Where an Istio component serves the metrics Kiali reads. */
export interface MetricsEndpoint {
    readonly component: "istiod" | "ztunnel";
    readonly portName: string;
    readonly port: number;
    /** Paths the port answers; the first is the one to scrape. */
    readonly paths: readonly string[];
}

export const ISTIOD_METRICS: MetricsEndpoint = {
    component: "istiod",
    portName: "http-monitoring",
    port: ISTIO_PORTS.istiodMonitoring,
    paths: ["/metrics"],
};

export const ZTUNNEL_METRICS: MetricsEndpoint = {
    component: "ztunnel",
    portName: "ztunnel-stats",
    port: ISTIO_PORTS.stats,
    // ztunnel's stats server answers both (istio/ztunnel src/metrics/server.rs).
    paths: ["/metrics", "/stats/prometheus"],
};
