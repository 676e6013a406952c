// Every rule of the pack.
import { Rule } from "../core";
import { accessRules } from "./access";
import { annotationRules } from "./annotations";
import { attachmentRules } from "./attachment";
import { authorizationRules } from "./authorization";
import { conformanceRules } from "./conformance";
import { gatewayRules } from "./gateways";
import { jwksRules } from "./jwks";
import { kialiRules } from "./kiali";
import { meshRules } from "./mesh";
import { networkRules } from "./network";
import { observabilityRules } from "./observability";
import { outsideClientRules } from "./outsideClients";
import { peerAuthenticationRules } from "./peerAuthentication";
import { referenceRules } from "./references";
import { releaseRules } from "./releases";
import { selectionRules } from "./selection";
import { telemetryRules } from "./telemetry";
import { validationRules } from "./validation";

/** Every rule, sorted by code: modules group rules by subject, codes by what they check. */
export const rules: readonly Rule[] = [
    ...peerAuthenticationRules,
    ...meshRules,
    ...selectionRules,
    ...networkRules,
    ...releaseRules,
    ...observabilityRules,
    ...telemetryRules,
    ...kialiRules,
    ...accessRules,
    ...authorizationRules,
    ...attachmentRules,
    ...validationRules,
    ...referenceRules,
    ...outsideClientRules,
    ...gatewayRules,
    ...annotationRules,
    ...jwksRules,
    ...conformanceRules,
].sort((a, b) => a.code.localeCompare(b.code));

/** The rule with this code. */
export function ruleByCode(code: string): Rule | undefined {
    return rules.find((rule) => rule.code === code);
}
