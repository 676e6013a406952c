// Rules on Kiali's own settings, wherever they are written: a Kiali custom resource, or the values
// of the kiali-operator chart (which creates the resource) or the kiali-server chart.
import { describeSubject, Subject, SubjectRule, chartName, valueAt } from "../core";
import { isObjectOf, listText, reporter } from "./common";

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

const webPortReport = reporter("PMX042");
export const requireStringWebPort: SubjectRule = {
    code: "PMX042",
    name: "kiali-require-string-web-port",
    description:
        "Checks that a Kiali resource's server.web_port is a string, as the Kiali CRD's schema types it (the API server rejects a number, so the operator chart's install fails); quote the port, as in web_port: \"443\".",
    enforcementLevel: "mandatory",
    config: {},
    scope: "subject",
    appliesTo: (subject) => kialiSettings(subject)?.resource === true,
    check(subject) {
        const { path, value } = kialiSetting(kialiSettings(subject)!, "server.web_port");
        if (value === undefined || value === null || typeof value === "string") {
            return [];
        }
        return [
            webPortReport(
                subject,
                `${describeSubject(subject)} sets ${settingName(subject, path)} to the ${typeof value} ${JSON.stringify(value)}, but the Kiali CRD types it as a string, so the API server rejects the resource; write web_port: ${JSON.stringify(String(value))}.`,
            ),
        ];
    },
};

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

const serviceUrlReport = reporter("PMX043");
export const requireServiceUrlPaths: SubjectRule<ServiceUrlConfig> = {
    code: "PMX043",
    name: "kiali-require-service-url-paths",
    description:
        "Checks that Kiali's in-cluster Prometheus and Grafana URLs carry the path those services serve under (the root unless configured), or Kiali gets a redirect or a 404 and turns the integration off; correct the URL's path, or set prometheusPath or grafanaPath where the service serves under another.",
    enforcementLevel: "advisory",
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
    scope: "subject",
    appliesTo: (subject) => kialiSettings(subject) !== undefined,
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
            serviceUrlReport(
                subject,
                `${describeSubject(subject)} points ${listText(wrong.map((w) => w.problem))}, so Kiali gets a redirect or a 404 and turns the integration off; correct the ${one ? "URL's path" : "URLs' paths"}, or set ${listText(wrong.map((w) => w.key))} in this policy's config if ${one ? "the service serves" : "the services serve"} elsewhere.`,
            ),
        ];
    },
};

export const kialiRules = [requireStringWebPort, requireServiceUrlPaths];
