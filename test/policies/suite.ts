// The checks a fixture suite must pass, as functions that return problems, so that the specs can
// also show that a broken suite is caught (a fixture naming no rule, a rule that says "not
// applicable" where it should judge, the kyverno#9379 trap; a rule without fixtures).
import * as path from "path";
import { runPolicies } from "../../harness/engine";
import { policies } from "../../policies/policies";
import { Rule } from "../../policies/core";
import { ruleByCode } from "../../policies/rules";
import { Fixture } from "./fixtures";

/** The Pulumi name in a URN (its last part). */
export function nameOfUrn(urn: string | undefined): string {
    return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "stack";
}

/** What is wrong with a fixture's outcome; empty when the rule behaved as the fixture expects. */
export async function verifyFixture(fixture: Fixture): Promise<string[]> {
    const rule = ruleByCode(fixture.code);
    if (!rule) {
        return [`${fixture.file}: names rule ${fixture.code}, which does not exist`];
    }
    const policy = policies.find((p) => p.name === rule.name)!;
    const run = await runPolicies(fixture.plan, {
        policies: [policy],
        config: fixture.config ? { [rule.name]: fixture.config } : undefined,
    });
    const judged = run.judged.get(rule.name) ?? 0;
    const reasons = [...new Set(run.notApplicable.map((n) => n.reason))];
    const problems: string[] = [];
    if (fixture.kind === "not-applicable") {
        if (judged > 0) {
            problems.push(`${fixture.file}: ${rule.code} judged the input instead of not applying`);
        }
        if (JSON.stringify(reasons) !== JSON.stringify([fixture.notApplicable])) {
            problems.push(
                `${fixture.file}: ${rule.code} gave not-applicable reasons ${JSON.stringify(reasons)}, expected ${JSON.stringify([fixture.notApplicable])}`,
            );
        }
        return problems;
    }
    if (judged === 0) {
        problems.push(
            `${fixture.file}: ${rule.code} reported not applicable (${reasons.join("; ")}) where it should judge`,
        );
    }
    if (fixture.kind === "fail" && fixture.expect.length === 0) {
        problems.push(`${fixture.file}: a failing fixture must expect a violation`);
    }
    if (fixture.kind === "pass" && fixture.expect.length > 0) {
        problems.push(`${fixture.file}: a passing fixture cannot expect violations`);
    }
    const actual = run.violations.map((v) => ({
        resource: nameOfUrn(v.urn),
        message: v.message,
    }));
    if (JSON.stringify(actual) !== JSON.stringify(fixture.expect)) {
        problems.push(
            `${fixture.file}: expected ${JSON.stringify(fixture.expect, null, 2)}\nbut ${rule.code} reported ${JSON.stringify(actual, null, 2)}`,
        );
    }
    const wrongLevel = run.violations.filter((v) => v.level !== rule.enforcementLevel);
    if (!fixture.config && wrongLevel.length > 0) {
        problems.push(
            `${fixture.file}: violations at level ${wrongLevel[0].level}, not ${rule.enforcementLevel}`,
        );
    }
    return problems;
}

/** Rules without a passing and a failing fixture, and fixture folders that name no rule. */
export function suiteGaps(
    rules: readonly Rule[],
    folders: readonly string[],
    files: (code: string) => string[],
): string[] {
    const gaps: string[] = [];
    for (const folder of folders) {
        if (!rules.some((rule) => rule.code === folder)) {
            gaps.push(`fixture folder ${folder} names no rule`);
        }
    }
    for (const rule of rules) {
        const names = folders.includes(rule.code)
            ? files(rule.code).map((f) => path.basename(f))
            : [];
        for (const kind of ["pass", "fail"]) {
            if (!names.some((name) => name.startsWith(kind))) {
                gaps.push(`${rule.code} ${rule.name} has no ${kind} fixture`);
            }
        }
    }
    return gaps;
}
