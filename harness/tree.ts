// Trees of files written on the fly, for the commands' tests and the benchmarks.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Writes files (path → text) into a fresh temporary directory and returns its path. */
export function writeTree(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "picluster-mesh-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    return root;
}
