// Kiali: the operator chart, the Kiali custom resource as its own Pulumi resource, the console's
// HTTPRoute and, for OpenID sign-in, the Keycloak client whose secret reaches Kiali via Vault.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartSource, helmRelease } from "./helm";
import { mergeValues } from "../policies/core";
import { componentNamespace } from "./namespace";
import {
    KEYCLOAK_CLIENT,
    OidcClient,
    OidcClientArgs,
    ROTATION_ANNOTATION,
    VAULT_SECRET,
} from "./oidcClient";

/** Kiali reads its OpenID client secret from this Secret and key in its own namespace. */
export const KIALI_SECRET = { name: "kiali", key: "oidc-secret" };
/** The Service the operator creates for the Kiali CR named `kiali`, and its port. */
export const KIALI_SERVICE = { name: "kiali", port: 20001 };

/** How users sign in to Kiali. */
export type KialiAuth =
    | { readonly strategy: "anonymous" }
    | {
          readonly strategy: "openid";
          readonly clientId: string;
          /** The realm's issuer, e.g. https://iam.example.com/realms/picluster. */
          readonly issuerUri: string;
          /** Let every signed-in user see every namespace. */
          readonly disableRbac: boolean;
          /** The client secret's rotation label; a new label restarts Kiali to read the new secret. */
          readonly secretRotation: string;
      };

/**
 * What the Kiali CR's spec is built from. No Istio namespace: Kiali 2.30 finds every istiod by
 * its `app=istiod` label and takes the root namespace from its MeshConfig, and the CR's
 * `istio_namespace` is deprecated and ignored since 2.11 (the CRD says so).
 */
export interface KialiSpecSettings {
    /** Kiali's public host name, e.g. kiali.example.com. */
    readonly webFqdn: string;
    readonly logLevel: string;
    /** Prometheus's in-cluster URL, without a /prometheus/ prefix the server does not have. */
    readonly prometheusUrl: string;
    readonly grafana: { readonly internalUrl: string; readonly externalUrl: string };
    readonly tempo: {
        readonly queryUrl: string;
        readonly grpcPort: number;
        readonly orgId: string;
        readonly datasourceUid: string;
    };
    readonly auth: KialiAuth;
}

/** The console's HTTPRoute. */
export interface ConsoleRoute {
    /** Public host name, e.g. kiali.example.com. */
    readonly hostname: string;
    /** The Gateway API Gateway it attaches to, and that Gateway's namespace. */
    readonly gateway: string;
    readonly gatewayNamespace: string;
}

/** The OpenID client's settings; {@link Kiali} fills in the Secret it materializes. */
export type KialiOidcArgs = Omit<OidcClientArgs, "secret"> & {
    /** The ClusterSecretStore that reads Vault. */
    readonly secretStore: string;
};

/** Arguments of {@link Kiali}. */
export interface KialiArgs {
    /** Namespace of the operator and Kiali. Defaults to `kiali`. */
    readonly namespace: string;
    /** Create the namespace (and delete it on destroy); false when it already exists. */
    readonly createNamespace: boolean;
    /** The kiali-operator chart. */
    readonly operator: {
        readonly source: ChartSource;
        readonly releaseName: string;
        /** Extra chart values; `cr.create` is always false. */
        readonly values: Record<string, unknown>;
    };
    readonly spec: KialiSpecSettings;
    readonly route: ConsoleRoute;
    /**
     * The OpenID client and its secret chain; required when `spec.auth` is `openid`. Its Vault
     * and Keycloak resources use the `vault` and `keycloak` providers of the component's options.
     */
    readonly oidc?: KialiOidcArgs;
}

/**
 * Values for the kiali-operator chart. The chart does not create the Kiali CR: it is its own
 * Pulumi resource, so that destroy deletes it before the operator that clears its finalizer.
 */
export function operatorValues(user: Record<string, unknown> = {}): Record<string, unknown> {
    return mergeValues(user, { cr: { create: false } });
}

