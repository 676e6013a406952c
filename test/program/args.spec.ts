import { expect } from "chai";
import { kialiSpec } from "../../components/kiali";
import { parseStackConfig } from "../../config/load";
import { kialiArgs } from "../../program/args";
import { referenceKialiSpec } from "../expectations";
import { referenceRawConfig } from "../helpers";

const minimal = { domain: "homelab.example.com" };

describe("Kiali's arguments from the stack config", () => {
    it("builds the reference stack's Kiali CR: string web_port, no /prometheus/ prefix, Grafana with Kiali's token, Tempo over gRPC", () => {
        expect(kialiSpec(kialiArgs(parseStackConfig(referenceRawConfig())).spec)).to.deep.equal(
            referenceKialiSpec,
        );
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
            parseStackConfig({
                ...minimal,
                kiali: { enabled: true, auth: { strategy: "anonymous" } },
            }),
        );
        expect(kialiSpec(args.spec).auth).to.deep.equal({ strategy: "anonymous" });
        expect(kialiSpec(args.spec).deployment).to.deep.equal({ logger: { log_level: "info" } });
        expect(args.oidc).to.equal(undefined);
    });
});
