// Explicit providers, configured from the stack config rather than ambient defaults.
import * as keycloak from "@pulumi/keycloak";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { PROJECT, StackConfig } from "../config/schema";

/**
 * The Kubernetes provider every component uses. Server-side apply lets Pulumi patch objects it
 * does not own (namespace labels, other stacks' custom resources) field by field. `namespace`
 * is the default namespace for objects that name none (upstream manifests applied as published).
 */
export function kubernetesProvider(
    name: string,
    config: StackConfig["kubernetes"],
    namespace?: string,
): k8s.Provider {
    return new k8s.Provider(name, {
        // A file path only (the schema rejects contents): provider inputs are stored in plaintext.
        kubeconfig: config.kubeconfig,
        context: config.context,
        enableServerSideApply: true,
        namespace,
    });
}

/** The providers that write OpenID client secrets to Vault and register clients in Keycloak. */
export interface IdentityProviders {
    readonly vault: vault.Provider;
    readonly keycloak: keycloak.Provider;
}

/**
 * Vault and Keycloak providers from the `identity` config and the secret config keys
 * `vaultToken` and `keycloakClientSecret`. Whatever is unset, each provider reads from its own
 * environment variables (VAULT_ADDR, VAULT_TOKEN, KEYCLOAK_URL, KEYCLOAK_CLIENT_ID,
 * KEYCLOAK_CLIENT_SECRET, ...), which keeps those credentials out of the stack's state.
 */
export function identityProviders(config: StackConfig["identity"]): IdentityProviders {
    const secrets = new pulumi.Config(PROJECT);
    return {
        vault: new vault.Provider("vault", {
            address: config.vault.address,
            token: secrets.getSecret("vaultToken"),
            // Use the token itself: a child token would also need `auth/token/create`.
            skipChildToken: true,
        }),
        keycloak: new keycloak.Provider("keycloak", {
            url: config.keycloak.url,
            realm: config.keycloak.realm,
            clientId: config.keycloak.clientId,
            clientSecret: secrets.getSecret("keycloakClientSecret"),
        }),
    };
}
