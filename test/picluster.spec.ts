// The golden spec of the Pi Cluster's own stack, Pulumi.picluster.yaml: the program, launched as
// the Pulumi CLI launches it, plans exactly test/golden/picluster.plan.json, the in-process run
// the other specs use plans the same resource for resource, the policy pack passes it, and
// docs/mesh-report.md shows its mesh report. Editing the stack file fails these tests and no
// other: review the plan's diff, then `UPDATE_GOLDEN=1 npm run unit` and
// `npm run --silent mesh-report -- --stack picluster --write-docs`.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { STATED_SWITCHES } from "../config/switches";
import { isRecord } from "../policies/core";
import { runPolicies } from "../harness/engine";
import { Plan } from "../harness/runtime/plan";
import { planStack, projectConfig, readStackFile, stackFilePath } from "../harness/stack";
import { REPORT_PAGE, REPORT_SECTION, stackReport } from "../scripts/meshReport";
import { planDocument } from "../scripts/plan";
import { sectionBody, sectionOf } from "../scripts/sections";

const GOLDEN_PLAN = path.join(__dirname, "golden", "picluster.plan.json");

/**
 * A plan document in a form that compares resource for resource: resources by URN and every
 * object's keys sorted. The order in which the engine receives registrations depends on when
 * their inputs resolve, not on the program's meaning, so it is not part of the plan's contract.
 */
function canonical(document: unknown): string {
    const sorted = (value: unknown): unknown =>
        Array.isArray(value)
            ? value.map(sorted)
            : value !== null && typeof value === "object"
              ? Object.fromEntries(
                    Object.entries(value)
                        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                        .map(([key, entry]) => [key, sorted(entry)]),
                )
              : value;
    const { resources, ...rest } = document as { resources: { urn: string }[] };
    const byUrn = [...resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    return `${JSON.stringify(sorted({ ...rest, resources: byUrn }), null, 2)}\n`;
}

/** The URNs whose resources differ between two canonical documents, for a readable failure. */
function differingUrns(actual: string, expected: string): string[] {
    const resources = (text: string) =>
        new Map(
            (JSON.parse(text).resources as { urn: string }[]).map((r) => [
                r.urn,
                JSON.stringify(r),
            ]),
        );
    const a = resources(actual);
    const e = resources(expected);
    return [...new Set([...a.keys(), ...e.keys()])].filter((urn) => a.get(urn) !== e.get(urn));
}

describe("the picluster stack (golden)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planStack({ stack: "picluster" });
    });

    it("plans exactly the committed golden plan through the language host, with no policy violation", async () => {
        const document = canonical(planDocument(plan, await runPolicies(plan)));
        if (process.env.UPDATE_GOLDEN === "1") {
            fs.writeFileSync(GOLDEN_PLAN, document);
        }
        const golden = fs.readFileSync(GOLDEN_PLAN, "utf8");
        expect(
            differingUrns(document, golden),
            "the picluster plan changed: review it, then UPDATE_GOLDEN=1 npm run unit",
        ).to.deep.equal([]);
        expect(document, "the plan's outputs or violations changed").to.equal(golden);
        expect(JSON.parse(document).violations).to.deep.equal([]);
    });

    it("plans the same in this process as through the language host, resource for resource", async () => {
        const inProcess = await planStack({ stack: "picluster", inProcess: true });
        const through = canonical(planDocument(plan));
        const here = canonical(planDocument(inProcess));
        expect(differingUrns(here, through)).to.deep.equal([]);
        expect(here).to.equal(through);
    });

    it("is what docs/mesh-report.md shows between the mesh-report markers", async () => {
        const page = fs.readFileSync(REPORT_PAGE, "utf8");
        expect(
            sectionOf(page, REPORT_SECTION),
            "docs/mesh-report.md is stale: run npm run --silent mesh-report -- --stack picluster --write-docs",
        ).to.equal(sectionBody(await stackReport(stackFilePath("picluster"))));
    });

    it("sets every switch itself, so that a change of default never changes the cluster", () => {
        const raw = projectConfig(readStackFile(stackFilePath("picluster")));
        const unset = [...STATED_SWITCHES.map((s) => s.path), ["kiali", "auth", "strategy"]]
            .filter((switchPath) => {
                const parent = switchPath
                    .slice(0, -1)
                    .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), raw);
                return !isRecord(parent) || !(switchPath[switchPath.length - 1] in parent);
            })
            .map((switchPath) => switchPath.join("."));
        expect(unset).to.deep.equal([]);
    });
});
