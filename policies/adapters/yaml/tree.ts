// The files a build may read: the named input's, and what kustomizations and Flux reference
// beside them (bases in sibling directories, generator inputs, Flux paths from the repository
// root). Read from disk on demand, or from texts held in memory for tests.
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_LIMITS, readBytesIfPresent, ReadLimits } from "./files";

export interface FileTree {
    /**
     * A file's bytes; undefined when it is missing or a directory. Throws UnusableInputError for
     * a file that cannot be read safely (a FIFO, a device, one above the size limit).
     */
    bytes(real: string): Buffer | undefined;
    isDirectory(real: string): boolean;
    /** The names in a directory, sorted; empty when it is not one. */
    list(real: string): string[];
    /** How a path is shown to the user. */
    display(real: string): string;
}

function sorted(names: string[]): string[] {
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Forward slashes everywhere, so that output and tests read the same on every platform. */
export function toDisplay(file: string): string {
    return file.split(path.sep).join("/");
}

/**
 * The files on disk. `displays` names the input's files as the user named them; other paths are
 * shown below the named path that holds them, else relative to the working directory.
 */
export function diskTree(
    displays: ReadonlyMap<string, string>,
    named: readonly string[] = [],
    /** Files already read, by resolved path: not read again. */
    read: ReadonlyMap<string, Buffer> = new Map(),
    limits: ReadLimits = DEFAULT_LIMITS,
): FileTree {
    const roots = named.flatMap((shown) => {
        try {
            return [{ display: shown, real: fs.realpathSync(shown) }];
        } catch {
            return [];
        }
    });
    const display = (real: string) => {
        const known = displays.get(real);
        if (known) {
            return known;
        }
        const root = roots.find((r) => real === r.real || real.startsWith(r.real + path.sep));
        return toDisplay(
            root
                ? path.join(root.display, path.relative(root.real, real))
                : path.relative(process.cwd(), real) || ".",
        );
    };
    const bytes = new Map<string, Buffer | undefined>();
    const listings = new Map<string, string[]>();
    const stats = new Map<string, boolean>();
    return {
        bytes(real) {
            if (!bytes.has(real)) {
                bytes.set(real, read.get(real) ?? readBytesIfPresent(real, display(real), limits));
            }
            return bytes.get(real);
        },
        isDirectory(real) {
            if (!stats.has(real)) {
                let directory: boolean;
                try {
                    directory = fs.statSync(real).isDirectory();
                } catch {
                    directory = false;
                }
                stats.set(real, directory);
            }
            return stats.get(real)!;
        },
        list(real) {
            if (!listings.has(real)) {
                let names: string[];
                try {
                    names = sorted(fs.readdirSync(real));
                } catch {
                    names = [];
                }
                listings.set(real, names);
            }
            return listings.get(real)!;
        },
        display,
    };
}

/** Files held in memory by path: for tests and for callers that have texts, not files. */
export function memoryTree(
    files: readonly { real: string; display: string; text: string }[],
): FileTree {
    const texts = new Map(files.map((file) => [file.real, file]));
    const children = new Map<string, Set<string>>();
    for (const file of files) {
        let child = file.real;
        for (let dir = path.dirname(child); ; dir = path.dirname(dir)) {
            const names = children.get(dir) ?? new Set<string>();
            names.add(path.basename(child));
            children.set(dir, names);
            if (path.dirname(dir) === dir) {
                break;
            }
            child = dir;
        }
    }
    return {
        bytes: (real) => {
            const file = texts.get(real);
            return file ? Buffer.from(file.text, "utf8") : undefined;
        },
        isDirectory: (real) => children.has(real),
        list: (real) => sorted([...(children.get(real) ?? [])]),
        display: (real) => texts.get(real)?.display ?? toDisplay(real),
    };
}

/**
 * A tree with one more file held in memory (the standard input's bytes) at `real`, in a directory
 * of its own: nothing else is there, and nothing on disk is read for it.
 */
export function withFile(
    tree: FileTree,
    file: { real: string; display: string; bytes: Buffer },
): FileTree {
    const dir = path.dirname(file.real);
    const own = (real: string) => real === dir || real.startsWith(dir + path.sep);
    return {
        bytes: (real) =>
            own(real) ? (real === file.real ? file.bytes : undefined) : tree.bytes(real),
        isDirectory: (real) => (own(real) ? real === dir : tree.isDirectory(real)),
        list: (real) =>
            own(real) ? (real === dir ? [path.basename(file.real)] : []) : tree.list(real),
        display: (real) => (real === file.real ? file.display : tree.display(real)),
    };
}
