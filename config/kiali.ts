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
                address: httpUrl
                    .optional()
                    .describe("Vault's address; the provider reads VAULT_ADDR when unset."),
            })
            .prefault({}),
        keycloak: z
            .strictObject({
                url: httpUrl
                    .optional()
                    .describe(
                        "Keycloak's base URL (before /admin); the provider reads KEYCLOAK_URL when unset.",
                    ),
                realm: keycloakName
                    .optional()
                    .describe(
                        "Realm of the client Pulumi logs in with; KEYCLOAK_REALM, else master, when unset.",
                    ),
                clientId: keycloakName
                    .optional()
                    .describe(
                        "Client Pulumi logs in with (client-credentials grant); the provider reads KEYCLOAK_CLIENT_ID when unset.",
                    ),
            })
            .prefault({}),
    })
    .prefault({})
    .describe(
        "Where Vault and Keycloak are, for the providers that write Kiali's OpenID client (only with Kiali enabled and signing in with openid). Credentials are the secret keys vaultToken and keycloakClientSecret, or the providers' environment variables.",
    );

const openidSchema = z
    .strictObject({
        realm: keycloakName
            .default("picluster")
            .describe("The Keycloak realm that holds Kiali's client."),
        clientId: keycloakName.default("kiali").describe("Kiali's client id in Keycloak."),
        issuerUri: httpsUrl
            .optional()
            .describe(
                "The issuer, https:// and ending in /realms/<realm>; https://iam.<domain>/realms/<realm> when unset.",
            ),
        disableRbac: z
            .boolean()
            .default(true)
            .describe("Every signed-in user sees every namespace (Kiali's OpenID RBAC off)."),
        // Kiali uses the authorization code flow only; these stay off unless asked for.
        implicitFlow: z
            .boolean()
            .default(false)
            .describe(
                "Allow the implicit flow, which returns tokens in the browser's URL; Kiali does not need it.",
            ),
        directAccessGrants: z
            .boolean()
            .default(false)
            .describe(
                "Allow direct access grants, which swap a user's password for tokens past the login page; Kiali does not need them.",
            ),
        rotation: rotation.default("1").meta({
            description:
                "A label: change it to generate a new client secret; Vault and Keycloak get it together and Kiali restarts.",
            // What a stack may write: YAML reads `rotation: 2` as a number, which means "2".
            type: ["string", "number"],
        }),
        vault: z
            .strictObject({
                mount: vaultPath
                    .default("secret")
                    .describe("The KV v2 mount: the ClusterSecretStore's path."),
                path: vaultPath.default("kiali/oauth2").describe("The secret's path."),
                key: vaultKey.default("client-secret").describe("The key inside the secret."),
            })
            .prefault({})
            .describe("Where the client secret is written in Vault."),
        secretStore: k8sName
            .default("vault-backend")
            .describe("The ClusterSecretStore External Secrets reads Vault through."),
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
        // `openid` unless a stack asks for `anonymous` explicitly.
        strategy: z
            .enum(["openid", "anonymous"])
            .default("openid")
            .describe(
                "openid: sign in through Keycloak; the stack writes the client secret to Vault, registers the Keycloak client and reads the secret back through External Secrets. anonymous: no sign-in and none of those (a local cluster only: the policy pack's PMX050 refuses it unless its allowAnonymous is set).",
            ),
        openid: openidSchema.prefault({}).describe("Kiali's OpenID client."),
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
    .prefault({})
    .describe("How people sign in to Kiali.");

export const kialiSchema = z
    .strictObject({
        enabled: z
            .boolean()
            .default(false)
            .describe(
                "Install Kiali: the kiali-operator release, the Kiali CR and the HTTPRoute kiali-console (with openid sign-in, also its client in Keycloak, Vault and External Secrets).",
            ),
        namespace: k8sName.default("kiali").describe("Namespace of the operator and Kiali."),
        createNamespace: z
            .boolean()
            .default(true)
            .describe(
                "Create the namespace; false when it exists already and belongs to another owner.",
            ),
        subdomain: k8sName
            .default("kiali")
            .describe("Kiali is served at https://<subdomain>.<domain>."),
        operator: z
            .strictObject({
                chart: z
                    .string()
                    .min(1, "a chart name")
                    .default("kiali-operator")
                    .describe("The operator's chart name."),
                repository: chartRepository
                    .default("https://kiali.org/helm-charts")
                    .describe("The operator's chart repository."),
                version: chartVersion
                    .default("2.30.0")
                    .describe("The operator's chart version, pinned."),
                releaseName: k8sName
                    .default("kiali-operator")
                    .describe("Helm release name of the operator."),
                values: helmValues
                    .default({})
                    .describe(
                        "Extra operator chart values; cr.create stays false whatever they say (the CR is its own resource).",
                    ),
            })
            .prefault({})
            .describe("The Kiali operator's chart."),
        logLevel: z
            .enum(["trace", "debug", "info", "warn", "error", "fatal"])
            .default("info")
            .describe("Kiali's log level."),
        route: z
            .strictObject({
                gateway: k8sName
                    .default("public-gateway")
                    .describe("The Gateway API Gateway the HTTPRoute kiali-console attaches to."),
                gatewayNamespace: k8sName
                    .default("envoy-gateway-system")
                    .describe("The Gateway's namespace."),
            })
            .prefault({})
            .describe("The console's HTTPRoute."),
        auth: authSchema,
    })
    .prefault({})
    .describe("Kiali, the mesh's console.");

export type IdentityConfig = z.output<typeof identitySchema>;
export type KialiConfig = z.output<typeof kialiSchema>;
export type OpenidConfig = z.output<typeof openidSchema>;
