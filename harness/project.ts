// Where the project is: the directory of Pulumi.yaml above this module, whether it runs from its
// source or compiled into bin/. Only Node's own modules: commands read it before anything else.
import * as fs from "fs";
import * as path from "path";

function projectRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no Pulumi.yaml above ${from}`);
        }
    }
}

/** The project's root directory (where Pulumi.yaml and package.json live). */
export const PROJECT_ROOT = projectRoot(__dirname);

/** The top-level keys of a stack settings file (the Pulumi CLI's stack settings reference). */
export const STACK_FILE_KEYS: readonly string[] = [
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
    "config",
    "environment",
];

/** The policy pack's directory, which the Pulumi CLI runs as a plugin. */
export const PACK_DIRECTORY = path.join(PROJECT_ROOT, "policies");

function versionIn(directory: string): string {
    const file = path.join(directory, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** The project's version, from its package.json. */
export function projectVersion(): string {
    return versionIn(PROJECT_ROOT);
}

/** The policy pack's version, from its package.json, as @pulumi/policy reads it. */
export function packVersion(): string {
    return versionIn(PACK_DIRECTORY);
}
