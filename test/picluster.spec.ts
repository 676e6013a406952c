// The golden spec of the Pi Cluster's own stack, Pulumi.picluster.yaml: its whole plan is kept in
// test/golden/picluster.plan.json, the policy pack passes it, and the README shows its mesh
// report. Editing the stack file fails these tests and no other: review the plan's diff, then
// `UPDATE_GOLDEN=1 npm run unit` and `npm run --silent mesh-report -- --stack picluster --write-readme`.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runPolicies } from "../harness/engine";
import { Plan } from "../harness/runtime/plan";
import { planStack, stackFilePath } from "../harness/stack";
import { planDocument } from "../scripts/plan";
import { README, README_SECTION, stackReport } from "../scripts/meshReport";
import { sectionBody, sectionOf } from "../scripts/sections";

const GOLDEN_PLAN = path.join(__dirname, "golden", "picluster.plan.json");

describe("the picluster stack (golden)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planStack({ stack: "picluster" });
    });

    it("plans exactly the committed golden plan, resource for resource, with no policy violation", async () => {
        const document = `${JSON.stringify(planDocument(plan, await runPolicies(plan)), null, 2)}\n`;
        if (process.env.UPDATE_GOLDEN === "1") {
            fs.writeFileSync(GOLDEN_PLAN, document);
        }
        expect(
            document,
            "the picluster plan changed: review it, then UPDATE_GOLDEN=1 npm run unit",
        ).to.equal(fs.readFileSync(GOLDEN_PLAN, "utf8"));
        expect(JSON.parse(document).violations).to.deep.equal([]);
    });

    it("is what README.md embeds between the mesh-report markers", async () => {
        const readme = fs.readFileSync(README, "utf8");
        expect(
            sectionOf(readme, README_SECTION),
            "README.md's mesh report is stale: run npm run --silent mesh-report -- --stack picluster --write-readme",
        ).to.equal(sectionBody(await stackReport(stackFilePath("picluster"))));
    });
});
