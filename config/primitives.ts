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
export const k8sName = z
    .string()
    .regex(new RegExp(`^${dnsLabel}$`), "a Kubernetes name: lower-case letters, digits and '-'");
export const chartVersion = z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "a pinned chart version such as 1.30.3");
export const httpUrl = z
    .string()
    .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, "an http:// or https:// URL");
export const chartRepository = z
    .string()
    .regex(/^(https?|oci):\/\/[^\s]+$/, "a chart repository URL (https://… or oci://…)");
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
