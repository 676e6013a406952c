// An application's OpenID Connect client and its secret, end to end: a generated secret, written
// to Vault, registered in Keycloak, and materialized in the application's namespace by External
// Secrets. Nobody copies the secret by hand, and it is never in plaintext in state, logs or plan.
import * as k8s from "@pulumi/kubernetes";
import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";

/** Where the client secret lives in Vault (KV version 2). */
export interface VaultLocation {
    /** The KV v2 mount, e.g. `secret`. It must be the ClusterSecretStore's `path`. */
    readonly mount: string;
    /** The secret's path under the mount, e.g. `kiali/oauth2`. */
    readonly path: string;
    /** The key inside the secret that holds the client secret, e.g. `client-secret`. */
    readonly key: string;
}

/** The Keycloak client's settings; none of them is secret. */
export interface OidcClientSettings {
    /** The realm that holds the client, e.g. `picluster`. */
    readonly realm: string;
    /** The OpenID client id the application signs in with, e.g. `kiali`. */
    readonly clientId: string;
    /** The application's public URL without a trailing slash, e.g. `https://kiali.example.com`. */
    readonly appUrl: string;
    /**
     * Extra OAuth flows. The authorization code flow is always on; the implicit flow and direct
     * access grants hand tokens to browsers or take user passwords, so they are off by default.
     */
    readonly implicitFlow: boolean;
    readonly directAccessGrants: boolean;
}

/** The Kubernetes Secret that External Secrets creates from Vault. */
export interface SecretTarget {
    /** The application's namespace; pass the Namespace resource's output to wait for it. */
    readonly namespace: pulumi.Input<string>;
    /** The Secret's name; the ExternalSecret is `<name>-externalsecret`. */
    readonly name: string;
    /** The key in the Secret that holds the client secret, e.g. `oidc-secret`. */
    readonly key: string;
    /** The ClusterSecretStore that reads Vault, e.g. `vault-backend`. */
    readonly store: string;
}

/** The annotation that carries the client secret's rotation label. */
export const ROTATION_ANNOTATION = "picluster-mesh/secret-rotation";

/** Arguments of {@link OidcClient}. */
export interface OidcClientArgs {
    readonly client: OidcClientSettings;
    readonly vault: VaultLocation;
    readonly secret: SecretTarget;
    /** Changing it generates a new client secret, which Vault and Keycloak receive together. */
    readonly rotation: string;
}

/** The type tokens whose providers the component's options must give. */
export const VAULT_SECRET = "vault:kv/secretV2:SecretV2";
export const KEYCLOAK_CLIENT = "keycloak:openid/client:Client";

/** The Keycloak client's arguments, all but the secret. */
export function keycloakClientArgs(settings: OidcClientSettings) {
    return {
        realmId: settings.realm,
        clientId: settings.clientId,
        name: settings.clientId,
        enabled: true,
        accessType: "CONFIDENTIAL",
        standardFlowEnabled: true,
        implicitFlowEnabled: settings.implicitFlow,
        directAccessGrantsEnabled: settings.directAccessGrants,
        serviceAccountsEnabled: false,
        rootUrl: settings.appUrl,
        adminUrl: settings.appUrl,
        validRedirectUris: [`${settings.appUrl}/*`],
        webOrigins: [settings.appUrl],
    };
}

/** The ExternalSecret's spec: one key of the Secret, read from one property of a Vault secret. */
export function externalSecretSpec<T>(target: SecretTarget, remoteKey: T, property: string) {
    return {
        secretStoreRef: { name: target.store, kind: "ClusterSecretStore" },
        target: { name: target.name },
        data: [{ secretKey: target.key, remoteRef: { key: remoteKey, property } }],
    };
}

/**
 * A confidential OpenID Connect client whose secret flows from Vault into the cluster. Vault and
 * Keycloak are written through the `vault` and `keycloak` providers of its options (or its
 * parent's), like any Pulumi provider.
 */
export class OidcClient extends pulumi.ComponentResource {
    public readonly clientSecret: random.RandomPassword;
    public readonly vaultSecret: vault.kv.SecretV2;
    public readonly keycloakClient: keycloak.openid.Client;
    public readonly externalSecret: k8s.apiextensions.CustomResource;

    constructor(name: string, args: OidcClientArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:identity:OidcClient", name, {}, opts);

        // Alphanumeric, like the secrets Keycloak generates: no escaping in forms or headers.
        this.clientSecret = new random.RandomPassword(
            `${name}-client-secret`,
            { length: 32, special: false, keepers: { rotation: args.rotation } },
            { parent: this },
        );
        const secretValue = this.clientSecret.result;

        this.vaultSecret = new vault.kv.SecretV2(
            `${name}-vault`,
            {
                mount: args.vault.mount,
                name: args.vault.path,
                // jsonStringify keeps the result secret, so Vault's input never shows it.
                dataJson: pulumi.jsonStringify({ [args.vault.key]: secretValue }),
            },
            { parent: this },
        );

        this.keycloakClient = new keycloak.openid.Client(
            `${name}-keycloak`,
            { ...keycloakClientArgs(args.client), clientSecret: secretValue },
            { parent: this },
        );

        // The remote key comes from the Vault secret's outputs: the ExternalSecret names exactly
        // what was written, and waits for it.
        this.externalSecret = new k8s.apiextensions.CustomResource(
            `${name}-externalsecret`,
            {
                apiVersion: "external-secrets.io/v1",
                kind: "ExternalSecret",
                metadata: {
                    name: `${args.secret.name}-externalsecret`,
                    namespace: args.secret.namespace,
                    // External Secrets refreshes on any annotation change, so a rotation reaches
                    // the Secret as soon as Vault has it, not at the next hourly refresh.
                    annotations: { [ROTATION_ANNOTATION]: args.rotation },
                },
                spec: externalSecretSpec(args.secret, this.vaultSecret.name, args.vault.key),
            },
            { parent: this },
        );

        this.registerOutputs({
            clientSecret: this.clientSecret,
            vaultSecret: this.vaultSecret,
            keycloakClient: this.keycloakClient,
            externalSecret: this.externalSecret,
        });
    }
}
