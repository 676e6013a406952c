// The checks a fixture suite must pass, as functions that return problems, so that the specs can
// also show that a broken suite is caught (a fixture naming no rule, a rule that says "not
// applicable" where it should judge, the kyverno#9379 trap; a rule without fixtures). Each
// fixture runs twice: through the core's runner, whose findings carry their template and
// arguments, and through CrossGuard's entry points, which must report the same sentences.
import * as path from "path";
import { planInventory, runPolicies } from "../../harness/engine";
import {
    evaluate,
    Finding,
    inputOf,
    MeshIndex,
    Rule,
    subjectsOf,
    WORKLOADS_INPUT,
} from "../../policies/core";
import { policies } from "../../policies/policies";
import { ruleByCode } from "../../policies/rules";
import { Expectation, Fixture, fixtureFiles, fixtureFolders, readFixture } from "./fixtures";

/** The Pulumi name in a URN (its last part). */
export function nameOfUrn(urn: string | undefined): string {
    return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "stack";
}

/** A finding as a fixture expects it: the resource's Pulumi name, the template, the arguments. */
export function expectationOf(finding: Finding): Expectation {
    return {
        resource: nameOfUrn(finding.object?.source.urn),
        template: finding.template,
        args: { ...finding.args },
    };
}

/** The rule's findings on a fixture, through the core's runner. */
export function coreFindings(rule: Rule, fixture: Fixture): Finding[] {
    const config = fixture.config ? { [rule.name]: fixture.config } : undefined;
    return evaluate(planInventory(fixture.plan), [rule], config).findings;
}

/** JSON with sorted keys: equal values, equal text, whatever order their keys were written in. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, entry) =>
        entry !== null && typeof entry === "object" && !Array.isArray(entry)
            ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b)))
            : entry,
    );
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
    const findings = coreFindings(rule, fixture);
    const actual = findings.map(expectationOf);
    if (canonical(actual) !== canonical(fixture.expect)) {
        problems.push(
            `${fixture.file}: expected ${JSON.stringify(fixture.expect, null, 2)}\nbut ${rule.code} reported ${JSON.stringify(actual, null, 2)}`,
        );
    }
    const engine = run.violations.map((v) => `${nameOfUrn(v.urn)}: ${v.message}`);
    const core = findings.map((f) => `${nameOfUrn(f.object?.source.urn)}: ${f.message}`);
    if (canonical(engine) !== canonical(core)) {
        problems.push(
            `${fixture.file}: through CrossGuard ${rule.code} reported ${JSON.stringify(engine, null, 2)}\nbut the core found ${JSON.stringify(core, null, 2)}`,
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

/** Every sentence a rule says over its fixtures, one line each: `file resource: message`. */
export function goldenSentences(rule: Rule): string {
    return fixtureFiles(rule.code)
        .map(readFixture)
        .flatMap((fixture) =>
            coreFindings(rule, fixture).map(
                (f) => `${fixture.file} ${nameOfUrn(f.object?.source.urn)}: ${f.message}\n`,
            ),
        )
        .join("");
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

/** Every fixture of the suite, read once. */
export function allFixtures(): Fixture[] {
    return fixtureFolders().flatMap((code) => fixtureFiles(code).map(readFixture));
}

/**
 * Where a rule reads other inputs than it declares, or declares inputs no fixture makes it read
 * (istioctl's CheckMetadataInputs): each rule runs over every fixture of the suite, and what it
 * asks the index for, and the subjects it judges, are its inputs.
 */
export function inputGaps(rules: readonly Rule[], fixtures: readonly Fixture[]): string[] {
    const gaps: string[] = [];
    const inventories = fixtures.map((fixture) => planInventory(fixture.plan));
    for (const rule of rules) {
        const read = new Set<string>();
        for (const inventory of inventories) {
            const index = new MeshIndex(inventory);
            index.onRead = (input) => read.add(input);
            if (rule.scope === "subject") {
                subjectsOf(inventory)
                    .filter((subject) => rule.judges.test(subject))
                    .forEach((subject) => read.add(inputOf(subject)));
            }
            evaluate(inventory, [rule], {}, index);
        }
        const declared = new Set([
            ...rule.inputs.kinds,
            ...(rule.inputs.workloads ? [WORKLOADS_INPUT] : []),
        ]);
        for (const input of read) {
            if (!declared.has(input)) {
                gaps.push(`${rule.code} reads ${input} but does not declare it`);
            }
        }
        for (const input of declared) {
            if (!read.has(input)) {
                gaps.push(`${rule.code} declares ${input} but no fixture makes it read it`);
            }
        }
    }
    return gaps;
}
