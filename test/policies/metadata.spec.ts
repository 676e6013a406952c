// The pack's metadata and layout: stable codes, kebab-case names, descriptions that say how to fix,
// default levels, config schemas the engine accepts, and a pack the CLI can load.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PACK_NAME, policies } from "../../policies/policies";
import { ConfigProperty } from "../../policies/core";
import { catalogue } from "../../policies/catalogue";
import { rules } from "../../policies/rules";

const PACK = path.resolve(__dirname, "../../policies");

/** Every .ts file under a folder of the pack. */
function sources(folder: string): string[] {
    return fs
        .readdirSync(path.join(PACK, folder), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts"))
        .map((file) => path.join(PACK, folder, file));
}

describe("the policy pack's metadata", () => {
    it("takes every rule's code, name, level and description from its catalogue entry, one rule per entry", () => {
        // The linter's own codes (YAML…) are about files, not rules.
        const codes = Object.keys(catalogue).filter((code) => !code.startsWith("YAML"));
        expect(rules.map((r) => r.code)).to.deep.equal(codes);
        for (const rule of rules) {
            const entry = catalogue[rule.code as keyof typeof catalogue];
            expect(rule.entry, rule.code).to.equal(entry);
            expect([rule.name, rule.enforcementLevel, rule.description]).to.deep.equal([
                entry.name,
                entry.level,
                entry.description,
            ]);
        }
    });

    it("gives every catalogue entry a title, templates whose placeholders are words, and anchors", () => {
        for (const entry of Object.values(catalogue)) {
            expect(entry.title, entry.code).to.match(/^[A-Z][^.]*[^.]$/);
            expect(Object.keys(entry.messages).length, entry.code).to.be.greaterThan(0);
            for (const template of Object.values(entry.messages)) {
                expect(template, entry.code).to.match(/\.$/);
                for (const [placeholder] of template.matchAll(/\{\{[^}]*\}\}/g)) {
                    expect(placeholder, entry.code).to.match(/^\{\{[a-zA-Z]+\}\}$/);
                }
            }
            for (const anchor of entry.anchors) {
                expect(["istioctl", "Kyverno", "Kiali", "Gatekeeper"]).to.include(anchor.tool);
            }
        }
    });

    it("gives every rule a unique PMX code and a unique kebab-case name", () => {
        const codes = rules.map((r) => r.code);
        const names = rules.map((r) => r.name);
        expect(new Set(codes).size).to.equal(codes.length);
        expect(new Set(names).size).to.equal(names.length);
        for (const rule of rules) {
            expect(rule.code).to.match(/^PMX\d{3}$/);
            expect(rule.name, rule.code).to.match(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
            expect(rule.name, rule.code).to.not.equal("all");
        }
    });

    it("describes every rule in one sentence that says what it checks and how to fix it", () => {
        for (const rule of rules) {
            expect(rule.description, rule.code).to.match(/^Checks that [^;]+; [a-z].*\.$/);
        }
    });

    it("makes the security and cluster-breaking rules mandatory, the observability ones advisory", () => {
        const advisory = rules.filter((r) => r.enforcementLevel === "advisory").map((r) => r.name);
        expect(advisory).to.deep.equal([
            "peerauthentication-advise-empty-selector",
            "mesh-disallow-unexplained-opt-out",
            "policy-check-unseen-workloads",
            "namespace-require-single-injection-label",
            "telemetry-require-defined-providers",
            "monitor-require-istio-metrics-ports",
            "kiali-require-service-url-paths",
            "telemetry-require-access-log-providers",
            "telemetry-disallow-lightstep-provider",
            "telemetry-advise-validation-warnings",
            "sidecar-disallow-in-ambient",
            "policy-disallow-waypoint-selector",
            "authorizationpolicy-check-source-namespaces",
            "prometheus-require-permissive-scrape-port",
            "gateway-require-service-port",
            "gateway-advise-duplicate-certificate",
            "gateway-api-require-minimum-crd-version",
            "istio-annotation-disallow-unknown-or-misplaced",
            "istio-annotation-disallow-deprecated",
            "istiod-require-jwks-blocked-cidrs",
            "istio-annotation-require-valid-value",
            "upstream-data-advise-uncovered-version",
            "upstream-advise-deprecated-field",
        ]);
        expect(
            rules
                .filter((r) => r.enforcementLevel !== "advisory")
                .every((r) => r.enforcementLevel === "mandatory"),
        ).to.equal(true);
    });

    it("gives every config property a type, a description and a default of that type", () => {
        for (const rule of rules) {
            for (const [key, property] of Object.entries(
                rule.config as Record<string, ConfigProperty>,
            )) {
                const where = `${rule.code} ${key}`;
                expect(property.description, where).to.match(/^[A-Z].*\.$/);
                expect(key, where).to.not.equal("enforcementLevel");
                const actual = Array.isArray(property.default) ? "array" : typeof property.default;
                expect(actual, where).to.equal(property.type);
            }
        }
    });

    it("turns each rule into the CrossGuard policy of its scope, with its metadata and schema", () => {
        expect(policies.map((p) => p.name)).to.deep.equal(rules.map((r) => r.name));
        policies.forEach((policy, i) => {
            const rule = rules[i];
            expect("validateStack" in policy, rule.code).to.equal(rule.scope === "inventory");
            expect(policy.description).to.equal(rule.description);
            expect(policy.enforcementLevel).to.equal(rule.enforcementLevel);
            expect(policy.configSchema?.properties ?? {}).to.deep.equal(rule.config);
        });
    });
});

describe("the policy pack's layout", () => {
    it("is a pack the Pulumi CLI loads: PulumiPolicy.yaml, a versioned package.json, the root's versions", () => {
        expect(
            parse(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")).runtime,
        ).to.equal("nodejs");
        const pack = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
        const root = JSON.parse(fs.readFileSync(path.join(PACK, "../package.json"), "utf8"));
        expect(pack.version).to.match(/^\d+\.\d+\.\d+$/);
        for (const dependency of ["@pulumi/policy", "@pulumi/pulumi"]) {
            expect(pack.dependencies[dependency], dependency).to.equal(
                root.dependencies[dependency],
            );
        }
        expect(PACK_NAME).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
    });

    it("keeps index.ts to constructing the pack, which starts a server and so is never imported here", () => {
        const entry = fs.readFileSync(path.join(PACK, "index.ts"), "utf8");
        const code = entry.replace(/^\s*\/\/.*$/gm, "").trim();
        expect(code.match(/new PolicyPack\(/g)).to.have.length(1);
        expect(code).to.match(
            /^import \{ PolicyPack \} from "@pulumi\/policy";\nimport \{ PACK_NAME, policies \} from ".\/policies";\n\nnew PolicyPack\(/,
        );
        expect(code.endsWith("});")).to.equal(true);
    });

    it("keeps the analysis core and the rules free of Pulumi, for the YAML linter", () => {
        for (const file of [...sources("core"), ...sources("rules")]) {
            expect(fs.readFileSync(file, "utf8"), path.relative(PACK, file)).to.not.match(
                /from "@pulumi\//,
            );
        }
    });

    it("imports nothing from outside its folder, so that it installs and runs on its own", () => {
        for (const file of sources(".")) {
            if (file.includes(`${path.sep}node_modules${path.sep}`)) {
                continue;
            }
            for (const [, target] of fs.readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)) {
                const resolved = path.resolve(path.dirname(file), target);
                expect(
                    resolved.startsWith(PACK + path.sep),
                    `${path.relative(PACK, file)} imports ${target}`,
                ).to.equal(true);
            }
        }
    });
});
