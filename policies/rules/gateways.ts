// Rules on Istio's ingress Gateways (networking.istio.io) and what they reference: the gateway
// pods a selector reaches, the Service ports in front of them, the TLS Secrets they serve, and the
// Gateways VirtualServices bind to; and the Gateway API CRDs istiod needs. istioctl checks the same
// (pkg/config/analysis/analyzers/gateway, virtualservice/gateways.go, k8sgateway/crdversion.go),
// mostly against a live cluster's pods, Services and Secrets; these rules judge what the input
// deploys: pod templates, and the pods of Istio's gateway chart, whose labels its values decide.
import { createPrivateKey, KeyObject, X509Certificate } from "crypto";
import {
    describeSelector,
    describeSubject,
    Finding,
    finding,
    HelmRelease,
    inventoryRule,
    isRecord,
    KubeObject,
    Labels,
    matches,
    MeshIndex,
    namespaceOf,
    namesSource,
    selectorKey,
    stringMap,
    Workload,
} from "../core";
import { catalogue } from "../catalogue";
import { listText } from "./common";

const ISTIO_NETWORKING = "networking.istio.io";
const GATEWAY_API = "gateway.networking.k8s.io";
const ISTIO_GATEWAY_INPUT = `${ISTIO_NETWORKING}/Gateway`;
const GATEWAY_CHART_INPUT = "helm/istio:gateway";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** One server of an Istio Gateway, as far as these rules read it. */
interface Server {
    readonly hosts: readonly string[];
    readonly bind: string;
    /** The port number; undefined when the server has none (validation rejects that). */
    readonly port?: number;
    /** The port's protocol, upper-cased; empty when not written. */
    readonly protocol: string;
    readonly tls?: Readonly<Record<string, any>>;
}

