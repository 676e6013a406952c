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
            "Checks that no PeerAuthentication uses mode DISABLE, which ambient mode ignores; use STRICT, or a workload-selected PERMISSIVE port exception with a reason.",
        messages: {
            mode: "{{policy}} sets mtls.mode DISABLE: ztunnel ignores the policy, so the workloads keep their inherited mode; set STRICT, or open single ports with a workload-selected PERMISSIVE exception.",
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
        title: "Invalid mTLS modes or port settings",
        description:
            "Checks that mtls modes are valid and that portLevelMtls has a workload selector, at least one entry and port numbers from 1 to 65535, as Istio's validation demands; fix the field named in the message.",
        messages: {
            mode: "{{policy}} sets mtls.mode {{mode}}; use one of STRICT, PERMISSIVE or UNSET.",
            noSelector:
                "{{policy}} has portLevelMtls without a workload selector, which Istio rejects; move the ports into a policy whose selector.matchLabels names the workload.",
            noPorts:
                "{{policy}} has an empty portLevelMtls; list at least one port or remove the field.",
            port: "{{policy}} lists port {{port}} under portLevelMtls; use a workload port number from 1 to 65535.",
            portMode:
                "{{policy}} sets port {{port}} to {{mode}}; use one of STRICT, PERMISSIVE or UNSET.",
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
            "Checks that every PeerAuthentication that makes a namespace, workload or port PERMISSIVE says why in its reason annotation; add the annotation naming the client outside the mesh that needs it.",
        messages: {
            reason: "{{policy}} makes {{what}} PERMISSIVE without a reason; add the annotation {{annotation}} naming the client outside the mesh that needs it.",
        },
        anchors: [],
    },
    PMX006: {
        name: "peerauthentication-disallow-root-selector",
        level: "mandatory",
        title: "A selector policy in the root namespace",
        description:
            "Checks that no PeerAuthentication with a workload selector sits in Istio's root namespace, where Istio ignores it; move it to the namespace of the workloads it selects.",
        messages: {
            rootSelector:
                "{{policy}} selects {{selector}} in the root namespace {{root}}, where Istio ignores workload selectors; move it to the namespace of the workloads it selects.",
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
                "Namespace {{namespace}} is enrolled in ambient mode but is effectively {{mode}}: {{why}}{{own}}; set the mesh-wide policy to STRICT or give {{namespace}} a namespace-wide STRICT policy.",
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
            "Checks that no namespace or pod is set up for both ambient mode and sidecar injection; remove the istio-injection or istio.io/rev label (or the pod's sidecar.istio.io/inject) from ambient namespaces.",
        messages: {
            namespace:
                "Namespace {{namespace}} has istio.io/dataplane-mode=ambient and {{labels}}; keep only the ambient label, or pods get a sidecar and ztunnel redirection both.",
            pod: "{{workload}} asks for a sidecar (sidecar.istio.io/inject=true) in the ambient namespace {{namespace}}; remove it, or opt the pods out of ambient with istio.io/dataplane-mode=none.",
        },
        anchors: [
            { tool: "istioctl", check: "IST0123 NamespaceMultipleInjectionLabels" },
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
        anchors: [{ tool: "istioctl", check: "IST0157 InvalidTelemetryProvider" }],
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
        title: "An identity match on a target that accepts plaintext",
        description:
            "Checks that AuthorizationPolicies matching principals or namespaces only target workloads and ports that are effectively STRICT, since plaintext peers carry no identity (a DENY rule then never matches them); make the target STRICT or drop the identity match.",
        messages: {
            plaintext:
                "{{policy}} matches principals or namespaces, but {{problems}}; plaintext peers have no identity, so make the target STRICT or limit the rule to STRICT ports.",
        },
        anchors: [{ tool: "Kiali", check: "KIA0105" }],
    },
    PMX071: {
        name: "authorizationpolicy-require-waypoint-for-l7",
        level: "mandatory",
        title: "An L7 AuthorizationPolicy without a waypoint",
        description:
            "Checks that AuthorizationPolicies using HTTP attributes in ambient namespaces are bound with targetRefs to a waypoint that exists, since ztunnel cannot enforce them (an ALLOW then denies everything, a DENY does nothing); deploy a waypoint and target it or the Service that uses it.",
        messages: {
            selector:
                "{{policy}} uses {{attributes}} but selects workloads, so ztunnel enforces it without them (an ALLOW denies everything, a DENY does nothing); bind it to a waypoint with targetRefs.",
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
});
