// The official SARIF 2.1.0 JSON Schema (a draft-04 schema, as @microsoft/jest-sarif ships it),
// with the string formats it names checked too: Ajv knows none of them by itself, and an
// unencoded path in a URI is exactly what a viewer would fail on.
import Ajv from "ajv-draft-04";
import * as fs from "fs";

const SCHEMA_FILE = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

/** RFC 3986's characters of a URI reference; `%` only as the start of an escape. */
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** RFC 3339's date-time. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

let validator: ((log: unknown) => string[]) | undefined;

/** The schema's complaints about a SARIF log, one line each; empty when it validates. */
export function sarifErrors(log: unknown): string[] {
    if (!validator) {
        // The schema's `language` pattern is not valid with the `u` flag Ajv uses by default.
        const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
        ajv.addFormat(
            "uri",
            (value: string) => URI_REFERENCE.test(value) && /^[a-z][a-z0-9+.-]*:/i.test(value),
        );
        ajv.addFormat("uri-reference", (value: string) => URI_REFERENCE.test(value));
        ajv.addFormat("date-time", (value: string) => DATE_TIME.test(value));
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
        validator = (value) =>
            validate(value)
                ? []
                : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    }
    return validator(log);
}
