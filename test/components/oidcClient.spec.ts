import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { expect } from "chai";
import {
    externalSecretSpec,
    keycloakClientArgs,
    OidcClient,
    OidcClientArgs,
} from "../../components/oidcClient";
import { Plan, planProgram, PlannedResource } from "../../harness/runtime/plan";
import { referenceExternalSecretSpec, referenceKeycloakClient } from "../expectations";
import { inputsOf, resourceNamed, waitsFor } from "../helpers";

describe("the OpenID client", () => {
    const client = {
        realm: "picluster",
        clientId: "kiali",
        appUrl: "https://kiali.homelab.ricsanfre.com",
        implicitFlow: false,
        directAccessGrants: false,
    };

    it("registers a confidential client with the standard flow only, redirecting to the app's URLs", () => {
        expect(keycloakClientArgs(client)).to.deep.equal(referenceKeycloakClient);
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
        ).to.deep.equal(referenceExternalSecretSpec);
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
                    const providers = [
                        new vault.Provider("vault", {}),
                        new keycloak.Provider("keycloak", {}),
                    ];
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
                    };
                    const oidc = new OidcClient("app-oidc", args, { providers });
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

        it("writes to Vault and Keycloak through the providers of its options", () => {
            const provider = (name: string) => `${resourceNamed(plan, name).urn}::${name}-id`;
            expect(vaultSecret.options.provider).to.equal(provider("vault"));
            expect(keycloakClient.options.provider).to.equal(provider("keycloak"));
        });
    });
});
