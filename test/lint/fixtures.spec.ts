// mesh-lint and the pack judge alike: every policy fixture made of Kubernetes objects alone (no
// Pulumi-only resources such as Helm releases or patches) is also linted as the YAML file it is,
// and mesh-lint must report exactly the objects the fixture expects, for the fixture's rule. The
// fixtures that reproduce istioctl's analyzer tests are among them, so this holds mesh-lint to
// istioctl's expected objects too.
import { expect } from "chai";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { lintInput } from "../../lint/lint";
import { yamlInput } from "../../policies/adapters/yaml";
import { ruleByCode } from "../../policies/rules";
import { FIXTURES, fixtureFiles, fixtureFolders, readFixture } from "../policies/fixtures";

/** The fixture's documents after its header, when all are Kubernetes objects. */
function kubernetesOnly(file: string): string | undefined {
    const text = fs.readFileSync(file, "utf8");
    const documents = parseAllDocuments(text).map((doc) => doc.toJS());
    const resources = documents.slice(1);
    if (resources.some((resource) => !resource || "type" in resource || "inputs" in resource)) {
        return undefined;
    }
    // The header is the first document; the rest is the YAML as a user would lint it.
    return text.slice(text.indexOf("\n---\n") + 1);
}

describe("mesh-lint on the policy fixtures written as plain YAML", () => {
    for (const code of fixtureFolders()) {
        for (const file of fixtureFiles(code)) {
            const fixture = readFixture(file);
            const yaml = kubernetesOnly(file);
            if (fixture.kind === "not-applicable" || yaml === undefined) {
                continue;
            }
            it(`reports what ${fixture.file} expects`, () => {
                const rule = ruleByCode(code)!;
                const input = yamlInput([
                    { display: fixture.file, real: `${FIXTURES}/${fixture.file}`, text: yaml },
                ]);
                const result = lintInput(input, {
                    rules: [rule],
                    ...(fixture.config && { config: { [rule.name]: fixture.config } }),
                });
                const reported = result.findings
                    .filter((finding) => finding.code === code)
                    .map((finding) =>
                        finding.name === null
                            ? "stack"
                            : finding.namespace
                              ? `${finding.namespace}/${finding.name}`
                              : finding.name,
                    );
                expect(reported.sort()).to.deep.equal(
                    fixture.expect.map((expectation) => expectation.resource).sort(),
                );
            });
        }
    }
});
