// Explicit providers, configured from their own arguments rather than ambient defaults.
import * as keycloak from "@pulumi/keycloak";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

/** How to reach the cluster. */
export interface KubernetesProviderArgs {
    /**
     * Path of a kubeconfig file; the provider's default discovery (KUBECONFIG) when unset. Never
     * the contents: provider inputs are stored in plaintext.
     */
    readonly kubeconfig?: string;
    /** The kubeconfig context; the current context when unset. */
    readonly context?: string;
}

/**
 * The Kubernetes provider every component uses. Server-side apply lets Pulumi patch objects it
 * does not own (namespace labels, other stacks' custom resources) field by field. `namespace`
 * is the default namespace for objects that name none (upstream manifests applied as published).
 */
export function kubernetesProvider(
    name: string,
    args: KubernetesProviderArgs,
    namespace?: string,
): k8s.Provider {
    return new k8s.Provider(name, {
        kubeconfig: args.kubeconfig,
        context: args.context,
        enableServerSideApply: true,
        namespace,
    });
}

/** Where Vault and Keycloak are and how Pulumi signs in; unset fields come from the environment. */
export interface IdentityProvidersArgs {
    readonly vault: {
        readonly address?: string;
        readonly token?: pulumi.Output<string>;
    };
    readonly keycloak: {
        readonly url?: string;
        readonly realm?: string;
        readonly clientId?: string;
        readonly clientSecret?: pulumi.Output<string>;
    };
}

/** The providers that write OpenID client secrets to Vault and register clients in Keycloak. */
export interface IdentityProviders {
    readonly vault: vault.Provider;
    readonly keycloak: keycloak.Provider;
}

/**
 * Vault and Keycloak providers. Whatever is unset, each provider reads from its own environment
 * variables (VAULT_ADDR, VAULT_TOKEN, KEYCLOAK_URL, KEYCLOAK_CLIENT_ID, KEYCLOAK_CLIENT_SECRET,
 * ...), which keeps those credentials out of the stack's state.
 */
export function identityProviders(args: IdentityProvidersArgs): IdentityProviders {
    return {
        vault: new vault.Provider("vault", {
            address: args.vault.address,
            token: args.vault.token,
            // Use the token itself: a child token would also need `auth/token/create`.
            skipChildToken: true,
        }),
        keycloak: new keycloak.Provider("keycloak", {
            url: args.keycloak.url,
            realm: args.keycloak.realm,
            clientId: args.keycloak.clientId,
            clientSecret: args.keycloak.clientSecret,
        }),
    };
}
