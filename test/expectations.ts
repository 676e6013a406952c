// Values the reference stack must produce, shared by the specs that check them from different
// sides (the mapping from config, the components, the planned program).

/** The Kiali CR's spec for the reference stack. */
export const referenceKialiSpec = {
    server: {
        web_fqdn: "kiali.homelab.ricsanfre.com",
        web_port: "443",
        web_schema: "https",
        web_root: "/",
    },
    auth: {
        strategy: "openid",
        openid: {
            client_id: "kiali",
            disable_rbac: true,
            issuer_uri: "https://iam.homelab.ricsanfre.com/realms/picluster",
        },
    },
    external_services: {
        prometheus: { url: "http://kube-prometheus-stack-prometheus.kube-prom-stack:9090" },
        grafana: {
            enabled: true,
            internal_url: "http://grafana-service.grafana:3000",
            external_url: "https://grafana.homelab.ricsanfre.com",
            auth: { type: "bearer", use_kiali_token: true },
        },
        tracing: {
            enabled: true,
            provider: "tempo",
            internal_url: "http://tempo-query-frontend.tempo.svc.cluster.local:3100/",
            tempo_config: { org_id: "1", datasource_uid: "a8d2ef1c-d31c-4de5-a90b-e7bc5252cd00" },
            use_grpc: true,
            grpc_port: 9095,
        },
    },
    deployment: {
        logger: { log_level: "debug" },
        // A new rotation label rolls Kiali's pod, which then mounts the new secret.
        pod_annotations: { "picluster-mesh/secret-rotation": "1" },
    },
};

/** Keycloak client kiali as the reference stack registers it, its secret aside. */
export const referenceKeycloakClient = {
    realmId: "picluster",
    clientId: "kiali",
    name: "kiali",
    enabled: true,
    accessType: "CONFIDENTIAL",
    standardFlowEnabled: true,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: false,
    rootUrl: "https://kiali.homelab.ricsanfre.com",
    adminUrl: "https://kiali.homelab.ricsanfre.com",
    validRedirectUris: ["https://kiali.homelab.ricsanfre.com/*"],
    webOrigins: ["https://kiali.homelab.ricsanfre.com"],
};

/** The ExternalSecret spec that gives Kiali its client secret in the reference stack. */
export const referenceExternalSecretSpec = {
    secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" },
    target: { name: "kiali" },
    data: [
        {
            secretKey: "oidc-secret",
            remoteRef: { key: "kiali/oauth2", property: "client-secret" },
        },
    ],
};
