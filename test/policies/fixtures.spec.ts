// Every rule against its fixture files: the expected violations (code, resource, exact message)
// for failing fixtures, none for passing ones, and "not applicable" only where a fixture says so.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { planInventory } from "../../harness/engine";
import { evaluate } from "../../policies/core";
import { rules, ruleByCode } from "../../policies/rules";
import { Fixture, fixtureFiles, fixtureFolders, fixturePlan, readFixture } from "./fixtures";
import { allFixtures, goldenSentences, inputGaps, suiteGaps, verifyFixture } from "./suite";

const GOLDEN = path.join(__dirname, "golden");

describe("the policy pack's fixture suites", () => {
    it("have a folder for no code that is not a rule, and a passing and a failing fixture for every rule", () => {
        expect(suiteGaps(rules, fixtureFolders(), fixtureFiles)).to.deep.equal([]);
    });

    describe("fail themselves", () => {
        const service = {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kiali", namespace: "kiali" },
        };
        const fixture = (code: string, kind: Fixture["kind"], documents: object[]): Fixture => ({
            code,
            file: `${code}/${kind}.yaml`,
            kind,
            description: "made up",
            expect: [],
            plan: fixturePlan(documents, "inline"),
        });

        it("when a fixture names a rule that does not exist", async () => {
            expect(await verifyFixture(fixture("PMX999", "pass", [service]))).to.deep.equal([
                "PMX999/pass.yaml: names rule PMX999, which does not exist",
            ]);
        });

        it("when a rule says not applicable to a fixture it should judge (kyverno#9379)", async () => {
            expect(await verifyFixture(fixture("PMX001", "pass", [service]))).to.deep.equal([
                "PMX001/pass.yaml: PMX001 reported not applicable (peerauthentication-disallow-disable does not check kubernetes:core/v1:Service) where it should judge",
            ]);
        });

        it("when a failing fixture expects nothing, or a rule reports what a fixture does not expect", async () => {
            const disabled = {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "off", namespace: "kafka" },
                spec: { mtls: { mode: "DISABLE" } },
            };
            const problems = await verifyFixture(fixture("PMX001", "fail", [disabled]));
            expect(problems[0]).to.equal(
                "PMX001/fail.yaml: a failing fixture must expect a violation",
            );
            expect(problems[1]).to.match(
                /^PMX001\/fail.yaml: expected \[\]\nbut PMX001 reported \[/,
            );
        });

        it("when a rule lacks a passing or a failing fixture, or a folder names no rule", () => {
            const files = (code: string) => (code === "PMX001" ? ["PMX001/pass.yaml"] : []);
            expect(suiteGaps(rules.slice(0, 2), ["PMX001", "PMX999"], files)).to.deep.equal([
                "fixture folder PMX999 names no rule",
                "PMX001 peerauthentication-disallow-disable has no fail fixture",
                "PMX002 peerauthentication-restrict-permissive has no pass fixture",
                "PMX002 peerauthentication-restrict-permissive has no fail fixture",
            ]);
        });
    });

    it("make every rule read exactly the inputs it declares, as istioctl's CheckMetadataInputs does", () => {
        expect(inputGaps(rules, allFixtures())).to.deep.equal([]);
    });

    it("catch a rule that reads an input it does not declare, or declares one it never reads", () => {
        const rule = rules.find((r) => r.code === "PMX020")!;
        const wrong = { ...rule, inputs: { kinds: ["core/Namespace", "core/ConfigMap"] } };
        expect(inputGaps([wrong], allFixtures())).to.deep.equal([
            "PMX020 reads networking.k8s.io/NetworkPolicy but does not declare it",
            "PMX020 reads cilium.io/CiliumClusterwideNetworkPolicy but does not declare it",
            "PMX020 reads workloads but does not declare it",
            "PMX020 declares core/ConfigMap but no fixture makes it read it",
        ]);
    });

    it("expect every message template of every rule in some failing fixture", () => {
        const expected = new Set(
            allFixtures().flatMap((f) => f.expect.map((e) => `${f.code} ${e.template}`)),
        );
        const unexercised = rules.flatMap((rule) =>
            Object.keys(rule.entry.messages)
                .map((template) => `${rule.code} ${template}`)
                .filter((key) => !expected.has(key)),
        );
        expect(unexercised).to.deep.equal([]);
    });

    it("report every finding under the code of the rule that found it", () => {
        const misfiled: string[] = [];
        for (const rule of rules) {
            for (const file of fixtureFiles(rule.code)) {
                const inventory = planInventory(readFixture(file).plan);
                for (const finding of evaluate(inventory, [rule]).findings) {
                    if (finding.code !== rule.code) {
                        misfiled.push(`${file}: ${rule.code} reported ${finding.code}`);
                    }
                }
            }
        }
        expect(misfiled).to.deep.equal([]);
    });

    for (const code of fixtureFolders()) {
        const rule = ruleByCode(code);
        describe(`${code} ${rule?.name ?? "(no such rule)"}`, () => {
            it("says every finding in the sentences golden/<code>.txt keeps", () => {
                const file = path.join(GOLDEN, `${code}.txt`);
                const sentences = goldenSentences(rule!);
                if (process.env.UPDATE_GOLDEN === "1") {
                    fs.writeFileSync(file, sentences);
                }
                expect(
                    sentences,
                    `the sentences changed: review, then UPDATE_GOLDEN=1 npm run unit`,
                ).to.equal(fs.readFileSync(file, "utf8"));
            });
            for (const file of fixtureFiles(code)) {
                const fixture = readFixture(file);
                it(`${fixture.kind}: ${fixture.description}`, async () => {
                    expect(await verifyFixture(fixture)).to.deep.equal([]);
                });
            }
        });
    }
});
