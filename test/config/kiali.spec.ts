import { expect } from "chai";
import { parseStackConfig } from "../../config/load";
import { BadConfig, itRejectsEach, referenceRawConfig } from "../helpers";

const minimal = { domain: "homelab.example.com" };

describe("Kiali config", () => {
    it("is off by default, and signs in with OpenID once enabled: client kiali in realm picluster, its secret at secret/kiali/oauth2, extra flows off", () => {
        const config = parseStackConfig(minimal);
        expect(config.kiali).to.deep.equal({
            enabled: false,
            namespace: "kiali",
            createNamespace: true,
            subdomain: "kiali",
            operator: {
                chart: "kiali-operator",
                repository: "https://kiali.org/helm-charts",
                version: "2.30.0",
                releaseName: "kiali-operator",
                values: {},
            },
            logLevel: "info",
            route: { gateway: "public-gateway", gatewayNamespace: "envoy-gateway-system" },
            auth: {
                strategy: "openid",
                openid: {
                    realm: "picluster",
                    clientId: "kiali",
                    disableRbac: true,
                    implicitFlow: false,
                    directAccessGrants: false,
                    rotation: "1",
                    vault: { mount: "secret", path: "kiali/oauth2", key: "client-secret" },
                    secretStore: "vault-backend",
                },
            },
        });
        expect(config.identity).to.deep.equal({ vault: {}, keycloak: {} });
    });

    it("reads the reference stack's Kiali and identity sections", () => {
        const config = parseStackConfig(referenceRawConfig());
        expect(config.identity).to.deep.equal({
            vault: { address: "https://vault.homelab.ricsanfre.com:8200" },
            keycloak: { url: "https://iam.homelab.ricsanfre.com" },
        });
        expect(config.kiali.logLevel).to.equal("debug");
        expect(config.kiali.auth).to.deep.include({ strategy: "openid" });
    });

    it("accepts a rotation written as a YAML number and keeps it as the same label", () => {
        const config = parseStackConfig({
            ...minimal,
            kiali: { enabled: true, auth: { openid: { rotation: 2 } } },
        });
        expect(config.kiali.auth).to.have.nested.property("openid.rotation", "2");
    });

    it("is anonymous only when the stack asks for it", () => {
        const config = parseStackConfig({
            ...minimal,
            kiali: { enabled: true, auth: { strategy: "anonymous" } },
        });
        expect(config.kiali.auth.strategy).to.equal("anonymous");
        // Settings that change nothing do not suggest sign-in was meant.
        const unchanged = { strategy: "anonymous", openid: { clientId: "kiali" } };
        expect(
            parseStackConfig({ ...minimal, kiali: { enabled: true, auth: unchanged } }).kiali.auth
                .strategy,
        ).to.equal("anonymous");
    });

    const openid = (settings: Record<string, unknown>) => ({
        ...minimal,
        kiali: { enabled: true, auth: { openid: settings } },
    });
    const badValues: BadConfig[] = [
        [
            "an issuer that is not https",
            openid({ issuerUri: "http://iam.example.com/realms/picluster" }),
            'Invalid config picluster-mesh:kiali.auth.openid.issuerUri = "http://iam.example.com/realms/picluster": expected an https:// URL.',
        ],
        [
            "an issuer of another realm",
            openid({ issuerUri: "https://iam.example.com/realms/master" }),
            'Invalid config picluster-mesh:kiali.auth.openid.issuerUri = "https://iam.example.com/realms/master": expected an https:// URL ending in /realms/picluster (the realm).',
        ],
        [
            "a Vault path with a leading slash",
            openid({ vault: { path: "/kiali/oauth2" } }),
            "Invalid config picluster-mesh:kiali.auth.openid.vault.path = \"/kiali/oauth2\": expected a Vault path without a leading or trailing '/', such as kiali/oauth2.",
        ],
        [
            "a Vault key with a slash",
            openid({ vault: { key: "oauth2/client-secret" } }),
            "Invalid config picluster-mesh:kiali.auth.openid.vault.key = \"oauth2/client-secret\": expected a Vault secret key: letters, digits, '.', '_' or '-'.",
        ],
        [
            "an empty client id",
            openid({ clientId: "" }),
            "Invalid config picluster-mesh:kiali.auth.openid.clientId = \"\": expected a Keycloak name: letters, digits, '.', '_' or '-'.",
        ],
        [
            "a rotation that is not a label",
            openid({ rotation: { at: "now" } }),
            'Invalid config picluster-mesh:kiali.auth.openid.rotation = {"at":"now"}: expected a rotation label such as 1 or 2026-11.',
        ],
        [
            "openid settings beside an anonymous strategy",
            {
                ...minimal,
                kiali: {
                    auth: { strategy: "anonymous", openid: { clientId: "kiali", realm: "lab" } },
                },
            },
            'Invalid config picluster-mesh:kiali.auth.openid = {"realm":"lab"}: expected no openid settings while kiali.auth.strategy is "anonymous".',
        ],
        [
            "an unknown sign-in strategy",
            { ...minimal, kiali: { auth: { strategy: "token" } } },
            'Invalid config picluster-mesh:kiali.auth.strategy = "token": expected one of "openid", "anonymous".',
        ],
        [
            "a client secret written into the stack config",
            openid({ clientSecret: "hunter2" }),
            'Invalid config picluster-mesh:kiali.auth.openid: unknown key "clientSecret"; allowed keys: realm, clientId, issuerUri, disableRbac, implicitFlow, directAccessGrants, rotation, vault, secretStore.',
        ],
        [
            "an unknown log level",
            { ...minimal, kiali: { logLevel: "verbose" } },
            'Invalid config picluster-mesh:kiali.logLevel = "verbose": expected one of "trace", "debug", "info", "warn", "error", "fatal".',
        ],
        [
            "a Vault address without a scheme",
            { ...minimal, identity: { vault: { address: "vault.example.com:8200" } } },
            'Invalid config picluster-mesh:identity.vault.address = "vault.example.com:8200": expected an http:// or https:// URL without credentials in it.',
        ],
    ];
    itRejectsEach(badValues);
});
