// Runs rules over a whole input at once: the way a linter (plain YAML) or a benchmark uses the
// core. The CrossGuard adapter runs the same rules one policy at a time instead.
import { MeshIndex } from "./inventory";
import { Inventory, Subject } from "./model";
import { Finding, isNotApplicable, missingCapability, resolveConfig, Rule } from "./rule";

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
): Evaluation {
    const index = new MeshIndex(inventory);
    const subjects = subjectsOf(inventory);
    const findings: Finding[] = [];
    const skipped: Evaluation["notApplicable"] = [];
    for (const rule of rules) {
        const missing = missingCapability(rule, inventory);
        if (missing) {
            skipped.push({ code: rule.code, reason: missing });
            continue;
        }
        const ruleConfig = resolveConfig(rule, config[rule.name]);
        if (rule.scope === "subject") {
            const judged = subjects.filter((subject) => rule.appliesTo(subject));
            if (judged.length === 0) {
                skipped.push({ code: rule.code, reason: "no resource it checks" });
            }
            for (const subject of judged) {
                findings.push(...rule.check(subject, ruleConfig));
            }
            continue;
        }
        const result = rule.check(index, ruleConfig);
        if (isNotApplicable(result)) {
            skipped.push({ code: rule.code, reason: result.notApplicable });
        } else {
            findings.push(...result);
        }
    }
    return { findings, notApplicable: skipped };
}
