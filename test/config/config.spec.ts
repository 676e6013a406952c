import { expect } from "chai";
import { parseStackConfig } from "../../config/load";
import { BadConfig, configRejection, itRejectsEach, referenceRawConfig } from "../helpers";

const minimal = { domain: "homelab.example.com" };

describe("stack config", () => {
    it("fills every default in code from a config that names only the domain", () => {
        const config = parseStackConfig(minimal);
        expect(config.cilium).to.deep.equal({
            mode: "unmanaged",
            chart: "cilium",
            repository: "oci://quay.io/cilium/charts",
            version: "1.20.1",
            namespace: "kube-system",
            releaseName: "cilium",
            values: {},
            ambientHostProbes: false,
        });
        expect(config.istio.version).to.equal("1.30.3");
        expect(config.istio.releases).to.deep.equal({
            base: "istio-base",
            cni: "istio-cni",
            istiod: "istio-istiod",
            ztunnel: "istio-ztunnel",
        });
        expect(config.istio.ztunnel.resources).to.deep.equal({
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { memory: "256Mi" },
        });
        expect(config.gateway.enabled).to.equal(false);
        expect(config.telemetry.tracing).to.deep.equal({
            enabled: false,
            provider: "opentelemetry",
            service: "tempo-distributor.tempo.svc.cluster.local",
            port: 4317,
            samplingPercentage: 100,
            customTags: {},
        });
        expect(config.services.prometheus.url).to.equal(
            "http://kube-prometheus-stack-prometheus.kube-prom-stack:9090",
        );
    });

    it("accepts the reference stack file", () => {
        const config = parseStackConfig(referenceRawConfig());
        expect(config.domain).to.equal("homelab.ricsanfre.com");
        expect(config.gateway).to.include({ enabled: true, loadBalancerIP: "10.0.0.67" });
    });

    const badValues: BadConfig[] = [
        [
            "a missing domain",
            {},
            "Invalid config picluster-mesh:domain is missing: expected a DNS domain such as homelab.example.com.",
        ],
        [
            "a domain that is not a DNS name",
            { domain: "Bad_Domain" },
            'Invalid config picluster-mesh:domain = "Bad_Domain": expected a DNS domain such as homelab.example.com.',
        ],
        [
            "an unknown Cilium mode",
            { ...minimal, cilium: { mode: "replace" } },
            'Invalid config picluster-mesh:cilium.mode = "replace": expected one of "unmanaged", "adopt", "managed".',
        ],
        [
            "a chart repository without a scheme",
            { ...minimal, cilium: { repository: "quay.io/cilium" } },
            'Invalid config picluster-mesh:cilium.repository = "quay.io/cilium": expected a chart repository URL (https://… or oci://…) without credentials in it.',
        ],
        [
            "an unpinned Istio version",
            { ...minimal, istio: { version: "latest" } },
            'Invalid config picluster-mesh:istio.version = "latest": expected a pinned chart version such as 1.30.3.',
        ],
        [
            "a ztunnel CPU request that is not a quantity",
            { ...minimal, istio: { ztunnel: { resources: { requests: { cpu: "lots" } } } } },
            'Invalid config picluster-mesh:istio.ztunnel.resources.requests.cpu = "lots": expected a Kubernetes quantity such as 100m or 128Mi.',
        ],
        [
            "a gateway address that is not IPv4",
            { ...minimal, gateway: { loadBalancerIP: "10.0.0.300" } },
            'Invalid config picluster-mesh:gateway.loadBalancerIP = "10.0.0.300": expected an IPv4 address such as 10.0.0.67.',
        ],
        [
            "a toggle that is not a boolean",
            { ...minimal, gateway: { enabled: "yes" } },
            'Invalid config picluster-mesh:gateway.enabled = "yes": expected a boolean.',
        ],
        [
            "a sampling percentage above 100",
            { ...minimal, telemetry: { tracing: { samplingPercentage: 150 } } },
            "Invalid config picluster-mesh:telemetry.tracing.samplingPercentage = 150: expected a percentage from 0 to 100.",
        ],
        [
            "a tracing port of 0",
            { ...minimal, telemetry: { tracing: { port: 0 } } },
            "Invalid config picluster-mesh:telemetry.tracing.port = 0: expected a port number from 1 to 65535.",
        ],
        [
            "kubeconfig contents instead of a path",
            {
                ...minimal,
                kubernetes: {
                    kubeconfig:
                        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTi\n",
                },
            },
            "Invalid config picluster-mesh:kubernetes.kubeconfig = (a value that may hold a credential, not shown): expected a kubeconfig file path (keep credentials out of the stack file; or set KUBECONFIG).",
        ],
        [
            "a one-line JSON kubeconfig instead of a path",
            { ...minimal, kubernetes: { kubeconfig: '{"apiVersion":"v1"}' } },
            "Invalid config picluster-mesh:kubernetes.kubeconfig = (a value that may hold a credential, not shown): expected a kubeconfig file path (keep credentials out of the stack file; or set KUBECONFIG).",
        ],
        [
            "a Vault address with credentials in it",
            {
                ...minimal,
                identity: { vault: { address: "https://root:hunter2@vault.example.com" } },
            },
            "Invalid config picluster-mesh:identity.vault.address = (a value that may hold a credential, not shown): expected an http:// or https:// URL without credentials in it.",
        ],
        [
            "a value too long to echo",
            { ...minimal, cilium: { namespace: "a-very-long-namespace-name-".repeat(3) } },
            "Invalid config picluster-mesh:cilium.namespace = \"a-very-long-namespace-name-a-very-long-namespace-name-a-ve…: expected a Kubernetes name: at most 63 lower-case letters, digits and '-'.",
        ],
        [
            "a 64-character namespace",
            { ...minimal, kiali: { namespace: "n".repeat(64) } },
            `Invalid config picluster-mesh:kiali.namespace = "${"n".repeat(58)}…: expected a Kubernetes name: at most 63 lower-case letters, digits and '-'.`,
        ],
        [
            "a namespace of the cluster's own to create",
            { ...minimal, mesh: { namespaces: [{ name: "kube-system", create: true }] } },
            'Invalid config picluster-mesh:mesh.namespaces[0].name = "kube-system": expected a namespace the program may create: kube-system is the cluster\'s own (label it with create: false, or set createNamespace: false).',
        ],
        [
            "two releases with one name in one namespace",
            { ...minimal, istio: { releases: { cni: "istio-base" } } },
            'Invalid config picluster-mesh:istio.releases.cni = "istio-base": expected a release name that picluster-mesh:istio.releases.base does not use in namespace istio-system too.',
        ],
        [
            "a misspelt key inside a section",
            { ...minimal, gateway: { enabeld: true } },
            'Invalid config picluster-mesh:gateway: unknown key "enabeld"; allowed keys: enabled, namespace, releaseName, loadBalancerIP, values.',
        ],
    ];
    itRejectsEach(badValues);

    it("reports every problem of a config at once, one line each", () => {
        expect(() =>
            parseStackConfig({
                ...minimal,
                istio: { version: "latest", namespace: "Istio_System" },
                mesh: { namespaces: [{ name: "kube-system", create: true }] },
            }),
        )
            .to.throw()
            .with.property(
                "message",
                [
                    'Invalid config picluster-mesh:istio.version = "latest": expected a pinned chart version such as 1.30.3.',
                    "Invalid config picluster-mesh:istio.namespace = \"Istio_System\": expected a Kubernetes name: at most 63 lower-case letters, digits and '-'.",
                    'Invalid config picluster-mesh:mesh.namespaces[0].name = "kube-system": expected a namespace the program may create: kube-system is the cluster\'s own (label it with create: false, or set createNamespace: false).',
                ].join("\n"),
            );
    });

    it("accepts a kubeconfig file path", () => {
        const config = parseStackConfig({
            ...minimal,
            kubernetes: { kubeconfig: "~/.kube/picluster.yaml" },
        });
        expect(config.kubernetes).to.deep.equal({ kubeconfig: "~/.kube/picluster.yaml" });
    });

    it("rejects a misspelt section and lists the sections it knows", () => {
        const message = configRejection({ ...minimal, gatway: {} });
        expect(message).to.match(
            /^Invalid config: unknown key "picluster-mesh:gatway"; allowed keys: domain, kubernetes, cilium, istio, gateway, telemetry, services/,
        );
    });
});
