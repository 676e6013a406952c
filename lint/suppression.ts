// Inline suppression: an object's annotation names the codes of findings on it that do not apply,
// and why (`PMX005,PMX017: the legacy client has no sidecar`). A suppressed finding is never
// dropped: it is counted and listed with its reason in every output format. An annotation that
// gives no reason, no code, or a code no rule has suppresses nothing and is a finding itself
// (YAML006), so that a typo never hides a finding nor passes unnoticed.
import { KubeObject } from "../policies/core";

/** The annotation that suppresses findings on its object. */
export const SUPPRESS_ANNOTATION = "picluster-mesh/lint-ignore";

/** What an annotation says: the codes it suppresses and why, or what is wrong with it. */
export type Suppression =
    | { readonly codes: readonly string[]; readonly reason: string }
    | { readonly problem: "codes" | "reason"; readonly codes: readonly string[] }
    | { readonly problem: "code"; readonly unknown: readonly string[] };

/**
 * An object's suppression annotation, read; undefined when it has none (or one that is not a
 * string, which the API server refuses and YAML005 reports where it checks annotations).
 */
export function suppressionOf(
    object: KubeObject,
    isCode: (code: string) => boolean,
): Suppression | undefined {
    const value = object.metadata.annotations?.[SUPPRESS_ANNOTATION];
    return typeof value === "string" ? readSuppression(value, isCode) : undefined;
}

/** `PMX005, PMX017: reason` → the codes and the reason, or what is missing. */
export function readSuppression(value: string, isCode: (code: string) => boolean): Suppression {
    const colon = value.indexOf(":");
    const head = colon < 0 ? value : value.slice(0, colon);
    const reason = colon < 0 ? "" : value.slice(colon + 1).trim();
    const codes = head.split(/[\s,]+/).filter((code) => code !== "");
    if (codes.length === 0) {
        return { problem: "codes", codes };
    }
    const unknown = codes.filter((code) => !isCode(code));
    if (unknown.length > 0) {
        return { problem: "code", unknown };
    }
    return reason === "" ? { problem: "reason", codes } : { codes, reason };
}
