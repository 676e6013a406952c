// Rules on the mesh's telemetry: Telemetry resources name providers istiod defines.
import { describeSubject } from "../core/model";
import { InventoryRule, notApplicable } from "../core/rule";
import { listText, reporter, valueAt } from "./common";
import { istioChart } from "./releases";

interface TelemetryConfig {
    builtinProviders: string[];
}

const SIGNALS = ["tracing", "accessLogging", "metrics"];

const telemetryReport = reporter("PMX040");
export const requireDefinedProviders: InventoryRule<TelemetryConfig> = {
    code: "PMX040",
    name: "telemetry-require-defined-providers",
    description:
        "Checks that every provider a Telemetry resource names is defined in istiod's meshConfig.extensionProviders (or is built in), since istiod silently drops unknown ones; add the provider to istiod's values or fix the name.",
    enforcementLevel: "advisory",
    config: {
        builtinProviders: {
            type: "array",
            items: { type: "string" },
            description: "Providers istiod defines without meshConfig.",
            default: ["envoy", "prometheus"],
        },
    },
    requires: ["helmReleases"],
    scope: "inventory",
    check(index, config) {
        const telemetries = index.ofKind("Telemetry", ["telemetry.istio.io"]);
        if (telemetries.length === 0) {
            return notApplicable("the input has no Telemetry resource");
        }
        const istiods = index.releases.filter((r) => istioChart(r) === "istiod");
        if (istiods.length === 0) {
            return notApplicable("the input has no istiod release");
        }
        const defined = new Set(config.builtinProviders);
        for (const istiod of istiods) {
            const providers = valueAt(istiod.values, "meshConfig.extensionProviders");
            for (const provider of Array.isArray(providers) ? providers : []) {
                if (typeof provider?.name === "string") {
                    defined.add(provider.name);
                }
            }
        }
        return telemetries.flatMap((telemetry) => {
            const unknown = new Set<string>();
            for (const signal of SIGNALS) {
                const entries = telemetry.body.spec?.[signal];
                for (const entry of Array.isArray(entries) ? entries : []) {
                    for (const provider of entry?.providers ?? []) {
                        if (typeof provider?.name === "string" && !defined.has(provider.name)) {
                            unknown.add(`${signal} provider ${provider.name}`);
                        }
                    }
                }
            }
            if (unknown.size === 0) {
                return [];
            }
            return [
                telemetryReport(
                    telemetry,
                    `${describeSubject(telemetry)} names ${listText([...unknown])}, which istiod does not define (it defines ${listText([...defined].sort())}); add it to istiod's meshConfig.extensionProviders or use a defined name.`,
                ),
            ];
        });
    },
};

export const observabilityRules = [requireDefinedProviders];