/** An Istio Gateway with its selector and servers read defensively. */
interface IstioGateway {
    readonly object: KubeObject;
    readonly namespace: string;
    /** `namespace/name`, as istioctl and VirtualServices name Gateways. */
    readonly fullName: string;
    readonly selector: Labels;
    readonly servers: readonly Server[];
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function readServer(value: unknown): Server | undefined {
    if (!isRecord(value)) {
        return undefined;
    }
    const number = isRecord(value.port) ? value.port.number : undefined;
    return {
        hosts: strings(value.hosts),
        bind: typeof value.bind === "string" ? value.bind : "",
        port: typeof number === "number" && Number.isInteger(number) ? number : undefined,
        protocol:
            isRecord(value.port) && typeof value.port.protocol === "string"
                ? value.port.protocol.toUpperCase()
                : "",
        tls: isRecord(value.tls) ? value.tls : undefined,
    };
}

function istioGateways(index: MeshIndex): IstioGateway[] {
    return index.ofKind("Gateway", [ISTIO_NETWORKING]).map((object) => {
        const namespace = namespaceOf(object);
        const spec = isRecord(object.body.spec) ? object.body.spec : {};
        return {
            object,
            namespace,
            fullName: `${namespace}/${object.metadata.name}`,
            selector: stringMap(spec.selector),
            servers: Array.isArray(spec.servers)
                ? spec.servers.map(readServer).filter((s): s is Server => s !== undefined)
                : [],
        };
    });
}

/** A Service port as it reaches the pods: its number, and the pod port it forwards to. */
interface ServicePort {
    readonly port: number;
    /** A number, a container port name, or undefined (the port itself). */
    readonly targetPort?: number | string;
}

/** Gateway pods the input shows: a pod template, or the pods of an Istio gateway chart release. */
interface GatewayPod {
    /** Whether the pods are evidently an Istio gateway's (see {@link isGatewayTemplate}). */
    readonly gateway: boolean;
    readonly namespace: string;
    readonly labels: Labels;
    readonly namedPorts: ReadonlyMap<string, number>;
    /** For a chart release: the ports of the Service it makes (undefined when it makes none). */
    readonly chartService?: readonly ServicePort[];
    /** For a chart release whose Service ports these rules do not model (networkGateway). */
    readonly unknownService?: boolean;
}

/** The gateway chart's default Service ports (manifests/charts/gateway/values.yaml). */
const CHART_SERVICE_PORTS: readonly ServicePort[] = [
    { port: 15021, targetPort: 15021 },
    { port: 80, targetPort: 80 },
    { port: 443, targetPort: 443 },
];

function servicePorts(value: unknown): ServicePort[] {
    if (!Array.isArray(value)) {
        return [];
    }
    return value.flatMap((entry): ServicePort[] => {
        if (!isRecord(entry) || typeof entry.port !== "number") {
            return [];
        }
        // The API server defaults an empty protocol to TCP; istioctl reads files literally and
        // counts only a written "TCP" (gateway/gateway.go), which would miss most Services.
        const protocol = entry.protocol ?? "TCP";
        if (protocol !== "TCP") {
            return [];
        }
        const target = entry.targetPort;
        return [
            {
                port: entry.port,
                targetPort:
                    typeof target === "number" || typeof target === "string" ? target : undefined,
            },
        ];
    });
}

/**
 * The pods of an Istio gateway chart release, labelled as its templates label them
 * (manifests/charts/gateway/templates/_helpers.tpl gateway.selectorLabels, deployment.yaml):
 * `app` is the name (values.name, else the release name), `istio` the name without `istio-`,
 * both overridable through values.labels, which also adds its other labels.
 */
function chartPod(release: HelmRelease): GatewayPod {
    const values: Record<string, any> = isRecord(release.values) ? release.values : {};
    const name =
        (typeof values.name === "string" && values.name !== "" ? values.name : release.name) ||
        "istio-ingressgateway";
    const userLabels = stringMap(values.labels);
    const labels: Record<string, string> = {
        // The chart's default labels keep gateway pods out of the ambient data plane.
        "istio.io/dataplane-mode": "none",
        ...userLabels,
        "sidecar.istio.io/inject": "true",
        "app.kubernetes.io/name": name,
        app: userLabels.app || name,
        istio: userLabels.istio || name.replace(/^istio-/, ""),
    };
    if (typeof values.revision === "string" && values.revision !== "") {
        labels["istio.io/rev"] = values.revision;
    }
    const service: Record<string, any> = isRecord(values.service) ? values.service : {};
    const ports = Array.isArray(service.ports) ? servicePorts(service.ports) : CHART_SERVICE_PORTS;
    return {
        gateway: true,
        namespace: release.namespace,
        labels,
        namedPorts: new Map(),
        chartService: service.type === "None" ? undefined : ports,
        unknownService: !!values.networkGateway,
    };
}

/** The pod spec of a pod template's object. */
function podSpec(object: KubeObject): Record<string, any> | undefined {
    const body = object.body;
    const spec =
        object.kind === "Pod"
            ? body.spec
            : object.kind === "CronJob"
              ? body.spec?.jobTemplate?.spec?.template?.spec
              : body.spec?.template?.spec;
    return isRecord(spec) ? spec : undefined;
}

/**
 * Whether a pod template is evidently an Istio gateway's: labelled `istio` (the label Istio's
 * gateway chart and istioctl's installs select gateways by), injected with the `gateway`
 * template, or carrying an `istio-proxy` container (a gateway Deployment injected by hand).
 */
function isGatewayTemplate(workload: Workload): boolean {
    const templates = workload.annotations["inject.istio.io/templates"] ?? "";
    const containers = podSpec(workload.object)?.containers;
    return (
        "istio" in workload.labels ||
        templates.split(",").some((t) => t.trim() === "gateway") ||
        (Array.isArray(containers) &&
            containers.some((c) => isRecord(c) && c.name === "istio-proxy"))
    );
}

/**
 * The gateway pods the input shows, and what it may not show, for one check: pod templates (any
 * namespace), then the pods of Istio gateway chart releases; lookups computed once, on demand.
 */
class GatewayPods {
    readonly pods: readonly GatewayPod[];
    private readonly modelled: ReadonlySet<string>;
    private readonly unseen = new Map<string, boolean>();