/** The Kiali CR's spec. */
export function kialiSpec(settings: KialiSpecSettings) {
    const auth = settings.auth;
    return {
        server: {
            web_fqdn: settings.webFqdn,
            // The CRD types web_port as a string; a number is rejected.
            web_port: "443",
            web_schema: "https",
            web_root: "/",
        },
        auth:
            auth.strategy === "openid"
                ? {
                      strategy: "openid",
                      openid: {
                          client_id: auth.clientId,
                          disable_rbac: auth.disableRbac,
                          issuer_uri: auth.issuerUri,
                      },
                  }
                : { strategy: "anonymous" },
        external_services: {
            prometheus: { url: settings.prometheusUrl },
            grafana: {
                enabled: true,
                internal_url: settings.grafana.internalUrl,
                external_url: settings.grafana.externalUrl,
                // Grafana accepts the same Keycloak token the user signed in to Kiali with.
                auth: { type: "bearer", use_kiali_token: true },
            },
            tracing: {
                // Kiali falls back to "disabled" by itself when Tempo is unreachable.
                enabled: true,
                provider: "tempo",
                internal_url: settings.tempo.queryUrl,
                tempo_config: {
                    org_id: settings.tempo.orgId,
                    datasource_uid: settings.tempo.datasourceUid,
                },
                use_grpc: true,
                grpc_port: settings.tempo.grpcPort,
            },
        },
        deployment: {
            logger: { log_level: settings.logLevel },
            ...(auth.strategy === "openid" && {
                pod_annotations: { [ROTATION_ANNOTATION]: auth.secretRotation },
            }),
        },
    };
}

/** The console HTTPRoute's spec: every path of the host to Kiali's Service. */
export function consoleRouteSpec(route: ConsoleRoute) {
    return {
        hostnames: [route.hostname],
        parentRefs: [
            {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: route.gateway,
                namespace: route.gatewayNamespace,
            },
        ],
        rules: [
            {
                backendRefs: [{ name: KIALI_SERVICE.name, port: KIALI_SERVICE.port }],
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
            },
        ],
    };
}

/** The Kiali console, installed through its operator. */
export class Kiali extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly operator: k8s.helm.v3.Release;
    /** The OpenID client and its secret chain; absent for anonymous sign-in. */
    public readonly oidc?: OidcClient;
    /** The Kiali CR the operator turns into Kiali's Deployment and Service. */
    public readonly server: k8s.apiextensions.CustomResource;
    public readonly route: k8s.apiextensions.CustomResource;
    /** The console's public URL. */
    public readonly url: string;

    constructor(name: string, args: KialiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:kiali:Kiali", name, {}, opts);

        if ((args.spec.auth.strategy === "openid") !== (args.oidc !== undefined)) {
            throw new Error("Kiali: `oidc` must be given exactly when auth.strategy is openid");
        }

        this.namespace = componentNamespace(
            `${name}-namespace`,
            args.namespace,
            args.createNamespace,
            this,
        );

        this.operator = helmRelease(
            `${name}-operator`,
            {
                releaseName: args.operator.releaseName,
                namespace: this.namespace,
                source: args.operator.source,
                values: operatorValues(args.operator.values),
            },
            { parent: this },
        );

        if (args.oidc) {
            // Without explicit providers, Vault and Keycloak would be reached through whatever the
            // environment of `pulumi up` happens to point at.
            if (!this.getProvider(VAULT_SECRET) || !this.getProvider(KEYCLOAK_CLIENT)) {
                throw new Error("Kiali: OpenID sign-in needs the Vault and Keycloak providers");
            }
            const { secretStore, ...oidc } = args.oidc;
            this.oidc = new OidcClient(
                `${name}-oidc`,
                {
                    ...oidc,
                    secret: { ...KIALI_SECRET, namespace: this.namespace, store: secretStore },
                },
                { parent: this },
            );
        }

        // The CR waits for the operator (its CRD, and on destroy the operator outlives it to
        // clear the finalizer, kiali/kiali#2866) and for the ExternalSecret Kiali reads its
        // client secret through. It needs neither ztunnel nor the gateway to install.
        this.server = new k8s.apiextensions.CustomResource(
            `${name}-server`,
            {
                apiVersion: "kiali.io/v1alpha1",
                kind: "Kiali",
                metadata: { name: "kiali", namespace: this.namespace },
                spec: kialiSpec(args.spec),
            },
            {
                parent: this,
                dependsOn: [this.operator, ...(this.oidc ? [this.oidc.externalSecret] : [])],
            },
        );

        this.route = new k8s.apiextensions.CustomResource(
            `${name}-console`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "kiali-console", namespace: this.namespace },
                spec: consoleRouteSpec(args.route),
            },
            { parent: this },
        );

        this.url = `https://${args.route.hostname}`;

        this.registerOutputs({
            namespace: this.namespace,
            operator: this.operator,
            oidc: this.oidc,
            server: this.server,
            route: this.route,
            url: this.url,
        });
    }
}
