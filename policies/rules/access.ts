// Rules on who can get in: Kiali's sign-in, Keycloak OpenID clients, and Secrets kept in
// manifests instead of Vault.
import {
    describeSubject,
    InventoryRule,
    KubeObject,
    MeshIndex,
    notApplicable,
    OidcClient,
    SubjectRule,
} from "../core";
import { listText, reporter } from "./common";
import { kialiSetting, kialiSettings, settingName } from "./kiali";

interface KialiConfig {
    allowAnonymous: boolean;
}

const kialiReport = reporter("PMX050");
export const disallowAnonymousKiali: SubjectRule<KialiConfig> = {
    code: "PMX050",
    name: "kiali-disallow-anonymous-auth",
    description:
        "Checks that Kiali does not use the anonymous auth strategy, which lets anyone who reaches it see and change the mesh's configuration; use openid (or set allowAnonymous for a throwaway stack).",
    enforcementLevel: "mandatory",
    config: {
        allowAnonymous: {
            type: "boolean",
            description: "Allow Kiali's anonymous strategy (a local development stack).",
            default: false,
        },
    },
    scope: "subject",
    appliesTo: (subject) => kialiSettings(subject) !== undefined,
    check(subject, config) {
        const { path, value } = kialiSetting(kialiSettings(subject)!, "auth.strategy");
        if (config.allowAnonymous || value !== "anonymous") {
            return [];
        }
        const field = settingName(subject, path);
        return [
            kialiReport(
                subject,
                `${describeSubject(subject)} sets ${field} to anonymous, so anyone who reaches Kiali sees and changes the mesh; use openid, or set allowAnonymous in this policy's config for a throwaway stack.`,
            ),
        ];
    },
};

/** Why a redirect URI is not an exact https host, or undefined when it is. */
export function redirectUriProblem(uri: string): string | undefined {
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(uri);
    if (!match) {
        return "is not an absolute URL";
    }
    const [, scheme, authority, rest] = match;
    const host = authority.replace(/:\d+$/, "");
    if (host === "" || host.includes("*")) {
        return "has a wildcard or empty host";
    }
    if (scheme !== "https" && !(scheme === "http" && /^(localhost|127\.0\.0\.1)$/.test(host))) {
        return "is not https";
    }
    if (rest.slice(0, -1).includes("*")) {
        return "has a wildcard before the end of the path";
    }
    return undefined;
}

const oidcReport = reporter("PMX051");
export const requireSafeOidcClient: SubjectRule = {
    code: "PMX051",
    name: "oidc-client-require-safe-flows",
    description:
        "Checks that a Keycloak OpenID client has the implicit flow off, redirect URIs on exact https hosts (a wildcard only at the end of the path) and no wildcard web origin; turn the implicit flow off and list exact redirect URIs.",
    enforcementLevel: "mandatory",
    config: {},
    scope: "subject",
    appliesTo: (subject) => subject.category === "oidc-client",
    check(subject) {
        const client = subject as OidcClient;
        const name = describeSubject(client);
        const findings = [];
        if (client.implicitFlowEnabled === true) {
            findings.push(
                oidcReport(
                    client,
                    `${name} enables the implicit flow, which hands tokens over in URLs; set implicitFlowEnabled: false (Kiali uses the authorization code flow).`,
                ),
            );
        }
        for (const uri of client.validRedirectUris) {
            const problem = redirectUriProblem(uri);
            if (problem) {
                findings.push(
                    oidcReport(
                        client,
                        `${name} accepts redirect URI ${JSON.stringify(uri)}, which ${problem}; list https://<exact host>/<path> URIs only.`,
                    ),
                );
            }
        }
        if (client.webOrigins.includes("*")) {
            findings.push(
                oidcReport(
                    client,
                    `${name} allows every web origin ("*"); list the exact origins, or "+" for the redirect URIs' origins.`,
                ),
            );
        }
        return findings;
    },
};

interface SecretConfig {
    meshNamespaces: string[];
}

const secretReport = reporter("PMX060");
export const disallowLiteralSecrets: InventoryRule<SecretConfig> = {
    code: "PMX060",
    name: "secret-disallow-literal-data",
    description:
        "Checks that no Kubernetes Secret in a mesh namespace carries literal data, which would sit in the manifests and in the stack's state; keep the value in Vault and let an ExternalSecret create the Secret.",
    enforcementLevel: "mandatory",
    config: {
        meshNamespaces: {
            type: "array",
            items: { type: "string" },
            description: "Namespaces of the mesh's own components, checked besides ambient ones.",
            default: ["istio-system", "kiali"],
        },
    },
    scope: "inventory",
    check(index: MeshIndex, config) {
        const inMesh = (secret: KubeObject) => {
            const namespace = index.namespaceOf(secret);
            return config.meshNamespaces.includes(namespace) || index.isAmbient(namespace);
        };
        const secrets = index.ofKind("Secret", [""]).filter(inMesh);
        if (secrets.length === 0) {
            return notApplicable("the input has no Secret in a mesh namespace");
        }
        return secrets.flatMap((secret) => {
            const keys = [
                ...Object.keys(secret.body.data ?? {}),
                ...Object.keys(secret.body.stringData ?? {}),
            ];
            if (keys.length === 0) {
                return [];
            }
            return [
                secretReport(
                    secret,
                    `${describeSubject(secret)} carries literal data (${listText(keys.sort())}); keep the value in Vault and let an ExternalSecret create the Secret.`,
                ),
            ];
        });
    },
};

export const accessRules = [disallowAnonymousKiali, requireSafeOidcClient, disallowLiteralSecrets];
