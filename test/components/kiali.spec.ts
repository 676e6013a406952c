import * as keycloak from "@pulumi/keycloak";
import * as vault from "@pulumi/vault";
import { expect } from "chai";
import {
    consoleRouteSpec,
    Kiali,
    KialiArgs,
    kialiSpec,
    operatorValues,
} from "../../components/kiali";
import { Plan, planProgram } from "../../harness/runtime/plan";
import { chartCoverage, checkChartValues, checkResource, crdData } from "../../policies/core";
import { componentEdges, inputsOf, resourceNamed } from "../helpers";

const kialiArgs: KialiArgs = {
    namespace: "kiali",
    createNamespace: true,
    operator: {
        source: {
            chart: "kiali-operator",
            version: "2.30.0",
            repository: "https://kiali.org/helm-charts",
        },
        releaseName: "kiali-operator",
        values: {},
    },
    spec: {
        webFqdn: "kiali.example.com",
        logLevel: "info",
        prometheusUrl: "http://prometheus.monitoring:9090",
        grafana: {
            internalUrl: "http://grafana.monitoring:3000",
            externalUrl: "https://grafana.example.com",
        },
        tempo: {
            queryUrl: "http://tempo.tempo:3200/",
            grpcPort: 9095,
            orgId: "1",
            datasourceUid: "tempo",
        },
        auth: {
            strategy: "openid",
            clientId: "kiali",
            issuerUri: "https://iam.example.com/realms/lab",
            disableRbac: true,
            secretRotation: "1",
        },
    },
    route: { hostname: "kiali.example.com", gateway: "web", gatewayNamespace: "edge" },
    oidc: {
        client: {
            realm: "lab",
            clientId: "kiali",
            appUrl: "https://kiali.example.com",
            implicitFlow: false,
            directAccessGrants: false,
        },
        vault: { mount: "secret", path: "kiali/oauth2", key: "client-secret" },
        rotation: "1",
        secretStore: "vault-backend",
    },
};

const anonymousArgs: KialiArgs = {
    ...kialiArgs,
    spec: { ...kialiArgs.spec, auth: { strategy: "anonymous" } },
    oidc: undefined,
};

/** Plans Kiali with the Vault and Keycloak providers in its options, as the program passes them. */
function planKiali(args: KialiArgs, withProviders = true): Promise<Plan> {
    return planProgram({
        program: () => {
            const providers = withProviders
                ? [new vault.Provider("vault", {}), new keycloak.Provider("keycloak", {})]
                : [];
            new Kiali("kiali", args, { providers });
        },
    });
}

describe("Kiali", () => {
    it("never lets the operator chart create the Kiali CR itself", () => {
        expect(
            operatorValues({ cr: { create: true, namespace: "kiali" }, debug: {} }),
        ).to.deep.equal({ cr: { create: false, namespace: "kiali" }, debug: {} });
    });

    it("writes a Kiali CR its CRD's schema takes, without the ignored istio_namespace", () => {
        const crd = crdData("kiali.io", "Kiali")!;
        for (const args of [kialiArgs, anonymousArgs]) {
            const spec = kialiSpec(args.spec);
            expect(spec).to.not.have.property("istio_namespace");
            expect(checkResource(crd, "v1alpha1", { spec })).to.deep.equal([]);
        }
        // What the CR once set: deprecated after Kiali 2.11, and ignored.
        const once = checkResource(crd, "v1alpha1", { spec: { istio_namespace: "istio-system" } });
        expect(once.map((issue) => `${issue.kind} ${issue.path}`)).to.deep.equal([
            "fieldIgnored spec.istio_namespace",
        ]);
    });

    it("gives the operator chart only values kiali-operator 2.30.0 reads", () => {
        const coverage = chartCoverage("kiali-operator", "2.30.0")!;
        expect(coverage.covered).to.equal(true);
        expect(checkChartValues(coverage.data, operatorValues())).to.deep.equal([]);
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

    it("holds the operator, the CR, the console route and the OpenID chain, each waiting only for what it needs", async () => {
        expect(componentEdges(await planKiali(kialiArgs), "kiali")).to.deep.equal({
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

    it("writes to Vault and Keycloak through the providers of its options", async () => {
        const plan = await planKiali(kialiArgs);
        const provider = (name: string) => `${resourceNamed(plan, name).urn}::${name}-id`;
        expect(resourceNamed(plan, "kiali-oidc-vault").options.provider).to.equal(
            provider("vault"),
        );
        expect(resourceNamed(plan, "kiali-oidc-keycloak").options.provider).to.equal(
            provider("keycloak"),
        );
    });

    it("signs in anonymously with no OpenID chain, the CR waiting only for the operator", async () => {
        const plan = await planKiali(anonymousArgs, false);
        expect(componentEdges(plan, "kiali")).to.deep.equal({
            "kiali-namespace": [],
            "kiali-operator": ["kiali-namespace"],
            "kiali-server": ["kiali-namespace", "kiali-operator"],
            "kiali-console": ["kiali-namespace"],
        });
        expect(inputsOf(resourceNamed(plan, "kiali-server")).spec.auth).to.deep.equal({
            strategy: "anonymous",
        });
    });

    it("refuses OpenID sign-in without the Vault and Keycloak providers", async () => {
        let failure: unknown;
        try {
            await planKiali(kialiArgs, false);
        } catch (error) {
            failure = error;
        }
        expect((failure as Error)?.message).to.equal(
            "Kiali: OpenID sign-in needs the Vault and Keycloak providers",
        );
    });
});
