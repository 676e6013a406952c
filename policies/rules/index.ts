// Every rule of the pack, in code order.
import { Rule } from "../core";
import { accessRules } from "./access";
import { authorizationRules } from "./authorization";
import { kialiRules } from "./kiali";
import { meshRules } from "./mesh";
import { networkRules } from "./network";
import { observabilityRules } from "./observability";
import { outsideClientRules } from "./outsideClients";
import { peerAuthenticationRules } from "./peerAuthentication";
import { releaseRules } from "./releases";
import { selectionRules } from "./selection";

export const rules: readonly Rule[] = [
    ...peerAuthenticationRules,
    ...meshRules,
    ...selectionRules,
    ...networkRules,
    ...releaseRules,
    ...observabilityRules,
    ...kialiRules,
    ...accessRules,
    ...authorizationRules,
    ...outsideClientRules,
];

/** The rule with this code. */
export function ruleByCode(code: string): Rule | undefined {
    return rules.find((rule) => rule.code === code);
}
