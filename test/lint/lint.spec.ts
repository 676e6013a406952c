import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { lintPaths } from "../../lint/lint";
import { main } from "../../scripts/meshLint";
import { runCommand, writeTree } from "../helpers";
import { ENROLLED } from "./manifests";

/** The Flux-style fixture trees, as a path relative to where mocha runs (the project root). */
const FLUX = path.relative(process.cwd(), path.join(__dirname, "..", "fixtures", "flux"));
const BROKEN = `${FLUX}/broken`;
const CORRECTED = `${FLUX}/corrected`;
/** Each tree's repository and, beside it, its charts rendered by Helm (they join the cluster). */
const paths = (tree: string) => [`${tree}/kubernetes`, `${tree}/rendered`];

type Where = [code: string, kind: string | null, namespace: string | null, name: string | null];

/** Each historic mistake of the Pi Cluster (facts file, section 5) and where mesh-lint finds it. */
const HISTORIC_MISTAKES: { mistake: string; finding: Where; file: string; line: number }[] = [
    {
        mistake: "STRICT on the ingress namespace envoy-gateway-system (a27c4847)",
        finding: ["PMX013", "PeerAuthentication", "envoy-gateway-system", "envoy-gateway-strict"],
        file: "kubernetes/platform/envoy-gateway/config/components/istio/peer-authentication.yaml",
        line: 1,
    },
    {
        mistake: "portLevelMtls without a selector on keycloak-permissive (2e5ba411)",
        finding: ["PMX003", "PeerAuthentication", "keycloak", "keycloak-permissive"],
        file: "kubernetes/platform/keycloak/config/components/istio/peer-authentication.yaml",
        line: 1,
    },
    {
        mistake:
            "portLevelMtls on a namespace-wide policy with empty matchLabels (39d0869c, 4c30a416)",
        finding: ["PMX003", "PeerAuthentication", "databases", "databases-strict"],
        file: "kubernetes/platform/databases/common/components/istio/peer-authentication.yaml",
        line: 1,
    },
    {
        mistake: "the CNPG webhook on 9443 without a PERMISSIVE exception (bf7226d9)",
        finding: [
            "PMX080",
            "MutatingWebhookConfiguration",
            null,
            "cnpg-mutating-webhook-configuration",
        ],
        file: "rendered/cloudnative-pg.yaml",
        line: 58,
    },
    {
        mistake: "the Strimzi webhook on 8443 without a PERMISSIVE exception",
        finding: ["PMX080", "ValidatingWebhookConfiguration", null, "strimzi-validating-webhook"],
        file: "rendered/strimzi-kafka-operator.yaml",
        line: 49,
    },
    {
        mistake: "Prometheus scraping a STRICT exporter port (2ed23044)",
        finding: ["PMX081", "ServiceMonitor", "databases", "valkey"],
        file: "kubernetes/apps/e-commerce/config/databases/components/valkey-monitor/service-monitor.yaml",
        line: 18,
    },
    {
        mistake:
            "the Keycloak operator's NetworkPolicy without an additive policy for 15008 (43146eef)",
        finding: ["PMX020", "NetworkPolicy", "keycloak", "keycloak-network-policy"],
        file: "kubernetes/platform/keycloak/app/base/operator-network-policy.yaml",
        line: 3,
    },
    {
        mistake: "a second declaration of the databases Namespace that strips its label (eec7574d)",
        finding: ["PMX015", "Namespace", null, "databases"],
        file: "kubernetes/platform/databases/common/base/ns.yaml",
        line: 2,
    },
    {
        mistake:
            "a Cilium policy selecting every endpoint without enableDefaultDeny (disabled in prod by 9fd69c9d)",
        finding: ["PMX021", "CiliumClusterwideNetworkPolicy", null, "allow-ambient-hostprobes"],
        file: "kubernetes/platform/cilium/config/components/istio-config/cilium-istio-network-policy.yaml",
        line: 1,
    },
    {
        mistake: "the docs' Kiali with anonymous auth",
        finding: ["PMX050", "Kiali", "kiali", "kiali"],
        file: "rendered/kiali-operator.yaml",
        line: 3,
    },
    {
        mistake: "no mesh-wide STRICT default in istio-system (the repository at HEAD)",
        finding: ["PMX010", "Namespace", null, "istio-system"],
        file: "kubernetes/platform/istio/app/base/ns.yaml",
        line: 1,
    },
    {
        mistake: "keycloak enrolled but PERMISSIVE, for want of a mesh-wide default",
        finding: ["PMX011", "Namespace", null, "keycloak"],
        // Reported on the Namespace the build produces, which the component's patch enrolls.
        file: "kubernetes/platform/keycloak/operator/base/ns.yaml",
        line: 1,
    },
    {
        mistake: "a Flux Kustomization applying a PeerAuthentication without istio-app (98a1bf7a)",
        finding: ["PMX033", "Kustomization", "flux-system", "databases-common"],
        file: "kubernetes/clusters/prod/infra/databases-app.yaml",
        line: 1,
    },
    {
        mistake: "the docs' ztunnel PodMonitor scraping no named port (6b950feb)",
        finding: ["PMX041", "PodMonitor", "istio-system", "ztunnel-monitor"],
        file: "kubernetes/platform/istio/app/components/monitoring/ztunnel-pod-monitor.yaml",
        line: 1,
    },
    {
        mistake: "Kiali's web_port written as a number (cfb23bad)",
        finding: ["PMX042", "Kiali", "kiali", "kiali"],
        file: "rendered/kiali-operator.yaml",
        line: 3,
    },
    {
        mistake:
            "Kiali's Prometheus and Grafana URLs with sub-paths they lack (bdac9237, 4d5bfd4e)",
        finding: ["PMX043", "Kiali", "kiali", "kiali"],
        file: "rendered/kiali-operator.yaml",
        line: 3,
    },
    {
        mistake:
            "Cilium's externalIPs.enabled, which the chart dropped in 1.18 (the repository at HEAD)",
        finding: ["PMX110", "HelmRelease", "kube-system", "cilium"],
        file: "kubernetes/platform/cilium/app/base/helm.yaml",
        line: 15,
    },
    {
        mistake:
            "the Kiali CR's istio_namespace, ignored since Kiali 2.11, in the operator chart's values (the repository at HEAD)",
        finding: ["PMX112", "HelmRelease", "kiali", "kiali-operator"],
        file: "kubernetes/platform/kiali/app/base/helm.yaml",
        line: 10,
    },
    {
        mistake:
            "the Kiali CR's istio_namespace, ignored since Kiali 2.11, in the CR the chart renders (the repository at HEAD)",
        finding: ["PMX112", "Kiali", "kiali", "kiali"],
        file: "rendered/kiali-operator.yaml",
        line: 3,
    },
    {
        mistake: "a file that is not valid YAML",
        finding: ["YAML001", null, null, null],
        file: "kubernetes/platform/kafka/kafka-cluster/base/kafka-metrics.yaml",
        line: 9,
    },
];

