// Rules on Kiali's own settings, wherever they are written: a Kiali custom resource, or the values
// of the kiali-operator chart (which creates the resource) or the kiali-server chart.
import { chartName, describeSubject, finding, Subject, subjectRule, valueAt } from "../core";
import { catalogue } from "../catalogue";
import { isObjectOf, listText } from "./common";

/** Where a subject keeps Kiali's settings. */
export interface KialiSettings {
    readonly values: unknown;
    /** The dotted path of the settings in {@link values}: `spec`, `cr.spec`, or `` (the root). */
    readonly at: string;
    /** Whether the settings become a Kiali resource, which the CRD's schema validates. */
    readonly resource: boolean;
}

/** Where a subject keeps Kiali's settings, if it configures a Kiali server. */
export function kialiSettings(subject: Subject): KialiSettings | undefined {
    if (isObjectOf(subject, "kiali.io", "Kiali")) {
        return { values: subject.body, at: "spec", resource: true };
    }
    if (subject.category !== "helm-release") {
        return undefined;
    }
    const chart = chartName(subject);
    if (chart === "kiali-operator" && valueAt(subject.values, "cr.create") === true) {
        return { values: subject.values, at: "cr.spec", resource: true };
    }
    if (chart === "kiali-server") {
        return { values: subject.values, at: "", resource: false };
    }
    return undefined;
}

/** The full path of a setting, and its value. */
export function kialiSetting(settings: KialiSettings, setting: string) {
    const path = settings.at === "" ? setting : `${settings.at}.${setting}`;
    return { path, value: valueAt(settings.values, path) };
}

/** How a message names a setting: `values cr.spec.x` for a release, `spec.x` for a resource. */
export function settingName(subject: Subject, path: string): string {
    return subject.category === "helm-release" ? `values ${path}` : path;
}

/** What the Kiali rules read: the Kiali resource, or the charts whose values hold its settings. */
export const KIALI_INPUTS = {
    kinds: ["kiali.io/Kiali", "helm/kiali-operator", "helm/kiali-server"],
};

/** What the Kiali rules judge. */
export const KIALI_SETTINGS = {
    what: "Kiali resource or Kiali chart release",
    test: (subject: Subject) => kialiSettings(subject) !== undefined,
};

const PMX042 = catalogue.PMX042;
export const requireStringWebPort = subjectRule({
    entry: PMX042,
    config: {},
    // The API server validates the resource, not a kiali-server chart's values.
    inputs: { kinds: ["kiali.io/Kiali", "helm/kiali-operator"] },
    judges: {
        what: "Kiali resource or kiali-operator release that creates one",
        test: (subject) => kialiSettings(subject)?.resource === true,
    },
    check(subject) {
        const { path, value } = kialiSetting(kialiSettings(subject)!, "server.web_port");
        if (value === undefined || value === null || typeof value === "string") {
            return [];
        }
        return [
            finding(PMX042, subject, "number", {
                subject: describeSubject(subject),
                field: settingName(subject, path),
                type: typeof value,
                value: JSON.stringify(value),
                quoted: JSON.stringify(String(value)),
            }),
        ];
    },
});

interface ServiceUrlConfig {
    prometheusPath: string;
    grafanaPath: string;
}

/** Kiali's in-cluster URLs of services it reads, and the config key of the path each serves at. */
const SERVICE_URLS: readonly {
    service: string;
    setting: string;
    path: keyof ServiceUrlConfig;
    option: string;
}[] = [
    {
        service: "Prometheus",
        setting: "external_services.prometheus.url",
        path: "prometheusPath",
        option: "its routePrefix",
    },
    {
        service: "Grafana",
        setting: "external_services.grafana.internal_url",
        path: "grafanaPath",
        option: "its sub-path",
    },
];

/** A URL's path without a trailing slash (`/` for none), or undefined when it is no http URL. */
function urlPath(url: unknown): string | undefined {
    const match = typeof url === "string" ? /^https?:\/\/[^/?#]*([^?#]*)/i.exec(url) : null;
    return match ? match[1].replace(/\/+$/, "") || "/" : undefined;
}

function trimmedPath(path: string): string {
    return `/${path.replace(/^\/+|\/+$/g, "")}`;
}

const PMX043 = catalogue.PMX043;
export const requireServiceUrlPaths = subjectRule<ServiceUrlConfig>({
    entry: PMX043,
    config: {
        prometheusPath: {
            type: "string",
            description:
                "The path Prometheus serves its API under (its routePrefix; kube-prometheus-stack's default is /).",
            default: "/",
        },
        grafanaPath: {
            type: "string",
            description:
                "The path Grafana serves under inside the cluster (/ unless serve_from_sub_path is on).",
            default: "/",
        },
    },
    inputs: KIALI_INPUTS,
    judges: KIALI_SETTINGS,
    check(subject, config) {
        const settings = kialiSettings(subject)!;
        const wrong = SERVICE_URLS.flatMap(({ service, setting, path, option }) => {
            const { path: field, value } = kialiSetting(settings, setting);
            const actual = urlPath(value);
            const expected = trimmedPath(config[path]);
            if (actual === undefined || actual === expected) {
                return [];
            }
            const problem = `${settingName(subject, field)} at the path ${actual}, but ${service} serves under ${expected} (${option})`;
            return [{ problem, key: path }];
        });
        if (wrong.length === 0) {
            return [];
        }
        const one = wrong.length === 1;
        return [
            finding(PMX043, subject, "paths", {
                subject: describeSubject(subject),
                problems: listText(wrong.map((w) => w.problem)),
                urls: one ? "URL's path" : "URLs' paths",
                keys: listText(wrong.map((w) => w.key)),
                services: one ? "the service serves" : "the services serve",
            }),
        ];
    },
});

export const kialiRules = [requireStringWebPort, requireServiceUrlPaths];
