import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { expect } from "chai";
import { parseStackConfig } from "../config/load";
import { PROJECT } from "../config/schema";
import {
    consoleRouteSpec,
    Kiali,
    kialiArgs,
    KialiArgs,
    kialiSpec,
    operatorValues,
} from "../components/kiali";
import {
    externalSecretSpec,
    keycloakClientArgs,
    OidcClient,
    OidcClientArgs,
} from "../components/oidcClient";
import { Plan, planProgram, PlannedResource } from "../harness/runtime/plan";
import { planStack } from "../harness/stack";
import {
    BadConfig,
    inputsOf,
    itRejectsEach,
    RELEASE,
    resourceNamed,
    resourcesOfType,
    stackRawConfig,
    waitsFor,
} from "./helpers";

const minimal = { domain: "homelab.example.com" };

/** The stack's Kiali sign-in switched to anonymous, as a dev stack would ask for it. */
function anonymous(config: Record<string, unknown>): void {
    const kiali = config[`${PROJECT}:kiali`] as Record<string, unknown>;
    config[`${PROJECT}:kiali`] = { ...kiali, auth: { strategy: "anonymous" } };
}

/** Every resource registered inside the Kiali component, at any depth. */
function insideKiali(plan: Plan): PlannedResource[] {
    const kiali = resourceNamed(plan, "kiali");
    const inside = new Set([kiali.urn]);
    // Parents register before their children, so one pass in plan order finds every descendant.
    for (const resource of plan.resources) {
        if (resource.parent && inside.has(resource.parent)) {
            inside.add(resource.urn);
        }
    }
    return plan.resources.filter((r) => r !== kiali && inside.has(r.urn));
}

/** The resources inside the Kiali component, by name, with what each waits for. */
function kialiEdges(plan: Plan): Record<string, string[]> {
    return Object.fromEntries(insideKiali(plan).map((r) => [r.name, waitsFor(plan, r)]));
}