function located(finding: {
    code: string;
    kind: string | null;
    namespace: string | null;
    name: string | null;
    file: string | null;
    line: number | null;
}) {
    const { code, kind, namespace, name, file, line } = finding;
    return { finding: [code, kind, namespace, name], file, line };
}

describe("mesh-lint on the Pi Cluster's Flux tree with its historic mistakes", () => {
    const findings = lintPaths(paths(BROKEN)).findings.map(located);

    for (const { mistake, finding, file, line } of HISTORIC_MISTAKES) {
        it(`finds ${mistake} as ${finding[0]} on ${[finding[1] ?? "the file", finding[3]].filter(Boolean).join(" ")}`, () => {
            expect(findings).to.deep.include({ finding, file: `${BROKEN}/${file}`, line });
        });
    }

    it("finds nothing else", () => {
        const expected = HISTORIC_MISTAKES.map(({ finding, file, line }) => ({
            finding,
            file: `${BROKEN}/${file}`,
            line,
        }));
        expect(findings).to.have.deep.members(expected);
        expect(findings).to.have.length(expected.length);
    });

    it("passes the corrected tree", () => {
        const result = lintPaths(paths(CORRECTED));
        expect(result.findings).to.deep.equal([]);
        expect(result.objects).to.equal(86);
        expect(result.clusters).to.deep.equal([`${CORRECTED}/kubernetes/clusters/prod`]);
        expect(result.unreached).to.deep.equal([]);
    });
});

const MESH_DEFAULT = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
`;

describe("mesh-lint's reasons for PERMISSIVE exceptions", () => {
    const exception = (comment: string, name: string) => `${comment}apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels:
      app: orders
  portLevelMtls:
    "9090":
      mode: PERMISSIVE
