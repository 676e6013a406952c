import { expect } from "chai";
import { PROJECT } from "../../config/schema";
import { Plan } from "../../harness/runtime/plan";
import {
    referenceExternalSecretSpec,
    referenceKeycloakClient,
    referenceKialiSpec,
} from "../expectations";
import {
    inputsOf,
    planReference,
    RELEASE,
    resourceNamed,
    resourcesOfType,
    waitsFor,
    insideComponent,
} from "../helpers";

/** The stack's Kiali sign-in switched to anonymous, as a dev stack would ask for it. */
function anonymous(config: Record<string, unknown>): void {
    const kiali = config[`${PROJECT}:kiali`] as Record<string, unknown>;
    config[`${PROJECT}:kiali`] = { ...kiali, auth: { strategy: "anonymous" } };
}

describe("Kiali in the reference stack", () => {
    let plan: Plan;
    before(async () => {
        plan = await planReference();
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
        for (const resource of insideComponent(plan, "kiali")) {
            expect(
                resource.dependsOn.filter((urn) => platform.has(urn)),
                resource.name,
            ).to.deep.equal([]);
        }
    });

    it("installs kiali-operator 2.30.0 from kiali.org into kiali, and the CR with the reference values", () => {
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
        expect(inputsOf(server).spec).to.deep.equal(referenceKialiSpec);
    });

    it("materializes Secret kiali with key oidc-secret from secret/kiali/oauth2 through vault-backend", () => {
        const externalSecret = resourceNamed(plan, "kiali-oidc-externalsecret");
        expect(externalSecret.type).to.equal("kubernetes:external-secrets.io/v1:ExternalSecret");
        expect(inputsOf(externalSecret).metadata).to.deep.equal({
            name: "kiali-externalsecret",
            namespace: "kiali",
            annotations: { "picluster-mesh/secret-rotation": "1" },
        });
        expect(inputsOf(externalSecret).spec).to.deep.equal(referenceExternalSecretSpec);
        expect(inputsOf(resourceNamed(plan, "kiali-oidc-vault"))).to.deep.equal({
            mount: "secret",
            name: "kiali/oauth2",
            dataJson: "[secret]",
        });
    });

    it("registers client kiali in realm picluster with the secret masked", () => {
        expect(inputsOf(resourceNamed(plan, "kiali-oidc-keycloak"))).to.deep.equal({
            ...referenceKeycloakClient,
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
        const rotated = await planReference((config) => {
            const kiali = config[`${PROJECT}:kiali`] as { auth: { openid: object } };
            kiali.auth.openid = { ...kiali.auth.openid, rotation: "2026-11" };
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
        const plan = await planReference(undefined, {
            [`${PROJECT}:vaultToken`]: "hvs.vault-token-value",
            [`${PROJECT}:keycloakClientSecret`]: "keycloak-secret-value",
        });
        expect(inputsOf(resourceNamed(plan, "vault")).token).to.equal("[secret]");
        expect(inputsOf(resourceNamed(plan, "keycloak")).clientSecret).to.equal("[secret]");
        const text = JSON.stringify(plan);
        expect(text).to.not.contain("hvs.vault-token-value");
        expect(text).to.not.contain("keycloak-secret-value");
    });

    it("drops the OpenID client, its secret chain and both providers for anonymous sign-in", async () => {
        const openidPlan = await planReference();
        const anonymousPlan = await planReference(anonymous);
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
});
