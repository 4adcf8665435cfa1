package io.ecompipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Output paths built from names that came from S3 keys: never outside the output folder. */
final class SafePaths {

    private SafePaths() {
    }

    /** {@code root/parts...} with each part reduced to a plain file name; parent folders are created. */
    static Path inside(Path root, String... parts) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        Path path = base;
        for (String part : parts) {
            String clean = part.replace('/', '_').replace('\\', '_').replace('\u0000', '_');
            if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
                clean = "_" + clean;
            }
            if (clean.length() > 200) {
                clean = clean.substring(0, 200);
            }
            path = path.resolve(clean);
        }
        path = path.normalize();
        if (!path.startsWith(base)) {
            throw new IOException("Refusing to write outside " + base + ": " + path);
        }
        Files.createDirectories(path.getParent());
        return path;
    }
}
