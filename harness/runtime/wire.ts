// Property values as they travel between a Pulumi program and the engine: a protobuf Struct whose
// plain JSON carries Pulumi's signatures for secrets, unknowns, resource references, assets and
// output values (@pulumi/pulumi runtime/rpc.js). The plan records them as plain JSON with every
// secret masked.
import { isRecord } from "../../policies/core";

/** The value the engine sends for what is not known yet (providers.UnknownID). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The string every secret value is replaced with. */
export const SECRET_MASK = "[secret]";
/** The string every unknown value is replaced with. */
export const UNKNOWN_MASK = "[unknown]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG = {
    secret: "1b47061264138c4ac30d75fd1eb44270",
    asset: "c44067f5952c0a294b673a41bacd8c17",
    archive: "0def7320c3a5731c473e5ecbe6d01bc7",
    resource: "5cf8f73096256a8f31e491e813e4eb8e",
    outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
};

type Wire = Record<string, unknown>;

const isWire = isRecord as (value: unknown) => value is Wire;

/** A value wrapped as a secret, as the engine wraps additional secret outputs. */
export function secretValue(value: unknown): Wire {
    return { [SIG_KEY]: SIG.secret, value };
}

export function isSecretValue(value: unknown): boolean {
    return isWire(value) && value[SIG_KEY] === SIG.secret;
}

/** Every string a secret holds (collected so that it can be masked wherever else it shows up). */
export function secretStrings(value: unknown, found: Set<string> = new Set()): Set<string> {
    const collect = (entry: unknown, inSecret: boolean): void => {
        if (typeof entry === "string") {
            if (inSecret) {
                found.add(entry);
            }
        } else if (Array.isArray(entry)) {
            entry.forEach((item) => collect(item, inSecret));
        } else if (isWire(entry)) {
            const secret =
                inSecret ||
                entry[SIG_KEY] === SIG.secret ||
                (entry[SIG_KEY] === SIG.outputValue && entry.secret === true);
            Object.values(entry).forEach((item) => collect(item, secret));
        }
    };
    collect(value, false);
    return found;
}

/**
 * A wire value as plain JSON: secrets masked, unknowns marked, resource references as their URN,
 * assets and archives as their path or URI, output values as their value.
 */
export function plainValue(value: unknown): unknown {
    if (value === UNKNOWN) {
        return UNKNOWN_MASK;
    }
    if (Array.isArray(value)) {
        return value.map(plainValue);
    }
    if (!isWire(value)) {
        return value;
    }
    switch (value[SIG_KEY]) {
        case SIG.secret:
            return SECRET_MASK;
        case SIG.outputValue:
            if (value.secret === true) {
                return SECRET_MASK;
            }
            return "value" in value ? plainValue(value.value) : UNKNOWN_MASK;
        case SIG.resource:
            return value.urn;
        case SIG.asset:
        case SIG.archive:
            return { asset: value.path ?? value.uri ?? "[text]" };
    }
    return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [key, plainValue(entry)]),
    );
}

/** A plain JSON value with every string replaced by what `replace` makes of it. */
function mapStrings(value: unknown, replace: (text: string) => unknown): unknown {
    if (typeof value === "string") {
        return replace(value);
    }
    if (Array.isArray(value)) {
        return value.map((item) => mapStrings(item, replace));
    }
    if (!isWire(value)) {
        return value;
    }
    return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [key, mapStrings(entry, replace)]),
    );
}

/**
 * A plan's value back on the wire, as the engine sends it to a policy pack: every `[secret]` a
 * secret (holding the mask, since the plan never kept the plaintext), every `[unknown]` the
 * unknown sentinel.
 */
export function wireValue(value: unknown): unknown {
    return mapStrings(value, (text) =>
        text === SECRET_MASK ? secretValue(text) : text === UNKNOWN_MASK ? UNKNOWN : text,
    );
}

/**
 * A plan's value as a policy sees it once @pulumi/policy has deserialized the wire form: secrets
 * unwrapped (to the mask), unknowns as the sentinel its unknown-checking proxy looks for.
 */
export function policyValue(value: unknown): unknown {
    return mapStrings(value, (text) => (text === UNKNOWN_MASK ? UNKNOWN : text));
}
