// Rules on who can get in: Kiali's sign-in, Keycloak OpenID clients, and Secrets kept in
// manifests instead of Vault.
import {
    describeSubject,
    finding,
    inventoryRule,
    isRecord,
    KubeObject,
    namespaceOf,
    OidcClient,
    subjectRule,
} from "../core";
import { catalogue } from "../catalogue";
import { listText } from "./common";
import { KIALI_INPUTS, KIALI_SETTINGS, kialiSetting, kialiSettings, settingName } from "./kiali";

interface KialiConfig {
    allowAnonymous: boolean;
}

const PMX050 = catalogue.PMX050;
export const disallowAnonymousKiali = subjectRule<KialiConfig>({
    entry: PMX050,
    config: {
        allowAnonymous: {
            type: "boolean",
            description: "Allow Kiali's anonymous strategy (a local development stack).",
            default: false,
        },
    },
    inputs: KIALI_INPUTS,
    judges: KIALI_SETTINGS,
    check(subject, config) {
        const { path, value } = kialiSetting(kialiSettings(subject)!, "auth.strategy");
        if (config.allowAnonymous || value !== "anonymous") {
            return [];
        }
        return [
            finding(PMX050, subject, "anonymous", {
                subject: describeSubject(subject),
                field: settingName(subject, path),
            }),
        ];
    },
});

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

const PMX051 = catalogue.PMX051;
export const requireSafeOidcClient = subjectRule({
    entry: PMX051,
    config: {},
    inputs: { kinds: ["keycloak/Client"] },
    judges: {
        what: "Keycloak OpenID client",
        test: (subject) => subject.category === "oidc-client",
    },
    check(subject) {
        const client = subject as OidcClient;
        const name = describeSubject(client);
        const findings = [];
        if (client.implicitFlowEnabled === true) {
            findings.push(finding(PMX051, client, "implicit", { client: name }));
        }
        for (const uri of client.validRedirectUris) {
            const problem = redirectUriProblem(uri);
            if (problem) {
                findings.push(
                    finding(PMX051, client, "redirect", {
                        client: name,
                        uri: JSON.stringify(uri),
                        problem,
                    }),
                );
            }
        }
        if (client.webOrigins.includes("*")) {
            findings.push(finding(PMX051, client, "origins", { client: name }));
        }
        return findings;
    },
});

interface SecretConfig {
    meshNamespaces: string[];
}

/** A SOPS value (`ENC[AES256_GCM,data:…]`), or only Flux `${VAR}` placeholders: not a secret. */
const NOT_PLAINTEXT = /^\s*(ENC\[[^\]]*\]|(\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=][^}]*)?\})+)\s*$/;

/** Whether a Secret's value is literal data (anything but ciphertext or placeholders). */
function isPlaintext(value: unknown): boolean {
    return typeof value !== "string" || !NOT_PLAINTEXT.test(value);
}

const PMX060 = catalogue.PMX060;
export const disallowLiteralSecrets = inventoryRule<SecretConfig, KubeObject>({
    entry: PMX060,
    config: {
        meshNamespaces: {
            type: "array",
            items: { type: "string" },
            description: "Namespaces of the mesh's own components, checked besides ambient ones.",
            default: ["istio-system", "kiali"],
        },
    },
    inputs: { kinds: ["core/Secret", "core/Namespace"] },
    judges: {
        what: "Secret in a mesh namespace",
        select: (index, config) =>
            index.ofKind("Secret", [""]).filter((secret) => {
                const namespace = namespaceOf(secret);
                return config.meshNamespaces.includes(namespace) || index.isAmbient(namespace);
            }),
    },
    check(secrets) {
        return secrets.flatMap((secret) => {
            // A SOPS-encrypted document holds ciphertext, decrypted only in the cluster.
            if (isRecord(secret.body.sops)) {
                return [];
            }
            const keys = [secret.body.data, secret.body.stringData].flatMap((entries) =>
                isRecord(entries)
                    ? Object.keys(entries).filter((key) => isPlaintext(entries[key]))
                    : [],
            );
            if (keys.length === 0) {
                return [];
            }
            return [
                finding(PMX060, secret, "literal", {
                    secret: describeSubject(secret),
                    keys: listText(keys.sort()),
                }),
            ];
        });
    },
});

export const accessRules = [disallowAnonymousKiali, requireSafeOidcClient, disallowLiteralSecrets];