`;

    it("takes the comment directly above a policy as its reason, as GitOps trees write them", () => {
        const root = writeTree({
            "explained.yaml": exception(
                "# Prometheus scrapes 9090 from kube-prom-stack, outside the mesh.\n",
                "explained",
            ),
            "unexplained.yaml": exception("", "unexplained"),
        });
        const codes = lintPaths([root]).findings.map((f) => [f.code, f.name]);
        expect(codes.filter(([code]) => code === "PMX005")).to.deep.equal([
            ["PMX005", "unexplained"],
        ]);
    });
});

describe("the mesh-lint command", () => {
    it("exits 1 on the broken tree and 0 on the corrected one", async () => {
        expect((await runCommand(main, paths(BROKEN))).code).to.equal(1);
        const clean = await runCommand(main, paths(CORRECTED));
        expect(clean.code).to.equal(0);
        expect(clean.stdout.split("\n")[0]).to.equal(
            "No findings: 86 objects in 119 files checked.",
        );
    });

    it("exits 0 when every finding is advisory", async () => {
        const root = writeTree({
            "ns.yaml": ENROLLED,
            "mesh.yaml": MESH_DEFAULT,
            "monitor.yaml": `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: exporter
  namespace: shop
spec:
  selector:
    matchLabels:
      app: exporter
  podMetricsEndpoints:
    - port: "9100"