    constructor(private readonly index: MeshIndex) {
        const releases = index.releasesOf("istio:gateway");
        this.pods = [
            ...index.workloads().map((w) => ({
                gateway: isGatewayTemplate(w),
                namespace: w.namespace,
                labels: w.labels,
                namedPorts: w.namedPorts,
            })),
            ...releases.map(chartPod),
        ];
        this.modelled = new Set(releases.map(describeSubject));
    }

    matching(selector: Labels): GatewayPod[] {
        return this.pods.filter((pod) => matches(selector, pod.labels));
    }

    /**
     * Whether a chart, an operator or a remote manifest may make objects of the namespace the
     * input does not show (pods, Services, Secrets); the gateway chart releases modelled as pods
     * do not count.
     */
    hasUnseenSources(namespace: string): boolean {
        let known = this.unseen.get(namespace);
        if (known === undefined) {
            known = this.index
                .podSourcesIn(namespace)
                .some((source) => !this.modelled.has(source.description));
            this.unseen.set(namespace, known);
        }
        return known;
    }

    /**
     * Whether gateway pods the input does not show may carry the selector's labels, so that the
     * input cannot show the selector reaches nothing. That is so when the input deploys no Istio
     * gateway at all (the gateways are installed elsewhere: istioctl install, another
     * repository), when a chart, an operator or a remote manifest in the Gateway's own namespace
     * (or of unknown namespace) may make them, and when a source in another namespace is named by
     * a selector value (PMX017's heuristic for the labels operators and charts give their pods).
     */
    mayMatchUnseen(gateway: IstioGateway): boolean {
        return (
            !this.pods.some((pod) => pod.gateway) ||
            this.hasUnseenSources(gateway.namespace) ||
            // A Gateway's selector reaches gateway pods in every namespace (istiod applies
            // Gateways across namespaces unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set).
            namesSource(gateway.selector, this.index.allPodSources())
        );
    }
}

/** Protocols istiod serves with Envoy's HTTP connection manager (protocol.Instance IsHTTP). */
const HTTP_PROTOCOLS = new Set(["HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-WEB"]);

/**
 * Why istiod cannot keep both servers on one port (pilot/pkg/model/gateway.go, MergeGateways and
 * canMergeProtocols), or undefined when it merges them.
 */
function clashOf(a: Server, b: Server): string | undefined {
    if (a.tls && b.tls) {
        return "TLS on both, so their SNI hosts collide";
    }
    if (HTTP_PROTOCOLS.has(a.protocol) && HTTP_PROTOCOLS.has(b.protocol)) {
        return undefined;
    }
    const [first, second] = [a.protocol || "no protocol", b.protocol || "no protocol"];
    return first === second
        ? `${first} on both, which istiod does not merge`
        : `${first} and ${second}, which cannot share a port`;
}

const PMX090 = catalogue.PMX090;
export const disallowConflictingServers = inventoryRule<Record<string, never>, IstioGateway>({
    entry: PMX090,
    config: {},
    inputs: { kinds: [ISTIO_GATEWAY_INPUT, GATEWAY_CHART_INPUT], workloads: true },
    judges: { what: "Istio Gateway", select: istioGateways },
    check(gateways, index) {
        const { pods } = new GatewayPods(index);
        // Two Gateways configure the same proxies when their selectors are equal, or when a pod
        // the input shows matches both. istioctl (gateway/conflictinggateway.go) also requires
        // one selector string to contain the other, a heuristic for the shared pod checked here.
        const selected = new Map(
            gateways.map((g) => [g, new Set(pods.filter((p) => matches(g.selector, p.labels)))]),
        );
        const shareProxies = (a: IstioGateway, b: IstioGateway) =>
            selectorKey(a.selector) === selectorKey(b.selector) ||
            [...selected.get(a)!].some((pod) => selected.get(b)!.has(pod));
        return gateways.flatMap((gateway) => {
            const others = gateways.filter((o) => o !== gateway && shareProxies(gateway, o));
            return gateway.servers.flatMap((server): Finding[] => {
                if (server.port === undefined) {
                    return [];
                }
                // A conflict is the same host, written the same, on the same port and bind: what
                // istioctl's model.CheckDuplicates compares. istioctl also adds hosts to the other
                // Gateway's set as it goes, which makes its result depend on map order; that is
                // not copied. Of those, istiod (pilot/pkg/model/gateway.go, MergeGateways) drops
                // a server only when both use TLS (duplicate SNI hosts), or when their protocols
                // cannot share the port (canMergeProtocols); plain HTTP servers are merged into
                // one route table, which istioctl reports but which works.
                const clash = (o: Server) =>
                    o.port === server.port &&
                    o.bind === server.bind &&
                    o.hosts.some((host) => server.hosts.includes(host)) &&
                    clashOf(server, o) !== undefined;
                const conflicting = others.filter((other) => other.servers.some(clash));
                if (conflicting.length === 0) {
                    return [];
                }
                const why = clashOf(server, conflicting[0].servers.find(clash)!)!;
                return [
                    finding(PMX090, gateway.object, "conflict", {
                        gateway: describeSubject(gateway.object),
                        hosts: listText(server.hosts),
                        port: server.port,
                        selector: describeSelector(gateway.selector),
                        others: listText(conflicting.map((o) => o.fullName).sort()),
                        why,
                    }),
                ];
            });
        });
    },
});

/** Services of the input that select the pod (in its namespace; an empty selector selects none). */
function podServices(services: readonly KubeObject[], pod: GatewayPod): ServicePort[][] {
    return services
        .filter((service) => {
            const selector = stringMap(service.body.spec?.selector);
            return (
                namespaceOf(service) === pod.namespace &&
                Object.keys(selector).length > 0 &&
                matches(selector, pod.labels)
            );
        })
        .map((service) => servicePorts(service.body.spec?.ports));
}

const PMX091 = catalogue.PMX091;
export const requireServicePort = inventoryRule<Record<string, never>, IstioGateway>({
    entry: PMX091,
    config: {},
    inputs: {
        kinds: [ISTIO_GATEWAY_INPUT, GATEWAY_CHART_INPUT, "core/Service"],
        workloads: true,
    },
    judges: { what: "Istio Gateway", select: istioGateways },
    check(gateways, index) {
        const pods = new GatewayPods(index);
        const services = index.ofKind("Service", [""]);
        return gateways.flatMap((gateway): Finding[] => {
            const selected = pods.matching(gateway.selector);
            // No pods: PMX094 says so. Pods whose Services the input may not show (a chart or an
            // operator in their namespace, a gateway chart's network-gateway ports): no judgement.
            if (
                selected.length === 0 ||
                selected.some((pod) => pod.unknownService || pods.hasUnseenSources(pod.namespace))
            ) {
                return [];
            }
            // A server port is served when some Service of the pods forwards to it, or (as
            // istioctl allows, gateway/gateway.go portMapping) has it as its own port.
            const served = new Set<number>();
            for (const pod of selected) {
                const ports = [...podServices(services, pod), pod.chartService ?? []].flat();
                for (const { port, targetPort } of ports) {
                    served.add(port);
                    // A named targetPort is the pod's container port of that name, as the
                    // endpoints controller resolves it; istioctl reads it as 0 and uses the port.
                    const target =
                        typeof targetPort === "string"
                            ? (pod.namedPorts.get(targetPort) ?? Number(targetPort))
                            : targetPort;
                    if (typeof target === "number" && Number.isInteger(target) && target > 0) {
                        served.add(target);
                    }
                }
            }
            return gateway.servers
                .filter((server) => server.port !== undefined && !served.has(server.port))
                .map((server) =>
                    finding(PMX091, gateway.object, "port", {
                        gateway: describeSubject(gateway.object),
                        port: server.port!,
                        selector: describeSelector(gateway.selector),
                    }),
                );
        });
    },
});

/** The Secret names a TLS server reads: credentialName, and credentialNames (its dual form). */
function credentialNames(server: Server): string[] {
    const names = [
        ...(typeof server.tls?.credentialName === "string" ? [server.tls.credentialName] : []),
        ...strings(server.tls?.credentialNames),
    ];
    return [...new Set(names.filter((name) => name !== ""))];
}

/** Where a credential name points: `ns/name`, or a name in the gateway pods' namespace. */
function secretRef(credential: string, podNamespace: string): [string, string] {
    const slash = credential.indexOf("/");
    return slash < 0
        ? [podNamespace, credential]
        : [credential.slice(0, slash), credential.slice(slash + 1)];
}

/** The namespaces the gateway's pods run in, in input order (each reads Secrets from its own). */
function podNamespaces(selected: readonly GatewayPod[]): string[] {
    return [...new Set(selected.map((pod) => pod.namespace))];
}

/**
 * The Secrets a Gateway's TLS servers read, once each: istioctl (gateway/secret.go) looks in the
 * namespace of the first matching pod; every gateway pod reads its own namespace's, so each
 * namespace the selected pods run in is looked in.
 */
function credentialRefs(
    gateway: IstioGateway,
    selected: readonly GatewayPod[],
): { credential: string; namespace: string; name: string }[] {
    const seen = new Set<string>();
    const refs: { credential: string; namespace: string; name: string }[] = [];
    for (const podNamespace of podNamespaces(selected)) {
        for (const server of gateway.servers) {
            for (const credential of credentialNames(server)) {
                const [namespace, name] = secretRef(credential, podNamespace);
                if (!seen.has(`${namespace}/${name}`)) {
                    seen.add(`${namespace}/${name}`);
                    refs.push({ credential, namespace, name });
                }
            }
        }
    }
    return refs;
}

/** Secret `namespace/name` objects of the input. */
function secretsByName(index: MeshIndex): Map<string, KubeObject> {
    const secrets = new Map<string, KubeObject>();
    for (const secret of index.ofKind("Secret", [""])) {
        secrets.set(`${namespaceOf(secret)}/${secret.metadata.name}`, secret);
    }
    return secrets;
}

/** A Secret's entries, decoded (`data` is base64, `stringData` plain); undefined if malformed. */
function secretEntries(secret: KubeObject): Map<string, Buffer> | undefined {
    const entries = new Map<string, Buffer>();
    const { data, stringData } = secret.body;
    for (const [source, encoding] of [
        [data, "base64"],
        [stringData, "utf8"],
    ] as const) {
        if (source === undefined || source === null) {
            continue;
        }
        if (!isRecord(source)) {
            return undefined;
        }
        for (const [key, value] of Object.entries(source)) {
            if (typeof value !== "string") {
                return undefined;
            }
            entries.set(key, Buffer.from(value, encoding));
        }
    }
    return entries;
}

/** The first PEM block of a file, decoded, as Go's pem.Decode finds it; undefined if none. */
function firstPemBlock(text: string): Buffer | undefined {
    const block = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
    return block ? Buffer.from(block[2].replace(/\s+/g, ""), "base64") : undefined;
}

function day(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
}

/**
 * What makes a TLS Secret unusable, or undefined when it is usable. istioctl's isValidSecret
 * (gateway/secret.go) takes `cert` and `key`, else `tls.crt` and `tls.key`
 * (pilot/pkg/credentials/kube/secrets.go ExtractCertInfo), then checks that the certificate in
 * the first PEM block is valid now (pilot/pkg/xds/sds.go ValidateCertificate). Envoy also
 * refuses a key it cannot read or that is not the certificate's, which is checked too.
 */
function secretProblem(entries: ReadonlyMap<string, Buffer>, now: number): string | undefined {
    const filled = (key: string) => (entries.get(key)?.length ?? 0) > 0;
    const [certKey, keyKey] =
        filled("cert") && filled("key")
            ? ["cert", "key"]
            : filled("tls.crt") && filled("tls.key")
              ? ["tls.crt", "tls.key"]
              : [];
    if (!certKey || !keyKey) {
        return "it has neither tls.crt and tls.key nor cert and key";
    }
    const der = firstPemBlock(entries.get(certKey)!.toString("utf8"));
    let certificate: X509Certificate;
    try {
        if (!der) {
            throw new Error("no PEM block");
        }
        certificate = new X509Certificate(der);
    } catch {
        return `its ${certKey} does not begin with a PEM certificate`;
    }
    const notBefore = Date.parse(certificate.validFrom);
    const notAfter = Date.parse(certificate.validTo);
    if (now > notAfter) {
        return `its certificate expired on ${day(notAfter)}`;
    }
    if (now < notBefore) {
        return `its certificate is not valid before ${day(notBefore)}`;
    }
    let key: KeyObject;
    try {
        key = createPrivateKey(entries.get(keyKey)!);
    } catch {
        return `its ${keyKey} is not a PEM private key`;
    }
    if (!certificate.checkPrivateKey(key)) {
        return `its ${keyKey} is not the private key of its certificate`;
    }
    return undefined;
}

const PMX092 = catalogue.PMX092;
export const requireValidCredential = inventoryRule<Record<string, never>, IstioGateway>({
    entry: PMX092,
    config: {},
    inputs: { kinds: [ISTIO_GATEWAY_INPUT, GATEWAY_CHART_INPUT, "core/Secret"], workloads: true },
    judges: { what: "Istio Gateway", select: istioGateways },
    check(gateways, index) {
        const pods = new GatewayPods(index);
        const secrets = secretsByName(index);
        // The certificate's validity depends on the time of the check, as in istioctl.
        const now = Date.now();
        return gateways.flatMap((gateway) =>
            credentialRefs(gateway, pods.matching(gateway.selector)).flatMap(
                ({ namespace, name }): Finding[] => {
                    const secret = secrets.get(`${namespace}/${name}`);
                    const entries = secret && secretEntries(secret);
                    const problem = entries && secretProblem(entries, now);
                    return secret && problem
                        ? [
                              finding(PMX092, gateway.object, "invalid", {
                                  gateway: describeSubject(gateway.object),
                                  secret: describeSubject(secret),
                                  problem,
                              }),
                          ]
                        : [];
                },
            ),
        );
    },
});

/** Whether two TLS settings serve the same certificate (gateway/certificate.go haveSameCertificate). */
function sameCertificate(a: Record<string, any>, b: Record<string, any>): string | undefined {
    const text = (value: unknown) => (typeof value === "string" ? value : "");
    const [credentialA, credentialB] = [text(a.credentialName), text(b.credentialName)];
    if (credentialA !== "" && credentialB !== "") {
        return credentialA === credentialB ? `credentialName ${credentialA}` : undefined;
    }
    const certificate = text(a.serverCertificate);
    const key = text(a.privateKey);
    return credentialA === "" &&
        credentialB === "" &&
        certificate !== "" &&
        certificate === text(b.serverCertificate) &&
        key !== "" &&
        key === text(b.privateKey)
        ? `serverCertificate ${certificate}`
        : undefined;
}

const PMX093 = catalogue.PMX093;
export const adviseDuplicateCertificate = inventoryRule<Record<string, never>, IstioGateway>({
    entry: PMX093,
    config: {},
    inputs: { kinds: [ISTIO_GATEWAY_INPUT] },
    judges: { what: "Istio Gateway", select: istioGateways },
    check(gateways) {
        // Directional, as gateway/certificate.go: a Gateway is compared with every Gateway (any
        // namespace) whose selector includes its own; an empty selector includes every Gateway.
        return gateways.flatMap((gateway) =>
            gateways
                .filter((other) => other !== gateway && matches(gateway.selector, other.selector))
                .flatMap((other): Finding[] => {
                    const certificate = gateway.servers
                        .flatMap((server) =>
                            other.servers.map((o) =>
                                server.tls && o.tls
                                    ? sameCertificate(server.tls, o.tls)
                                    : undefined,
                            ),
                        )
                        .find((found) => found !== undefined);
                    return certificate
                        ? [
                              finding(PMX093, gateway.object, "duplicate", {
                                  gateway: describeSubject(gateway.object),
                                  other: describeSubject(other.object),
                                  certificate,
                              }),
                          ]
                        : [];
                }),
        );
    },
});

/** A VirtualService's gateway reference, or an Istio Gateway: what PMX094 judges. */
type Referencing =
    | { readonly kind: "gateway"; readonly gateway: IstioGateway }
    | { readonly kind: "virtualService"; readonly object: KubeObject; readonly refs: string[] };

/** The name pilot gives IST0165's internal references (pkg/config/gateway/kube). */
const INTERNAL_GATEWAY = "~istio-autogenerated-k8s-gateway~";

/**
 * The Gateway `namespace/name` a VirtualService reference means, as istiod resolves it
 * (pilot/pkg/model/config.go resolveGatewayName): `ns/name`, `./name`, a short name in the
 * VirtualService's namespace, or the legacy `name.ns[.svc…]`. istioctl
 * (virtualservice/gateways.go) knows only the first and the short name.
 */
function resolveGateway(reference: string, namespace: string): string {
    const slash = reference.indexOf("/");
    if (slash >= 0) {
        const before = reference.slice(0, slash);
        return `${before === "." ? namespace : before}/${reference.slice(slash + 1)}`;
    }
    const [name, gatewayNamespace] = reference.split(".");
    return gatewayNamespace === undefined ? `${namespace}/${name}` : `${gatewayNamespace}/${name}`;
}

/** The names of a Secret that producers in the input make: cert-manager, External Secrets. */
function producedSecrets(index: MeshIndex): Set<string> {
    const produced = new Set<string>();
    for (const certificate of index.ofKind("Certificate", ["cert-manager.io"])) {
        const name = certificate.body.spec?.secretName;
        if (typeof name === "string") {
            produced.add(`${namespaceOf(certificate)}/${name}`);
        }
    }
    for (const external of index.ofKind("ExternalSecret", ["external-secrets.io"])) {
        const name = external.body.spec?.target?.name ?? external.metadata.name;
        if (typeof name === "string") {
            produced.add(`${namespaceOf(external)}/${name}`);
        }
    }
    return produced;
}

const PMX094 = catalogue.PMX094;
export const requireGatewayReferences = inventoryRule<Record<string, never>, Referencing>({
    entry: PMX094,
    config: {},
    inputs: {
        kinds: [
            ISTIO_GATEWAY_INPUT,
            `${ISTIO_NETWORKING}/VirtualService`,
            `${GATEWAY_API}/Gateway`,
            GATEWAY_CHART_INPUT,
            "core/Secret",
            "cert-manager.io/Certificate",
            "external-secrets.io/ExternalSecret",
        ],
        workloads: true,
    },
    judges: {
        what: "Istio Gateway or VirtualService bound to a gateway",
        select: (index) => [
            ...istioGateways(index).map((gateway) => ({ kind: "gateway" as const, gateway })),
            ...index
                .ofKind("VirtualService", [ISTIO_NETWORKING])
                .map((object) => ({
                    kind: "virtualService" as const,
                    object,
                    refs: strings(object.body.spec?.gateways),
                }))
                .filter((vs) => vs.refs.length > 0),
        ],
    },
    check(judged, index) {
        const gateways = judged.flatMap((j) => (j.kind === "gateway" ? [j.gateway] : []));
        const pods = new GatewayPods(index);
        const secrets = secretsByName(index);
        const produced = producedSecrets(index);
        const gatewayNames = new Set(gateways.map((g) => g.fullName));
        let kubernetesGateways: Set<string> | undefined;
        const exists = (fullName: string) => {
            if (gatewayNames.has(fullName)) {
                return true;
            }
            // At the pinned commit a Gateway API Gateway of that name counts too
            // (virtualservice/gateways.go, #60776); Istio 1.30.3's istioctl still reports it.
            kubernetesGateways ??= new Set(
                index
                    .ofKind("Gateway", [GATEWAY_API])
                    .map((g) => `${namespaceOf(g)}/${g.metadata.name}`),
            );
            return kubernetesGateways.has(fullName);
        };
        return judged.flatMap((item): Finding[] => {
            if (item.kind === "virtualService") {
                const namespace = namespaceOf(item.object);
                return item.refs
                    .filter((ref) => ref !== "mesh" && !ref.includes(INTERNAL_GATEWAY))
                    .filter((ref) => !exists(resolveGateway(ref, namespace)))
                    .map((ref) =>
                        finding(PMX094, item.object, "gateway", {
                            virtualService: describeSubject(item.object),
                            gateway: ref,
                            resolved: resolveGateway(ref, namespace),
                        }),
                    );
            }
            const { gateway } = item;
            const selected = pods.matching(gateway.selector);
            if (selected.length === 0) {
                return pods.mayMatchUnseen(gateway)
                    ? []
                    : [
                          finding(PMX094, gateway.object, "selector", {
                              gateway: describeSubject(gateway.object),
                              selector: describeSelector(gateway.selector),
                          }),
                      ];
            }
            return credentialRefs(gateway, selected)
                .filter(({ namespace, name }) => {
                    const key = `${namespace}/${name}`;
                    // A chart or an operator in the namespace may make the Secret.
                    return (
                        !secrets.has(key) && !produced.has(key) && !pods.hasUnseenSources(namespace)
                    );
                })
                .map(({ credential, namespace, name }) =>
                    finding(PMX094, gateway.object, "credential", {
                        gateway: describeSubject(gateway.object),
                        credential,
                        secret: name,
                        namespace,
                    }),
                );
        });
    },
});

/**
 * The lowest Gateway API bundle version istiod watches, by CRD (pkg/config/schema/gatewayapi/
 * minimumversions.go at Istio 1.30.3, the version this project installs; master adds
 * tcproutes ≥ 1.6.0 with its TCPRoute v1 upgrade, which 1.30 does not need).
 */
const MINIMUM_CRD_VERSIONS: Readonly<Record<string, readonly [number, number, number]>> = {
    "grpcroutes.gateway.networking.k8s.io": [1, 1, 0],
    "backendtlspolicies.gateway.networking.k8s.io": [1, 4, 0],
    "tlsroutes.gateway.networking.k8s.io": [1, 5, 0],
};

const BUNDLE_VERSION = "gateway.networking.k8s.io/bundle-version";

/** A version as Masterminds semver's NewVersion reads it (a `v`, and minor and patch, optional). */
function parseVersion(text: string) {
    const match =
        /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(
            text,
        );
    if (!match) {
        return undefined;
    }
    const [, major, minor = "0", patch = "0", pre, meta] = match;
    const numbers = [Number(major), Number(minor), Number(patch)] as const;
    return {
        numbers,
        text: `${numbers.join(".")}${pre ? `-${pre}` : ""}${meta ? `+${meta}` : ""}`,
    };
}

function below(a: readonly number[], b: readonly number[]): boolean {
    const i = a.findIndex((n, k) => n !== b[k]);
    return i >= 0 && a[i] < b[i];
}

const PMX095 = catalogue.PMX095;
export const requireMinimumCrdVersion = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX095,
    config: {},
    inputs: { kinds: ["apiextensions.k8s.io/CustomResourceDefinition"] },
    judges: {
        what: "Gateway API CustomResourceDefinition",
        select: (index) =>
            index
                .ofKind("CustomResourceDefinition", ["apiextensions.k8s.io"])
                .filter((crd) => crd.metadata.name?.endsWith(`.${GATEWAY_API}`)),
    },
    check(crds) {
        return crds.flatMap((crd): Finding[] => {
            const minimum = MINIMUM_CRD_VERSIONS[crd.metadata.name ?? ""];
            const written = crd.metadata.annotations?.[BUNDLE_VERSION];
            // Without a readable bundle version istioctl says nothing (the CRD watcher logs it).
            const installed = typeof written === "string" ? parseVersion(written) : undefined;
            if (!minimum || !installed || !below(installed.numbers, minimum)) {
                return [];
            }
            // A prerelease counts as its release (k8sgateway/crdversion.go strips it).
            return [
                finding(PMX095, crd, "version", {
                    crd: describeSubject(crd),
                    installed: installed.text,
                    minimum: minimum.join("."),
                }),
            ];
        });
    },
});
/* eslint-enable @typescript-eslint/no-explicit-any */

export const gatewayRules = [
    disallowConflictingServers,
    requireServicePort,
    requireValidCredential,
    adviseDuplicateCertificate,
    requireGatewayReferences,
    requireMinimumCrdVersion,
];
