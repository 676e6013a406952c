// Finds the YAML files under the paths a user names, and reads them. Any path that cannot be read
// makes the whole input unusable: a linter that silently skipped it would pass what it never saw.
import * as fs from "fs";
import * as path from "path";

/** An input path that cannot be read; the message is one line naming the path and why. */
export class UnusableInputError extends Error {
    constructor(
        readonly inputPath: string,
        reason: string,
    ) {
        super(`cannot read ${inputPath}: ${reason}`);
        this.name = "UnusableInputError";
    }
}

/** One YAML file of the input. */
export interface InputFile {
    /** The path as shown to the user: the named path, joined with the path below it. */
    readonly display: string;
    /** The resolved path (symbolic links followed), which identifies the file. */
    readonly real: string;
}

const REASONS: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOTDIR: "a part of the path is not a directory",
    ELOOP: "too many levels of symbolic links",
    EISDIR: "is a directory",
};

function unusable(inputPath: string, error: unknown): UnusableInputError {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const fallback = code || (error instanceof Error ? error.message : String(error));
    return new UnusableInputError(inputPath, REASONS[code] ?? fallback.split("\n")[0]);
}

export function isYamlFile(name: string): boolean {
    return name.endsWith(".yaml") || name.endsWith(".yml");
}

/** Forward slashes everywhere, so that output and tests read the same on every platform. */
function toDisplay(file: string): string {
    return file.split(path.sep).join("/");
}

/**
 * The YAML files below each path, in a stable order: a named file is taken whatever its name;
 * directories are walked recursively for `.yaml` and `.yml` files, skipping hidden directories
 * (`.git`). A file reached twice (overlapping paths, symbolic links) is listed once.
 * Throws {@link UnusableInputError} for a path that is missing or unreadable.
 */
export function collectYamlFiles(paths: readonly string[]): InputFile[] {
    const files: InputFile[] = [];
    const seenFiles = new Set<string>();
    const seenDirectories = new Set<string>();
    const addFile = (display: string, real: string) => {
        if (!seenFiles.has(real)) {
            seenFiles.add(real);
            files.push({ display: toDisplay(display), real });
        }
    };
    const walk = (display: string, real: string) => {
        if (seenDirectories.has(real)) {
            return;
        }
        seenDirectories.add(real);
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(real, { withFileTypes: true });
        } catch (error) {
            throw unusable(display, error);
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
            const childDisplay = path.join(display, entry.name);
            if (entry.isDirectory()) {
                if (!entry.name.startsWith(".")) {
                    walk(childDisplay, path.join(real, entry.name));
                }
            } else if (entry.isFile()) {
                if (isYamlFile(entry.name)) {
                    addFile(childDisplay, path.join(real, entry.name));
                }
            } else if (entry.isSymbolicLink()) {
                const target = resolve(childDisplay);
                if (target.stat.isDirectory() && !entry.name.startsWith(".")) {
                    walk(childDisplay, target.real);
                } else if (target.stat.isFile() && isYamlFile(entry.name)) {
                    addFile(childDisplay, target.real);
                }
            }
        }
    };
    for (const inputPath of paths) {
        const { stat, real } = resolve(inputPath);
        if (stat.isDirectory()) {
            walk(inputPath, real);
        } else if (stat.isFile()) {
            addFile(inputPath, real);
        } else {
            throw new UnusableInputError(inputPath, "not a file or directory");
        }
    }
    return files;
}

function resolve(inputPath: string): { stat: fs.Stats; real: string } {
    try {
        const real = fs.realpathSync(inputPath);
        return { stat: fs.statSync(real), real };
    } catch (error) {
        throw unusable(inputPath, error);
    }
}

/** A file's text. Throws {@link UnusableInputError} when it cannot be read. */
export function readText(file: InputFile): string {
    try {
        return fs.readFileSync(file.real, "utf8");
    } catch (error) {
        throw unusable(file.display, error);
    }
}
