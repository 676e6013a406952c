// The catalogue of every code this project reports: what istioctl keeps in its messages.yaml. Each
// entry holds the code (its key, written once), the name CrossGuard knows the policy by, the
// default level, a title, the description that says how to fix a finding, the message templates
// with their {{placeholders}}, and the checks of other tools it matches or beats. The rules, the
// CrossGuard metadata, mesh-lint's output and the docs' rule table all read it from here.
import { defineCatalogue } from "./core";

export const catalogue = defineCatalogue({
    PMX001: {
        name: "peerauthentication-disallow-disable",
        level: "mandatory",
        title: "A PeerAuthentication uses DISABLE",
        description:
            "Checks that no PeerAuthentication uses mode DISABLE, which ztunnel treats as PERMISSIVE (a namespace-wide DISABLE under a STRICT mesh accepts plaintext); use STRICT, or a workload-selected PERMISSIVE port exception with a reason.",
        messages: {
            mode: "{{policy}} sets mtls.mode DISABLE, which ztunnel treats as PERMISSIVE, so {{what}} accept plaintext from any peer; set STRICT, or open single ports with a workload-selected PERMISSIVE exception with a reason.",
            ports: "{{policy}} sets {{ports}} to DISABLE, which ambient mode treats as PERMISSIVE; write PERMISSIVE and give the reason.",
        },
        anchors: [
            {
                tool: "Kyverno",
                check: "enforce-strict-mtls",
                note: "bans DISABLE everywhere, ambient-blind",
            },
        ],
    },
    PMX002: {
        name: "peerauthentication-restrict-permissive",
        level: "mandatory",
        title: "PERMISSIVE outside the allow-list",
        description:
            "Checks that a PeerAuthentication sets mtls.mode PERMISSIVE only in allow-listed namespaces; elsewhere keep STRICT and open only the ports outside clients call, with a workload-selected portLevelMtls exception.",
        messages: {
            permissive:
                "{{policy}} makes {{what}} PERMISSIVE, but {{namespace}} is not allow-listed for PERMISSIVE ({{allowed}}); keep it STRICT and list only the ports outside clients call under portLevelMtls of a workload-selected policy.",
        },
        anchors: [
            {
                tool: "Kyverno",
                check: "enforce-strict-mtls",
                note: "top-level mode only; ignores portLevelMtls",
            },
        ],
    },
    PMX003: {
        name: "peerauthentication-require-valid-mtls",
        level: "mandatory",
        title: "Invalid mTLS modes, port settings or selector values",
        description:
            "Checks that mtls modes are valid, that portLevelMtls has a workload selector, at least one entry and port numbers from 1 to 65535, and that selector values have at most 63 characters, as Istio's validation and schema demand; fix the field named in the message.",
        messages: {
            mode: "{{policy}} sets mtls.mode {{mode}}; use one of STRICT, PERMISSIVE or UNSET.",
            noSelector:
                "{{policy}} has portLevelMtls without a workload selector, which Istio rejects; move the ports into a policy whose selector.matchLabels names the workload.",
            noPorts:
                "{{policy}} has an empty portLevelMtls; list at least one port or remove the field.",
            port: "{{policy}} lists port {{port}} under portLevelMtls; use a workload port number from 1 to 65535.",
            portMode:
                "{{policy}} sets port {{port}} to {{mode}}; use one of STRICT, PERMISSIVE or UNSET.",
            labelValue:
                "{{policy}} selects label {{label}} with a value of {{length}} characters, which the API server rejects (label values have at most 63); use the workload's real label value.",
        },
        anchors: [{ tool: "istioctl", check: "IST0106 SchemaValidationError" }],
    },
    PMX004: {
        name: "peerauthentication-require-selector-labels",
        level: "mandatory",
        title: "A selector with wildcards or empty keys",
        description:
            "Checks that the labels of a PeerAuthentication selector have no wildcards and no empty keys, which Istio's validation rejects; name the workload's exact labels.",
        messages: {
            wildcard:
                "{{policy}} selects {{key}}={{value}}; Istio allows no wildcard or empty key in a selector, so name the workload's exact labels.",
        },
        anchors: [{ tool: "istioctl", check: "IST0106 SchemaValidationError" }],
    },
    PMX005: {
        name: "peerauthentication-require-exception-reason",
        level: "mandatory",
        title: "A PERMISSIVE exception without a reason",
        description:
            "Checks that every PeerAuthentication that makes a namespace, workload or port PERMISSIVE says why, in its reason annotation or (in YAML) a comment directly above it; add the annotation or the comment naming the client outside the mesh that needs it.",
        messages: {
            reason: "{{policy}} makes {{what}} PERMISSIVE without a reason; add the annotation {{annotation}} (or, in YAML, a comment directly above the policy) naming the client outside the mesh that needs it.",
        },
        anchors: [],
    },
    PMX006: {
        name: "peerauthentication-disallow-root-selector",
        level: "mandatory",
        title: "A selector policy in the root namespace",
        description:
            "Checks that no PeerAuthentication with a selector (even an empty one) sits in Istio's root namespace, where ztunnel ignores it outside that namespace; remove the selector for a mesh-wide policy, or move it to the namespace of the workloads it selects.",
        messages: {
            rootSelector:
                "{{policy}} selects {{selector}} in the root namespace {{root}}, where Istio ignores workload selectors; move it to the namespace of the workloads it selects.",
            emptyRootSelector:
                "{{policy}} has a selector without labels in the root namespace {{root}}, so ztunnel does not apply it mesh-wide (only a root policy with no selector at all is); remove the selector.",
        },
        anchors: [],
    },
    PMX007: {
        name: "peerauthentication-advise-empty-selector",
        level: "advisory",
        title: "A selector without labels",
        description:
            "Checks that a PeerAuthentication outside the root namespace that means the whole namespace says so without a selector, since an empty matchLabels reads like a forgotten workload selector (Istio applies it namespace-wide); remove the selector, or add the workload's labels.",
        messages: {
            empty: "{{policy}} has a selector without labels, which Istio applies to the whole namespace {{namespace}}; remove the selector to say so, or add the labels of the workload it means.",
        },
        anchors: [{ tool: "istioctl", check: "IST0133 SchemaWarning" }],
    },
    PMX010: {
        name: "mesh-require-strict-default",
        level: "mandatory",
        title: "No mesh-wide STRICT default",
        description:
            "Checks that a mesh-wide PeerAuthentication in Istio's root namespace sets mode STRICT (an UNSET mesh-wide mode means PERMISSIVE); add one named default, without a selector, with mtls.mode STRICT.",
        messages: {
            missing:
                "No mesh-wide PeerAuthentication exists in the root namespace {{root}}, so every namespace without its own policy is PERMISSIVE; add a PeerAuthentication named default there, without a selector, with mtls.mode STRICT.",
            notStrict: "The mesh-wide {{policy}} {{decision}}; set mtls.mode STRICT.",
        },
        anchors: [],
    },
    PMX011: {
        name: "mesh-require-strict-namespaces",
        level: "mandatory",
        title: "An ambient namespace that is not effectively STRICT",
        description:
            "Checks that every namespace enrolled in ambient mode is effectively STRICT under Istio's precedence (workload over namespace over mesh, UNSET inherits, only the oldest policy of a scope counts); give the namespace or the mesh a STRICT policy.",
        messages: {
            notStrict:
                "Namespace {{namespace}} is enrolled in ambient mode but is effectively {{mode}}: {{why}}{{own}}; set the mesh-wide policy in {{root}} to STRICT or give {{namespace}} a namespace-wide STRICT policy.",
        },
        anchors: [
            {
                tool: "Kiali",
                check: "mTLS status badge",
                note: "shown in the console, not a validation",
            },
        ],
    },
    PMX012: {
        name: "mesh-disallow-shadowed-peerauthentication",
        level: "mandatory",
        title: "A PeerAuthentication Istio ignores for an older one",
        description:
            "Checks that no PeerAuthentication is silently ignored because an older one holds the same scope (one mesh-wide, one namespace-wide per namespace, one per workload); merge them into a single policy.",
        messages: {
            scope: "{{policy}} is ignored: the older {{winner}} already holds {{scope}}; merge the two into one policy.",
            workload:
                "{{policy}} is ignored for {{workload}}: the older {{winner}} also selects it, and Istio applies only the oldest; select each workload with one policy.",
        },
        anchors: [{ tool: "Kiali", check: "KIA0002 and KIA0003" }],
    },
    PMX013: {
        name: "mesh-require-permissive-ingress",
        level: "mandatory",
        title: "An ingress namespace left STRICT",
        description:
            "Checks that enrolled ingress namespaces are not effectively STRICT, since clients outside the mesh have no SPIFFE identity and ztunnel would drop their traffic; give the namespace a namespace-wide PERMISSIVE policy with a reason.",
        messages: {
            strict: "Ingress namespace {{namespace}} is effectively STRICT ({{why}}), so ztunnel drops every client outside the mesh; give {{namespace}} a namespace-wide PERMISSIVE policy with a reason.",
        },
        anchors: [],
    },
    PMX014: {
        name: "mesh-disallow-sidecar-and-ambient",
        level: "mandatory",
        title: "Sidecar injection in an ambient namespace",
        description:
            "Checks that no namespace or pod is set up for both ambient mode and sidecar injection, since istio-cni never redirects a pod that has a sidecar to ztunnel (the pods stay out of ambient mode); remove the istio-injection or istio.io/rev label (or the pod's sidecar.istio.io/inject) from ambient namespaces.",
        messages: {
            namespace:
                "Namespace {{namespace}} has istio.io/dataplane-mode=ambient and {{labels}}: its pods get a sidecar, and istio-cni never redirects a pod that has one to ztunnel, so they stay out of ambient mode; keep only the ambient label.",
            pod: "{{workload}} asks for a sidecar (sidecar.istio.io/inject=true) in the ambient namespace {{namespace}}: its pods get one, and istio-cni never redirects a pod that has a sidecar to ztunnel, so ambient policies skip them; remove it, or opt the pods out of ambient with istio.io/dataplane-mode=none.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0123 NamespaceMultipleInjectionLabels",
                note: "namespaces only; needs a live cluster's Namespaces",
            },
            { tool: "Kiali", check: "KIA1311 and KIA1314" },
        ],
    },
    PMX015: {
        name: "namespace-require-single-owner",
        level: "mandatory",
        title: "A namespace declared twice",
        description:
            "Checks that each namespace is declared by one Namespace object, since the last of several applies strips the labels of the others (the ambient label among them); declare it once and add labels with a patch.",
        messages: {
            again: "Namespace {{namespace}} is declared again by {{again}} after {{first}}; the last apply replaces the other's labels, so declare it once and add labels with a patch.",
        },
        anchors: [],
    },
    PMX016: {
        name: "mesh-disallow-unexplained-opt-out",
        level: "advisory",
        title: "A workload leaves the mesh without a reason",
        description:
            "Checks that workloads in ambient namespaces do not leave the mesh (istio.io/dataplane-mode=none or ambient.istio.io/redirection=disabled) without a reason; prefer a PERMISSIVE port exception, or add the reason annotation.",
        messages: {
            optOut: "{{workload}} takes its pods out of the ambient mesh in {{namespace}} without a reason; prefer a workload-selected PERMISSIVE port exception, or add the annotation {{annotation}} saying why.",
        },
        anchors: [],
    },
    PMX017: {
        name: "policy-require-selected-workloads",
        level: "mandatory",
        title: "A policy that selects no workload in the mesh",
        description:
            "Checks that every PeerAuthentication, AuthorizationPolicy, RequestAuthentication and Telemetry with a workload selector (and every namespace-wide AuthorizationPolicy) selects workloads the input deploys in the mesh, since a policy that selects nothing, or only pods outside the mesh, does nothing; correct the selector or the namespace, or enroll the workloads' namespace.",
        messages: {
            nothing:
                "{{policy}} applies to {{selection}}, but the input deploys no such workload, so the policy does nothing; correct the selector to the pods' labels, or move the policy to the namespace of the workloads it means.",
            empty: "{{policy}} applies to namespace {{namespace}}, where the input deploys no workload, so it does nothing; apply it where the workloads run, or remove it.",
            outside:
                "{{policy}} selects {{workloads}}, whose pods are not in the mesh ({{why}}), so no proxy enforces it; enroll the workloads (label their namespace istio.io/dataplane-mode=ambient), or remove the policy.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0127 NoMatchingWorkloadsFound",
                note: "AuthorizationPolicy only; needs a live cluster's pods",
            },
            {
                tool: "istioctl",
                check: "IST0101 ReferencedResourceNotFound",
                note: "Telemetry selectors; needs a live cluster's pods",
            },
        ],
    },
    PMX018: {
        name: "policy-check-unseen-workloads",
        level: "advisory",
        title: "A policy whose workloads the input does not show",
        description:
            "Checks that a policy selecting pods the input does not show (made by charts, operators or remote manifests) names the release or resource they come from in a selector value; otherwise confirm the selector against those pods' labels.",
        messages: {
            unseen: "{{policy}} applies to {{selection}}, which no workload the input shows matches; {{sources}} may make such pods, so check the selector against their labels.",
            undeclared:
                "{{policy}} applies to {{selection}}, but the input declares neither namespace {{namespace}} nor any workload in it; check that both exist where the policy is applied.",
        },
        anchors: [{ tool: "istioctl", check: "IST0127 NoMatchingWorkloadsFound" }],
    },
    PMX019: {
        name: "namespace-require-single-injection-label",
        level: "advisory",
        title: "A namespace with more than one injection label",
        description:
            "Checks that a namespace outside ambient mode carries one injection label (istio-injection=enabled, istio.io/rev or istio.io/dataplane-mode), as istioctl does, since Istio resolves several in ways that are easy to misread; keep the one you mean.",
        messages: {
            labels: "Namespace {{namespace}} has more than one injection label ({{labels}}), so which injector (if any) handles its pods depends on Istio's precedence; keep the one you mean.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0123 NamespaceMultipleInjectionLabels",
                note: "needs a live cluster's Namespaces",
            },
        ],
    },
    PMX020: {
        name: "networkpolicy-allow-ambient-ports",
        level: "mandatory",
        title: "A NetworkPolicy that blocks HBONE or the kubelet's probes",
        description:
            "Checks that every NetworkPolicy restricting ingress in an ambient namespace lets in HBONE (TCP 15008) and the kubelet's probes, which ambient mode SNATs to 169.254.7.127; add ingress rules for port 15008 and for ipBlock 169.254.7.127/32.",
        messages: {
            blocked:
                "{{policy}} holds {{pods}} in the ambient namespace {{namespace}} but no NetworkPolicy lets in {{missing}}; add {{fixes}}.",
        },
        anchors: [],
    },
    PMX021: {
        name: "cilium-disallow-clusterwide-default-deny",
        level: "mandatory",
        title: "A cluster-wide Cilium policy that denies by default",
        description:
            "Checks that a CiliumClusterwideNetworkPolicy selecting every endpoint does not switch the whole cluster into default-deny; set enableDefaultDeny to false for each direction it has rules for, so that it only adds.",
        messages: {
            defaultDeny:
                "{{policy}} selects every endpoint with {{direction}} rules, which puts every pod in the cluster into {{direction}} default-deny; set spec.enableDefaultDeny.{{direction}}: false so that it only adds what it allows.",
        },
        anchors: [],
    },
    PMX030: {
        name: "cilium-require-istio-settings",
        level: "mandatory",
        title: "Cilium without Istio's settings",
        description:
            "Checks that while Istio is deployed, the Cilium release keeps socketLB.hostNamespaceOnly=true (traffic reaches ztunnel) and cni.exclusive=false (istio-cni's plugin stays installed); set both in the release's values.",
        messages: {
            settings:
                "{{release}} drops Istio's settings while Istio is deployed: {{wrong}}; set them in the release's values.",
        },
        anchors: [],
    },
    PMX031: {
        name: "istio-require-consistent-charts",
        level: "mandatory",
        title: "Istio charts out of step",
        description:
            "Checks that Istio's charts share one pinned version without image tag overrides, and that cni and istiod use profile ambient where ztunnel runs; pin every Istio chart to the same version and set profile: ambient.",
        messages: {
            charts: "{{release}} {{problems}}; pin every Istio chart to one version{{profile}} and drop image tag overrides.",
        },
        anchors: [],
    },
    PMX032: {
        name: "istio-require-crds-before-resources",
        level: "mandatory",
        title: "An Istio resource that does not wait for Istio's CRDs",
        description:
            'Checks that every Istio custom resource waits for the release that installs Istio\'s CRDs (the base chart), or `pulumi up` fails with "no matches for kind"; add dependsOn on the base release.',
        messages: {
            crds: '{{resource}} does not wait for {{base}}, which installs Istio\'s CRDs, so applying it can fail with "no matches for kind"; add dependsOn on the base release.',
        },
        anchors: [],
    },
    PMX033: {
        name: "flux-require-istio-crds-dependency",
        level: "mandatory",
        title: "A Flux Kustomization that does not wait for Istio's CRDs",
        description:
            'Checks that every Flux Kustomization applying Istio custom resources depends, directly or through its dependencies, on the Kustomization that installs Istio\'s CRDs, or its dry run fails with "no matches for kind"; add that Kustomization to spec.dependsOn.',
        messages: {
            dependsOn:
                '{{kustomization}} applies {{objects}} but depends neither directly nor through its dependencies on {{installers}}, which installs Istio\'s CRDs, so its dry run fails with "no matches for kind" until Istio is installed; add {{installer}} to spec.dependsOn.',
        },
        anchors: [],
    },
    PMX040: {
        name: "telemetry-require-defined-providers",
        level: "advisory",
        title: "A Telemetry provider istiod does not define",
        description:
            "Checks that every provider a Telemetry resource names is defined in istiod's meshConfig.extensionProviders (or is built in), since istiod silently drops unknown ones; add the provider to istiod's values or fix the name.",
        messages: {
            providers:
                "{{telemetry}} names {{unknown}}, which istiod does not define (it defines {{defined}}); add it to istiod's meshConfig.extensionProviders or use a defined name.",
        },
        anchors: [],
    },
    PMX041: {
        name: "monitor-require-istio-metrics-ports",
        level: "advisory",
        title: "A monitor that misses Istio's metrics port",
        description:
            "Checks that a ServiceMonitor or PodMonitor selecting istiod or ztunnel scrapes the port that serves their metrics (istiod http-monitoring 15014, ztunnel ztunnel-stats 15020) at /metrics, which Kiali's graph and control-plane views read; name that port and path in an endpoint.",
        messages: {
            port: "{{monitor}} selects {{component}} but scrapes {{scraped}} instead of port {{portName}} ({{port}}) at {{path}}, where {{component}} serves the metrics {{neededBy}}; scrape port {{portName}} at path {{path}}.",
        },
        anchors: [],
    },
    PMX042: {
        name: "kiali-require-string-web-port",
        level: "mandatory",
        title: "Kiali's web_port as a number",
        description:
            "Checks that a Kiali resource's server.web_port is a string, as the Kiali CRD's schema types it (the API server rejects a number, so the operator chart's install fails); quote the port, as in web_port: \"443\".",
        messages: {
            number: "{{subject}} sets {{field}} to the {{type}} {{value}}, but the Kiali CRD types it as a string, so the API server rejects the resource; write web_port: {{quoted}}.",
        },
        anchors: [],
    },
    PMX043: {
        name: "kiali-require-service-url-paths",
        level: "advisory",
        title: "Kiali's service URLs on the wrong path",
        description:
            "Checks that Kiali's in-cluster Prometheus and Grafana URLs carry the path those services serve under (the root unless configured), or Kiali gets a redirect or a 404 and turns the integration off; correct the URL's path, or set prometheusPath or grafanaPath where the service serves under another.",
        messages: {
            paths: "{{subject}} points {{problems}}, so Kiali gets a redirect or a 404 and turns the integration off; correct the {{urls}}, or set {{keys}} in this policy's config if {{services}} elsewhere.",
        },
        anchors: [],
    },
    PMX044: {
        name: "telemetry-require-access-log-providers",
        level: "advisory",
        title: "An access log entry without providers",
        description:
            "Checks that every accessLogging entry of a Telemetry names a provider or disables logging when istiod's meshConfig.defaultProviders.accessLogging names none, since istiod then ignores the entry; name a provider such as envoy in the entry, or set disabled: true.",
        messages: {
            providers:
                "{{telemetry}} leaves providers empty in {{entries}} while istiod's meshConfig.defaultProviders.accessLogging names no provider, so istiod ignores what those entries ask for; name a provider such as envoy in each, or set disabled: true where access logs are meant to be off.",
        },
        anchors: [{ tool: "istioctl", check: "IST0157 InvalidTelemetryProvider" }],
    },
    PMX045: {
        name: "telemetry-disallow-conflicting-selectors",
        level: "mandatory",
        title: "Telemetries that select the same workload",
        description:
            "Checks that the workload selectors of no two Telemetries in a namespace select the same workload, since istiod then merges them in creation order and the newest silently overrides the others; narrow the selectors or merge the Telemetries into one.",
        messages: {
            conflict:
                "{{telemetry}} and {{others}} select {{workload}}, so istiod merges them in creation order and which settings win depends on which was created last; narrow their selectors so that one Telemetry selects each workload, or merge them into one.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0159 ConflictingTelemetryWorkloadSelectors",
                note: "istioctl needs a live cluster's pods",
            },
        ],
    },
    PMX046: {
        name: "telemetry-disallow-multiple-namespace-wide",
        level: "mandatory",
        title: "Several namespace-wide Telemetries in a namespace",
        description:
            "Checks that a namespace has at most one Telemetry without a workload selector or targetRefs, since istiod applies only the oldest of them namespace-wide and ignores the others; merge them into one, or give the others a selector or targetRefs.",
        messages: {
            namespaceWide:
                "{{telemetry}} is one of the Telemetries {{telemetries}} in namespace {{namespace}} that have no workload selector or targetRefs; istiod applies only the oldest of them namespace-wide and ignores the rest, so merge them into one Telemetry, or give the others a selector or targetRefs.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0160 MultipleTelemetriesWithoutWorkloadSelectors",
                note: "also counts Telemetries bound with targetRefs, which istiod does not apply namespace-wide, and misses selector: {}, which it does",
            },
        ],
    },
    PMX047: {
        name: "telemetry-disallow-lightstep-provider",
        level: "advisory",
        title: "Tracing to a Lightstep provider",
        description:
            "Checks that no Telemetry sends traces to a provider that istiod's meshConfig.extensionProviders defines as lightstep, whose support Istio removed in 1.27; define an opentelemetry provider for the collector and name it instead.",
        messages: {
            lightstep:
                "{{telemetry}} sends traces to {{provider}}, which {{release}} defines as a Lightstep provider; Istio removed Lightstep support in 1.27 and istiod only warns that it is deprecated, so it sets up no tracing for it; define an opentelemetry provider for the collector and name that instead.",
        },
        anchors: [{ tool: "istioctl", check: "IST0002 Deprecated" }],
    },
    PMX048: {
        name: "telemetry-require-valid-spec",
        level: "mandatory",
        title: "A Telemetry Istio's validation rejects",
        description:
            "Checks that a Telemetry passes Istio's validation (selector or targetRefs, provider names, tag overrides, tracing settings, access log filters in CEL), which rejects it otherwise; fix the field the message names.",
        messages: {
            invalid:
                "{{telemetry}} is rejected by Istio's validation at {{field}}: {{error}}; {{fix}}.",
        },
        anchors: [{ tool: "istioctl", check: "IST0106 SchemaValidationError" }],
    },
    PMX049: {
        name: "telemetry-advise-validation-warnings",
        level: "advisory",
        title: "A Telemetry Istio's validation warns about",
        description:
            "Checks that a Telemetry draws no warning from Istio's validation (several tracing entries or tracing providers, a selector without labels, a tag override without a name); apply the fix the message names.",
        messages: {
            warning:
                "{{telemetry}} draws a warning from Istio's validation at {{field}}: {{warning}}; {{fix}}.",
        },
        anchors: [{ tool: "istioctl", check: "IST0133 SchemaWarning" }],
    },
    PMX050: {
        name: "kiali-disallow-anonymous-auth",
        level: "mandatory",
        title: "Kiali without sign-in",
        description:
            "Checks that Kiali does not use the anonymous auth strategy, which lets anyone who reaches it see and change the mesh's configuration; use openid (or set allowAnonymous for a throwaway stack).",
        messages: {
            anonymous:
                "{{subject}} sets {{field}} to anonymous, so anyone who reaches Kiali sees and changes the mesh; use openid, or set allowAnonymous in this policy's config for a throwaway stack.",
        },
        anchors: [],
    },
    PMX051: {
        name: "oidc-client-require-safe-flows",
        level: "mandatory",
        title: "An unsafe OpenID client",
        description:
            "Checks that a Keycloak OpenID client has the implicit flow off, redirect URIs on exact https hosts (a wildcard only at the end of the path) and no wildcard web origin; turn the implicit flow off and list exact redirect URIs.",
        messages: {
            implicit:
                "{{client}} enables the implicit flow, which hands tokens over in URLs; set implicitFlowEnabled: false (Kiali uses the authorization code flow).",
            redirect:
                "{{client}} accepts redirect URI {{uri}}, which {{problem}}; list https://<exact host>/<path> URIs only.",
            origins:
                '{{client}} allows every web origin ("*"); list the exact origins, or "+" for the redirect URIs\' origins.',
        },
        anchors: [],
    },
    PMX060: {
        name: "secret-disallow-literal-data",
        level: "mandatory",
        title: "A Secret with literal data in a mesh namespace",
        description:
            "Checks that no Kubernetes Secret in a mesh namespace carries literal data, which would sit in the manifests and in the stack's state; keep the value in Vault and let an ExternalSecret create the Secret.",
        messages: {
            literal:
                "{{secret}} carries literal data ({{keys}}); keep the value in Vault and let an ExternalSecret create the Secret.",
        },
        anchors: [],
    },
    PMX070: {
        name: "authorizationpolicy-require-strict-target",
        level: "mandatory",
        title: "An identity match that plaintext peers get around",
        description:
            "Checks that a DENY matching principals or namespaces, or an ALLOW matching notPrincipals or notNamespaces, only targets workloads and ports that are effectively STRICT, since a plaintext peer has no identity (it slips past the DENY, and matches the ALLOW's negation); make the target STRICT or match on something a plaintext peer has.",
        messages: {
            deny: "{{policy}} denies peers by principal or namespace, but {{problems}}; a plaintext peer has no identity, so it slips past the DENY: make the target STRICT or limit the rule to STRICT ports.",
            allow: "{{policy}} allows peers by notPrincipals or notNamespaces, but {{problems}}; a plaintext peer has no identity, so it matches every negation and the ALLOW lets it in: make the target STRICT or limit the rule to STRICT ports.",
        },
        anchors: [{ tool: "Kiali", check: "KIA0105" }],
    },
    PMX071: {
        name: "authorizationpolicy-require-waypoint-for-l7",
        level: "mandatory",
        title: "An L7 AuthorizationPolicy without a waypoint",
        description:
            "Checks that AuthorizationPolicies using HTTP attributes in ambient namespaces are bound with targetRefs to a waypoint or Gateway that exists, since ztunnel enforces only L4 (an ALLOW loses its HTTP rules and denies what they allowed, a DENY is kept without its HTTP parts); deploy a waypoint and target it or the Service that uses it.",
        messages: {
            selectorAllow:
                "{{policy}} uses {{attributes}} but selects workloads, so ztunnel drops each rule that uses them and the ALLOW denies what those rules allowed (all traffic, when every rule uses them); bind it to a waypoint with targetRefs.",
            selectorDeny:
                "{{policy}} uses {{attributes}} but selects workloads, so ztunnel enforces its rules without them: a rule that also names ports, sources or IP blocks denies all traffic they match, and one with only HTTP parts or an HTTP when never fires; bind it to a waypoint with targetRefs.",
            selectorAction:
                "{{policy}} uses {{attributes}} and action {{action}}, which ztunnel does not enforce at all; bind it to a waypoint with targetRefs.",
            noWaypoint:
                "{{policy}} targets {{kind}} {{name}}, but {{problem}}; deploy a Gateway of class istio-waypoint and point istio.io/use-waypoint at it.",
        },
        anchors: [
            { tool: "Kiali", check: "KIA0109 and KIA0110" },
            {
                tool: "istioctl",
                check: "IST0171 NegativeConditionStatus",
                note: "needs a live cluster",
            },
        ],
    },
    PMX072: {
        name: "waypoint-require-hbone-listener",
        level: "mandatory",
        title: "A waypoint without an HBONE listener",
        description:
            "Checks that a waypoint Gateway (class istio-waypoint) listens for HBONE on port 15008 and labels istio.io/waypoint-for with service, workload, all or none; fix the listener or the label.",
        messages: {
            listener:
                "{{gateway}} has no HBONE listener on port 15008, so no mesh traffic reaches it; add a listener {name: mesh, port: 15008, protocol: HBONE}.",
            waypointFor:
                "{{gateway}} labels istio.io/waypoint-for={{value}}; use service, workload, all or none.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0171 NegativeConditionStatus",
                note: "needs a live cluster",
            },
        ],
    },
    PMX073: {
        name: "sidecar-disallow-in-ambient",
        level: "advisory",
        title: "A Sidecar resource where no pod has a sidecar",
        description:
            "Checks that no Sidecar resource applies to an ambient namespace or selects ambient workloads, which have no sidecar to configure (ztunnel and waypoints read no Sidecar resources); remove it, or narrow its workloadSelector to workloads that have a sidecar.",
        messages: {
            namespace:
                "{{sidecar}} has no workload selector, but namespace {{namespace}} runs in ambient mode and no workload it reaches has a sidecar, so it configures nothing; remove it.",
            workloads:
                "{{sidecar}} selects {{workloads}}, whose pods run in ambient mode without a sidecar, so the Sidecar does nothing for them; remove it, or narrow its workloadSelector to workloads that have a sidecar.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0167 IneffectivePolicy",
                note: "istioctl needs a live cluster's pods and namespaces",
            },
        ],
    },
    PMX074: {
        name: "policy-disallow-waypoint-selector",
        level: "advisory",
        title: "A workload selector that reaches a waypoint",
        description:
            "Checks that no AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin selects a waypoint's pods with a workload selector, which waypoints ignore (they take only policies bound with targetRefs); bind the policy with targetRefs to the waypoint's Gateway or to the Services that use it.",
        messages: {
            waypoint:
                "{{policy}} selects the pods of {{waypoints}} with its workload selector, but waypoints take only policies bound with targetRefs, so it does nothing there; bind it with targetRefs to the waypoint's Gateway, or to the Services that use the waypoint.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0166 IneffectiveSelector",
                note: "istioctl needs a live cluster's pods, and also reports selectors on other Gateway API gateways, which istiod applies",
            },
        ],
    },
    PMX075: {
        name: "authorizationpolicy-require-valid-spec",
        level: "mandatory",
        title: "An AuthorizationPolicy Istio rejects",
        description:
            "Checks that AuthorizationPolicies pass Istio's validation (binding, action and provider, rules, sources, operations, when conditions and their values) and use * only where Istio's matchers read it; fix the field the message names, since the API server or Istio's webhook refuses such a policy and it never applies.",
        messages: {
            targets:
                "{{policy}} sets {{fields}} together, which Istio rejects; keep only one of selector, targetRef and targetRefs.",
            selector:
                "{{policy}} selects {{label}}, which Istio rejects ({{problem}}); name the workloads' exact labels.",
            targetRef: "{{policy}} has {{field}} {{ref}}, which Istio rejects: {{problem}}.",
            dryRun: "{{policy}} has annotation istio.io/dry-run {{value}}, which Istio's webhook rejects: {{problem}}.",
            action: "{{policy}} sets action {{action}}, which the API server rejects; use ALLOW, DENY, AUDIT or CUSTOM.",
            noRules:
                "{{policy}} is a {{action}} policy without rules, which Istio rejects as it would never match; add its rules, or an empty rule {} to match every request.",
            provider:
                "{{policy}} is a CUSTOM policy without provider.name, which Istio rejects; name the extension provider (meshConfig.extensionProviders) that decides.",
            providerAction:
                "{{policy}} sets a provider with action {{action}}, which Istio rejects; set action CUSTOM, or remove the provider.",
            custom: "{{policy}} matches {{match}} at {{field}} in a CUSTOM policy, which Istio does not support; match it in an ALLOW or DENY policy instead.",
            nullEntry:
                "{{policy}} has a null entry at {{field}}, which Istio rejects; remove it or write the entry out.",
            emptyList:
                "{{policy}} has an empty list at {{field}}, which Istio's validation forbids (the rule would match {{what}}); list the entries or remove the field.",
            emptyMatch:
                "{{policy}} has nothing to match at {{field}}, which Istio rejects; give it at least one field, or remove the entry.",
            serviceAccounts:
                "{{policy}} matches serviceAccounts together with namespaces or principals at {{field}}, which Istio rejects; put them in separate from entries.",
            emptyValue:
                "{{policy}} has an empty value in {{field}}, which Istio rejects; remove it.",
            ip: "{{policy}} lists {{value}} in {{field}}, which is not an IP address or CIDR range, so Istio rejects it; write an address such as 10.0.0.1 or a range such as 10.0.0.0/16.",
            port: "{{policy}} lists {{value}} in {{field}}, which is not a port number from 0 to 65535, so Istio rejects it; write the port's number.",
            path: "{{policy}} lists path {{value}} in {{field}}, which Istio rejects: {{problem}}.",
            serviceAccount:
                "{{policy}} lists {{value}} in {{field}}, which Istio rejects: {{problem}}.",
            trustDomain:
                "{{policy}} lists {{value}} in {{field}}, which Istio rejects: {{problem}}.",
            wildcard:
                "{{policy}} lists {{value}} in {{field}}; Istio reads a * only as the whole value or at its start or end, so it takes this * literally and the entry matches no peer: write an exact value, a prefix* or a *suffix.",
            whenKey:
                "{{policy}} has a when condition on {{key}} at {{field}}, which Istio rejects: {{problem}}.",
            whenValues:
                "{{policy}} has a when condition on {{key}} at {{field}} without values or notValues, which Istio rejects; list the values to match.",
            type: "{{policy}} writes {{actual}} at {{field}}, where Istio's schema wants {{wanted}}, so the API server rejects the policy; write {{wanted}} there.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0106 SchemaValidationError",
                note: "validation.go only; the CRD schema's types, actions and label lengths, the webhook's istio.io/dry-run check and a literal * in principals or namespaces are beyond it",
            },
        ],
    },
    PMX076: {
        name: "requestauthentication-require-valid-spec",
        level: "mandatory",
        title: "A RequestAuthentication Istio rejects",
        description:
            "Checks that RequestAuthentications pass Istio's validation (binding, JWT issuer and key source, token locations, claim headers and timeout) and carry no private key in an inline jwks; fix the field the message names, since the API server or Istio's webhook refuses such a policy, and keep only public keys in the manifests.",
        messages: {
            targets:
                "{{policy}} sets {{fields}} together, which Istio rejects; keep only one of selector, targetRef and targetRefs.",
            selector:
                "{{policy}} selects {{label}}, which Istio rejects ({{problem}}); name the workloads' exact labels.",
            targetRef: "{{policy}} has {{field}} {{ref}}, which Istio rejects: {{problem}}.",
            dryRun: "{{policy}} has annotation istio.io/dry-run, which Istio's webhook rejects on a RequestAuthentication; remove it.",
            nullEntry:
                "{{policy}} has a null entry at {{field}}, which Istio rejects; remove it or write the entry out.",
            issuer: "{{policy}} has a JWT rule at {{field}} without issuer or jwksUri, which Istio rejects; set the issuer the tokens carry.",
            emptyValue:
                "{{policy}} has an empty value in {{field}}, which Istio rejects; remove it.",
            jwksUri:
                "{{policy}} has jwksUri {{uri}} at {{field}}, which Istio rejects: {{problem}}; write the key set's http:// or https:// URL.",
            jwks: "{{policy}} has an inline jwks at {{field}} that Istio rejects as no JSON Web Key Set ({{problem}}); paste the provider's public key set.",
            jwksBoth:
                "{{policy}} sets both jwks and jwksUri at {{field}}, which the API server rejects; keep one of them.",
            privateKey:
                "{{policy}} has private key material in key {{key}} of the inline jwks at {{field}}; Istio verifies tokens with public keys only, and the private key is now in the manifests: keep only the public keys, and rotate the exposed one.",
            header: "{{policy}} has a fromHeaders entry without a name at {{field}}, which Istio rejects; name the header that carries the token.",
            claimToHeader:
                "{{policy}} has an outputClaimToHeaders entry at {{field}} that Istio rejects: {{problem}}.",
            timeout:
                "{{policy}} sets timeout {{value}} at {{field}}, which Istio rejects: {{problem}}; write a duration such as 5s.",
            type: "{{policy}} writes {{actual}} at {{field}}, where Istio's schema wants {{wanted}}, so the API server rejects the policy; write {{wanted}} there.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0106 SchemaValidationError",
                note: "validation.go only; the CRD schema's types and its jwks-or-jwksUri rule, and the webhook's istio.io/dry-run check, are beyond it",
            },
            {
                tool: "istioctl",
                check: "IST0133 SchemaWarning",
                note: "private key material in an inline jwks, a warning there",
            },
        ],
    },
    PMX077: {
        name: "authorizationpolicy-check-source-namespaces",
        level: "advisory",
        title: "A source namespace the input does not declare",
        description:
            "Checks that every namespaces and notNamespaces entry of an AuthorizationPolicy source (exact, prefix* or *suffix) matches a namespace the input declares, as istioctl's IST0101 does; fix a misspelt name, or leave it when the namespace is declared outside this input.",
        messages: {
            namespace:
                "{{policy}} names namespace {{value}} at {{field}}, but no namespace the input declares matches it; fix the name, unless the namespace is declared outside this input (a cluster's namespaces need not all live in one repository).",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0101 ReferencedResourceNotFound",
                note: "istioctl needs a live cluster's namespaces; this rule matches the namespaces the input declares",
            },
        ],
    },
    PMX078: {
        name: "waypoint-require-used-gateway",
        level: "mandatory",
        title: "A use-waypoint label naming no waypoint",
        description:
            "Checks that every istio.io/use-waypoint label on a Namespace, Service or pod template (other than none) names a waypoint Gateway the input defines, in the istio.io/use-waypoint-namespace namespace or its own; deploy the waypoint, fix the label, or set it to none.",
        messages: {
            missing:
                "{{object}} sends its traffic through waypoint {{waypoint}} (label istio.io/use-waypoint), but the input defines no Gateway {{waypoint}}; istiod then binds no waypoint, so the traffic skips it and the policies bound to the waypoint do not apply: deploy the waypoint, or fix the label.",
            notWaypoint:
                "{{object}} sends its traffic through waypoint {{waypoint}} (label istio.io/use-waypoint), but Gateway {{waypoint}} has class {{class}}, which istiod does not deploy as a waypoint; give it class istio-waypoint, or point the label at a waypoint.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0171 NegativeConditionStatus",
                note: "needs a live cluster's istio.io/WaypointBound status; istioctl's IST0101 checks no use-waypoint label",
            },
        ],
    },
    PMX079: {
        name: "authorizationpolicy-admit-outside-clients",
        level: "mandatory",
        title: "An AuthorizationPolicy that turns away the clients a workload is open for",
        description:
            "Checks that no ALLOW requiring peer identities, and no DENY matching notPrincipals or notNamespaces, applies to workloads that take clients outside the mesh (an ingress namespace, a PERMISSIVE exception, an admission webhook), since those clients have no identity and ztunnel turns every one away; admit them with a rule they match (their port without a source, or their ipBlocks), or drop the identity match.",
        messages: {
            allow: "{{policy}} allows only peers with a mesh identity, but {{doors}}; clients outside the mesh have none, so ztunnel turns every one of them away: add a rule they match (their port without a source, or their ipBlocks), or drop the identity match.",
            deny: "{{policy}} denies every peer outside its notPrincipals or notNamespaces, plaintext ones included, but {{doors}}; clients outside the mesh have no identity, so ztunnel turns every one of them away: match what they have (ipBlocks, ports) instead, or exclude their port.",
        },
        anchors: [],
    },
    PMX080: {
        name: "webhook-require-permissive-port",
        level: "mandatory",
        title: "An admission webhook behind STRICT mTLS",
        description:
            "Checks that admission webhooks served from ambient namespaces have a PERMISSIVE port exception on the webhook's workload port, since the kube-apiserver is outside the mesh and STRICT breaks every admission call; add a workload-selected PERMISSIVE exception for that port with a reason.",
        messages: {
            strict: "{{configuration}} calls port {{port}} of pods {{selector}} in {{namespace}}, which is STRICT; the kube-apiserver is outside the mesh, so admission calls fail; add a workload-selected PERMISSIVE exception for port {{port}} with a reason.",
        },
        anchors: [],
    },
    PMX081: {
        name: "prometheus-require-permissive-scrape-port",
        level: "advisory",
        title: "A scraped metrics port behind STRICT mTLS",
        description:
            "Checks that metrics ports Prometheus scrapes in ambient namespaces (ServiceMonitor, PodMonitor, prometheus.io annotations) have a PERMISSIVE port exception while Prometheus is outside the mesh; add a workload-selected PERMISSIVE exception for the port with a reason, or enroll Prometheus's namespace.",
        messages: {
            strict: "{{source}} has Prometheus scrape port {{port}} of pods {{selector}} in {{namespace}}, which is STRICT; Prometheus is outside the mesh, so add a workload-selected PERMISSIVE exception for port {{port}} with a reason, or enroll Prometheus's namespace.",
        },
        anchors: [],
    },
    PMX090: {
        name: "gateway-disallow-conflicting-servers",
        level: "mandatory",
        title: "Gateways serving the same host on the same port",
        description:
            "Checks that no two Istio Gateways configuring the same gateway pods serve the same host on the same port and bind with TLS on both, or with protocols that cannot share a port, since istiod then drops one of the servers; merge the servers into one Gateway, or give them different hosts or ports.",
        messages: {
            conflict:
                "{{gateway}} serves {{hosts}} on port {{port}} of the gateway pods {{selector}}, like {{others}}, with {{why}}, so istiod drops one of the servers; merge the servers into one Gateway, or give them different hosts or ports.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0145 ConflictingGateways",
                note: "istioctl needs a live cluster's pods, and also reports plain HTTP servers, which istiod merges",
            },
        ],
    },
    PMX091: {
        name: "gateway-require-service-port",
        level: "advisory",
        title: "A Gateway port its Service does not expose",
        description:
            "Checks that every port an Istio Gateway listens on is a port or targetPort of a Service selecting its gateway pods, since clients reach the gateway through that Service; add the port to the Service, or listen on a port the Service forwards to.",
        messages: {
            port: "{{gateway}} listens on port {{port}}, but no Service of its gateway pods {{selector}} has that port or forwards to it, so clients cannot reach that server through the gateway's Service; add the port to the Service, or listen on a port the Service forwards to.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0162 GatewayPortNotDefinedOnService",
                note: "istioctl needs a live cluster's pods and Services",
            },
        ],
    },
    PMX092: {
        name: "gateway-require-valid-credential",
        level: "mandatory",
        title: "A Gateway TLS Secret that cannot serve",
        description:
            "Checks that the Secret an Istio Gateway's TLS server names in credentialName holds a certificate valid now and its private key under tls.crt and tls.key (or cert and key), since istiod sends no unusable certificate and the server's handshakes fail; store a current certificate and its key in the Secret.",
        messages: {
            invalid:
                "{{gateway}} serves TLS with {{secret}}, but {{problem}}, so that server's TLS handshakes fail; store a current certificate and its private key under tls.crt and tls.key.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0161 InvalidGatewayCredential",
                note: "istioctl needs a live cluster's pods and Secrets; it checks only the certificate",
            },
        ],
    },
    PMX093: {
        name: "gateway-advise-duplicate-certificate",
        level: "advisory",
        title: "Gateways sharing one certificate",
        description:
            "Checks that no Istio Gateway serves the same certificate as another Gateway whose selector includes its own, since clients reusing an HTTP/2 connection across their hosts get 404s; give each Gateway its own certificate, or merge their servers into one Gateway.",
        messages: {
            duplicate:
                "{{gateway}} serves the same certificate ({{certificate}}) as {{other}}, whose gateway pods it also configures, so clients that reuse an HTTP/2 connection for the other's hosts may get 404s; give each Gateway its own certificate, or merge their servers into one Gateway.",
        },
        anchors: [{ tool: "istioctl", check: "IST0138 GatewayDuplicateCertificate" }],
    },
    PMX094: {
        name: "gateway-require-referenced-resources",
        level: "mandatory",
        title: "A Gateway reference to something that does not exist",
        description:
            "Checks that an Istio Gateway's selector reaches gateway pods, that the Secrets its credentialName names exist in their namespace, and that every Gateway a VirtualService binds to exists, since otherwise nothing serves the routes or the TLS; correct the selector or name, or create what is missing.",
        messages: {
            selector:
                "{{gateway}} selects gateway pods {{selector}}, but the input deploys no such pods in any namespace, so no proxy serves it; correct the selector to the gateway pods' labels, or deploy the gateway.",
            credential:
                "{{gateway}} names credentialName {{credential}}, but the input has no Secret {{secret}} in namespace {{namespace}}, where its gateway pods run, so that server's TLS handshakes fail; create the Secret there (or the Certificate or ExternalSecret that makes it), or correct the name.",
            gateway:
                "{{virtualService}} binds to gateway {{gateway}}, but the input has no Istio or Gateway API Gateway {{resolved}}, so its routes reach no gateway there; correct the reference (namespace/name for another namespace), or create the Gateway.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0101 ReferencedResourceNotFound",
                note: "Gateway selectors and credentialName need a live cluster's pods and Secrets",
            },
        ],
    },
    PMX095: {
        name: "gateway-api-require-minimum-crd-version",
        level: "advisory",
        title: "A Gateway API CRD older than Istio needs",
        description:
            "Checks that the Gateway API CRDs Istio 1.30 requires a minimum bundle version of (GRPCRoute 1.1.0, BackendTLSPolicy 1.4.0, TLSRoute 1.5.0) are at least that version, since istiod ignores the resources of an older CRD; upgrade the Gateway API CRDs.",
        messages: {
            version:
                "{{crd}} is at Gateway API bundle version {{installed}}, but Istio 1.30 requires at least {{minimum}}, so istiod ignores every resource of this kind; upgrade the Gateway API CRDs to {{minimum}} or later.",
        },
        anchors: [{ tool: "istioctl", check: "IST0176 GatewayAPICRDVersionBelowMinimum" }],
    },
    PMX100: {
        name: "istio-annotation-disallow-unknown-or-misplaced",
        level: "advisory",
        title: "An unknown or misplaced Istio annotation",
        description:
            "Checks that every annotation in Istio's domains (a prefix ending in istio.io, and kubernetes.io/ingress.class) on a Namespace, Service, Deployment or pod is one Istio knows and sits on a kind it applies to, as istio/api's annotation table says; correct the name, move the annotation where Istio reads it (a pod's annotations go in the pod template), or set it as a label when it is one of Istio's labels.",
        messages: {
            misplaced:
                "{{object}} carries annotation {{annotation}} in its {{place}}, but Istio reads it only on {{kinds}}, so it does nothing here; move it there or remove it.",
            unknown:
                "{{object}} carries annotation {{annotation}} in its {{place}}, which is not one of Istio's annotations, so Istio ignores it; {{fix}}.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0107 MisplacedAnnotation",
                note: "istioctl needs a live cluster's pods, namespaces and services",
            },
            {
                tool: "istioctl",
                check: "IST0108 UnknownAnnotation",
                note: "istioctl needs a live cluster's pods, namespaces and services",
            },
        ],
    },
    PMX101: {
        name: "istio-annotation-disallow-deprecated",
        level: "advisory",
        title: "A deprecated Istio annotation",
        description:
            "Checks that no Namespace, Service, Deployment or pod carries an annotation Istio has deprecated, such as sidecar.istio.io/inject, which no longer brings a pod into the mesh; use the replacement (the sidecar.istio.io/inject label) or remove the annotation.",
        messages: {
            inject: "{{object}} sets sidecar.istio.io/inject: {{value}} as an annotation in its {{place}}, but the annotation is deprecated and no longer brings a pod into the mesh (istiod's injection webhook selects pods by the label); set the label sidecar.istio.io/inject instead.",
            injectOff:
                "{{object}} sets sidecar.istio.io/inject: {{value}} as an annotation in its {{place}}; istiod still reads it in injected namespaces, but the annotation is deprecated; set the label sidecar.istio.io/inject instead.",
            deprecated:
                "{{object}} carries annotation {{annotation}} in its {{place}}, which Istio has deprecated and may stop reading; use its replacement (see Istio's annotation reference) or remove it.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0135 DeprecatedAnnotation",
                note: "istioctl needs a live cluster's pods, namespaces and services",
            },
        ],
    },
    PMX102: {
        name: "istiod-require-jwks-blocked-cidrs",
        level: "advisory",
        title: "An istiod that fetches JWKS from any address",
        description:
            "Checks that istiod's BLOCKED_CIDRS_IN_JWKS_URIS names address ranges it must not fetch JWKS from when RequestAuthentications exist, since istiod otherwise fetches every issuer's jwksUri wherever it resolves, internal addresses included; set it in the istiod release's pilot.env (or the istiod Deployment's env) to ranges such as 169.254.0.0/16, leaving out any in-cluster issuer's range.",
        messages: {
            deployment:
                "{{deployment}} runs istiod but {{setting}}, so for {{policies}} istiod fetches JWKS from whatever address the issuers resolve to, internal ones included; set it to the ranges istiod must not fetch from (such as 169.254.0.0/16, cloud metadata), leaving out any in-cluster issuer's range.",
            release:
                "{{release}} installs istiod but {{setting}}, so for {{policies}} istiod fetches JWKS from whatever address the issuers resolve to, internal ones included; set it to the ranges istiod must not fetch from (such as 169.254.0.0/16, cloud metadata), leaving out any in-cluster issuer's range.",
        },
        anchors: [{ tool: "istioctl", check: "IST0175 JwksUriFetchUnrestricted" }],
    },
    PMX103: {
        name: "istio-annotation-require-valid-value",
        level: "advisory",
        title: "An Istio pod annotation with an invalid value",
        description:
            "Checks that the pod annotations whose values istiod's sidecar injector validates (interception mode, ports, CIDR ranges, interfaces, readiness settings, resource quantities) hold values it accepts, since it refuses to inject a pod with an invalid one; correct the value.",
        messages: {
            invalid:
                "{{object}} sets annotation {{annotation}} to {{value}} in its {{place}}, which istiod's sidecar injector refuses ({{problem}}), so such a pod fails injection; correct the value.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0125 InvalidAnnotation",
                note: "istioctl needs a live cluster's pods; proxy.istio.io/config is not validated here",
            },
        ],
    },
    // PMX110 to PMX114 judge against policies/upstream, data derived from the pinned charts, CRDs
    // and istio/api. What silently does nothing (a value Helm ignores, a meshConfig field istiod
    // drops, a field the API server prunes or the operator ignores) and what Helm, istiod or the
    // API server refuses is mandatory; what still works (a deprecated field) or cannot be judged
    // (a version the data does not cover) is advice.
    PMX110: {
        name: "helm-value-require-known-path",
        level: "mandatory",
        title: "A Helm value the pinned chart does not read",
        description:
            "Checks that every value a Helm release of Cilium, Istio or the Kiali operator sets is a path its chart reads at the pinned version (after Istio's profiles, flattened globals and cni. and pilot. aliases), and that every meshConfig field is one istiod's MeshConfig has, since Helm and istiod silently ignore any other key, so a typo or an upstream rename becomes a setting that does nothing; correct the path to the one the chart reads (the message names the nearest), or remove it.",
        messages: {
            unknown:
                "{{release}} sets {{path}}, which {{chart}} does not read, so Helm ignores it; the nearest path the chart reads is {{nearest}}: correct the path or remove the value.",
            rejected:
                "{{release}} sets {{path}}, which the values.schema.json of {{chart}} does not allow, so Helm refuses to install the release; the nearest path the chart reads is {{nearest}}: correct the path or remove the value.",
            forbidden:
                "{{release}} sets {{path}}, which makes the templates of {{chart}} fail on purpose; remove it and set the values it holds at the top level.",
            meshConfig:
                "{{release}} sets {{path}}, a field {{meshConfig}} does not read, so istiod drops it silently; the nearest field it reads is {{nearest}}: correct the field or remove it.",
        },
        anchors: [],
    },
    PMX111: {
        name: "helm-value-require-valid-type",
        level: "mandatory",
        title: "A Helm value of a type or value the pinned chart does not take",
        description:
            "Checks that every value a Helm release of Cilium, Istio or the Kiali operator sets has the type its chart's values.schema.json (or, without one, its default) gives it and is one the chart accepts, and that every meshConfig field has the type istiod's MeshConfig gives it, since Helm refuses values its schema rejects, the templates misread a map for a scalar or any string for true, and istiod refuses a mesh config it cannot parse; set a value of the type the message names.",
        messages: {
            schemaType:
                "{{release}} sets {{path}} to {{value}} ({{actual}}), but the values.schema.json of {{chart}} requires {{expected}}, so Helm refuses to install the release; set {{expected}}.",
            type: "{{release}} sets {{path}} to {{value}} ({{actual}}), but {{chart}} reads {{expected}} there, so its templates misread the value; set {{expected}}.",
            enum: "{{release}} sets {{path}} to {{value}}, which {{chart}} does not accept, so the release fails to install; use one of {{allowed}}.",
            meshConfig:
                "{{release}} sets {{path}} to {{value}} ({{actual}}), but {{meshConfig}} takes {{expected}} there, so istiod cannot parse the mesh config and refuses it; set {{expected}}.",
        },
        anchors: [],
    },
    PMX112: {
        name: "custom-resource-require-valid-schema",
        level: "mandatory",
        title: "A custom resource its CRD schema prunes or rejects",
        description:
            "Checks that every custom resource of a kind the project creates or judges (Istio's, Gateway API's, External Secrets', Prometheus Operator's, Kiali's, Cilium's and Keycloak's), and the Kiali CR the operator chart writes from cr.spec, fits its CRD's schema at the pinned version: no field the schema lacks (the API server prunes it), none of the wrong type, outside an enum or required and missing (the API server rejects those), and none the CRD marks deprecated and ignored; correct or remove the field the message names.",
        messages: {
            field: "{{resource}} sets {{field}}, which the {{crd}} schema of {{data}} does not have, so the API server prunes it and it does nothing; the nearest field is {{nearest}}: correct the field or remove it.",
            type: "{{resource}} sets {{field}} to {{value}} ({{actual}}), but the {{crd}} schema of {{data}} requires {{expected}}, so the API server rejects the resource; set {{expected}}.",
            enum: "{{resource}} sets {{field}} to {{value}}, which the {{crd}} schema of {{data}} does not allow, so the API server rejects the resource; use one of {{allowed}}.",
            required:
                "{{resource}} lacks {{field}}, which the {{crd}} schema of {{data}} requires, so the API server rejects the resource; set it.",
            ignored:
                "{{resource}} sets {{field}}, which the {{crd}} schema of {{data}} marks deprecated and ignored ({{note}}), so it does nothing; remove it.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0106 SchemaValidationError",
                note: "Istio's kinds only, by istiod's validation rather than the CRD schema",
            },
        ],
    },
    PMX113: {
        name: "upstream-data-advise-uncovered-version",
        level: "advisory",
        title: "A chart or API version the pinned upstream data does not cover",
        description:
            "Checks that every Helm release of Cilium, Istio or the Kiali operator pins a chart version, and every custom resource of a kind the data has uses an API version, that the upstream data in policies/upstream covers, since PMX110 to PMX112 and PMX114 skip what the data does not cover rather than guess; pin a covered version, or refresh the data for the version in use (npm run upstream).",
        messages: {
            chart: "{{release}} installs {{chart}} {{version}}, which the upstream data does not cover (it covers {{covered}}), so its values are not checked; pin a covered version, or refresh policies/upstream for {{version}} (npm run upstream).",
            unpinned:
                "{{release}} installs {{chart}} with no pinned version, so its values cannot be checked against the chart Helm will pick; pin a version (the upstream data covers {{covered}}).",
            apiVersion:
                "{{resource}} uses {{apiVersion}}, which {{data}} does not serve (it serves {{served}}), so the resource is not checked and an API server with that CRD rejects it; use a served version, or refresh policies/upstream for the CRD in use.",
        },
        anchors: [],
    },
    PMX114: {
        name: "upstream-advise-deprecated-field",
        level: "advisory",
        title: "A deprecated Helm value, meshConfig field or custom-resource field",
        description:
            "Checks that no Helm value, meshConfig field or custom-resource field is one its upstream marks deprecated (a chart's values.schema.json, istiod's MeshConfig, a CRD's schema) while still reading it, since a later release drops it; move to the replacement the note names, or remove the field.",
        messages: {
            deprecated:
                "{{resource}} sets {{field}}, which {{data}} marks deprecated ({{note}}); move to its replacement before an upgrade drops it.",
        },
        anchors: [
            {
                tool: "istioctl",
                check: "IST0002 Deprecated",
                note: "istioctl warns of Istio's own deprecated fields only",
            },
        ],
    },
    YAML001: {
        name: "yaml-syntax",
        level: "mandatory",
        title: "A YAML file that does not parse",
        description:
            "Checks that every YAML file parses; fix the syntax at the line given (kubectl, kustomize and Flux reject the whole file).",
        messages: {
            syntax: "{{file}} is not valid YAML: {{error}}.",
        },
        anchors: [],
    },
    YAML002: {
        name: "kustomize-build",
        level: "mandatory",
        title: "A build Flux or kustomize refuses",
        description:
            "Checks that every kustomization and Flux Kustomization builds; fix what the message names (Flux applies nothing of a build it refuses, and a missing file or variable is the usual cause).",
        messages: {
            build: "{{file}} does not build: {{problem}}.",
        },
        anchors: [],
    },
    YAML003: {
        name: "build-moves-policy",
        level: "mandatory",
        title: "A mesh policy a build moves to another namespace",
        description:
            "Checks that no build (a kustomization's namespace, a Flux Kustomization's targetNamespace) moves an Istio policy or a NetworkPolicy out of the namespace its file names, where it would select other workloads or none; write the namespace the build gives it, or leave the policy out of that build.",
        messages: {
            moved: "{{object}} is written for namespace {{written}}, but {{build}} applies it in namespace {{namespace}}, so it guards {{namespace}} instead; apply it from a build for {{written}}, or write namespace {{namespace}} if that is meant.",
        },
        anchors: [],
    },
    YAML004: {
        name: "yaml-encoding",
        level: "mandatory",
        title: "A YAML file that is not text",
        description:
            "Checks that every YAML file is text kubectl, kustomize and Flux decode (UTF-8, or UTF-16 with a byte-order mark) with no character YAML forbids; save it as UTF-8, or keep files that are not manifests (binaries, UTF-32) out of the tree.",
        messages: {
            encoding:
                "{{file}} cannot be read as YAML: {{problem}}; save it as UTF-8 text, or move it out of the tree if it is not a manifest.",
        },
        anchors: [],
    },
    YAML005: {
        name: "kubernetes-field-types",
        level: "mandatory",
        title: "A field of a built-in object with the wrong type",
        description:
            "Checks that the fields of built-in Kubernetes objects the rules read (containers and their ports, Service ports, NetworkPolicy rules, webhooks, labels) have the type Kubernetes demands, since the API server refuses the whole object otherwise; write the field as the message says (a list item needs its `- `).",
        messages: {
            type: "{{object}} has {{field}} as {{actual}} where Kubernetes wants {{wanted}}, so the API server refuses the object and the rules skip that field; write {{field}} as {{wanted}}.",
        },
        anchors: [],
    },
    YAML006: {
        name: "lint-suppression",
        level: "advisory",
        title: "A suppression annotation mesh-lint cannot use",
        description:
            "Checks that every picluster-mesh/lint-ignore annotation names the codes it suppresses and, after a colon, the reason, since one it cannot read suppresses nothing; write the codes, a colon and why the findings do not apply, as in `PMX005,PMX017: the legacy client has no sidecar`.",
        messages: {
            reason: "{{object}} suppresses {{codes}} with {{annotation}} but gives no reason, so nothing is suppressed; write the reason after a colon, as in `{{codes}}: why the findings do not apply`.",
            codes: "{{object}} has {{annotation}} without a code before the colon, so nothing is suppressed; name the codes of the findings, as in `PMX005,PMX017: why the findings do not apply`.",
            code: "{{object}} names {{codes}} in {{annotation}}, which no rule has, so nothing is suppressed; name codes from the rule table (PMX…, YAML…), separated by commas.",
        },
        anchors: [],
    },
});
