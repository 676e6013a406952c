// The runner: decides whether a rule applies to an input (and says why not), then lets it judge.
// The linter and the benchmarks run every rule at once through `evaluate`; the CrossGuard
// adapter runs one rule per policy through `judgeSubject` and `judgeInventory`.
import { MeshIndex } from "./inventory";
import { Inventory, Subject } from "./model";
import {
    Finding,
    InventoryRule,
    missingCapability,
    resolveConfig,
    Rule,
    SubjectRule,
} from "./rule";

/** A rule's verdict on an input: its findings, or why it does not apply. */
export type Judgement =
    | { readonly findings: Finding[]; readonly notApplicable?: undefined }
    | { readonly notApplicable: string; readonly findings?: undefined };

/** Why a rule judges nothing in an input: the input has none of what it judges. */
export function nothingToJudge(what: string): string {
    return `the input has no ${what}`;
}

/** A subject rule on one subject (its config already resolved). */
export function judgeSubject(
    rule: SubjectRule<unknown>,
    subject: Subject,
    config: unknown,
): Judgement {
    if (!rule.judges.test(subject)) {
        return { notApplicable: nothingToJudge(rule.judges.what) };
    }
    return { findings: rule.check(subject, config) };
}

/** An inventory rule on a whole input (its config already resolved). */
export function judgeInventory(
    rule: InventoryRule<unknown, unknown>,
    index: MeshIndex,
    config: unknown,
): Judgement {
    const missing = missingCapability(rule, index.inventory);
    if (missing) {
        return { notApplicable: missing };
    }
    const judged = rule.judges.select(index, config);
    if (judged.length === 0) {
        return { notApplicable: nothingToJudge(rule.judges.what) };
    }
    return { findings: rule.check(judged, index, config) };
}

export interface Evaluation {
    readonly findings: Finding[];
    /** Rules that judged nothing, with why. */
    readonly notApplicable: { code: string; reason: string }[];
}

/** Every subject of an inventory, in input order. */
export function subjectsOf(inventory: Inventory): Subject[] {
    return [...inventory.objects, ...inventory.releases, ...inventory.oidcClients];
}

/** Runs each rule with its defaults merged with `config[rule.name]`. */
export function evaluate(
    inventory: Inventory,
    rules: readonly Rule[],
    config: Readonly<Record<string, Record<string, unknown>>> = {},
    index: MeshIndex = new MeshIndex(inventory),
): Evaluation {
    const subjects = subjectsOf(inventory);
    const findings: Finding[] = [];
    const skipped: Evaluation["notApplicable"] = [];
    for (const rule of rules) {
        const ruleConfig = resolveConfig(rule, config[rule.name]);
        if (rule.scope === "subject") {
            const judged = subjects.filter((subject) => rule.judges.test(subject));
            if (judged.length === 0) {
                skipped.push({ code: rule.code, reason: nothingToJudge(rule.judges.what) });
            }
            for (const subject of judged) {
                findings.push(...rule.check(subject, ruleConfig));
            }
            continue;
        }
        const judgement = judgeInventory(rule, index, ruleConfig);
        if (judgement.notApplicable !== undefined) {
            skipped.push({ code: rule.code, reason: judgement.notApplicable });
        } else {
            findings.push(...judgement.findings);
        }
    }
    return { findings, notApplicable: skipped };
}