`,
        });
        const { code, stdout } = await runCommand(main, ["--json", root]);
        expect(JSON.parse(stdout).findings.map((f: { code: string }) => f.code)).to.deep.equal([
            "PMX081",
        ]);
        expect(code).to.equal(0);
    });

    it("takes the pack's --policy-config: levels, disabled rules and settings, as pulumi preview does", async () => {
        const permissive = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: shop-permissive
  namespace: shop
spec:
  mtls:
    mode: PERMISSIVE
`;
        const root = writeTree({
            "ns.yaml": ENROLLED,
            "mesh.yaml": MESH_DEFAULT,
            "pa.yaml": permissive,
        });
        const lint = async (config: object) => {
            const file = path.join(
                writeTree({ "config.json": JSON.stringify(config) }),
                "config.json",
            );
            const { code, stdout } = await runCommand(main, [
                "--json",
                "--policy-config",
                file,
                root,
            ]);
            const findings = JSON.parse(stdout).findings.map(
                (f: { code: string; level: string }) => [f.code, f.level],
            );
            return { code, findings };
        };
        expect(await lint({})).to.deep.equal({
            code: 1,
            findings: [
                ["PMX002", "mandatory"],
                ["PMX005", "mandatory"],
            ],
        });
        expect(
            await lint({
                "peerauthentication-restrict-permissive": { permissiveNamespaces: ["shop"] },
                "peerauthentication-require-exception-reason": "disabled",
            }),
        ).to.deep.equal({ code: 0, findings: [] });
        expect(await lint({ all: "advisory" })).to.deep.equal({
            code: 0,
            findings: [
                ["PMX002", "advisory"],
                ["PMX005", "advisory"],
            ],
        });
    });

    it("refuses a --policy-config the Pulumi CLI would refuse, with exit 2", async () => {
        const dir = writeTree({
            "unknown.json": JSON.stringify({ "no-such-policy": "mandatory" }),
            "level.json": JSON.stringify({ all: "loud" }),
        });
        const run = async (file: string) => {
            const { code, stderr } = await runCommand(main, ["--policy-config", file, dir]);
            return [code, stderr.trim()];
        };
        expect(await run(path.join(dir, "unknown.json"))).to.deep.equal([
            2,
            'mesh-lint: invalid policy config: policy pack picluster-mesh has no policy "no-such-policy"',
        ]);
        expect(await run(path.join(dir, "level.json"))).to.deep.equal([
            2,
            'mesh-lint: invalid policy config: parsing enforcement level for "all": "loud" is not a valid enforcement level',
        ]);
        expect(await run(path.join(dir, "missing.json"))).to.deep.equal([
            2,
            `mesh-lint: ${path.join(dir, "missing.json")} does not exist`,
        ]);
    });

    it("prints the findings as JSON with exactly code, policy, level, kind, namespace, name, file, line, cluster, chain and message, then the suppressed ones", async () => {
        // The corrected tree's Istio folder brings the mesh-wide default: both prod overlays are
        // one cluster.
        const { code, stdout } = await runCommand(main, [
            "--json",
            `${BROKEN}/kubernetes/platform/envoy-gateway`,
            `${CORRECTED}/kubernetes/platform/istio`,
        ]);
        expect(code).to.equal(1);
        expect(JSON.parse(stdout)).to.deep.equal({
            findings: [
                {
                    code: "PMX013",
                    policy: "mesh-require-permissive-ingress",
                    level: "mandatory",
                    kind: "PeerAuthentication",
                    namespace: "envoy-gateway-system",
                    name: "envoy-gateway-strict",
                    file: `${BROKEN}/kubernetes/platform/envoy-gateway/config/components/istio/peer-authentication.yaml`,
                    line: 1,
                    cluster: "overlays/prod",
                    chain: [`${BROKEN}/kubernetes/platform/envoy-gateway/config/overlays/prod`],
                    message:
                        "Ingress namespace envoy-gateway-system is effectively STRICT (its namespace-wide PeerAuthentication envoy-gateway-system/envoy-gateway-strict sets STRICT), so ztunnel drops every client outside the mesh; give envoy-gateway-system a namespace-wide PERMISSIVE policy with a reason.",
                },
            ],
            suppressed: [],
        });
    });

    it("prints the findings grouped by file, with line, code, level, cluster, message and fix", async () => {
        const { stdout } = await runCommand(main, [`${BROKEN}/kubernetes/platform/keycloak`]);
        const file = `${BROKEN}/kubernetes/platform/keycloak`;
        expect(stdout.split("\n")).to.deep.equal([
            `${file}/app/base/operator-network-policy.yaml`,
            "  line 3: PMX020 mandatory networkpolicy-allow-ambient-ports",
            `    in overlays/prod › ${file}/app/overlays/prod`,
            "    NetworkPolicy keycloak/keycloak-network-policy holds pods app=keycloak,app.kubernetes.io/managed-by=keycloak-operator in the ambient namespace keycloak but no NetworkPolicy lets in HBONE (TCP 15008); add a rule with port 15008/TCP.",
            "    fix: Checks that every NetworkPolicy restricting ingress in an ambient namespace lets in HBONE (TCP 15008) and the kubelet's probes, which ambient mode SNATs to 169.254.7.127; add ingress rules for port 15008 and for ipBlock 169.254.7.127/32.",
            "",
            `${file}/config/components/istio/peer-authentication.yaml`,
            "  line 1: PMX003 mandatory peerauthentication-require-valid-mtls",
            `    in overlays/prod › ${file}/config/overlays/prod`,
            "    PeerAuthentication keycloak/keycloak-permissive has portLevelMtls without a workload selector, which Istio rejects; move the ports into a policy whose selector.matchLabels names the workload.",
            "    fix: Checks that mtls modes are valid, that portLevelMtls has a workload selector, at least one entry and port numbers from 1 to 65535, and that selector values have at most 63 characters, as Istio's validation and schema demand; fix the field named in the message.",
            "",
            // The Namespace the build produces, which the istio component's patch enrolls.
            `${file}/operator/base/ns.yaml`,
            "  line 1: PMX011 mandatory mesh-require-strict-namespaces",
            `    in overlays/prod › ${file}/operator/overlays/prod`,
            "    Namespace keycloak is enrolled in ambient mode but is effectively PERMISSIVE: no mesh-wide PeerAuthentication exists in istio-system, so Istio's default PERMISSIVE applies (its namespace-wide PeerAuthentication keycloak/keycloak-permissive leaves the mode UNSET); set the mesh-wide policy in istio-system to STRICT or give keycloak a namespace-wide STRICT policy.",
            "    fix: Checks that every namespace enrolled in ambient mode is effectively STRICT under Istio's precedence (workload over namespace over mesh, UNSET inherits, only the oldest policy of a scope counts); give the namespace or the mesh a STRICT policy.",
            "",
            // The input has no istio-system Namespace to report the missing default on.
            "(the input as a whole)",
            "  PMX010 mandatory mesh-require-strict-default",
            "    in overlays/prod",
            "    No mesh-wide PeerAuthentication exists in the root namespace istio-system, so every namespace without its own policy is PERMISSIVE; add a PeerAuthentication named default there, without a selector, with mtls.mode STRICT.",
            "    fix: Checks that a mesh-wide PeerAuthentication in Istio's root namespace sets mode STRICT (an UNSET mesh-wide mode means PERMISSIVE); add one named default, without a selector, with mtls.mode STRICT.",
            "",
            "4 findings (4 mandatory, 0 advisory) in 4 files; 6 objects in 18 files checked.",
            "Clusters built: overlays/prod.",
            "Remote resources not read (Flux fetches them): https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/26.4.0/kubernetes/keycloaks.k8s.keycloak.org-v1.yml, https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/26.4.0/kubernetes/kubernetes.yml.",
            "Not applicable to plain YAML: PMX030 cilium-require-istio-settings (the input has no Helm releases and values); PMX031 istio-require-consistent-charts (the input has no Helm releases and values); PMX032 istio-require-crds-before-resources (the input has no dependency edges between resources); PMX040 telemetry-require-defined-providers (the input has no Helm releases and values); PMX047 telemetry-disallow-lightstep-provider (the input has no Helm releases and values); PMX110 helm-value-require-known-path (the input has no Helm releases and values); PMX111 helm-value-require-valid-type (the input has no Helm releases and values).",
        ]);
    });

    it("reports a file that does not parse with its line, and still checks the other files", async () => {
        const root = writeTree({
            "a-broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
            "b-ns.yaml": ENROLLED,
        });
        const { code, stdout } = await runCommand(main, ["--json", root]);
        expect(code).to.equal(1);
        const findings = JSON.parse(stdout).findings;
        expect(findings[0]).to.deep.equal({
            code: "YAML001",
            policy: "yaml-syntax",
            level: "mandatory",
            kind: null,
            namespace: null,
            name: null,
            file: `${root}/a-broken.yaml`,
            line: 4,
            cluster: null,
            chain: [],
            message: `${root}/a-broken.yaml is not valid YAML: Tabs are not allowed as indentation.`,
        });
        // b-ns.yaml was checked: its namespace is enrolled, and no mesh-wide default exists.
        expect(
            findings.slice(1).map((f: { code: string; file: string }) => [f.code, f.file]),
        ).to.deep.equal([
            ["PMX011", `${root}/b-ns.yaml`],
            ["PMX010", null],
        ]);
    });

    it("reports a policy a Flux targetNamespace moves out of its namespace, as the Pi Cluster's keycloak-config does", async () => {
        const root = writeTree({
            "clusters/prod/config.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: keycloak-config
  namespace: flux-system
spec:
  path: ./keycloak/config
  targetNamespace: flux-system
`,
            "keycloak/config/kustomization.yaml": "resources: [peer-authentication.yaml]\n",
            "keycloak/config/peer-authentication.yaml": `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: keycloak-permissive
  namespace: keycloak
spec:
  selector:
    matchLabels:
      app: keycloak
  mtls:
    mode: STRICT
`,
        });
        const { stdout } = await runCommand(main, ["--json", root]);
        const moved = JSON.parse(stdout).findings.filter(
            (f: { code: string }) => f.code === "YAML003",
        );
        expect(moved).to.deep.equal([
            {
                code: "YAML003",
                policy: "build-moves-policy",
                level: "mandatory",
                kind: "PeerAuthentication",
                namespace: "flux-system",
                name: "keycloak-permissive",
                file: `${root}/keycloak/config/peer-authentication.yaml`,
                line: 1,
                cluster: `${root}/clusters/prod`,
                chain: ["keycloak-config", `${root}/keycloak/config`],
                message:
                    "PeerAuthentication keycloak-permissive is written for namespace keycloak, but Flux Kustomization keycloak-config applies it in namespace flux-system, so it guards flux-system instead; apply it from a build for keycloak, or write namespace flux-system if that is meant.",
            },
        ]);
    });

    it("exits 2 with one line naming a path that does not exist", async () => {
        const result = await runCommand(main, [CORRECTED, `${FLUX}/missing`]);
        expect(result).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${FLUX}/missing: no such file or directory`,
        });
    });

    it("exits 2 with one line naming a path that goes through a file", async () => {
        const through = `${CORRECTED}/kubernetes/platform/istio/app/base/ns.yaml/child.yaml`;
        const result = await runCommand(main, [through]);
        expect(result).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${through}: a part of the path is not a directory`,
        });
    });

    it("exits 2 with one line naming a directory it may not read", async function () {
        if (process.getuid?.() === 0) {
            this.skip(); // root reads everything
        }
        const root = writeTree({ "locked/ns.yaml": ENROLLED });
        fs.chmodSync(path.join(root, "locked"), 0o000);
        try {
            const result = await runCommand(main, [root]);
            expect(result).to.deep.equal({
                code: 2,
                stdout: "",
                stderr: `mesh-lint: cannot read ${root}/locked: permission denied`,
            });
        } finally {
            fs.chmodSync(path.join(root, "locked"), 0o755);
        }
    });

    it("exits 2 with the usage when no path is given", async () => {
        expect(await runCommand(main, ["--json"])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: no path given; usage: mesh-lint [--format text|json|sarif|github] [--config FILE | --no-config] [--policy-config FILE] [--max-file-size SIZE] PATH...",
        });
    });
});