const piclusterSpec = {
    istio_namespace: "istio-system",
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

/** Keycloak client kiali as the picluster stack registers it, its secret aside. */
const piclusterKeycloakClient = {
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

/** The ExternalSecret spec that gives Kiali its client secret in the picluster stack. */
const piclusterExternalSecretSpec = {
    secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" },
    target: { name: "kiali" },
    data: [
        {
            secretKey: "oidc-secret",
            remoteRef: { key: "kiali/oauth2", property: "client-secret" },
        },
    ],
};

describe("Kiali config", () => {
    it("signs in with OpenID by default: client kiali in realm picluster, its secret at secret/kiali/oauth2, extra flows off", () => {
        const config = parseStackConfig(minimal);
        expect(config.kiali).to.deep.equal({
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

    it("reads the picluster stack's Kiali and identity sections", () => {
        const config = parseStackConfig(stackRawConfig("picluster"));
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
            kiali: { auth: { openid: { rotation: 2 } } },
        });
        expect(config.kiali.auth).to.have.nested.property("openid.rotation", "2");
    });

    it("is anonymous only when the stack asks for it", () => {
        const config = parseStackConfig({ ...minimal, kiali: { auth: { strategy: "anonymous" } } });
        expect(config.kiali.auth.strategy).to.equal("anonymous");
        // Settings that change nothing do not suggest sign-in was meant.
        const unchanged = { strategy: "anonymous", openid: { clientId: "kiali" } };
        expect(
            parseStackConfig({ ...minimal, kiali: { auth: unchanged } }).kiali.auth.strategy,
        ).to.equal("anonymous");
    });

    const openid = (settings: Record<string, unknown>) => ({
        ...minimal,
        kiali: { auth: { openid: settings } },
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
            'Invalid config picluster-mesh:identity.vault.address = "vault.example.com:8200": expected an http:// or https:// URL.',
        ],
    ];
    itRejectsEach(badValues);
});

describe("Kiali's values", () => {
    it("builds the picluster Kiali CR from the stack config: string web_port, no /prometheus/ prefix, Grafana with Kiali's token, Tempo over gRPC", () => {
        expect(
            kialiSpec(kialiArgs(parseStackConfig(stackRawConfig("picluster"))).spec),
        ).to.deep.equal(piclusterSpec);
    });

    it("derives the issuer, the Grafana URL and Kiali's host from the domain when they are unset", () => {
        const args = kialiArgs(parseStackConfig(minimal));
        expect(args.spec.auth).to.deep.equal({
            strategy: "openid",
            clientId: "kiali",
            issuerUri: "https://iam.homelab.example.com/realms/picluster",
            disableRbac: true,
            secretRotation: "1",
        });
        expect(args.spec.grafana.externalUrl).to.equal("https://grafana.homelab.example.com");
        expect(args.spec.webFqdn).to.equal("kiali.homelab.example.com");
        expect(args.oidc?.client).to.deep.equal({
            realm: "picluster",
            clientId: "kiali",
            appUrl: "https://kiali.homelab.example.com",
            implicitFlow: false,
            directAccessGrants: false,
        });
    });

    it("sets only the strategy for anonymous sign-in and asks for no OpenID client", () => {
        const args = kialiArgs(
            parseStackConfig({ ...minimal, kiali: { auth: { strategy: "anonymous" } } }),
        );
        expect(kialiSpec(args.spec).auth).to.deep.equal({ strategy: "anonymous" });
        expect(kialiSpec(args.spec).deployment).to.deep.equal({ logger: { log_level: "info" } });
        expect(args.oidc).to.equal(undefined);
    });

    it("never lets the operator chart create the Kiali CR itself", () => {
        expect(
            operatorValues({ cr: { create: true, namespace: "kiali" }, debug: {} }),
        ).to.deep.equal({ cr: { create: false, namespace: "kiali" }, debug: {} });
    });

    it("routes every path of Kiali's host through public-gateway to kiali:20001", () => {
        expect(
            consoleRouteSpec({
                hostname: "kiali.homelab.ricsanfre.com",
                gateway: "public-gateway",
                gatewayNamespace: "envoy-gateway-system",
            }),
        ).to.deep.equal({
            hostnames: ["kiali.homelab.ricsanfre.com"],
            parentRefs: [
                {
                    group: "gateway.networking.k8s.io",
                    kind: "Gateway",
                    name: "public-gateway",
                    namespace: "envoy-gateway-system",
                },
            ],
            rules: [
                {
                    backendRefs: [{ name: "kiali", port: 20001 }],
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                },
            ],
        });
    });
});

describe("the OpenID client", () => {
    const client = {
        realm: "picluster",
        clientId: "kiali",
        appUrl: "https://kiali.homelab.ricsanfre.com",
        implicitFlow: false,
        directAccessGrants: false,
    };

    it("registers a confidential client with the standard flow only, redirecting to the app's URLs", () => {
        expect(keycloakClientArgs(client)).to.deep.equal(piclusterKeycloakClient);
    });

    it("turns on the implicit flow and direct access grants only when asked to", () => {
        expect(
            keycloakClientArgs({ ...client, implicitFlow: true, directAccessGrants: true }),
        ).to.include({ implicitFlowEnabled: true, directAccessGrantsEnabled: true });
    });

    it("reads one property of one Vault secret into one key of the target Secret", () => {
        expect(
            externalSecretSpec(
                { namespace: "kiali", name: "kiali", key: "oidc-secret", store: "vault-backend" },
                "kiali/oauth2",
                "client-secret",
            ),
        ).to.deep.equal(piclusterExternalSecretSpec);
    });

    describe("planned on its own", () => {
        const password = "mock-app-oidc-client-secret-password";
        let plan: Plan;
        let vaultSecret: PlannedResource;
        let keycloakClient: PlannedResource;
        let externalSecret: PlannedResource;

        before(async () => {
            plan = await planProgram({
                program: () => {
                    const providers = {
                        vault: new vault.Provider("vault", {}),
                        keycloak: new keycloak.Provider("keycloak", {}),
                    };
                    const args: OidcClientArgs = {
                        client: { ...client, clientId: "app" },
                        vault: { mount: "kv", path: "apps/app/oauth2", key: "secret" },
                        secret: {
                            namespace: "apps",
                            name: "app",
                            key: "oidc-secret",
                            store: "vault-backend",
                        },
                        rotation: "7",
                        providers,
                    };
                    const oidc = new OidcClient("app-oidc", args);
                    // Unwrapped here only so that the test can compare the values.
                    return {
                        generated: pulumi.unsecret(oidc.clientSecret.result),
                        inVault: pulumi.unsecret(oidc.vaultSecret.dataJson),
                        inKeycloak: pulumi.unsecret(oidc.keycloakClient.clientSecret),
                    };
                },
            });
            vaultSecret = resourceNamed(plan, "app-oidc-vault");
            keycloakClient = resourceNamed(plan, "app-oidc-keycloak");
            externalSecret = resourceNamed(plan, "app-oidc-externalsecret");
        });

        it("sends the one generated secret to both Vault and Keycloak", () => {
            expect(plan.outputs.generated).to.equal(password);
            expect(JSON.parse(plan.outputs.inVault as string)).to.deep.equal({ secret: password });
            expect(plan.outputs.inKeycloak).to.equal(password);
            expect(waitsFor(plan, vaultSecret)).to.deep.equal(["app-oidc-client-secret"]);
            expect(waitsFor(plan, keycloakClient)).to.deep.equal(["app-oidc-client-secret"]);
        });

        it("hands the secret over only as a secret: every input that carries it is masked", () => {
            expect(inputsOf(vaultSecret)).to.deep.equal({
                mount: "kv",
                name: "apps/app/oauth2",
                dataJson: "[secret]",
            });
            expect(inputsOf(keycloakClient).clientSecret).to.equal("[secret]");
            expect(JSON.stringify(plan.resources)).to.not.contain(password);
        });

        it("names in the ExternalSecret the Vault path and key that were written, and waits for the write", () => {
            const written = JSON.parse(plan.outputs.inVault as string);
            const [data] = inputsOf(externalSecret).spec.data;
            expect(data.remoteRef.key).to.equal(inputsOf(vaultSecret).name);
            expect(Object.keys(written)).to.deep.equal([data.remoteRef.property]);
            expect(inputsOf(externalSecret).metadata).to.include({
                name: "app-externalsecret",
                namespace: "apps",
            });
            expect(waitsFor(plan, externalSecret)).to.deep.equal(["app-oidc-vault"]);
        });

        it("generates a new secret when the rotation label changes, and makes External Secrets fetch it at once", () => {
            expect(inputsOf(resourceNamed(plan, "app-oidc-client-secret"))).to.deep.equal({
                length: 32,
                special: false,
                keepers: { rotation: "7" },
            });
            expect(inputsOf(externalSecret).metadata.annotations).to.deep.equal({
                "picluster-mesh/secret-rotation": "7",
            });
        });

        it("writes to Vault and Keycloak through the providers it is given", () => {
            const provider = (name: string) => `${resourceNamed(plan, name).urn}::${name}-id`;
            expect(vaultSecret.options.provider).to.equal(provider("vault"));
            expect(keycloakClient.options.provider).to.equal(provider("keycloak"));
        });
    });
});

describe("Kiali in the picluster stack", () => {
    let plan: Plan;
    before(async () => {
        plan = await planStack({ stack: "picluster" });
    });

    it("holds the Kiali resources, each waiting only for what it needs", () => {
        expect(kialiEdges(plan)).to.deep.equal({
            "kiali-namespace": [],
            "kiali-operator": ["kiali-namespace"],
            "kiali-oidc": [],
            "kiali-oidc-client-secret": [],
            "kiali-oidc-vault": ["kiali-oidc-client-secret"],
            "kiali-oidc-keycloak": ["kiali-oidc-client-secret"],
            "kiali-oidc-externalsecret": ["kiali-namespace", "kiali-oidc-vault"],
            "kiali-server": ["kiali-namespace", "kiali-oidc-externalsecret", "kiali-operator"],
            "kiali-console": ["kiali-namespace"],
        });
    });

    it("deletes the Kiali CR before the operator and the ExternalSecret, and waits for neither ztunnel nor the gateway", () => {
        const server = resourceNamed(plan, "kiali-server");
        expect(waitsFor(plan, server)).to.include.members([
            "kiali-operator",
            "kiali-oidc-externalsecret",
        ]);
        const platform = new Set(
            plan.resources
                .filter((r) => /picluster:(istio|network):/.test(r.urn))
                .map((r) => r.urn),
        );
        expect(platform.size).to.be.greaterThan(0);
        for (const resource of insideKiali(plan)) {
            expect(
                resource.dependsOn.filter((urn) => platform.has(urn)),
                resource.name,
            ).to.deep.equal([]);
        }
    });

    it("installs kiali-operator 2.30.0 from kiali.org into kiali, and the CR with the picluster values", () => {
        const operator = resourceNamed(plan, "kiali-operator");
        expect(operator.type).to.equal(RELEASE);
        expect(inputsOf(operator)).to.include({
            name: "kiali-operator",
            namespace: "kiali",
            chart: "kiali-operator",
            version: "2.30.0",
        });
        expect(inputsOf(operator).repositoryOpts).to.deep.equal({
            repo: "https://kiali.org/helm-charts",
        });
        expect(inputsOf(operator).values).to.deep.equal({ cr: { create: false } });
        const server = resourceNamed(plan, "kiali-server");
        expect(server.type).to.equal("kubernetes:kiali.io/v1alpha1:Kiali");
        expect(inputsOf(server).metadata).to.deep.equal({ name: "kiali", namespace: "kiali" });
        expect(inputsOf(server).spec).to.deep.equal(piclusterSpec);
    });

    it("materializes Secret kiali with key oidc-secret from secret/kiali/oauth2 through vault-backend", () => {
        const externalSecret = resourceNamed(plan, "kiali-oidc-externalsecret");
        expect(externalSecret.type).to.equal("kubernetes:external-secrets.io/v1:ExternalSecret");
        expect(inputsOf(externalSecret).metadata).to.deep.equal({
            name: "kiali-externalsecret",
            namespace: "kiali",
            annotations: { "picluster-mesh/secret-rotation": "1" },
        });
        expect(inputsOf(externalSecret).spec).to.deep.equal(piclusterExternalSecretSpec);
        expect(inputsOf(resourceNamed(plan, "kiali-oidc-vault"))).to.deep.equal({
            mount: "secret",
            name: "kiali/oauth2",
            dataJson: "[secret]",
        });
    });

    it("registers client kiali in realm picluster with the secret masked", () => {
        expect(inputsOf(resourceNamed(plan, "kiali-oidc-keycloak"))).to.deep.equal({
            ...piclusterKeycloakClient,
            clientSecret: "[secret]",
        });
    });

    it("exposes the console as HTTPRoute kiali-console in kiali and exports its URL", () => {
        const route = resourceNamed(plan, "kiali-console");
        expect(route.type).to.equal("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
        expect(inputsOf(route).metadata).to.deep.equal({
            name: "kiali-console",
            namespace: "kiali",
        });
        expect(inputsOf(route).spec.hostnames).to.deep.equal(["kiali.homelab.ricsanfre.com"]);
        expect(plan.outputs.kialiUrl).to.equal("https://kiali.homelab.ricsanfre.com");
    });

    it("configures Vault and Keycloak providers from the stack config and leaves credentials to the environment when none are set", () => {
        expect(inputsOf(resourceNamed(plan, "vault"))).to.deep.equal({
            address: "https://vault.homelab.ricsanfre.com:8200",
            skipChildToken: "true",
            maxLeaseTtlSeconds: "1200",
            maxRetries: "2",
        });
        expect(inputsOf(resourceNamed(plan, "keycloak"))).to.deep.equal({
            url: "https://iam.homelab.ricsanfre.com",
            clientTimeout: "5",
        });
        const providerOf = (name: string) => resourceNamed(plan, name).options.provider;
        expect(providerOf("kiali-oidc-vault")).to.equal(
            `${resourceNamed(plan, "vault").urn}::vault-id`,
        );
        expect(providerOf("kiali-oidc-keycloak")).to.equal(
            `${resourceNamed(plan, "keycloak").urn}::keycloak-id`,
        );
    });

    it("rotates the client secret everywhere with one config change: new secret, Vault and Keycloak, Secret refresh, Kiali restart", async () => {
        const rotated = await planStack({
            edit: (config) => {
                const kiali = config[`${PROJECT}:kiali`] as { auth: { openid: object } };
                kiali.auth.openid = { ...kiali.auth.openid, rotation: "2026-11" };
            },
        });
        const label = { "picluster-mesh/secret-rotation": "2026-11" };
        expect(inputsOf(resourceNamed(rotated, "kiali-oidc-client-secret")).keepers).to.deep.equal({
            rotation: "2026-11",
        });
        for (const name of ["kiali-oidc-vault", "kiali-oidc-keycloak"]) {
            expect(waitsFor(rotated, resourceNamed(rotated, name))).to.include(
                "kiali-oidc-client-secret",
            );
        }
        const externalSecret = resourceNamed(rotated, "kiali-oidc-externalsecret");
        expect(inputsOf(externalSecret).metadata.annotations).to.deep.equal(label);
        const server = resourceNamed(rotated, "kiali-server");
        expect(inputsOf(server).spec.deployment.pod_annotations).to.deep.equal(label);
    });

    it("never shows the generated client secret in plaintext anywhere in the plan", () => {
        const text = JSON.stringify(plan);
        expect(text).to.not.contain("mock-kiali-oidc-client-secret-password");
        expect(text).to.contain('"clientSecret":"[secret]"');
    });
});

describe("Kiali's sign-in strategies", () => {
    it("passes the Vault token and Keycloak client secret from secret config to the providers, masked", async () => {
        const plan = await planStack({
            edit: (config) => {
                config[`${PROJECT}:vaultToken`] = "hvs.vault-token-value";
                config[`${PROJECT}:keycloakClientSecret`] = "keycloak-secret-value";
            },
        });
        expect(inputsOf(resourceNamed(plan, "vault")).token).to.equal("[secret]");
        expect(inputsOf(resourceNamed(plan, "keycloak")).clientSecret).to.equal("[secret]");
        const text = JSON.stringify(plan);
        expect(text).to.not.contain("hvs.vault-token-value");
        expect(text).to.not.contain("keycloak-secret-value");
    });

    it("drops the OpenID client, its secret chain and both providers for anonymous sign-in", async () => {
        const openidPlan = await planStack();
        const anonymousPlan = await planStack({ edit: anonymous });
        const names = (plan: Plan) => plan.resources.map((r) => r.name);
        const missing = names(openidPlan).filter((n) => !names(anonymousPlan).includes(n));
        expect(missing.sort()).to.deep.equal([
            "keycloak",
            "kiali-oidc",
            "kiali-oidc-client-secret",
            "kiali-oidc-externalsecret",
            "kiali-oidc-keycloak",
            "kiali-oidc-vault",
            "vault",
        ]);
        expect(names(anonymousPlan).filter((n) => !names(openidPlan).includes(n))).to.deep.equal(
            [],
        );
        expect(resourcesOfType(anonymousPlan, "pulumi:providers:vault")).to.deep.equal([]);
        expect(resourcesOfType(anonymousPlan, "pulumi:providers:keycloak")).to.deep.equal([]);
        const server = resourceNamed(anonymousPlan, "kiali-server");
        expect(waitsFor(anonymousPlan, server)).to.deep.equal([
            "kiali-namespace",
            "kiali-operator",
        ]);
        expect(inputsOf(server).spec.auth).to.deep.equal({ strategy: "anonymous" });
    });

    it("refuses OpenID sign-in without the Vault and Keycloak providers", async () => {
        const args: KialiArgs = kialiArgs(parseStackConfig(minimal));
        let failure: unknown;
        try {
            await planProgram({ program: () => new Kiali("kiali", args) });
        } catch (error) {
            failure = error;
        }
        expect((failure as Error)?.message).to.equal(
            "Kiali: OpenID sign-in needs the Vault and Keycloak providers",
        );
    });
});
