// Config sections for Kiali (`picluster-mesh:kiali`) and for the identity services its OpenID
// sign-in uses (`picluster-mesh:identity`: where Vault and Keycloak are and how Pulumi logs in).
import { isDeepStrictEqual } from "util";
import { z } from "zod";
import { chartRepository, chartVersion, helmValues, httpUrl, k8sName } from "./primitives";

const httpsUrl = z
    .string({ error: "an https:// URL" })
    .regex(/^https:\/\/[^\s/$.?#][^\s]*$/, "an https:// URL");

const vaultPathText = "a Vault path without a leading or trailing '/', such as kiali/oauth2";
const vaultPath = z
    .string({ error: vaultPathText })
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, vaultPathText);

const vaultKeyText = "a Vault secret key: letters, digits, '.', '_' or '-'";
const vaultKey = z.string({ error: vaultKeyText }).regex(/^[A-Za-z0-9_.-]+$/, vaultKeyText);

const keycloakNameText = "a Keycloak name: letters, digits, '.', '_' or '-'";
const keycloakName = z
    .string({ error: keycloakNameText })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, keycloakNameText);

const rotationText = "a rotation label such as 1 or 2026-11";
/** YAML reads `rotation: 2` as a number; both spellings mean the same label. */
const rotation = z.preprocess(
    (value) => (typeof value === "number" ? String(value) : value),
    z.string({ error: rotationText }).regex(/^[A-Za-z0-9_.-]{1,63}$/, rotationText),
);

/** Where Vault and Keycloak are, for the providers Pulumi uses to write to them. */
export const identitySchema = z
    .strictObject({
        vault: z
            .strictObject({
                /** Vault's address; the provider reads VAULT_ADDR when unset. */
                address: httpUrl.optional(),
            })
            .prefault({}),
        keycloak: z
            .strictObject({
                /** Keycloak's base URL (before /admin); the provider reads KEYCLOAK_URL when unset. */
                url: httpUrl.optional(),
                /** Realm of the client Pulumi logs in with; KEYCLOAK_REALM, else master, when unset. */
                realm: keycloakName.optional(),
                /** Client Pulumi logs in with; the provider reads KEYCLOAK_CLIENT_ID when unset. */
                clientId: keycloakName.optional(),
            })
            .prefault({}),
    })
    .prefault({});

const openidSchema = z
    .strictObject({
        /** The Keycloak realm that holds Kiali's client. */
        realm: keycloakName.default("picluster"),
        clientId: keycloakName.default("kiali"),
        /** https://iam.<domain>/realms/<realm> when unset. */
        issuerUri: httpsUrl.optional(),
        /** Every signed-in user may see every namespace (Kiali's openid RBAC off). */
        disableRbac: z.boolean().default(true),
        /** Kiali uses the authorization code flow only; these stay off unless asked for. */
        implicitFlow: z.boolean().default(false),
        directAccessGrants: z.boolean().default(false),
        /** Change it to generate a new client secret; Vault and Keycloak get it together. */
        rotation: rotation.default("1"),
        /** Where the client secret is written. The mount must be the secret store's path. */
        vault: z
            .strictObject({
                mount: vaultPath.default("secret"),
                path: vaultPath.default("kiali/oauth2"),
                key: vaultKey.default("client-secret"),
            })
            .prefault({}),
        /** The ClusterSecretStore External Secrets reads Vault through. */
        secretStore: k8sName.default("vault-backend"),
    })
    .superRefine((openid, ctx) => {
        const suffix = `/realms/${openid.realm}`;
        if (
            openid.issuerUri !== undefined &&
            !openid.issuerUri.replace(/\/$/, "").endsWith(suffix)
        ) {
            ctx.addIssue({
                code: "custom",
                path: ["issuerUri"],
                message: `an https:// URL ending in ${suffix} (the realm)`,
                input: openid.issuerUri,
            });
        }
    });

/** What the openid settings are when a stack leaves them out. */
const openidDefaults = openidSchema.parse({});

/**
 * Kiali's sign-in. Openid settings that change a default under an anonymous strategy are
 * rejected rather than ignored: they suggest the stack meant to sign in.
 */
const authSchema = z
    .strictObject({
        /** `openid` (Keycloak sign-in) unless a stack asks for `anonymous` explicitly. */
        strategy: z.enum(["openid", "anonymous"]).default("openid"),
        openid: openidSchema.prefault({}),
    })
    .superRefine((auth, ctx) => {
        const changed = Object.entries(auth.openid).filter(
            ([key, value]) => !isDeepStrictEqual(value, openidDefaults[key as keyof OpenidConfig]),
        );
        if (auth.strategy === "anonymous" && changed.length > 0) {
            ctx.addIssue({
                code: "custom",
                path: ["openid"],
                message: 'no openid settings while kiali.auth.strategy is "anonymous"',
                input: Object.fromEntries(changed),
            });
        }
    })
    .prefault({});

export const kialiSchema = z
    .strictObject({
        namespace: k8sName.default("kiali"),
        /** Create the namespace; false when it exists already and belongs to another owner. */
        createNamespace: z.boolean().default(true),
        /** Kiali's public host is <subdomain>.<domain>. */
        subdomain: k8sName.default("kiali"),
        operator: z
            .strictObject({
                chart: z.string().min(1, "a chart name").default("kiali-operator"),
                repository: chartRepository.default("https://kiali.org/helm-charts"),
                version: chartVersion.default("2.30.0"),
                releaseName: k8sName.default("kiali-operator"),
                /** Extra operator chart values; `cr.create` stays false whatever they say. */
                values: helmValues.default({}),
            })
            .prefault({}),
        logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
        /** The Gateway API Gateway the console's HTTPRoute attaches to. */
        route: z
            .strictObject({
                gateway: k8sName.default("public-gateway"),
                gatewayNamespace: k8sName.default("envoy-gateway-system"),
            })
            .prefault({}),
        auth: authSchema,
    })
    .prefault({});

export type IdentityConfig = z.output<typeof identitySchema>;
export type KialiConfig = z.output<typeof kialiSchema>;
export type OpenidConfig = z.output<typeof openidSchema>;
