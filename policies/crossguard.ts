// CrossGuard glue: each rule becomes a policy. Rules that judge one subject become resource
// policies; rules that need the whole input become stack policies. Policies report through the
// engine's `reportViolation` and say `notApplicable` when they have nothing to judge, so that the
// engine (and our tests) can tell a pass from a rule that never looked.
import {
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { toInventory, toSubject } from "./adapters/pulumi";
import { isNotApplicable, MeshIndex, missingCapability, resolveConfig, Rule } from "./core";

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
                if (!subject || !rule.appliesTo(subject)) {
                    return args.notApplicable(`${rule.name} does not check ${args.type}`);
                }
                // The CLI fills in schema defaults; merging them again keeps direct callers honest.
                const config = resolveConfig(rule, args.getConfig<Record<string, unknown>>());
                for (const finding of rule.check(subject, config)) {
                    report(finding.message);
                }
            },
        };
    }
    return {
        ...metadata,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const inventory = toInventory(args.resources);
            const missing = missingCapability(rule, inventory);
            if (missing) {
                return args.notApplicable(missing);
            }
            const result = rule.check(
                new MeshIndex(inventory),
                resolveConfig(rule, args.getConfig<Record<string, unknown>>()),
            );
            if (isNotApplicable(result)) {
                return args.notApplicable(result.notApplicable);
            }
            for (const finding of result) {
                report(finding.message, finding.object?.source.urn);
            }
        },
    };
}
