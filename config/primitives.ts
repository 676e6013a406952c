// The building blocks of the config schema: leaf types with their "what is allowed" text. Kept
// apart from schema.ts so that every section module can use them without an import cycle.
import { z } from "zod";

// Each leaf carries its own "what is allowed" text: zod reports it as the issue message and
// config/load.ts prints it after the key and the offending value.
export const dnsLabel = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
export const domainName = z
    .string({ error: "a DNS domain such as homelab.example.com" })
    .regex(
        new RegExp(`^${dnsLabel}(\\.${dnsLabel})+$`),
        "a DNS domain such as homelab.example.com",
    );
const k8sNameText = "a Kubernetes name: at most 63 lower-case letters, digits and '-'";
export const k8sName = z
    .string()
    .max(63, k8sNameText)
    .regex(new RegExp(`^${dnsLabel}$`), k8sNameText);
export const chartVersion = z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "a pinned chart version such as 1.30.3");
const httpUrlText = "an http:// or https:// URL without credentials in it";
export const httpUrl = z
    .string()
    .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, httpUrlText)
    // user:password@host would land in plaintext in the plan and the state.
    .regex(/^https?:\/\/[^/@]*$|^https?:\/\/[^/@]*\//, httpUrlText);
const chartRepositoryText =
    "a chart repository URL (https://… or oci://…) without credentials in it";
export const chartRepository = z
    .string()
    .regex(/^(https?|oci):\/\/[^\s]+$/, chartRepositoryText)
    .regex(/^[a-z]+:\/\/[^/@]*($|\/)/, chartRepositoryText);
export const quantity = z
    .string()
    .regex(/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, "a Kubernetes quantity such as 100m or 128Mi");
export const ipv4 = z
    .string()
    .regex(
        /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/,
        "an IPv4 address such as 10.0.0.67",
    );
export const port = z
    .number()
    .int("a whole port number from 1 to 65535")
    .min(1, "a port number from 1 to 65535")
    .max(65535, "a port number from 1 to 65535");
/** Free-form Helm values, merged under the values this program requires. */
export const helmValues = z.record(z.string(), z.unknown());
