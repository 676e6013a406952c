// CrossGuard glue: each rule becomes a policy with its catalogue entry's name, description and
// level. Rules that judge one subject become resource policies; rules that need the whole input
// become stack policies. The core's runner decides whether a rule applies; the policy passes its
// "not applicable" on to the engine, so that the engine (and our tests) can tell a pass from a
// rule that never looked.
import {
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { toInventory, toSubject } from "./adapters/pulumi";
import { judgeInventory, judgeSubject, MeshIndex, resolveConfig, Rule } from "./core";

export type MeshPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The CrossGuard policy for a rule. */
export function toPolicy(rule: Rule): MeshPolicy {
    const metadata = {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        ...(Object.keys(rule.config).length > 0 && { configSchema: { properties: rule.config } }),
    };
    if (rule.scope === "subject") {
        return {
            ...metadata,
            validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
                const subject = toSubject(args);
                if (!subject) {
                    return args.notApplicable(`${rule.name} does not check ${args.type}`);
                }
                // The CLI fills in schema defaults; merging them again keeps direct callers honest.
                const config = resolveConfig(rule, args.getConfig<Record<string, unknown>>());
                const judgement = judgeSubject(rule, subject, config);
                if (judgement.notApplicable !== undefined) {
                    return args.notApplicable(`${rule.name} does not check ${args.type}`);
                }
                for (const finding of judgement.findings) {
                    report(finding.message);
                }
            },
        };
    }
    return {
        ...metadata,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const judgement = judgeInventory(
                rule,
                new MeshIndex(toInventory(args.resources)),
                resolveConfig(rule, args.getConfig<Record<string, unknown>>()),
            );
            if (judgement.notApplicable !== undefined) {
                return args.notApplicable(judgement.notApplicable);
            }
            for (const finding of judgement.findings) {
                report(finding.message, finding.object?.source.urn);
            }
        },
    };
}
